package io.pdlab.reports;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * The share (0..1) of a group's runs that ended in each outcome. All five outcomes are always
 * present (0 when absent), in the order of {@link Outcomes#ALL}; they sum to 1 up to rounding.
 */
@JsonPropertyOrder({"ok", "degraded", "stuck", "split-brain", "data-loss"})
public record OutcomeShares(
    @JsonProperty(value = "ok", required = true) double ok,
    @JsonProperty(value = "degraded", required = true) double degraded,
    @JsonProperty(value = "stuck", required = true) double stuck,
    @JsonProperty(value = "split-brain", required = true) double splitBrain,
    @JsonProperty(value = "data-loss", required = true) double dataLoss) {

  /** The shares of {@code outcomes}, each one of {@link Outcomes#ALL}. */
  public static OutcomeShares of(List<String> outcomes) {
    double[] counts = new double[Outcomes.ALL.size()];
    for (String o : outcomes) {
      counts[Outcomes.ALL.indexOf(o)]++;
    }
    double n = outcomes.size();
    if (n == 0) {
      return new OutcomeShares(0, 0, 0, 0, 0);
    }
    return new OutcomeShares(counts[0] / n, counts[1] / n, counts[2] / n, counts[3] / n,
        counts[4] / n);
  }

  /** The share of one outcome of {@link Outcomes#ALL}. */
  public double share(String outcome) {
    switch (outcome) {
      case Outcomes.OK: return ok;
      case Outcomes.DEGRADED: return degraded;
      case Outcomes.STUCK: return stuck;
      case Outcomes.SPLIT_BRAIN: return splitBrain;
      case Outcomes.DATA_LOSS: return dataLoss;
      default: throw new IllegalArgumentException("unknown outcome: " + outcome);
    }
  }
}
