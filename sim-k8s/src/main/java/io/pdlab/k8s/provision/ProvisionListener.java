package io.pdlab.k8s.provision;

/**
 * What a Kubernetes model hears from provisioning, in virtual time: nodes joining (about 90 s after
 * their ASG is InService), the operator release installed, each tidb-cluster release applied (the
 * moment to create the TidbCluster), load balancers getting host names, and TiDB declared ready.
 * Every method has an empty default so a listener implements only what it needs.
 */
public interface ProvisionListener {
  /** A listener that ignores everything. */
  ProvisionListener NONE = new ProvisionListener() {};

  /** Terraform started the operation on {@code name}. */
  default void resourceStarted(String name, long atUs) {}

  /** The operation on {@code name} completed. */
  default void resourceDone(String name, long atUs) {}

  /** A worker node registered with Kubernetes (Ready). */
  default void nodeJoined(NodeSpec node) {}

  /** The tidb-operator helm release is installed. */
  default void operatorInstalled(long atUs) {}

  /** The tidb-cluster release of {@code cluster} is applied; its pods may still lack nodes. */
  default void clusterReleaseApplied(String cluster, long atUs) {}

  /** The cloud gave LoadBalancer Service {@code service} of {@code cluster} a host name. */
  default void loadBalancerReady(String cluster, String service, String hostname) {}

  /** wait-tidb-ready of {@code cluster} saw its condition hold. */
  default void tidbReady(String cluster, long atUs) {}
}
