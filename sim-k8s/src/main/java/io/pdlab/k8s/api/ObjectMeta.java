package io.pdlab.k8s.api;

import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Identity and bookkeeping of an object. Labels and annotations are sorted maps, so everything
 * built from them iterates in one order.
 *
 * @param resourceVersion set by the store on every write; 0 before the first
 */
public record ObjectMeta(String namespace, String name, SortedMap<String, String> labels,
    SortedMap<String, String> annotations, long resourceVersion, long createdUs) {
  public ObjectMeta {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("object name is required");
    }
    namespace = namespace == null ? "" : namespace;
    labels = Collections.unmodifiableSortedMap(new TreeMap<>(labels));
    annotations = Collections.unmodifiableSortedMap(new TreeMap<>(annotations));
  }

  public static ObjectMeta of(String namespace, String name) {
    return new ObjectMeta(namespace, name, new TreeMap<>(), new TreeMap<>(), 0, 0);
  }

  public ObjectMeta withLabels(Map<String, String> l) {
    return new ObjectMeta(namespace, name, new TreeMap<>(l), annotations, resourceVersion,
        createdUs);
  }

  public ObjectMeta withAnnotation(String key, String value) {
    TreeMap<String, String> a = new TreeMap<>(annotations);
    a.put(key, value);
    return new ObjectMeta(namespace, name, labels, a, resourceVersion, createdUs);
  }

  public ObjectMeta withVersion(long rv, long created) {
    return new ObjectMeta(namespace, name, labels, annotations, rv, created);
  }

  /** {@code namespace/name}, or {@code name} for cluster-scoped objects. */
  public String key() {
    return key(namespace, name);
  }

  /** The store key of the object {@code name} in {@code namespace} (empty: not namespaced). */
  public static String key(String namespace, String name) {
    return namespace.isEmpty() ? name : namespace + "/" + name;
  }
}
