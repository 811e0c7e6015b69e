package io.pdlab.pd.tidb;

import java.util.List;

/**
 * A read-only snapshot of discovery's memory for one TidbCluster ({@code clusterInfo} in
 * {@code pkg/discovery/discovery.go}): the resourceVersion it was counted under and the pods
 * counted so far, sorted by name (Go keeps a map; only its size matters there).
 */
public record ClusterPeers(String resourceVersion, List<String> peers) {
  public ClusterPeers {
    peers = List.copyOf(peers);
  }
}
