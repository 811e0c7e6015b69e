package io.pdlab.k8s.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pdlab.k8s.api.ObjectMeta;
import io.pdlab.k8s.api.Node;
import io.pdlab.k8s.api.PersistentVolume;
import io.pdlab.k8s.api.Resources;
import io.pdlab.k8s.api.StorageClass;
import io.pdlab.k8s.controllers.K8sWorld;
import io.pdlab.sim.Budget;
import io.pdlab.sim.trace.TraceRecord;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A failed TidbCluster sync is put back on tidb-operator's queue after 1 s doubling to 100 s
 * (tidb-operator v1.5.1 {@code tidb_cluster_controller.go}, client-go v0.20.15
 * {@code ItemExponentialFailureRateLimiter}), on top of the 30 s resync (issue 16, item 2). The
 * model had tried again only at the resync.
 */
class TidbOperatorV1RequeueTest {
  @Test
  void failedSyncsAreRequeuedOneSecondDoublingToOneHundred() {
    List<TraceRecord> failed = new ArrayList<>();
    K8sWorld w = new K8sWorld(3, Budget.of(5_000_000, 3_600_000_000L), true, r -> {
      if (r.detail().contains("operator: PD status sync failed")) {
        failed.add(r);
      }
    });
    w.store().create(new StorageClass(ObjectMeta.of("", "local-storage"),
        "kubernetes.io/no-provisioner", "WaitForFirstConsumer", "Retain"));
    for (int i = 0; i < 4; i++) {
      w.store().create(new Node(ObjectMeta.of("", "n" + i), List.of(),
          new Resources(4_000, 16_384), List.of("/mnt/disks/ssd1"), "us-west-2a", true, false));
      w.store().create(new PersistentVolume(ObjectMeta.of("", "pv-n" + i), "local-storage", 150,
          "n" + i, "/mnt/disks/ssd1", null));
    }
    for (int i = 0; i < 3; i++) {
      w.neverStart("basic-pd-" + i); // the <tc>-pd Service never has an endpoint
    }
    Strategies.DISCOVERY.install(w, ClusterSpec.of("ns", "basic", 3, "pd"));
    w.sim().runUntil(400_000_000L);
    assertTrue(failed.size() > 8, failed.toString());
    // The requeue each failure asks for: 1, 2, 4, ... s, then 100 s for good (a resync or a
    // TidbCluster event in between syncs too, and fails again, so the count goes on).
    long[] want = {1, 2, 4, 8, 16, 32, 64, 100, 100};
    for (int i = 0; i < want.length; i++) {
      assertTrue(failed.get(i).detail().endsWith("requeue in " + want[i] + "s"),
          i + ": " + failed.get(i).detail());
    }
    // and they are acted on: failures come no further apart than the requeue they asked for
    for (int i = 1; i < failed.size(); i++) {
      long gapS = (failed.get(i).timeUs() - failed.get(i - 1).timeUs()) / 1_000_000;
      long asked = Long.parseLong(failed.get(i - 1).detail().replaceAll(".* in (\\d+)s", "$1"));
      assertTrue(gapS <= asked, "failure " + i + " came " + gapS + " s after one that asked "
          + asked + " s: " + failed);
    }
    assertEquals(0, failed.get(0).timeUs() / 1_000_000, "the first sync fails at once");
  }
}
