package io.pdlab.sim.check;

import io.pdlab.sim.trace.TraceRecord;

/**
 * A property a run must keep. The simulator calls {@link #onRecord} for every trace record as the
 * run goes on, and {@link #atEnd} once when it ends; each returns a description of the violation,
 * or null when the property holds. An invariant may keep its own state (it is made per run) and
 * may look at the objects of the run it was given.
 */
public interface Invariant {
  /** Short stable name, e.g. {@code leader-per-term}. */
  String name();

  /** Checked after each trace record; return null when the property still holds. */
  default String onRecord(TraceRecord record) {
    return null;
  }

  /** Checked once when the run ends, at time {@code nowUs}; return null when it holds. */
  default String atEnd(long nowUs) {
    return null;
  }
}
