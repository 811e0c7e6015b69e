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
  /** Virtual loop: position in the queue's heap array, or -1 when not queued. */
  int heapIndex = -1;
  EventQueue queue;
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
      if (heapIndex < 0) {
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
    return queue != null ? heapIndex >= 0 : future != null && !settled;
  }

  /** Orders by time, then by scheduling sequence: the total order of a run. */
  final boolean before(Event other) {
    return timeUs < other.timeUs || (timeUs == other.timeUs && seq < other.seq);
  }

  /** For a wall-clock scheduler: stamps the event before handing it to an executor. */
  protected static void prepareRealTime(Event e, long timeUs, long seq) {
    if (e.heapIndex >= 0) {
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
