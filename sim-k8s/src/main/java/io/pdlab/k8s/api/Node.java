package io.pdlab.k8s.api;

import java.util.List;

/**
 * A node: its taints, allocatable resources, local disks (mount paths the local volume
 * provisioner turns into PVs), zone, and whether it is Ready.
 */
public record Node(ObjectMeta meta, List<Taint> taints, Resources allocatable, List<String> disks,
    String zone, boolean ready, boolean unschedulable) implements K8sObject {
  public Node {
    taints = List.copyOf(taints);
    disks = List.copyOf(disks);
  }

  @Override
  public Kind kind() {
    return Kind.NODE;
  }

  @Override
  public Node withMeta(ObjectMeta m) {
    return new Node(m, taints, allocatable, disks, zone, ready, unschedulable);
  }

  public Node withReady(boolean r) {
    return new Node(meta, taints, allocatable, disks, zone, r, unschedulable);
  }
}
