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
  private boolean messages = true;
  private long next;

  public Trace(Clock clock, boolean enabled) {
    this.clock = clock;
    this.enabled = enabled;
  }

  public boolean enabled() {
    return enabled;
  }

  /**
   * Whether message records ({@link TraceKind#message}) are recorded: callers skip building
   * them when not.
   */
  public boolean messages() {
    return enabled && messages;
  }

  /**
   * Records no message records from now on: for a run whose reader needs only the other kinds
   * (the excerpts of violations and failures then hold no messages either). What the processes do
   * does not depend on it.
   */
  public void leaveOutMessages() {
    messages = false;
  }

  public void addSink(TraceSink sink) {
    sinks.add(sink);
  }

  /**
   * Records one line; does nothing when the trace is disabled, or for a message record when
   * messages are left out.
   */
  public void record(TraceKind kind, String node, String detail) {
    if (!enabled || !messages && kind.message()) {
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
