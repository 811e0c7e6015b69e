package io.pdlab.sim.check;

import io.pdlab.sim.trace.TraceRecord;
import java.util.List;

/**
 * A broken invariant: which, when, where in the trace, what, and the trace records before it.
 *
 * @param invariant the invariant's name
 * @param timeUs time of the violation
 * @param traceSeq sequence number of the record that broke it, or -1 when found at the end
 * @param message the invariant's description of what is wrong
 * @param excerpt the last records up to and including the violating one
 */
public record Violation(String invariant, long timeUs, long traceSeq, String message,
    List<TraceRecord> excerpt) {
  public Violation {
    excerpt = List.copyOf(excerpt);
  }

  /** A multi-line report: the violation, then the excerpt indented. */
  public String describe() {
    StringBuilder sb = new StringBuilder();
    sb.append("invariant '").append(invariant).append("' violated at ")
        .append(TraceRecord.formatTime(timeUs)).append('s');
    if (traceSeq >= 0) {
      sb.append(" (trace #").append(traceSeq).append(')');
    } else {
      sb.append(" (at end of run)");
    }
    sb.append(": ").append(message).append('\n');
    for (TraceRecord r : excerpt) {
      sb.append("    ").append(r.toText()).append('\n');
    }
    return sb.toString();
  }
}
