package io.pdlab.bench;

import io.pdlab.pd.etcd.EtcdTiming;
import io.pdlab.pd.run.EtcdWorld;
import io.pdlab.sim.Budget;
import io.pdlab.sim.RunOutcome;
import io.pdlab.sim.RunResult;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A whole static bootstrap of the etcd model on the simulated network, from building the world to
 * "all members voting and started with one leader" (untraced). Target: a 3-member bootstrap in at
 * most 50 microseconds of CPU, i.e. at least 20,000 bootstraps per second on one core.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
@State(Scope.Thread)
public class BootstrapBenchmark {
  @Param({"3", "5"})
  public int members;

  private long seed;

  /** Microseconds per static bootstrap of {@code members} members; a new seed each time. */
  @Benchmark
  public long staticBootstrap() {
    return bootstrap(members, ++seed);
  }

  /**
   * Bootstraps {@code n} static members with etcd's default timing and returns the events fired.
   *
   * @throws IllegalStateException if the cluster did not bootstrap
   */
  public static long bootstrap(int n, long seed) {
    EtcdWorld w = new EtcdWorld(seed, Budget.of(100_000, 60_000_000), false);
    List<String> names = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      names.add("m" + i);
    }
    w.addStatic(names, EtcdTiming.ETCD_DEFAULTS, "tok");
    for (String name : names) {
      w.sim().start(name);
    }
    RunResult r = w.runUntilBootstrapped();
    if (r.outcome() != RunOutcome.COMPLETED) {
      throw new IllegalStateException("no bootstrap: " + r.describe());
    }
    return r.events();
  }
}
