package io.pdlab.k8s.api;

/** CPU and memory: a pod's requests or a node's allocatable capacity. */
public record Resources(long cpuMillis, long memoryMiB) {
  public static final Resources NONE = new Resources(0, 0);

  public Resources {
    if (cpuMillis < 0 || memoryMiB < 0) {
      throw new IllegalArgumentException("resources must be >= 0, got cpu=" + cpuMillis
          + "m memory=" + memoryMiB + "Mi");
    }
  }

  public Resources plus(Resources o) {
    return new Resources(cpuMillis + o.cpuMillis, memoryMiB + o.memoryMiB);
  }

  public boolean fitsIn(Resources capacity) {
    return cpuMillis <= capacity.cpuMillis && memoryMiB <= capacity.memoryMiB;
  }

  @Override
  public String toString() {
    return cpuMillis + "m/" + memoryMiB + "Mi";
  }
}
