package io.pdlab.pd.tidb;

/** The outcome of a {@link DiscoveryAction.ReadTidbCluster}: the object, or the API error. */
public sealed interface TidbClusterRead {
  record Found(TidbClusterView tidbCluster) implements TidbClusterRead {
    public Found {
      if (tidbCluster == null) {
        throw new IllegalArgumentException("tidbCluster must not be null");
      }
    }
  }

  /**
   * The API call failed (not found, forbidden, timeout...). {@code error} is the Go error text,
   * which discovery sends back as the 500 body, e.g.
   * {@code tidbclusters.pingcap.com "basic" not found}.
   */
  record Failed(String error) implements TidbClusterRead {}
}
