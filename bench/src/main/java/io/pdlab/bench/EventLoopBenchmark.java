package io.pdlab.bench;

import io.pdlab.sim.Budget;
import io.pdlab.sim.Event;
import io.pdlab.sim.EventLoop;
import io.pdlab.sim.RunOutcome;
import io.pdlab.sim.RunResult;
import io.pdlab.sim.Simulation;
import io.pdlab.sim.TimerHandle;
import io.pdlab.sim.toy.PingPong;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Throughput of the simulation kernel, in events per second on one thread (one core).
 *
 * <ul>
 *   <li>{@link #pingPong}: the target workload. Two simulated processes bounce a message; each
 *       event is a whole message hop: the network plans it (latency, loss, FIFO), the loop queues
 *       it, pops it, checks link and receiver and calls the handler, which sends the next one.
 *       Target: at least 10 million events per second.
 *   <li>{@link #bareLoop}: baseline without network or processes, one self-rescheduling event;
 *       the floor the kernel's own bookkeeping costs.
 *   <li>{@link #timerChurn}: the Raft pattern of resetting an election timer on every heartbeat,
 *       schedule-and-cancel against a heap of {@code pendingTimers} other timers.
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
public class EventLoopBenchmark {
  /** Message hops per benchmark invocation (two events per round). */
  public static final int EVENTS_PER_INVOCATION = 200_000;

  /** Parameters of {@link #pingPong}. */
  @State(Scope.Thread)
  public static class PingPongParams {
    /** Whether the run records a trace (a ring of recent records for excerpts and checkers). */
    @Param({"false", "true"})
    public boolean traced;
  }

  /** A loop holding {@code pendingTimers} far-off timers and one timer that keeps being reset. */
  @State(Scope.Thread)
  public static class Churn {
    /** Timers pending beside the one being reset. */
    @Param({"16", "1024"})
    public int pendingTimers;

    private EventLoop loop;
    private TimerHandle timer;
    private long resets;

    @Setup
    public void setUp() {
      loop = new EventLoop(pendingTimers + 16);
      for (int i = 0; i < pendingTimers; i++) {
        loop.schedule(1_000_000_000L + i, () -> { });
      }
      timer = loop.schedule(1_000, () -> { });
    }

    /** Cancels the pending timer and schedules it anew; true if there was one to cancel. */
    public boolean reset() {
      boolean cancelled = timer.cancel();
      timer = loop.schedule(1_000 + (resets++ & 1023), () -> { });
      return cancelled;
    }
  }

  /** Events per second of a two-process message ping-pong in the full simulator. */
  @Benchmark
  @OperationsPerInvocation(EVENTS_PER_INVOCATION)
  public long pingPong(PingPongParams p) {
    return runPingPong(p.traced, EVENTS_PER_INVOCATION / 2);
  }

  /**
   * Runs a ping-pong of {@code rounds} rounds (2 * rounds events) and returns the events fired.
   *
   * @throws IllegalStateException if the run did not finish cleanly
   */
  public static long runPingPong(boolean traced, long rounds) {
    Simulation sim = new Simulation(1, Budget.of(Long.MAX_VALUE, Long.MAX_VALUE), traced);
    sim.addProcess("ping", n -> new PingPong.Pinger("pong", rounds));
    sim.addProcess("pong", n -> new PingPong.Ponger());
    sim.startAll();
    RunResult r = sim.run();
    if (r.outcome() != RunOutcome.QUIESCENT) {
      throw new IllegalStateException("ping-pong ended " + r.describe());
    }
    return r.events();
  }

  /** Events per second of one event that reschedules itself: the loop alone. */
  @Benchmark
  @OperationsPerInvocation(EVENTS_PER_INVOCATION)
  public long bareLoop() {
    return runBareLoop(EVENTS_PER_INVOCATION);
  }

  /** Runs {@code events} self-rescheduling events on a fresh loop; returns the events fired. */
  public static long runBareLoop(long events) {
    EventLoop loop = new EventLoop(16);
    Event e = new Event() {
      long left = events;

      @Override
      protected void fire() {
        if (--left > 0) {
          loop.schedule(500, this);
        }
      }
    };
    loop.schedule(0, e);
    while (loop.runNext(Long.MAX_VALUE)) {
      // fire until the chain ends
    }
    return loop.eventsRun();
  }

  /** Timer resets per second: cancel the pending timer and schedule it anew. */
  @Benchmark
  public boolean timerChurn(Churn c) {
    return c.reset();
  }
}
