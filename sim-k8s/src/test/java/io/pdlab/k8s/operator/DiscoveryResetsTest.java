package io.pdlab.k8s.operator;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pdlab.k8s.api.Kind;
import io.pdlab.k8s.store.WatchEvent;
import io.pdlab.k8s.controllers.K8sWorld;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How often tidb-operator's status writes change the TidbCluster's resourceVersion, and so reset
 * discovery's count (tidb-operator v1.5.1 {@code discovery.go}), during a healthy 3-PD discovery
 * bootstrap (issue 16, item 2): every write lands on the object discovery reads. Measured over
 * seeds and printed for the report; each run must still bootstrap (the writes must not stall
 * discovery for good).
 */
class DiscoveryResetsTest {
  @Test
  void statusWritesDuringAHealthyBootstrap() {
    List<Integer> writes = new ArrayList<>();
    List<Double> bootstraps = new ArrayList<>();
    for (long seed = 1; seed <= 20; seed++) {
      K8sWorld w = StrategiesTest.world(seed, 4);
      int[] n = {0};
      w.store().watch(Kind.TIDB_CLUSTER, e -> {
        if (e.type() == WatchEvent.Type.MODIFIED && !w.measures().bootstrapped()) {
          n[0]++;
        }
      });
      w.measures().startMeasuring();
      Strategies.DISCOVERY.install(w, ClusterSpec.of("ns", "basic", 3, "pd"));
      w.sim().runUntil(300_000_000L);
      assertTrue(w.measures().bootstrapped(), "seed " + seed + ": "
          + w.measures().measures().describe());
      writes.add(n[0]);
      bootstraps.add(w.measures().bootstrappedAtUs() / 1e6);
    }
    System.out.println("tc writes before bootstrap per seed: " + writes);
    System.out.println("bootstrap s per seed: " + bootstraps);
  }
}
