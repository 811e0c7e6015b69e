package io.pdlab.reports;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One run, as written to {@code results.json}: what was run (scenario, backend, strategy, size,
 * seed, fault, parameters) and what it measured (outcome and the times of {@code protocols.md}
 * section 4). It is the whole interface between the runners and the report, so it holds plain
 * values only and no simulator type; every backend fills the same fields.
 *
 * <p>Times are milliseconds of the run's clock (virtual for the simulator, wall for real
 * backends). Lists keep the order the runner gave; {@code params} is sorted by key.
 *
 * @param scenario scenario name
 * @param backend driver that ran it: {@code sim} (the simulator), {@code etcd} (real etcd
 *     processes), {@code etcd-containers} (real etcd in containers), or another name; every
 *     backend but {@code sim} is a real one (see {@link Calibration})
 * @param strategy bootstrap strategy: {@code static}, {@code seed-join}, {@code seed-join-learner},
 *     {@code discovery}, {@code v2-static}, or another name
 * @param members desired cluster size N
 * @param seed the run's seed
 * @param fault name of the injected fault, {@code none} for a clean run
 * @param outcome one of {@link Outcomes#ALL}
 * @param bootstrapMs first pod created to all N voting, started, one leader (and PD cluster ID
 *     written); {@code null} if that never happened
 * @param unavailableMs time after first formation with no leader able to commit
 * @param zeroToleranceMs time after first formation where one more failure loses quorum
 * @param etcdClusterIds etcd cluster IDs formed (hex), in order of formation
 * @param pdClusterIds PD cluster IDs created (decimal or hex, as the backend reports them)
 * @param events events processed (simulator) or observed (real backends)
 * @param params every parameter the run used, knob name to value
 * @param timeline membership timeline, one line per change, for the report; may be empty
 * @param joinCosts per-join durations with what they were made of; may be empty
 * @param nodes how many Nodes of each kind the cluster had at the end of the run: {@code model}
 *     (the simulator's kubelet), {@code agent} (pdlab's node agent under a real control plane);
 *     may be empty (records written before it existed)
 * @param pods the member pods' times ({@link PodTime}), recorded by {@code pdlab calibrate
 *     --backend k8s}; empty (and left out of the JSON) elsewhere
 */
@JsonPropertyOrder({
  "scenario", "backend", "strategy", "members", "seed", "fault", "outcome", "bootstrapMs",
  "unavailableMs", "zeroToleranceMs", "etcdClusterIds", "pdClusterIds", "events", "params",
  "timeline", "joinCosts", "nodes", "pods"
})
public record RunRecord(
    @JsonProperty(value = "scenario", required = true) String scenario,
    @JsonProperty(value = "backend", required = true) String backend,
    @JsonProperty(value = "strategy", required = true) String strategy,
    @JsonProperty(value = "members", required = true) int members,
    @JsonProperty(value = "seed", required = true) long seed,
    @JsonProperty(value = "fault", required = true) String fault,
    @JsonProperty(value = "outcome", required = true) String outcome,
    @JsonProperty(value = "bootstrapMs", required = true) Long bootstrapMs,
    @JsonProperty(value = "unavailableMs", required = true) long unavailableMs,
    @JsonProperty(value = "zeroToleranceMs", required = true) long zeroToleranceMs,
    @JsonProperty(value = "etcdClusterIds", required = true) List<String> etcdClusterIds,
    @JsonProperty(value = "pdClusterIds", required = true) List<String> pdClusterIds,
    @JsonProperty(value = "events", required = true) long events,
    @JsonProperty(value = "params", required = true) SortedMap<String, String> params,
    @JsonProperty("timeline") List<String> timeline,
    @JsonProperty("joinCosts") List<JoinCost> joinCosts,
    @JsonProperty("nodes") SortedMap<String, Integer> nodes,
    @JsonProperty("pods") @com.fasterxml.jackson.annotation.JsonInclude(
        com.fasterxml.jackson.annotation.JsonInclude.Include.NON_EMPTY) List<PodTime> pods)
    implements java.io.Serializable {

  /** Checks every field (a bad value names the field) and takes immutable copies. */
  public RunRecord {
    Check.notBlank("scenario", scenario);
    Check.notBlank("backend", backend);
    Check.notBlank("strategy", strategy);
    Check.notBlank("fault", fault);
    if (members < 1) {
      throw new IllegalArgumentException("field 'members' must be at least 1: " + members);
    }
    Check.notNull("outcome", outcome);
    if (!Outcomes.isKnown(outcome)) {
      throw new IllegalArgumentException(
          "field 'outcome': '" + outcome + "' is not one of " + String.join(", ", Outcomes.ALL));
    }
    if (bootstrapMs != null) {
      Check.nonNegative("bootstrapMs", bootstrapMs);
    }
    Check.nonNegative("unavailableMs", unavailableMs);
    Check.nonNegative("zeroToleranceMs", zeroToleranceMs);
    Check.nonNegative("events", events);
    etcdClusterIds = copy("etcdClusterIds", Check.notNull("etcdClusterIds", etcdClusterIds));
    pdClusterIds = copy("pdClusterIds", Check.notNull("pdClusterIds", pdClusterIds));
    Check.notNull("params", params);
    TreeMap<String, String> sorted = new TreeMap<>();
    params.forEach((k, v) -> sorted.put(Check.notNull("params key", k),
        Check.notNull("params['" + k + "']", v)));
    params = Collections.unmodifiableSortedMap(sorted);
    timeline = timeline == null ? List.of() : copy("timeline", timeline);
    joinCosts = joinCosts == null ? List.of() : copy("joinCosts", joinCosts);
    TreeMap<String, Integer> kinds = new TreeMap<>();
    if (nodes != null) {
      nodes.forEach((k, v) -> kinds.put(Check.notNull("nodes key", k), (int) Check.nonNegative(
          "nodes['" + k + "']", Check.notNull("nodes['" + k + "']", v))));
    }
    nodes = Collections.unmodifiableSortedMap(kinds);
    pods = pods == null ? List.of() : copy("pods", pods);
  }

  /** A record without its member pods' times. */
  public RunRecord(String scenario, String backend, String strategy, int members, long seed,
      String fault, String outcome, Long bootstrapMs, long unavailableMs, long zeroToleranceMs,
      List<String> etcdClusterIds, List<String> pdClusterIds, long events,
      SortedMap<String, String> params, List<String> timeline, List<JoinCost> joinCosts,
      SortedMap<String, Integer> nodes) {
    this(scenario, backend, strategy, members, seed, fault, outcome, bootstrapMs, unavailableMs,
        zeroToleranceMs, etcdClusterIds, pdClusterIds, events, params, timeline, joinCosts,
        nodes, null);
  }

  /** A record that does not say which kinds of node ran it. */
  public RunRecord(String scenario, String backend, String strategy, int members, long seed,
      String fault, String outcome, Long bootstrapMs, long unavailableMs, long zeroToleranceMs,
      List<String> etcdClusterIds, List<String> pdClusterIds, long events,
      SortedMap<String, String> params, List<String> timeline, List<JoinCost> joinCosts) {
    this(scenario, backend, strategy, members, seed, fault, outcome, bootstrapMs, unavailableMs,
        zeroToleranceMs, etcdClusterIds, pdClusterIds, events, params, timeline, joinCosts,
        null, null);
  }

  private static <T> List<T> copy(String field, List<T> list) {
    for (int i = 0; i < list.size(); i++) {
      Check.notNull(field + "[" + i + "]", list.get(i));
    }
    return List.copyOf(list);
  }
}
