package io.pdlab.scenarios.model;

import java.util.List;
import java.util.SortedMap;

/**
 * {@code infra.workerGroups[]}: a group of identical nodes.
 *
 * @param taints {@code key=value:Effect} strings, already checked to parse
 */
public record WorkerGroupDef(String name, int count, String instanceType, List<String> taints,
    SortedMap<String, String> labels) {
  public WorkerGroupDef {
    taints = List.copyOf(taints);
    labels = java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(labels));
  }
}
