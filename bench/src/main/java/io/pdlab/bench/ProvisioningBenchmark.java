package io.pdlab.bench;

import io.pdlab.k8s.eks.EksWorld;
import io.pdlab.k8s.provision.ProvisionParameters;
import io.pdlab.sim.Budget;
import io.pdlab.sim.RunOutcome;
import io.pdlab.sim.RunResult;
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
 * An EKS cluster hosting {@code clusters} TidbClusters (3 PD, 3 TiKV, 2 TiDB and a monitor each),
 * provisioned end to end from an empty account until every TiDB serves, in virtual time. Target:
 * 100 clusters in at most 5 s of CPU.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
@Fork(1)
@Threads(1)
@State(Scope.Thread)
public class ProvisioningBenchmark {
  @Param({"100"})
  public int clusters;

  private long seed;

  @Benchmark
  public long provisionEndToEnd() {
    return provision(clusters, ++seed);
  }

  /**
   * Provisions {@code n} clusters and returns the events fired.
   *
   * @throws IllegalStateException if some TiDB never served
   */
  public static long provision(int n, long seed) {
    String[] names = new String[n];
    for (int i = 0; i < n; i++) {
      names[i] = "tc" + i;
    }
    EksWorld e = new EksWorld(seed, Budget.of(500_000_000L, 7_200_000_000L), false,
        ProvisionParameters.of(names), EksWorld.Shape.CHART_DEFAULTS);
    RunResult r = e.run();
    if (r.outcome() != RunOutcome.COMPLETED || e.tidbReadyUs().size() != n) {
      throw new IllegalStateException(e.tidbReadyUs().size() + " of " + n + " clusters served: "
          + r.describe());
    }
    return r.events();
  }
}
