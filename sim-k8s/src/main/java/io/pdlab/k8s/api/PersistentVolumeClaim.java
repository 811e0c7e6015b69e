package io.pdlab.k8s.api;

/** A PVC; {@code volume} is the bound PV's name, or null while unbound. */
public record PersistentVolumeClaim(ObjectMeta meta, String storageClass, long requestGi,
    String volume) implements K8sObject {
  @Override
  public Kind kind() {
    return Kind.PERSISTENT_VOLUME_CLAIM;
  }

  @Override
  public PersistentVolumeClaim withMeta(ObjectMeta m) {
    return new PersistentVolumeClaim(m, storageClass, requestGi, volume);
  }

  public PersistentVolumeClaim withVolume(String v) {
    return new PersistentVolumeClaim(meta, storageClass, requestGi, v);
  }
}
