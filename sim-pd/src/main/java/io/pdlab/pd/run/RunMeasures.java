package io.pdlab.pd.run;

import io.pdlab.pd.etcd.MemberIds;
import io.pdlab.sim.trace.TraceRecord;
import java.util.ArrayList;
import java.util.List;

/**
 * What one run measured (protocols.md section 4). Times are microseconds; -1 means "never".
 *
 * @param bootstrapUs from the first member start to all N members voting and started with one
 *     leader in one cluster (and, for PD, the PD cluster ID written)
 * @param unavailableUs time after the first formation with no leader able to commit
 * @param zeroToleranceUs time after the first formation during which one more failure would lose
 *     quorum (healthy started voters below quorum + 1), unavailable time included
 * @param clusterIds etcd cluster IDs in which a leader was elected
 * @param pdClusterIds PD cluster IDs written
 * @param lostWrites acknowledged writes missing at the end
 * @param timeline membership changes, one line each
 * @param outcome the verdict
 * @param joins the runtime joins, each split into waiting for the add and the join itself
 */
public record RunMeasures(long bootstrapUs, long unavailableUs, long zeroToleranceUs,
    List<Long> clusterIds, List<Long> pdClusterIds, List<String> lostWrites,
    List<String> timeline, Outcome outcome, List<ClusterRecorder.Join> joins) {
  public RunMeasures {
    joins = List.copyOf(joins);
    clusterIds = List.copyOf(clusterIds);
    pdClusterIds = List.copyOf(pdClusterIds);
    lostWrites = List.copyOf(lostWrites);
    timeline = List.copyOf(timeline);
  }

  /**
   * The measures of a run of several clusters, from each cluster's: the worst outcome of them
   * ({@link Outcome}'s order), bootstrapped when the last of them bootstrapped (never if one
   * never did), the longest unavailable and zero-tolerance times of any one cluster, every
   * cluster's IDs and lost writes; the timeline and joins are the whole run's.
   */
  public static RunMeasures ofClusters(java.util.SortedMap<String, RunMeasures> clusters,
      List<String> timeline, List<ClusterRecorder.Join> joins) {
    if (clusters.isEmpty()) {
      throw new IllegalArgumentException("no clusters to combine");
    }
    long bootstrap = 0;
    long unavailable = 0;
    long zeroTolerance = 0;
    List<Long> ids = new ArrayList<>();
    List<Long> pdIds = new ArrayList<>();
    List<String> lost = new ArrayList<>();
    Outcome worst = Outcome.OK;
    for (RunMeasures m : clusters.values()) {
      bootstrap = bootstrap < 0 || m.bootstrapUs < 0 ? -1 : Math.max(bootstrap, m.bootstrapUs);
      unavailable = Math.max(unavailable, m.unavailableUs);
      zeroTolerance = Math.max(zeroTolerance, m.zeroToleranceUs);
      ids.addAll(m.clusterIds);
      pdIds.addAll(m.pdClusterIds);
      lost.addAll(m.lostWrites);
      worst = m.outcome.compareTo(worst) > 0 ? m.outcome : worst;
    }
    return new RunMeasures(bootstrap, unavailable, zeroTolerance, ids, pdIds, lost, timeline,
        worst, joins);
  }

  /** A stable multi-line summary. */
  public String describe() {
    List<String> ids = new ArrayList<>();
    for (long id : clusterIds) {
      ids.add(MemberIds.hex(id));
    }
    StringBuilder sb = new StringBuilder();
    sb.append("outcome=").append(outcome.label())
        .append(" bootstrap=").append(bootstrapUs < 0 ? "never" : TraceRecord.formatTime(bootstrapUs)
            + "s")
        .append(" unavailable=").append(TraceRecord.formatTime(unavailableUs)).append('s')
        .append(" zero-tolerance=").append(TraceRecord.formatTime(zeroToleranceUs)).append('s')
        .append(" clusters=").append(ids)
        .append(" pd-clusters=").append(pdClusterIds.size());
    for (String w : lostWrites) {
      sb.append("\nlost write: ").append(w);
    }
    return sb.toString();
  }
}
