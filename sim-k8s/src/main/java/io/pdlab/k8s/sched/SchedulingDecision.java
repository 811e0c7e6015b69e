package io.pdlab.k8s.sched;

import java.util.List;

/** What one scheduling cycle decided for a pod: bind it, or leave it Pending and say why. */
public sealed interface SchedulingDecision {
  /**
   * Bind the pod to {@code nodeName}. Before the pod, bind each PVC to the chosen PV ({@code
   * volumeBindings}) and mark each claim in {@code claimsToProvision} for dynamic provisioning on
   * that node (the {@code volume.kubernetes.io/selected-node} annotation).
   */
  record Bound(String nodeName, List<VolumeBinding> volumeBindings,
      List<String> claimsToProvision) implements SchedulingDecision {
    public Bound {
      volumeBindings = List.copyOf(volumeBindings);
      claimsToProvision = List.copyOf(claimsToProvision);
    }
  }

  /**
   * No node fits. {@code message} is kube-scheduler's, e.g. {@code 0/9 nodes are available: 3
   * node(s) didn't match Pod's node affinity, 6 node(s) had taint
   * {dedicated: tikv}, that the pod didn't tolerate.}
   */
  record Unschedulable(String message) implements SchedulingDecision {
  }
}
