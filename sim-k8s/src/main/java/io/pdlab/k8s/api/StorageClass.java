package io.pdlab.k8s.api;

/**
 * A StorageClass: {@code kubernetes.io/no-provisioner} for local volumes, {@code
 * kubernetes.io/aws-ebs} for gp2; both bind WaitForFirstConsumer (provisioning.md section 3).
 */
public record StorageClass(ObjectMeta meta, String provisioner, String volumeBindingMode,
    String reclaimPolicy) implements K8sObject {
  @Override
  public Kind kind() {
    return Kind.STORAGE_CLASS;
  }

  @Override
  public StorageClass withMeta(ObjectMeta m) {
    return new StorageClass(m, provisioner, volumeBindingMode, reclaimPolicy);
  }
}
