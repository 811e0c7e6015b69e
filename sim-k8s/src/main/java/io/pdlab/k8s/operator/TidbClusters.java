package io.pdlab.k8s.operator;

import io.pdlab.k8s.api.Images;
import io.pdlab.k8s.api.ObjectMeta;
import io.pdlab.k8s.api.Resources;
import io.pdlab.k8s.api.TidbCluster;
import java.util.List;
import java.util.TreeMap;

/** TidbCluster objects as the tidb-cluster Helm chart renders them (provisioning.md section 4). */
public final class TidbClusters {
  private TidbClusters() {}

  /**
   * A TidbCluster named after {@code c}: {@code c.members()} PD replicas on local storage with
   * {@code c}'s placement, and {@code tikv}/{@code tidb} replicas.
   */
  public static TidbCluster tidbCluster(ClusterSpec c, int tikv, int tidb) {
    TidbCluster.ComponentSpec pd = new TidbCluster.ComponentSpec(c.members(),
        Images.PD, new Resources(1_000, 2_048), 10, "local-storage", c.nodeSelector(),
        c.tolerations());
    TidbCluster.ComponentSpec kv = new TidbCluster.ComponentSpec(tikv, Images.TIKV,
        new Resources(2_000, 8_192), 100, "local-storage", new TreeMap<>(), List.of());
    TidbCluster.ComponentSpec db = new TidbCluster.ComponentSpec(tidb, Images.TIDB,
        new Resources(2_000, 4_096), 0, "", new TreeMap<>(), List.of());
    return new TidbCluster(ObjectMeta.of(c.namespace(), c.name()),
        new TidbCluster.Spec("tidb-scheduler", pd, kv, db, "Retain", "UTC"),
        TidbCluster.Status.EMPTY);
  }
}
