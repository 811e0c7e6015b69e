package io.pdlab.k8s.provision;

import io.pdlab.sim.dag.CriticalPath;
import io.pdlab.sim.trace.TraceRecord;
import java.util.List;

/**
 * The outcome of a {@link TerraformApply}: the timeline (one run per resource, in start order), the
 * critical path computed on the realized durations, the makespan and the most operations that were
 * in flight at once. The makespan can exceed the critical path's length when {@code -parallelism}
 * made a ready resource wait for a slot.
 *
 * @param startUs when the apply started
 * @param finishUs when its last resource finished
 */
public record ApplyResult(
    long startUs,
    long finishUs,
    List<ResourceRun> timeline,
    CriticalPath<String> criticalPath,
    int maxInFlight) {

  public ApplyResult {
    timeline = List.copyOf(timeline);
  }

  public long makespanUs() {
    return finishUs - startUs;
  }

  /** The run of resource {@code name}. */
  public ResourceRun run(String name) {
    for (ResourceRun r : timeline) {
      if (r.name().equals(name)) {
        return r;
      }
    }
    throw new IllegalArgumentException("no run of resource '" + name + "'");
  }

  /** A stable text form: one line per resource (start, finish, name), then the critical path. */
  public String toText() {
    StringBuilder sb = new StringBuilder();
    for (ResourceRun r : timeline) {
      sb.append(TraceRecord.formatTime(r.startUs())).append("s ")
          .append(TraceRecord.formatTime(r.finishUs())).append("s ").append(r.name()).append('\n');
    }
    sb.append("makespan ").append(TraceRecord.formatTime(makespanUs())).append("s critical path ")
        .append(String.join(" -> ", criticalPath.path())).append('\n');
    return sb.toString();
  }
}
