package io.pdlab.scenarios.model;

/**
 * {@code expect:}: what the run must show; a null field is not checked.
 *
 * @param outcome ok | degraded | stuck | split-brain | data-loss
 * @param clusterIds how many etcd cluster IDs formed
 * @param bootstrapWithinUs bootstrap no later than this
 * @param unavailableAtMostUs unavailable time at most this
 */
public record Expect(String outcome, Integer clusterIds, Long bootstrapWithinUs,
    Long unavailableAtMostUs) {}
