package io.pdlab.k8s.api;

/**
 * A PV. A local PV has {@code nodeAffinity} (the one node it lives on); a pod bound to it can only
 * run there.
 *
 * @param claim {@code namespace/name} of the bound PVC, or null
 */
public record PersistentVolume(ObjectMeta meta, String storageClass, long capacityGi,
    String nodeAffinity, String path, String claim) implements K8sObject {
  @Override
  public Kind kind() {
    return Kind.PERSISTENT_VOLUME;
  }

  @Override
  public PersistentVolume withMeta(ObjectMeta m) {
    return new PersistentVolume(m, storageClass, capacityGi, nodeAffinity, path, claim);
  }

  public PersistentVolume withClaim(String c) {
    return new PersistentVolume(meta, storageClass, capacityGi, nodeAffinity, path, c);
  }
}
