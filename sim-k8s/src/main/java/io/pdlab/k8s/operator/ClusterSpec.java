package io.pdlab.k8s.operator;

import io.pdlab.k8s.api.Toleration;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a user asks an operator for: a named cluster of {@code members} in a namespace, with the
 * placement of its pods, the etcd timing profile ({@code etcd} or {@code pd}), and for
 * tidb-operator's strategies the TiKV and TiDB replicas.
 */
public record ClusterSpec(String namespace, String name, int members, String timing,
    SortedMap<String, String> nodeSelector, List<Toleration> tolerations, int tikv, int tidb) {
  public ClusterSpec {
    if (members < 1) {
      throw new IllegalArgumentException("a cluster needs at least 1 member, got " + members);
    }
    if (!timing.equals("etcd") && !timing.equals("pd")) {
      throw new IllegalArgumentException("timing must be etcd or pd, got " + timing);
    }
    nodeSelector = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(nodeSelector));
    tolerations = List.copyOf(tolerations);
  }

  public static ClusterSpec of(String namespace, String name, int members, String timing) {
    return new ClusterSpec(namespace, name, members, timing, new TreeMap<>(), List.of(), 0, 0);
  }

  /** The same cluster with TiKV and TiDB replicas (tidb-operator strategies only). */
  public ClusterSpec withStores(int tikvReplicas, int tidbReplicas) {
    return new ClusterSpec(namespace, name, members, timing, nodeSelector, tolerations,
        tikvReplicas, tidbReplicas);
  }
}
