package io.pdlab.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The benchmark provisions every cluster to a serving TiDB, the same way for the same seed. */
class ProvisioningBenchmarkTest {
  @Test
  void everyClusterServesAndRunsAreDeterministic() {
    long events = ProvisioningBenchmark.provision(5, 1);
    assertTrue(events > 10_000, events + " events");
    assertEquals(events, ProvisioningBenchmark.provision(5, 1));
  }
}
