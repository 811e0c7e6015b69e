package io.pdlab.scenarios.model;

import java.util.SortedMap;

/**
 * {@code clusters[]}: one Raft cluster (a TidbCluster for the tidb-operator strategies).
 *
 * @param timing overrides of named model parameters, e.g. {@code tickMs: 500}, {@code
 *     electionMs: 3000}, {@code preVote: true} (names checked by the parser against {@link
 *     #TIMING_KEYS})
 */
public record ClusterDef(String name, String strategy, int pdReplicas, int tikvReplicas,
    int tidbReplicas, SortedMap<String, String> timing) {
  public ClusterDef {
    timing = java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(timing));
  }

  /** The model parameters a scenario may override. */
  public static final java.util.List<String> TIMING_KEYS = java.util.List.of("tickMs",
      "electionMs", "preVote", "strictReconfigCheck", "profile", "containerStartMs", "reconcileMs",
      "podManagementPolicy", "etcdVersion", "clientWritesPerSecond", "tidbOperatorVersion",
      "mutant");

  /**
   * {@code timing.mutant}: a deliberately broken operator, for tests that must find it ({@code
   * pdlab explore}'s mutant test); never a default. {@code discovery-without-count}: tidb-operator's
   * discovery hands {@code --initial-cluster} to every PD that asks, without counting the
   * TidbCluster's replicas first (the simulator's discovery pod only). {@code
   * discovery-fails-on-restart}: not an operator's defect but pdlab's own, the simulator's
   * discovery pod throwing when it is created a second time, which {@code pdlab explore} must
   * report as a model failure and go on.
   */
  public static final java.util.List<String> MUTANTS = java.util.List.of("discovery-without-count",
      "discovery-fails-on-restart");
}
