package io.pdlab.k8s.controllers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pdlab.k8s.api.Container;
import io.pdlab.k8s.api.Kind;
import io.pdlab.k8s.api.Node;
import io.pdlab.k8s.api.Pod;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A lost node in the model, as kube-controller-manager 1.20 and the cloud's controller handle it:
 * NotReady (and its pods not Ready) once its lease is older than the 40 s grace period, at a 5 s
 * look; the Node deleted at the cloud controller's next 5 s look; its pods deleted by the pod GC
 * after its 40 s quarantine, at a 20 s look; the StatefulSet's pod created again elsewhere.
 */
class NodeLossTest {
  @Test
  void aLostNodeGoesNotReadyThenIsDeletedThenItsPodsAreCollectedAndRecreated() {
    List<Long> notReady = new ArrayList<>();
    List<Long> deleted = new ArrayList<>();
    List<Long> recreated = new ArrayList<>();
    for (long seed = 1; seed <= 20; seed++) {
      K8sWorld w = StaticEtcdStatefulSetTest.world("Parallel", 3, Container.NO_PROBE,
          seed);
      // a spare node for the replacement
      w.store().create(new Node(io.pdlab.k8s.api.ObjectMeta.of("", "n3"), List.of(),
          new io.pdlab.k8s.api.Resources(4_000, 16_384), List.of(), "us-west-2a", true, false));
      w.sim().runUntil(30_000_000);
      Pod victim = w.store().get(Kind.POD, "ns/etcd-1");
      String node = victim.spec().nodeName();
      long created = victim.meta().createdUs();
      long lostAt = w.sim().nowUs();
      w.loseNode(node);
      long[] seen = {-1, -1, -1};
      while (w.sim().nowUs() < lostAt + 200_000_000 && seen[2] < 0) {
        w.sim().runUntil(w.sim().nowUs() + 100_000);
        Node n = w.store().get(Kind.NODE, node);
        Pod p = w.store().get(Kind.POD, "ns/etcd-1");
        if (seen[0] < 0 && (n == null || !n.ready())) {
          seen[0] = w.sim().nowUs() - lostAt;
          assertFalse(p.status().ready(), "its pod is not Ready with it");
        }
        if (seen[1] < 0 && n == null) {
          seen[1] = w.sim().nowUs() - lostAt;
        }
        if (seen[2] < 0 && p != null && p.meta().createdUs() != created) {
          seen[2] = w.sim().nowUs() - lostAt;
          assertNotEquals(node, p.spec().nodeName());
        }
      }
      notReady.add(seen[0]);
      deleted.add(seen[1] - seen[0]);
      recreated.add(seen[2] - seen[1]);
    }
    for (int i = 0; i < notReady.size(); i++) {
      assertTrue(notReady.get(i) > 30_000_000 && notReady.get(i) <= 45_100_000,
          "NotReady after " + notReady);
      assertTrue(deleted.get(i) >= 0 && deleted.get(i) <= 5_100_000, "deleted after " + deleted);
      assertTrue(recreated.get(i) >= 40_000_000 && recreated.get(i) <= 60_200_000,
          "re-created after " + recreated);
    }
    assertTrue(notReady.stream().distinct().count() > 5, "spread by the seed: " + notReady);
  }
}
