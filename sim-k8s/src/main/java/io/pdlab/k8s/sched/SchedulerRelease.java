package io.pdlab.k8s.sched;

/**
 * The kube-scheduler release whose failure messages the model writes, where releases differ. The
 * filters, their order and the "0/N nodes are available: ..." histogram are the same in both; the
 * texts of NodeAffinity and TaintToleration changed, and 1.20's InterPodAffinity charges a node it
 * rejects with two reasons where later releases give one.
 */
public enum SchedulerRelease {
  /**
   * Kubernetes 1.20, the release of pdlab's real control plane (Debian's 1.20.2): {@code
   * plugins/nodeaffinity/node_affinity.go} ErrReasonPod, {@code tainttoleration/
   * taint_toleration.go} ("had taint {k: v}, that the pod didn't tolerate"), and {@code
   * interpodaffinity/filtering.go}, which adds ErrReasonAffinityNotMatch to either anti-affinity
   * reason. Checked against the strings of the kube-scheduler binary built from that source and
   * against its messages for the same pods ({@code KubeApiIT}).
   */
  V1_20("node(s) didn't match Pod's node affinity",
      "node(s) had taint {%s: %s}, that the pod didn't tolerate",
      "node(s) didn't match pod affinity/anti-affinity"),
  /**
   * The later texts the model was first written from (upstream {@code pkg/scheduler} with {@code
   * schedule_one.go}): "didn't match Pod's node affinity/selector", "had untolerated taint {k:
   * v}", and one reason per anti-affinity rejection.
   */
  LATER("node(s) didn't match Pod's node affinity/selector",
      "node(s) had untolerated taint {%s: %s}", null);

  private final String nodeAffinity;
  private final String taintFormat;
  private final String affinityNotMatch;

  SchedulerRelease(String nodeAffinity, String taintFormat, String affinityNotMatch) {
    this.nodeAffinity = nodeAffinity;
    this.taintFormat = taintFormat;
    this.affinityNotMatch = affinityNotMatch;
  }

  /** NodeAffinity's reason for a node the pod's nodeSelector does not match. */
  public String nodeAffinity() {
    return nodeAffinity;
  }

  /** TaintToleration's reason for the first taint the pod does not tolerate. */
  public String taint(String key, String value) {
    return String.format(java.util.Locale.ROOT, taintFormat, key, value);
  }

  /**
   * The reason InterPodAffinity adds to an anti-affinity rejection ("didn't match pod
   * affinity/anti-affinity"), or null where it gives only the rule's own.
   */
  public String affinityNotMatch() {
    return affinityNotMatch;
  }
}
