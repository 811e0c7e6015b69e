package io.pdlab.k8s.api;

/** Any object the store holds. Implementations are immutable records. */
public sealed interface K8sObject
    permits Node, Pod, Service, PersistentVolume, PersistentVolumeClaim, StorageClass,
    StatefulSet, Deployment, ConfigMap, TidbCluster {
  ObjectMeta meta();

  Kind kind();

  /** The same object with other metadata (the store stamps resourceVersion this way). */
  K8sObject withMeta(ObjectMeta meta);
}
