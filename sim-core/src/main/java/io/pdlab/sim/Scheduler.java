package io.pdlab.sim;

/**
 * Runs work at a later time on one logical thread. The virtual {@link EventLoop} and the
 * wall-clock {@code io.pdlab.sim.realtime.RealTimeScheduler} implement it, so code written against
 * it runs unchanged in simulation and against real systems.
 */
public interface Scheduler extends Clock {
  /**
   * Runs {@code task} {@code delayUs} microseconds from now. Tasks due at the same time run in the
   * order they were scheduled.
   *
   * @throws IllegalArgumentException if {@code delayUs} is negative
   */
  TimerHandle schedule(long delayUs, Runnable task);
}
