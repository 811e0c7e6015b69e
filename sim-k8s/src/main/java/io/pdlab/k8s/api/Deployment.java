package io.pdlab.k8s.api;

/** A Deployment (the model keeps one ReplicaSet generation: pods {@code <name>-<n>}). */
public record Deployment(ObjectMeta meta, int replicas, PodTemplate template) implements K8sObject {
  @Override
  public Kind kind() {
    return Kind.DEPLOYMENT;
  }

  @Override
  public Deployment withMeta(ObjectMeta m) {
    return new Deployment(m, replicas, template);
  }
}
