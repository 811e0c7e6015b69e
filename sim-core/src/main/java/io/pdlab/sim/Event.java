package io.pdlab.sim;

import java.util.concurrent.Future;

/**
 * Work due at {@link #timeUs}, ordered among work due at the same time by {@link #seq}, the order
 * in which it was scheduled. Subclasses say what happens when it fires. An event belongs to one
 * scheduler at a time and is not thread-safe: its scheduler fires and cancels it on one thread.
 */
public abstract class Event implements TimerHandle {
  long timeUs;
  long seq;
  /** {@link #heapIndex} of an event that is not queued. */
  static final int NOT_QUEUED = -1;
  /** {@link #heapIndex} of an event queued in one of the queue's lanes. */
  static final int IN_LANE = -2;
  /**
   * Virtual loop: position in the queue's heap array, {@link #IN_LANE} or {@link #NOT_QUEUED}.
   */
  int heapIndex = NOT_QUEUED;
  EventQueue queue;
  /** Virtual loop, while in a lane: the lane and the events before and after it there. */
  EventQueue.Lane lane;
  Event lanePrev;
  Event laneNext;
  /** Real-time driver: the executor's handle, and whether it fired or was cancelled. */
  private Future<?> future;
  private boolean settled;

  /** Called by the scheduler when the event is due; the clock reads {@link #timeUs()}. */
  protected abstract void fire();

  public final long timeUs() {
    return timeUs;
  }

  public final long seq() {
    return seq;
  }

  @Override
  public boolean cancel() {
    if (queue != null) {
      if (heapIndex == NOT_QUEUED) {
        return false;
      }
      queue.remove(this);
      return true;
    }
    if (future != null && !settled) {
      settled = true;
      future.cancel(false);
      return true;
    }
    return false;
  }

  @Override
  public boolean isPending() {
    return queue != null ? heapIndex != NOT_QUEUED : future != null && !settled;
  }

  /** Orders by time, then by scheduling sequence: the total order of a run. */
  final boolean before(Event other) {
    return timeUs < other.timeUs || (timeUs == other.timeUs && seq < other.seq);
  }

  /** For a wall-clock scheduler: stamps the event before handing it to an executor. */
  protected static void prepareRealTime(Event e, long timeUs, long seq) {
    if (e.heapIndex != NOT_QUEUED) {
      throw new IllegalStateException("event is queued in a virtual loop");
    }
    e.queue = null;
    e.timeUs = timeUs;
    e.seq = seq;
    e.settled = false;
  }

  /** For a wall-clock scheduler: remembers the executor's handle so cancel() can reach it. */
  protected static void attachFuture(Event e, Future<?> f) {
    e.future = f;
  }

  /** For a wall-clock scheduler: fires the event unless it was cancelled meanwhile. */
  protected static void fireRealTime(Event e) {
    if (e.settled) {
      return;
    }
    e.settled = true;
    e.fire();
  }
}
