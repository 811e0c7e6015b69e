package io.pdlab.k8s.api;

/**
 * A StatefulSet: pods {@code <name>-0..replicas-1} with stable names under {@code serviceName},
 * created one at a time in order (OrderedReady) or all at once (Parallel), each with a PVC from
 * the claim template named {@code <claim>-<pod>}.
 *
 * @param claimTemplate the PVC template ({@code null} for none)
 * @param status what the StatefulSet controller last wrote ({@link Status})
 */
public record StatefulSet(ObjectMeta meta, int replicas, String podManagementPolicy,
    String serviceName, PodTemplate template, PersistentVolumeClaim claimTemplate,
    Status status) implements K8sObject {
  /**
   * apps/v1 StatefulSetStatus as the StatefulSet controller writes it (Kubernetes 1.20
   * {@code stateful_set_control.go} updateStatefulSet, {@code stateful_set_utils.go}): pods that
   * exist, those Running and Ready, those of the current and of the update revision, and the two
   * revisions' names. observedGeneration is not modelled (the model's objects carry no
   * metadata.generation): every status write of the real controller that moved it also moved a
   * field modelled here, so the TidbCluster status that copies this one (tidb-operator v1.5.1
   * pd_member_manager.go) changes at the same writes. Watched on the k8s backend's
   * kube-controller-manager 1.20.2 (a PD set scaled 3 to 4 and back): the write after 3 to 4
   * moved observedGeneration with replicas, currentReplicas and updatedReplicas; after 4 to 3,
   * with currentReplicas and updatedReplicas (replicas followed once the pod was gone).
   */
  public record Status(int replicas, int readyReplicas, int currentReplicas,
      int updatedReplicas, String currentRevision, String updateRevision) {
    /** What a new set has before the controller's first write. */
    public static final Status EMPTY = new Status(0, 0, 0, 0, "", "");

    public Status {
      currentRevision = currentRevision == null ? "" : currentRevision;
      updateRevision = updateRevision == null ? "" : updateRevision;
    }
  }

  /** A set as its owner writes it: no status yet. */
  public StatefulSet(ObjectMeta meta, int replicas, String podManagementPolicy,
      String serviceName, PodTemplate template, PersistentVolumeClaim claimTemplate) {
    this(meta, replicas, podManagementPolicy, serviceName, template, claimTemplate,
        Status.EMPTY);
  }

  public StatefulSet {
    status = status == null ? Status.EMPTY : status;
    if (replicas < 0) {
      throw new IllegalArgumentException("replicas must be >= 0, got " + replicas);
    }
    if (!podManagementPolicy.equals("OrderedReady") && !podManagementPolicy.equals("Parallel")) {
      throw new IllegalArgumentException("podManagementPolicy must be OrderedReady or Parallel, got "
          + podManagementPolicy);
    }
  }

  @Override
  public Kind kind() {
    return Kind.STATEFUL_SET;
  }

  @Override
  public StatefulSet withMeta(ObjectMeta m) {
    return new StatefulSet(m, replicas, podManagementPolicy, serviceName, template,
        claimTemplate, status);
  }

  public StatefulSet withReplicas(int n) {
    return new StatefulSet(meta, n, podManagementPolicy, serviceName, template, claimTemplate,
        status);
  }

  public StatefulSet withTemplate(PodTemplate t) {
    return new StatefulSet(meta, replicas, podManagementPolicy, serviceName, t, claimTemplate,
        status);
  }

  public StatefulSet withStatus(Status s) {
    return new StatefulSet(meta, replicas, podManagementPolicy, serviceName, template,
        claimTemplate, s);
  }
}
