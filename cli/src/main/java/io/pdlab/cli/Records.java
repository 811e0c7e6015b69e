package io.pdlab.cli;

import io.pdlab.pd.etcd.MemberIds;
import io.pdlab.pd.run.ClusterRecorder;
import io.pdlab.pd.run.RunMeasures;
import io.pdlab.reports.JoinCost;
import io.pdlab.reports.RunRecord;
import io.pdlab.scenarios.model.Scenario;
import io.pdlab.scenarios.run.ScenarioResult;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/** Turns a scenario run into a results record (the reports module's schema). */
final class Records {
  private Records() {}

  static RunRecord of(ScenarioResult r, String strategy, int members, String fault) {
    RunMeasures m = r.measures();
    List<String> etcd = new ArrayList<>();
    for (long id : m.clusterIds()) {
      etcd.add(MemberIds.hex(id));
    }
    List<String> pd = new ArrayList<>();
    for (long id : m.pdClusterIds()) {
      pd.add(Long.toUnsignedString(id));
    }
    return new RunRecord(r.scenario().name(), r.scenario().backend().label(), strategy,
        members, r.seed(), fault, m.outcome().label(), m.bootstrapUs() < 0 ? null
        : m.bootstrapUs() / 1_000, m.unavailableUs() / 1_000, m.zeroToleranceUs() / 1_000, etcd,
        pd, r.events(), params(r.scenario()), m.timeline(), joinCosts(m), r.nodeKinds());
  }

  /** The params a record of {@code sc} carries: its duration and its first cluster's timing. */
  static TreeMap<String, String> params(Scenario sc) {
    TreeMap<String, String> params = new TreeMap<>();
    params.put("durationMs", Long.toString(sc.durationUs() / 1_000));
    sc.clusters().get(0).timing().forEach(params::put);
    return params;
  }

  /** Each runtime join with what it was made of: waiting for the add, then the join itself. */
  static List<JoinCost> joinCosts(RunMeasures m) {
    List<JoinCost> out = new ArrayList<>();
    for (ClusterRecorder.Join j : m.joins()) {
      out.add(new JoinCost(j.member(), j.totalUs() / 1_000, String.format(java.util.Locale.ROOT,
          "wait for the add %.1f s + join %.1f s", j.waitUs() / 1e6, j.joinUs() / 1e6)));
    }
    return out;
  }
}
