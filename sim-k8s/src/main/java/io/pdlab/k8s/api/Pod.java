package io.pdlab.k8s.api;

/** A pod. */
public record Pod(ObjectMeta meta, PodSpec spec, PodStatus status) implements K8sObject {
  @Override
  public Kind kind() {
    return Kind.POD;
  }

  @Override
  public Pod withMeta(ObjectMeta m) {
    return new Pod(m, spec, status);
  }

  public Pod withSpec(PodSpec s) {
    return new Pod(meta, s, status);
  }

  public Pod withStatus(PodStatus s) {
    return new Pod(meta, spec, s);
  }

  public boolean scheduled() {
    return spec.nodeName() != null;
  }
}
