package io.pdlab.cli;

import io.pdlab.pd.etcd.MemberIds;
import io.pdlab.pd.run.ClusterRecorder;
import io.pdlab.pd.run.RunMeasures;
import io.pdlab.k8s.controllers.PodTimes;
import io.pdlab.reports.JoinCost;
import io.pdlab.reports.PodTime;
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
    return of(r, strategy, members, fault, false);
  }

  /** As {@link #of(ScenarioResult, String, int, String)}, with the member pods' times if asked. */
  static RunRecord of(ScenarioResult r, String strategy, int members, String fault,
      boolean withPods) {
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
        pd, r.events(), params(r.scenario()), m.timeline(), joinCosts(m), r.nodeKinds(),
        withPods ? pods(r) : List.of());
  }

  /** The member pods' lives in the results' units (ms, {@code null} for never). */
  static List<PodTime> pods(ScenarioResult r) {
    List<PodTime> out = new ArrayList<>();
    for (PodTimes.Life l : r.pods()) {
      List<Long> restarts = new ArrayList<>();
      l.restartsUs().forEach(t -> restarts.add(t / 1_000));
      out.add(new PodTime(l.pod(), l.createdUs() / 1_000, ms(l.scheduledUs()), ms(l.startedUs()),
          ms(l.readyUs()), restarts, l.pendingReason()));
    }
    return out;
  }

  private static Long ms(long us) {
    return us < 0 ? null : us / 1_000;
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
