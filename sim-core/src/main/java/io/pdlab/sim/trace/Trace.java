package io.pdlab.sim.trace;

import io.pdlab.sim.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The trace of one run: numbers records, stamps them with the clock and hands them to the sinks.
 * When disabled, callers skip building records at all ({@link #enabled()}), which is what lets the
 * event loop run at full speed in benchmarks.
 */
public final class Trace {
  private final Clock clock;
  private final List<TraceSink> sinks = new ArrayList<>();
  private final boolean enabled;
  private long next;

  public Trace(Clock clock, boolean enabled) {
    this.clock = clock;
    this.enabled = enabled;
  }

  public boolean enabled() {
    return enabled;
  }

  public void addSink(TraceSink sink) {
    sinks.add(sink);
  }

  /** Records one line; does nothing when the trace is disabled. */
  public void record(TraceKind kind, String node, String detail) {
    if (!enabled) {
      return;
    }
    TraceRecord r = new TraceRecord(next++, clock.nowUs(), kind, node, detail);
    for (int i = 0; i < sinks.size(); i++) {
      sinks.get(i).accept(r);
    }
  }

  /** Records written so far. */
  public long size() {
    return next;
  }
}
