package io.pdlab.sim;

import io.pdlab.sim.check.Violation;
import io.pdlab.sim.trace.TraceRecord;
import java.util.List;

/**
 * How a run ended.
 *
 * @param outcome why it ended
 * @param seed the run's seed: rerunning with it reproduces the run
 * @param endTimeUs virtual time at the end
 * @param events events fired
 * @param violations every invariant violation found, in order
 * @param lastRecords the trace records just before the end (empty when tracing was off)
 * @param detail more about the end (the budget reached, the queue limit), or empty
 */
public record RunResult(RunOutcome outcome, long seed, long endTimeUs, long events,
    List<Violation> violations, List<TraceRecord> lastRecords, String detail) {
  public RunResult {
    violations = List.copyOf(violations);
    lastRecords = List.copyOf(lastRecords);
  }

  public boolean ok() {
    return violations.isEmpty()
        && (outcome == RunOutcome.COMPLETED || outcome == RunOutcome.QUIESCENT);
  }

  /** A report: outcome, figures, the seed to reproduce with, violations with their excerpts. */
  public String describe() {
    StringBuilder sb = new StringBuilder();
    sb.append("outcome=").append(outcome).append(" seed=").append(seed).append(" time=")
        .append(TraceRecord.formatTime(endTimeUs)).append("s events=").append(events);
    if (!detail.isEmpty()) {
      sb.append(" (").append(detail).append(')');
    }
    sb.append('\n');
    for (Violation v : violations) {
      sb.append(v.describe());
    }
    if (violations.isEmpty() && outcome != RunOutcome.COMPLETED
        && outcome != RunOutcome.QUIESCENT && !lastRecords.isEmpty()) {
      sb.append("last trace records:\n");
      for (TraceRecord r : lastRecords) {
        sb.append("    ").append(r.toText()).append('\n');
      }
    }
    return sb.toString();
  }
}
