package io.pdlab.k8s.api;

import java.util.List;
import java.util.SortedMap;

/**
 * A Service: a selector over pods; headless ({@code clusterIP: None}) for stable pod DNS names,
 * with {@code publishNotReadyAddresses} so peers resolve before they are ready.
 */
public record Service(ObjectMeta meta, SortedMap<String, String> selector, boolean headless,
    boolean publishNotReadyAddresses, List<Integer> ports, String type) implements K8sObject {
  public Service {
    selector = java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(selector));
    ports = List.copyOf(ports);
  }

  @Override
  public Kind kind() {
    return Kind.SERVICE;
  }

  @Override
  public Service withMeta(ObjectMeta m) {
    return new Service(m, selector, headless, publishNotReadyAddresses, ports, type);
  }
}
