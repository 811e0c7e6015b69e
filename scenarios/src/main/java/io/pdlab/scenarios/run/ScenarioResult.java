package io.pdlab.scenarios.run;

import io.pdlab.pd.run.RunMeasures;
import io.pdlab.scenarios.model.Scenario;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What one run of a scenario gave.
 *
 * @param seed the seed used (the scenario's, or an override)
 * @param measures the measures of protocols.md section 4
 * @param events events fired
 * @param failures expectations that did not hold, one message each (empty: all held)
 * @param provisioning with {@code infra.provision: true}, the Terraform apply's timeline, one
 *     line per resource under the plan's names ({@code ApplyResult.toText}), or what was left
 *     when the run ended first; empty otherwise
 * @param nodes each Node's name and kind at the end of the run, {@code model} (the simulator's kubelet, also under
 *     real etcd members) or {@code agent} (pdlab's node agent on a real control plane)
 * @param pods each member pod's times ({@code PodTimes})
 * @param clusters in a run of several clusters, each one's measures by name ({@code measures}
 *     combines them: {@code RunMeasures.ofClusters}); empty for a run of one
 */
public record ScenarioResult(Scenario scenario, long seed, RunMeasures measures, long events,
    List<String> failures, List<String> provisioning, SortedMap<String, String> nodes,
    List<io.pdlab.k8s.controllers.PodTimes.Life> pods, SortedMap<String, RunMeasures> clusters) {
  public ScenarioResult {
    clusters = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(clusters));
    pods = List.copyOf(pods);
    failures = List.copyOf(failures);
    provisioning = List.copyOf(provisioning);
    nodes = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(nodes));
  }

  /** A run measured as one cluster ({@code clusters} empty). */
  public ScenarioResult(Scenario scenario, long seed, RunMeasures measures, long events,
      List<String> failures, List<String> provisioning, SortedMap<String, String> nodes,
      List<io.pdlab.k8s.controllers.PodTimes.Life> pods) {
    this(scenario, seed, measures, events, failures, provisioning, nodes, pods, new TreeMap<>());
  }

  /** How many nodes of each kind ran the run's pods. */
  public SortedMap<String, Integer> nodeKinds() {
    TreeMap<String, Integer> out = new TreeMap<>();
    nodes.values().forEach(k -> out.merge(k, 1, Integer::sum));
    return out;
  }

  public boolean passed() {
    return failures.isEmpty();
  }
}
