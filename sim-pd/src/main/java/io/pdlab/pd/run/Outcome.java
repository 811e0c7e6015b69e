package io.pdlab.pd.run;

/**
 * The outcome of a run, judged at its end (protocols.md section 4). Where two apply, the later in
 * this list wins.
 */
public enum Outcome {
  /** All N members voting and started, one leader, one cluster ID. */
  OK,
  /** One cluster ID and a serving quorum, but fewer than N members voting and started. */
  DEGRADED,
  /** No serving quorum at the end (or no cluster at all), no divergence. */
  STUCK,
  /** Two or more cluster IDs formed among the members (PD: two or more PD cluster IDs). */
  SPLIT_BRAIN,
  /** A write that was acknowledged is missing at the end. */
  DATA_LOSS;

  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }
}
