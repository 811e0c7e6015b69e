package io.pdlab.sim.dag;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The result of {@link Dags#criticalPath}: the chain of tasks that determines the makespan, the
 * makespan itself, and per-task schedule data. The maps iterate in the topological order used for
 * the forward pass, so printing them is deterministic.
 *
 * @param path the critical chain, first task first; empty for an empty graph
 * @param totalUs the makespan: the largest earliest finish over all tasks (0 for an empty graph)
 * @param earliestStartUs earliest start of every task, in topological order
 * @param earliestFinishUs earliest finish of every task, in topological order
 * @param latestStartUs latest start of every task that does not delay the makespan, in
 *     topological order; backs {@link #slackUs}
 */
public record CriticalPath<V>(
    List<V> path,
    long totalUs,
    Map<V, Long> earliestStartUs,
    Map<V, Long> earliestFinishUs,
    Map<V, Long> latestStartUs) {

  public CriticalPath {
    path = List.copyOf(path);
    if (totalUs < 0) {
      throw new IllegalArgumentException("total must be >= 0 us, got " + totalUs);
    }
    earliestStartUs = frozen(earliestStartUs);
    earliestFinishUs = frozen(earliestFinishUs);
    latestStartUs = frozen(latestStartUs);
  }

  /**
   * How long task {@code v} can slip without delaying the makespan: latest start minus earliest
   * start. It is 0 for every task on {@link #path()}.
   *
   * @throws IllegalArgumentException if {@code v} is not a task of the analysed graph
   */
  public long slackUs(V v) {
    Long latest = latestStartUs.get(v);
    Long earliest = earliestStartUs.get(v);
    if (latest == null || earliest == null) {
      throw new IllegalArgumentException("unknown vertex: " + v);
    }
    return latest - earliest;
  }

  private static <V> Map<V, Long> frozen(Map<V, Long> m) {
    Objects.requireNonNull(m, "map");
    return Collections.unmodifiableMap(new LinkedHashMap<>(m));
  }
}
