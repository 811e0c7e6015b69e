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
  /**
   * coreos/etcd-operator v0.9.4's init container image (pkg/util/k8sutil/k8sutil.go {@code
   * defaultBusyboxImage}; "busybox:latest uses uclibc which contains a bug that sometimes prevents
   * name resolution").
   */
  public static final String BUSYBOX = "busybox:1.28.0-glibc";
  /**
   * Every image above: a kubelet node holds pdlab's member image under each name. A container of
   * {@link #BUSYBOX} runs pdlab-launch there too, not a shell: it tells pdlab which container it
   * is, and pdlab has it wait while the model's process of it runs (CheckDns), then exit with
   * that process's code.
   */
  public static final List<String> ALL = List.of(PD, TIKV, TIDB, TIDB_OPERATOR, ETCD, GRAFANA,
      BUSYBOX);

  private Images() {
  }
}
