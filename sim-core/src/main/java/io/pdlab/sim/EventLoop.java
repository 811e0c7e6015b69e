package io.pdlab.sim;

/**
 * The virtual clock and its event loop. Time moves only when the loop takes the next event; events
 * run in (time, sequence) order, where the sequence is the order in which they were scheduled, so
 * ties are broken the same way on every run. Single-threaded by design.
 */
public final class EventLoop implements EventScheduler {
  private final EventQueue queue;
  private long nowUs;
  private long nextSeq;
  private long eventsRun;

  public EventLoop(int queueCapacity) {
    this.queue = new EventQueue(queueCapacity);
  }

  @Override
  public long nowUs() {
    return nowUs;
  }

  /** Events fired so far. */
  public long eventsRun() {
    return eventsRun;
  }

  public int pending() {
    return queue.size();
  }

  /** Time of the next event, or {@link Long#MAX_VALUE} when none is queued. */
  public long nextEventTimeUs() {
    Event e = queue.peek();
    return e == null ? Long.MAX_VALUE : e.timeUs;
  }

  @Override
  public void schedule(long delayUs, Event e) {
    if (delayUs < 0) {
      throw new IllegalArgumentException("negative delay " + delayUs + " us");
    }
    long at = nowUs + delayUs;
    if (at < nowUs) {
      throw new IllegalArgumentException("delay " + delayUs + " us overflows the clock");
    }
    e.timeUs = at;
    e.seq = nextSeq++;
    queue.add(e, delayUs);
  }

  @Override
  public TimerHandle schedule(long delayUs, Runnable task) {
    TaskEvent e = new TaskEvent(task);
    schedule(delayUs, e);
    return e;
  }

  /**
   * Fires the earliest event if it is due no later than {@code limitUs}.
   *
   * @return false when no event is due by then (the clock does not move)
   */
  public boolean runNext(long limitUs) {
    Event e = queue.peek();
    if (e == null || e.timeUs > limitUs) {
      return false;
    }
    queue.poll();
    nowUs = e.timeUs;
    eventsRun++;
    e.fire();
    return true;
  }

  /** Moves the clock forward to {@code timeUs} without running anything (never backwards). */
  public void advanceTo(long timeUs) {
    Event e = queue.peek();
    if (e != null && e.timeUs < timeUs) {
      throw new IllegalStateException(
          "cannot skip past a queued event due at " + e.timeUs + " us");
    }
    if (timeUs > nowUs) {
      nowUs = timeUs;
    }
  }

  private static final class TaskEvent extends Event {
    private final Runnable task;

    TaskEvent(Runnable task) {
      this.task = task;
    }

    @Override
    protected void fire() {
      task.run();
    }
  }
}
