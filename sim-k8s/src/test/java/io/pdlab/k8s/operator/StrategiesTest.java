package io.pdlab.k8s.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pdlab.k8s.api.Node;
import io.pdlab.k8s.api.ObjectMeta;
import io.pdlab.k8s.api.PersistentVolume;
import io.pdlab.k8s.api.StorageClass;
import io.pdlab.k8s.api.Resources;
import io.pdlab.k8s.controllers.K8sWorld;
import io.pdlab.pd.run.Outcome;
import io.pdlab.pd.run.RunMeasures;
import io.pdlab.sim.Budget;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every etcd-level strategy bootstraps 1, 3, 5 and 7 members on healthy infrastructure. */
class StrategiesTest {
  /** A world of {@code nodes} Ready nodes, each with one local PV (the local volume provisioner). */
  static K8sWorld world(long seed, int nodes) {
    K8sWorld w = new K8sWorld(seed, Budget.of(5_000_000, 3_600_000_000L), false);
    w.store().create(new StorageClass(ObjectMeta.of("", "local-storage"),
        "kubernetes.io/no-provisioner", "WaitForFirstConsumer", "Retain"));
    for (int i = 0; i < nodes; i++) {
      w.store().create(new Node(ObjectMeta.of("", "n" + i), List.of(),
          new Resources(4_000, 16_384), List.of("/mnt/disks/ssd1"), "us-west-2a", true, false));
      w.store().create(new PersistentVolume(ObjectMeta.of("", "pv-n" + i), "local-storage", 150,
          "n" + i, "/mnt/disks/ssd1", null));
    }
    return w;
  }

  static RunMeasures bootstrap(BootstrapStrategy s, int members, long seed) {
    K8sWorld w = world(seed, 7);
    w.measures().startMeasuring();
    s.install(w, ClusterSpec.of("ns", "etcd", members, "etcd"));
    // expect every member pod the strategy will create, so bootstrap means all of them
    w.sim().runUntil(600_000_000L);
    return w.measures().measures();
  }

  @Test
  void everyStrategyBootstrapsOneThreeFiveAndSevenMembers() {
    List<String> times = new ArrayList<>();
    for (BootstrapStrategy s : Strategies.all()) {
      for (int n : new int[] {1, 3, 5, 7}) {
        RunMeasures m = bootstrap(s, n, 11);
        assertEquals(Outcome.OK, m.outcome(), s.name() + " n=" + n + ": " + m.describe());
        assertEquals(1, m.clusterIds().size(), s.name() + " n=" + n);
        times.add(s.name() + "/" + n + "=" + m.bootstrapUs() / 1_000 + "ms");
      }
    }
    // Seed-and-join pays ~8 s (the reconcile interval) per member; static pays at most etcd's
    // isMemberBootstrapped second per peer that is still starting, plus an election.
    long static7 = bootstrap(Strategies.STATIC, 7, 11).bootstrapUs();
    long seed7 = bootstrap(Strategies.SEED_JOIN, 7, 11).bootstrapUs();
    assertTrue(static7 < 2_000_000 + 6 * 1_000_000 + 3_000_000, times.toString());
    assertTrue(static7 < seed7 / 4, times.toString());
    assertTrue(seed7 > 6 * 8_000_000, times.toString());
  }
}
