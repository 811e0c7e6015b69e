package io.pdlab.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The benchmark provisions every cluster to a serving TiDB, the same way for the same seed. */
class ProvisioningBenchmarkTest {
  @Test
  void everyClusterServesAndRunsAreDeterministic() {
    // provision throws unless every TiDB served
    long events = ProvisioningBenchmark.provision(5, 1);
    long one = ProvisioningBenchmark.provision(1, 1);
    assertTrue(one > 0 && events > one, "5 clusters took " + events + " events, 1 took " + one);
    assertEquals(events, ProvisioningBenchmark.provision(5, 1));
  }
}
