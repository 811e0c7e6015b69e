package io.pdlab.reports;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Statistics of the runs of one (backend, strategy, members, fault) group: how many ran, the
 * nearest-rank p50/p95/p99/max of each time, and the share of each outcome. It is derived from
 * the records alone, so {@link #compute} is the only way {@link Results} makes them and merged
 * results simply recompute them.
 *
 * @param count runs in the group
 * @param bootstrapped runs that bootstrapped ({@code bootstrapMs} not null)
 * @param bootstrapMs over the runs that bootstrapped; {@code null} if none did
 * @param unavailableMs over all runs of the group
 * @param zeroToleranceMs over all runs of the group
 * @param outcomeShares share of each outcome over all runs of the group
 */
@JsonPropertyOrder({
  "backend", "strategy", "members", "fault", "count", "bootstrapped", "bootstrapMs",
  "unavailableMs", "zeroToleranceMs", "outcomeShares"
})
public record Summary(
    @JsonProperty(value = "backend", required = true) String backend,
    @JsonProperty(value = "strategy", required = true) String strategy,
    @JsonProperty(value = "members", required = true) int members,
    @JsonProperty(value = "fault", required = true) String fault,
    @JsonProperty(value = "count", required = true) int count,
    @JsonProperty(value = "bootstrapped", required = true) int bootstrapped,
    @JsonProperty(value = "bootstrapMs", required = true) TimeStats bootstrapMs,
    @JsonProperty(value = "unavailableMs", required = true) TimeStats unavailableMs,
    @JsonProperty(value = "zeroToleranceMs", required = true) TimeStats zeroToleranceMs,
    @JsonProperty(value = "outcomeShares", required = true) OutcomeShares outcomeShares) {

  /** Checks the fields that are never null. */
  public Summary {
    Check.notBlank("backend", backend);
    Check.notBlank("strategy", strategy);
    Check.notBlank("fault", fault);
    Check.notNull("unavailableMs", unavailableMs);
    Check.notNull("zeroToleranceMs", zeroToleranceMs);
    Check.notNull("outcomeShares", outcomeShares);
  }

  /** One summary per group of {@code records}, in {@link Ordering#GROUP} order. */
  public static List<Summary> compute(List<RunRecord> records) {
    Map<Ordering.Group, List<RunRecord>> groups = new TreeMap<>(Ordering.GROUP);
    for (RunRecord r : records) {
      groups.computeIfAbsent(Ordering.Group.of(r), g -> new ArrayList<>()).add(r);
    }
    List<Summary> out = new ArrayList<>();
    groups.forEach((g, runs) -> out.add(of(g, runs)));
    return List.copyOf(out);
  }

  private static Summary of(Ordering.Group g, List<RunRecord> runs) {
    List<Long> bootstrap = new ArrayList<>();
    List<Long> unavailable = new ArrayList<>();
    List<Long> zeroTolerance = new ArrayList<>();
    List<String> outcomes = new ArrayList<>();
    for (RunRecord r : runs) {
      if (r.bootstrapMs() != null) {
        bootstrap.add(r.bootstrapMs());
      }
      unavailable.add(r.unavailableMs());
      zeroTolerance.add(r.zeroToleranceMs());
      outcomes.add(r.outcome());
    }
    return new Summary(g.backend(), g.strategy(), g.members(), g.fault(), runs.size(),
        bootstrap.size(), Percentiles.stats(bootstrap), Percentiles.stats(unavailable),
        Percentiles.stats(zeroTolerance), OutcomeShares.of(outcomes));
  }
}
