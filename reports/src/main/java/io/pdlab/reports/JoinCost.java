package io.pdlab.reports;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * What one member's join cost: its duration and a free-text label of what that time was made of
 * (for example {@code "health wait 5000 + start 310"}). The label stays generic on purpose: the
 * report groups and counts labels, it does not parse them, so every backend may describe its own
 * components.
 *
 * @param member the member that joined (pod or member name)
 * @param ms the join's duration in milliseconds, from the decision to add it to it voting
 * @param breakdown what the time was made of; empty when unknown
 */
@JsonPropertyOrder({"member", "ms", "breakdown"})
public record JoinCost(
    @JsonProperty(value = "member", required = true) String member,
    @JsonProperty(value = "ms", required = true) long ms,
    @JsonProperty(value = "breakdown", required = true) String breakdown)
    implements java.io.Serializable {

  /** Checks the fields; a bad value names the field. */
  public JoinCost {
    Check.notNull("member", member);
    Check.notNull("breakdown", breakdown);
    Check.nonNegative("ms", ms);
  }
}
