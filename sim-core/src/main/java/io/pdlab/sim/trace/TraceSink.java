package io.pdlab.sim.trace;

/** Receives trace records in order. */
@FunctionalInterface
public interface TraceSink {
  void accept(TraceRecord record);
}
