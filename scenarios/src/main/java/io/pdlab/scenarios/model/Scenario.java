package io.pdlab.scenarios.model;

import java.util.List;

/**
 * One scenario.
 *
 * @param source where it came from (file path), for messages
 * @param name {@code name:}
 * @param backend {@code backend:} (sim when absent)
 * @param seed {@code seed:}
 * @param infra {@code infra:} (defaults when absent)
 * @param clusters {@code clusters:} (at least one)
 * @param faults {@code faults:} in file order
 * @param durationUs {@code duration:}, the virtual-time budget
 * @param expect {@code expect:} (null when absent: the run only reports)
 */
public record Scenario(String source, String name, Backend backend, long seed, Infra infra,
    List<ClusterDef> clusters, List<FaultDef> faults, long durationUs, Expect expect) {
  public Scenario {
    clusters = List.copyOf(clusters);
    faults = List.copyOf(faults);
  }

  /** The strategies a cluster may use. */
  public static final List<String> STRATEGIES =
      List.of("static", "seed-join", "seed-join-learner", "discovery", "v2-static");

  /** The outcomes an expectation may name. */
  public static final List<String> OUTCOMES =
      List.of("ok", "degraded", "stuck", "split-brain", "data-loss");
}
