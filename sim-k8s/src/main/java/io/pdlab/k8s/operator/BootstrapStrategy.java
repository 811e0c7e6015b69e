package io.pdlab.k8s.operator;

import io.pdlab.k8s.controllers.K8sWorld;

/** A way of bootstrapping a Raft cluster of {@code members} on Kubernetes. */
public interface BootstrapStrategy {
  /** The strategy's name in scenarios and reports (static, seed-join, ...). */
  String name();

  /** Installs the operator (and whatever it creates first) into the world. */
  void install(K8sWorld world, ClusterSpec spec);
}
