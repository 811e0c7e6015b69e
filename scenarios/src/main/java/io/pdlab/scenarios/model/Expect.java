package io.pdlab.scenarios.model;

import java.util.List;

/**
 * {@code expect:}: what the run must show; a null field is not checked.
 *
 * @param outcomes the outcome must be one of these (ok | degraded | stuck | split-brain |
 *     data-loss): {@code outcome: stuck} or {@code outcome: [stuck, degraded]}
 * @param clusterIds how many etcd cluster IDs formed
 * @param pdClusterIds how many PD cluster IDs were written (more than one: PD split-brain)
 * @param bootstrapWithinUs the cluster bootstraps, no later than this
 * @param bootstrapAfterUs the cluster bootstraps, no earlier than this
 * @param unavailableAtMostUs unavailable time at most this
 * @param unavailableAtLeastUs unavailable time at least this
 */
public record Expect(List<String> outcomes, Integer clusterIds, Integer pdClusterIds,
    Long bootstrapWithinUs, Long bootstrapAfterUs, Long unavailableAtMostUs,
    Long unavailableAtLeastUs) {
  public Expect {
    outcomes = outcomes == null ? null : List.copyOf(outcomes);
  }

  /** The expectations of earlier scenario files: one outcome, cluster IDs, two bounds. */
  public static Expect of(String outcome, Integer clusterIds, Long bootstrapWithinUs,
      Long unavailableAtMostUs) {
    return new Expect(outcome == null ? null : List.of(outcome), clusterIds, null,
        bootstrapWithinUs, null, unavailableAtMostUs, null);
  }
}
