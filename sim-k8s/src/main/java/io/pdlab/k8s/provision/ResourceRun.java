package io.pdlab.k8s.provision;

import java.util.List;

/**
 * One resource's realized run in an apply: when Terraform started and finished it, and when each
 * of its steps ran. Times are virtual microseconds.
 */
public record ResourceRun(
    String name, ResourceKind kind, long startUs, long finishUs, List<StepRun> steps) {

  public ResourceRun {
    if (finishUs < startUs) {
      throw new IllegalArgumentException(name + " finishes before it starts");
    }
    steps = List.copyOf(steps);
  }

  public long durationUs() {
    return finishUs - startUs;
  }

  /** One step's realized run. */
  public record StepRun(String name, long startUs, long finishUs) {
    public long durationUs() {
      return finishUs - startUs;
    }
  }
}
