package io.pdlab.k8s.api;

/**
 * A StatefulSet: pods {@code <name>-0..replicas-1} with stable names under {@code serviceName},
 * created one at a time in order (OrderedReady) or all at once (Parallel), each with a PVC from
 * the claim template named {@code <claim>-<pod>}.
 *
 * @param claimTemplate the PVC template ({@code null} for none)
 */
public record StatefulSet(ObjectMeta meta, int replicas, String podManagementPolicy,
    String serviceName, PodTemplate template, PersistentVolumeClaim claimTemplate)
    implements K8sObject {
  public StatefulSet {
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
        claimTemplate);
  }

  public StatefulSet withReplicas(int n) {
    return new StatefulSet(meta, n, podManagementPolicy, serviceName, template, claimTemplate);
  }

  public StatefulSet withTemplate(PodTemplate t) {
    return new StatefulSet(meta, replicas, podManagementPolicy, serviceName, t, claimTemplate);
  }
}
