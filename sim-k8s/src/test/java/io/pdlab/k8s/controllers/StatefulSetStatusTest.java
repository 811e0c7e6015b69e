package io.pdlab.k8s.controllers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pdlab.k8s.api.Container;
import io.pdlab.k8s.api.Kind;
import io.pdlab.k8s.api.ObjectMeta;
import io.pdlab.k8s.api.Pod;
import io.pdlab.k8s.api.PodSpec;
import io.pdlab.k8s.api.PodStatus;
import io.pdlab.k8s.api.PodTemplate;
import io.pdlab.k8s.api.Resources;
import io.pdlab.k8s.api.StatefulSet;
import io.pdlab.k8s.store.WatchEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The StatefulSet status the StatefulSet controller writes (Kubernetes 1.20
 * {@code stateful_set_control.go} updateStatefulSet, completeRollingUpdate, inconsistentStatus):
 * the model's sets had none, so nothing watching them (tidb-operator copies it into the
 * TidbCluster, issue 16 item 2) saw a change when their pods came up.
 */
class StatefulSetStatusTest {
  private static final StatefulSet.Status EMPTY = StatefulSet.Status.EMPTY;

  @Test
  void countsPodsReadyOnesAndRevisions() {
    StatefulSet s = KubeletAndSetTest.set(3, "Parallel");
    String a = StatefulSetController.revisionName(s);
    assertTrue(a.startsWith("s-"), a);
    assertEquals(new StatefulSet.Status(0, 0, 0, 0, a, a),
        StatefulSetController.status(s, Map.of()), "a new set: both revisions are the template's");
    Map<String, Pod> twoReady = KubeletAndSetTest.pods(3, true);
    twoReady.put("s-2", twoReady.get("s-2").withStatus(new PodStatus("Running", false, "", 0)));
    assertEquals(new StatefulSet.Status(3, 2, 3, 3, a, a),
        StatefulSetController.status(s, twoReady));
  }

  @Test
  void aRolloutMovesPodsFromTheCurrentToTheUpdateRevision() {
    StatefulSet old = KubeletAndSetTest.set(3, "Parallel");
    String a = StatefulSetController.revisionName(old);
    StatefulSet changed = old.withStatus(new StatefulSet.Status(3, 3, 3, 3, a, a))
        .withTemplate(new PodTemplate(new TreeMap<>(), new PodSpec(null, new TreeMap<>(),
            List.of(), Resources.NONE, null, List.of(), List.of(new Container("c", "img",
                "simple", List.of("--v2"))), "Always", null, null)));
    String b = StatefulSetController.revisionName(changed);
    assertTrue(!a.equals(b), "another template, another revision");
    Map<String, Pod> pods = KubeletAndSetTest.pods(3, true);
    assertEquals(new StatefulSet.Status(3, 3, 3, 0, a, b),
        StatefulSetController.status(changed, pods));
    pods.put("s-2", new Pod(ObjectMeta.of("ns", "s-2"), changed.template().spec(),
        new PodStatus("Running", true, "", 0)));
    assertEquals(new StatefulSet.Status(3, 3, 2, 1, a, b),
        StatefulSetController.status(changed, pods));
    for (String n : List.of("s-0", "s-1")) {
      pods.put(n, new Pod(ObjectMeta.of("ns", n), changed.template().spec(),
          new PodStatus("Running", n.equals("s-1"), "", 0)));
    }
    assertEquals(new StatefulSet.Status(3, 2, 0, 3, a, b),
        StatefulSetController.status(changed, pods), "all updated, one not ready: not complete");
    pods.put("s-0", pods.get("s-0").withStatus(new PodStatus("Running", true, "", 0)));
    assertEquals(new StatefulSet.Status(3, 3, 3, 3, b, b),
        StatefulSetController.status(changed, pods),
        "all updated and ready: the update revision becomes the current one");
  }

  /**
   * The model's controller writes the status whenever it changes, each write a new
   * resourceVersion and a MODIFIED event; an unchanged status is not written again.
   */
  @Test
  void theControllerWritesEveryChangeOnce() {
    K8sWorld w = KubeletAndSetTest.world();
    List<StatefulSet.Status> seen = new ArrayList<>();
    List<Long> versions = new ArrayList<>();
    w.store().watch(Kind.STATEFUL_SET, e -> {
      if (e.type() == WatchEvent.Type.MODIFIED) {
        seen.add(((StatefulSet) e.object()).status());
        versions.add(e.object().meta().resourceVersion());
      }
    });
    w.store().create(KubeletAndSetTest.set(2, "OrderedReady"));
    w.sim().runUntil(120_000_000L);
    StatefulSet s = w.store().get(Kind.STATEFUL_SET, "ns/s");
    String a = StatefulSetController.revisionName(s);
    assertEquals(new StatefulSet.Status(2, 2, 2, 2, a, a), s.status());
    assertTrue(seen.size() >= 3, "pods created and ready one by one: " + seen);
    for (int i = 1; i < seen.size(); i++) {
      assertTrue(!seen.get(i).equals(seen.get(i - 1)), "a write without a change: " + seen);
      assertTrue(versions.get(i) > versions.get(i - 1), versions.toString());
    }
    assertTrue(!seen.contains(EMPTY), seen.toString());
  }

  /**
   * A scale-in writes the status twice, as kube-controller-manager 1.20.2 did when a PD set went
   * from 4 to 3 (watched on the k8s backend): first the condemned pod, terminating, still counts
   * in replicas and readyReplicas but no longer in the revisions' counts; then, once it is gone,
   * replicas and readyReplicas drop. The model wrote both changes at once before.
   */
  @Test
  void aScaleInWritesTheTerminatingPodThenItsAbsence() {
    K8sWorld w = KubeletAndSetTest.world();
    w.store().create(KubeletAndSetTest.set(4, "Parallel"));
    w.sim().runUntil(60_000_000L);
    StatefulSet s = w.store().get(Kind.STATEFUL_SET, "ns/s");
    String a = StatefulSetController.revisionName(s);
    assertEquals(new StatefulSet.Status(4, 4, 4, 4, a, a), s.status());
    List<StatefulSet.Status> seen = new ArrayList<>();
    w.store().watch(Kind.STATEFUL_SET, e -> seen.add(((StatefulSet) e.object()).status()));
    w.modify(Kind.STATEFUL_SET, "ns/s", (StatefulSet set) -> set.withReplicas(3));
    w.sim().runUntil(120_000_000L);
    assertEquals(List.of(new StatefulSet.Status(4, 4, 4, 4, a, a), // the spec's own write
        new StatefulSet.Status(4, 4, 3, 3, a, a), new StatefulSet.Status(3, 3, 3, 3, a, a)),
        seen);
  }
}
