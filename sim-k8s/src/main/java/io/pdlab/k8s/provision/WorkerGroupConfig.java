package io.pdlab.k8s.provision;

import java.util.List;

/**
 * One worker group's ASG settings (provisioning.md section 2): instance type with its capacity,
 * node count and whether its nodes are dedicated (tainted and labelled {@code dedicated=<group>}).
 * The defaults are in {@link ProvisionDefaults#WORKER_GROUPS}.
 *
 * @param group which group
 * @param instanceType the EC2 instance type, e.g. {@code m5d.xlarge}
 * @param cpuMillis node CPU capacity (vCPUs x 1000)
 * @param memoryMiB node memory capacity
 * @param localDiskGb size of the instance's NVMe disk, 0 for none
 * @param count desired (and minimum) instances of the ASG
 * @param dedicated whether kubelet registers the {@code dedicated} taint and label
 */
public record WorkerGroupConfig(
    WorkerGroup group,
    String instanceType,
    int cpuMillis,
    int memoryMiB,
    int localDiskGb,
    int count,
    boolean dedicated) {

  public WorkerGroupConfig {
    if (group == null || instanceType == null || instanceType.isBlank()) {
      throw new IllegalArgumentException("worker group needs a group and an instance type");
    }
    if (cpuMillis < 1 || memoryMiB < 1 || localDiskGb < 0 || count < 0) {
      throw new IllegalArgumentException("worker group " + group.key()
          + " needs positive cpu and memory and non-negative disk and count, got cpu="
          + cpuMillis + "m memory=" + memoryMiB + "Mi disk=" + localDiskGb + "GB count=" + count);
    }
  }

  /** ASG max size: count + {@link ProvisionDefaults#ASG_MAX_EXTRA}. */
  public int maxCount() {
    return count + ProvisionDefaults.ASG_MAX_EXTRA;
  }

  /** Mount paths of the node's local disks: the NVMe disk if it has one. */
  public List<String> localDisks() {
    return localDiskGb > 0 ? List.of(ProvisionDefaults.LOCAL_DISK_MOUNT) : List.of();
  }

  /** A copy with another node count. */
  public WorkerGroupConfig withCount(int newCount) {
    return new WorkerGroupConfig(group, instanceType, cpuMillis, memoryMiB, localDiskGb, newCount,
        dedicated);
  }
}
