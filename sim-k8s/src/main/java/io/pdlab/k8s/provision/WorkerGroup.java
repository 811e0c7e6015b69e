package io.pdlab.k8s.provision;

/**
 * The four worker groups of provisioning.md section 2. Each TiDB cluster gets its own ASG per
 * group, so PD, TiKV, TiDB and monitoring pods land on nodes of their own.
 */
public enum WorkerGroup {
  PD("pd"),
  TIKV("tikv"),
  TIDB("tidb"),
  MONITOR("monitor");

  private final String key;

  WorkerGroup(String key) {
    this.key = key;
  }

  /** The lower-case name used in resource names, node names and the {@code dedicated} label. */
  public String key() {
    return key;
  }
}
