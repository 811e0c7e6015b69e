package io.pdlab.k8s.api;

import java.util.SortedMap;

/** A ConfigMap. */
public record ConfigMap(ObjectMeta meta, SortedMap<String, String> data) implements K8sObject {
  public ConfigMap {
    data = java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(data));
  }

  @Override
  public Kind kind() {
    return Kind.CONFIG_MAP;
  }

  @Override
  public ConfigMap withMeta(ObjectMeta m) {
    return new ConfigMap(m, data);
  }
}
