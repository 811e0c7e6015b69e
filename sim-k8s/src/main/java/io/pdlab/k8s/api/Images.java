package io.pdlab.k8s.api;

import java.util.List;

/**
 * The container images the model's pods name, in one place: the versions pdlab models
 * (tidb-operator v1.5.1 with TiDB v7.1.0; etcd 3.4 for the etcd operators). A real kubelet node
 * holds pdlab's member image under each of these names, since nothing can be pulled.
 */
public final class Images {
  /** PD (tidb-operator's default for TiDB v7.1.0). */
  public static final String PD = "pingcap/pd:v7.1.0";
  public static final String TIKV = "pingcap/tikv:v7.1.0";
  public static final String TIDB = "pingcap/tidb:v7.1.0";
  /** tidb-operator's image, which its discovery Deployment runs (v1.5.1). */
  public static final String TIDB_OPERATOR = "pingcap/tidb-operator:v1.5.1";
  /** The etcd operators' member image (etcd 3.4). */
  public static final String ETCD = "quay.io/coreos/etcd:v3.4";
  public static final String GRAFANA = "grafana/grafana";
  /** Every image above. */
  public static final List<String> ALL = List.of(PD, TIKV, TIDB, TIDB_OPERATOR, ETCD, GRAFANA);

  private Images() {
  }
}
