package io.pdlab.k8s.provision;

import io.pdlab.k8s.api.Taint;

import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A worker node as it registers with Kubernetes once its ASG instance has booted: what the
 * Kubernetes model needs to schedule pods (capacity, labels, taints, local disks, zone).
 * Immutable; labels iterate in key order.
 *
 * @param name {@code <group>-<i>} with one TiDB cluster, {@code <cluster>-<group>-<i>} with several
 *     (i from 0)
 * @param cluster the TiDB cluster whose worker group the node belongs to
 * @param localDisks mount paths of local disks (e.g. /mnt/disks/ssd1)
 */
public record NodeSpec(
    String name,
    WorkerGroup group,
    String cluster,
    String instanceType,
    int cpuMillis,
    int memoryMiB,
    SortedMap<String, String> labels,
    List<Taint> taints,
    List<String> localDisks,
    String zone) {

  public NodeSpec {
    if (name == null || name.isBlank() || group == null || cluster == null || zone == null) {
      throw new IllegalArgumentException("node needs a name, a group, a cluster and a zone");
    }
    labels = Collections.unmodifiableSortedMap(new TreeMap<>(labels));
    taints = List.copyOf(taints);
    localDisks = List.copyOf(localDisks);
  }
}
