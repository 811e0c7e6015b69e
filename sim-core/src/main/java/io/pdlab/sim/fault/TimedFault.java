package io.pdlab.sim.fault;

import io.pdlab.sim.trace.TraceRecord;

/** A fault and the time, from the start of the run, at which it happens. */
public record TimedFault(long atUs, Fault fault) {
  public TimedFault {
    if (atUs < 0) {
      throw new IllegalArgumentException("fault time must be >= 0 us, got " + atUs + " for " + fault);
    }
    if (fault == null) {
      throw new IllegalArgumentException("fault is required");
    }
  }

  @Override
  public String toString() {
    return "at " + TraceRecord.formatTime(atUs) + "s " + fault;
  }
}
