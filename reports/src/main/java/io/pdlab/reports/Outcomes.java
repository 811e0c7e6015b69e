package io.pdlab.reports;

import java.util.List;

/**
 * The run outcomes of {@code protocols.md} section 4, in their precedence order (where two apply,
 * the later wins). Outcomes stay strings in the schema so that the JSON reads as the docs do; this
 * class is the one place that lists the allowed values.
 */
public final class Outcomes {
  public static final String OK = "ok";
  public static final String DEGRADED = "degraded";
  public static final String STUCK = "stuck";
  public static final String SPLIT_BRAIN = "split-brain";
  public static final String DATA_LOSS = "data-loss";

  /** Every outcome, best first; also the column order of every table and chart. */
  public static final List<String> ALL = List.of(OK, DEGRADED, STUCK, SPLIT_BRAIN, DATA_LOSS);

  /** The outcomes that the short answer calls hazards: no serving cluster, or divergence. */
  public static final List<String> HAZARDS = List.of(STUCK, SPLIT_BRAIN, DATA_LOSS);

  private Outcomes() {}

  /** Whether {@code outcome} is one of {@link #ALL}. */
  public static boolean isKnown(String outcome) {
    return ALL.contains(outcome);
  }
}
