package io.pdlab.sim;

/**
 * A {@link Scheduler} that also takes prepared {@link Event} objects (no extra allocation per
 * event). The virtual {@link EventLoop} and the wall-clock
 * {@code io.pdlab.sim.realtime.RealTimeScheduler} implement it; {@link World} runs on either.
 */
public interface EventScheduler extends Scheduler {
  /** Fires {@code e} {@code delayUs} from now; events due together fire in scheduling order. */
  void schedule(long delayUs, Event e);
}
