package io.pdlab.scenarios.model;

import java.util.List;

/**
 * {@code faults[]}: one fault, with only the fields its kind uses (others are -1 / null / empty).
 *
 * @param kind never-start | late-start | crash | pause | partition | set-replicas |
 *     discovery-restart | tc-write | node-loss
 * @param atUs {@code at:}
 * @param member ordinal of the PD pod ({@code member:}), or -1
 * @param cluster {@code cluster:} name, or null for the first cluster
 * @param wipe {@code wipe:} (crash)
 * @param restartAfterUs {@code restartAfter:} (crash), -1 = stays down
 * @param forUs {@code for:} (pause, partition, tc-write), -1 = for ever
 * @param delayUs {@code delay:} (late-start)
 * @param everyUs {@code every:} (tc-write)
 * @param replicas {@code replicas:} (set-replicas)
 * @param groups {@code groups:} (partition): lists of member ordinals
 * @param node {@code node:} (node-loss)
 * @param line where the fault is in the file, for messages
 */
public record FaultDef(String kind, long atUs, int member, String cluster, boolean wipe,
    long restartAfterUs, long forUs, long delayUs, long everyUs, int replicas,
    List<List<Integer>> groups, String node, int line) {
  public FaultDef {
    groups = groups.stream().map(List::copyOf).toList();
  }

  /** The fault kinds a scenario may name. */
  public static final List<String> KINDS = List.of("never-start", "late-start", "crash", "pause",
      "partition", "set-replicas", "discovery-restart", "tc-write", "node-loss");
}
