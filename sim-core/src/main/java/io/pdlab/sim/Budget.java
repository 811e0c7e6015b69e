package io.pdlab.sim;

/**
 * The limits every run has: how many events it may fire, how far virtual time may go, and how
 * many events may wait in the queue. Reaching one ends the run with a reported outcome instead of a
 * hang or unbounded growth.
 *
 * @param maxEvents events that may fire before the run ends with {@link RunOutcome#EVENT_BUDGET}
 * @param maxTimeUs virtual time after which the run ends with {@link RunOutcome#TIME_BUDGET}
 * @param maxQueuedEvents queue capacity; exceeding it ends the run with {@link RunOutcome#QUEUE_FULL}
 */
public record Budget(long maxEvents, long maxTimeUs, int maxQueuedEvents) {
  /** Default queue capacity: far above any protocol's needs, low enough to stop a runaway. */
  public static final int DEFAULT_MAX_QUEUED_EVENTS = 1_000_000;

  public Budget {
    if (maxEvents < 1) {
      throw new IllegalArgumentException("event budget must be at least 1, got " + maxEvents);
    }
    if (maxTimeUs < 0) {
      throw new IllegalArgumentException("time budget must be >= 0 us, got " + maxTimeUs);
    }
    if (maxQueuedEvents < 1) {
      throw new IllegalArgumentException("queue capacity must be at least 1, got " + maxQueuedEvents);
    }
  }

  public static Budget of(long maxEvents, long maxTimeUs) {
    return new Budget(maxEvents, maxTimeUs, DEFAULT_MAX_QUEUED_EVENTS);
  }
}
