package io.pdlab.sim.trace;

/** Receives trace records in order. */
@FunctionalInterface
public interface TraceSink {
  void accept(TraceRecord record);

  /**
   * Whether this sink reads the message records ({@link TraceKind#DELIVER}, {@link
   * TraceKind#DROP}, {@link TraceKind#TIMER}): a world whose one outside sink does not need them
   * leaves them out ({@link Trace#leaveOutMessages}), as they are most of a trace's records and
   * each is a message's text.
   */
  default boolean readsMessages() {
    return true;
  }
}
