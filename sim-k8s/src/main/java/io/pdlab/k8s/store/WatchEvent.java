package io.pdlab.k8s.store;

import io.pdlab.k8s.api.K8sObject;

/** What a watcher is told: the object after the write (before it, for a delete). */
public record WatchEvent(Type type, K8sObject object) {
  /** As in the Kubernetes watch API. */
  public enum Type { ADDED, MODIFIED, DELETED }
}
