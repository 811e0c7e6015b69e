package io.pdlab.sim.realtime;

import io.pdlab.sim.World;
import java.util.concurrent.Callable;

/**
 * A {@link World} on the wall clock: the same processes, network model, faults, trace and
 * invariants as in simulation, run by a {@link RealTimeScheduler}'s single thread. Calls from other
 * threads go through {@link #call} / {@link #run}, which run on that thread and wait. Close it to
 * stop the thread; tests wait on it with Awaitility ({@code atMost}), never by sleeping.
 */
public final class RealTimeRuntime implements AutoCloseable {
  /** How long a call from another thread waits for the scheduler thread. */
  public static final long CALL_TIMEOUT_MS = 10_000;

  private final RealTimeScheduler scheduler;
  private final World world;

  public RealTimeRuntime(long seed, boolean traceEnabled) {
    this.scheduler = new RealTimeScheduler("pdlab-realtime-" + seed);
    this.world = scheduler.call(() -> new RealTimeWorld(seed, scheduler, traceEnabled),
        CALL_TIMEOUT_MS);
  }

  /** Runs {@code work} with the world on the scheduler thread and returns its result. */
  public <T> T call(WorldFunction<T> work) {
    Callable<T> c = () -> work.apply(world);
    return scheduler.call(c, CALL_TIMEOUT_MS);
  }

  /** Runs {@code work} with the world on the scheduler thread and waits for it. */
  public void run(WorldAction work) {
    scheduler.call(() -> {
      work.accept(world);
      return null;
    }, CALL_TIMEOUT_MS);
  }

  /** The first exception a process or fault threw on the scheduler thread, or null. */
  public Throwable failure() {
    return scheduler.failure();
  }

  public long nowUs() {
    return scheduler.nowUs();
  }

  @Override
  public void close() {
    scheduler.close();
  }

  /** Work on the world that returns a value. */
  @FunctionalInterface
  public interface WorldFunction<T> {
    T apply(World world) throws Exception;
  }

  /** Work on the world. */
  @FunctionalInterface
  public interface WorldAction {
    void accept(World world) throws Exception;
  }

  private static final class RealTimeWorld extends World {
    RealTimeWorld(long seed, RealTimeScheduler scheduler, boolean traceEnabled) {
      super(seed, scheduler, traceEnabled);
    }
  }
}
