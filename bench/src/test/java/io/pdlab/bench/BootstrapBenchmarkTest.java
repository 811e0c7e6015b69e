package io.pdlab.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The benchmark measures a real, complete bootstrap (speed is JMH's job, not this test's). */
class BootstrapBenchmarkTest {
  @Test
  void everySeedBootstrapsAndIsDeterministic() {
    for (long seed = 1; seed <= 200; seed++) {
      long events = BootstrapBenchmark.bootstrap(3, seed);
      assertTrue(events > 20 && events < 2_000, "seed " + seed + ": " + events + " events");
      assertEquals(events, BootstrapBenchmark.bootstrap(3, seed), "seed " + seed);
    }
    assertTrue(BootstrapBenchmark.bootstrap(5, 1) > BootstrapBenchmark.bootstrap(3, 1) / 2);
  }
}
