package io.pdlab.sim.realtime;

import io.pdlab.sim.Event;
import io.pdlab.sim.EventScheduler;
import io.pdlab.sim.TimerHandle;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs events on the wall clock with one executor thread, so the code it drives stays
 * single-threaded as it is under the virtual loop. Time is microseconds since construction
 * ({@link System#nanoTime()}). Work due at the same time runs in scheduling order (the executor
 * breaks ties by submission order). Closing it stops the thread and drops pending work.
 */
public final class RealTimeScheduler implements EventScheduler, AutoCloseable {
  private final long startNanos = System.nanoTime();
  private final ScheduledThreadPoolExecutor executor;
  private volatile Thread thread;
  private volatile Throwable failure;
  private long nextSeq;

  public RealTimeScheduler(String threadName) {
    executor = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, threadName);
      t.setDaemon(true);
      thread = t;
      return t;
    });
    executor.setRemoveOnCancelPolicy(true);
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
  }

  @Override
  public long nowUs() {
    return (System.nanoTime() - startNanos) / 1_000;
  }

  @Override
  public void schedule(long delayUs, Event e) {
    if (delayUs < 0) {
      throw new IllegalArgumentException("negative delay " + delayUs + " us");
    }
    long seq;
    synchronized (this) {
      seq = nextSeq++;
    }
    Access.prepare(e, nowUs() + delayUs, seq);
    Access.attach(e, executor.schedule(() -> fireCatching(e), delayUs, TimeUnit.MICROSECONDS));
  }

  private void fireCatching(Event e) {
    try {
      Access.fire(e);
    } catch (RuntimeException | Error t) {
      if (failure == null) {
        failure = t;
      }
    }
  }

  @Override
  public TimerHandle schedule(long delayUs, Runnable task) {
    Event e = new Event() {
      @Override
      protected void fire() {
        task.run();
      }
    };
    schedule(delayUs, e);
    return e;
  }

  /** The first exception thrown by scheduled work, or null; work after it still runs. */
  public Throwable failure() {
    return failure;
  }

  /** Whether the caller is the scheduler's own thread. */
  public boolean onSchedulerThread() {
    return Thread.currentThread() == thread;
  }

  /**
   * Runs {@code work} on the scheduler thread and waits for its result, at most {@code timeoutMs}.
   * Called from the scheduler thread itself, it runs {@code work} directly.
   */
  public <T> T call(Callable<T> work, long timeoutMs) {
    if (onSchedulerThread()) {
      try {
        return work.call();
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
    Future<T> f = executor.submit(work);
    try {
      return f.get(timeoutMs, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(c);
    } catch (TimeoutException e) {
      f.cancel(true);
      throw new IllegalStateException("scheduler thread did not answer within " + timeoutMs
          + " ms", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the scheduler thread", e);
    }
  }

  /** Stops the thread; pending work is dropped. Waits up to 5 s for running work to end. */
  @Override
  public void close() {
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Reaches the wall-clock hooks that {@link Event} keeps for schedulers. Never instantiated. */
  private abstract static class Access extends Event {
    static void prepare(Event e, long timeUs, long seq) {
      prepareRealTime(e, timeUs, seq);
    }

    static void attach(Event e, Future<?> f) {
      attachFuture(e, f);
    }

    static void fire(Event e) {
      fireRealTime(e);
    }
  }
}
