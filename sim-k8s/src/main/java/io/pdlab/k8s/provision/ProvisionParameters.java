package io.pdlab.k8s.provision;

import io.pdlab.sim.Distribution;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * What a scenario chooses about provisioning: the TiDB clusters to host, Terraform's
 * {@code -parallelism}, duration overrides by name (a resource name such as
 * {@code eks-control-plane}, a step such as {@code setup-env/helm-init}, or a knob
 * {@link EksGraph#NODE_JOIN} / {@link EksGraph#LB_HOSTNAME}), whether to use every distribution's
 * median instead of sampling, the readiness variant and the worker groups. Immutable; validated on
 * construction, override names when the graph is built ({@link EksGraph#build}).
 *
 * @param clusters TiDB cluster names (DNS-1123 labels), in the order given
 * @param parallelism most Terraform operations in flight at once (at least 1)
 * @param durationOverrides duration by name, iterated in name order
 * @param medians true to take every duration at its distribution's median (no randomness)
 * @param readiness how wait-tidb-ready decides
 * @param workerGroups one configuration per {@link WorkerGroup}, in enum order
 */
public record ProvisionParameters(
    List<String> clusters,
    int parallelism,
    SortedMap<String, Distribution> durationOverrides,
    boolean medians,
    ReadinessVariant readiness,
    List<WorkerGroupConfig> workerGroups) {

  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

  public ProvisionParameters {
    if (clusters == null || clusters.isEmpty()) {
      throw new IllegalArgumentException("at least one TiDB cluster is needed");
    }
    TreeSet<String> seen = new TreeSet<>();
    for (String c : clusters) {
      if (c == null || !DNS_LABEL.matcher(c).matches()) {
        throw new IllegalArgumentException("cluster name '" + c + "' is not a DNS-1123 label");
      }
      if (!seen.add(c)) {
        throw new IllegalArgumentException("duplicate cluster name '" + c + "'");
      }
    }
    clusters = List.copyOf(clusters);
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be at least 1, got " + parallelism);
    }
    TreeMap<String, Distribution> o = new TreeMap<>();
    for (Map.Entry<String, Distribution> e : durationOverrides.entrySet()) {
      if (e.getKey() == null || e.getValue() == null) {
        throw new IllegalArgumentException("duration override needs a name and a distribution");
      }
      o.put(e.getKey(), e.getValue());
    }
    durationOverrides = Collections.unmodifiableSortedMap(o);
    if (readiness == null) {
      throw new IllegalArgumentException("readiness variant is required");
    }
    EnumMap<WorkerGroup, WorkerGroupConfig> byGroup = new EnumMap<>(WorkerGroup.class);
    for (WorkerGroupConfig g : workerGroups) {
      if (byGroup.put(g.group(), g) != null) {
        throw new IllegalArgumentException(
            "worker group " + g.group().key() + " configured twice");
      }
    }
    for (WorkerGroup g : WorkerGroup.values()) {
      if (!byGroup.containsKey(g)) {
        throw new IllegalArgumentException("worker group " + g.key() + " is not configured");
      }
    }
    workerGroups = List.copyOf(byGroup.values());
  }

  /**
   * Defaults for the given clusters: parallelism 10, no overrides, sampled durations, pods-ready,
   * the section 2 worker groups.
   */
  public static ProvisionParameters of(String... clusters) {
    return new ProvisionParameters(Arrays.asList(clusters), ProvisionDefaults.PARALLELISM,
        new TreeMap<>(), false, ReadinessVariant.PODS_READY, ProvisionDefaults.WORKER_GROUPS);
  }

  /** Defaults for one cluster named {@link ProvisionDefaults#DEFAULT_CLUSTER_NAME}. */
  public static ProvisionParameters defaults() {
    return of(ProvisionDefaults.DEFAULT_CLUSTER_NAME);
  }

  /** The configuration of {@code group}. */
  public WorkerGroupConfig workerGroup(WorkerGroup group) {
    return workerGroups.get(group.ordinal());
  }

  public ProvisionParameters withParallelism(int p) {
    return new ProvisionParameters(clusters, p, durationOverrides, medians, readiness,
        workerGroups);
  }

  /** A copy where the duration named {@code name} follows {@code d}. */
  public ProvisionParameters withOverride(String name, Distribution d) {
    TreeMap<String, Distribution> o = new TreeMap<>(durationOverrides);
    o.put(name, d);
    return new ProvisionParameters(clusters, parallelism, o, medians, readiness, workerGroups);
  }

  public ProvisionParameters withMedians(boolean m) {
    return new ProvisionParameters(clusters, parallelism, durationOverrides, m, readiness,
        workerGroups);
  }

  public ProvisionParameters withReadiness(ReadinessVariant r) {
    return new ProvisionParameters(clusters, parallelism, durationOverrides, medians, r,
        workerGroups);
  }

  /** A copy with {@code config} replacing its group's configuration. */
  public ProvisionParameters withWorkerGroup(WorkerGroupConfig config) {
    List<WorkerGroupConfig> groups = new ArrayList<>(workerGroups);
    groups.set(config.group().ordinal(), config);
    return new ProvisionParameters(clusters, parallelism, durationOverrides, medians, readiness,
        groups);
  }
}
