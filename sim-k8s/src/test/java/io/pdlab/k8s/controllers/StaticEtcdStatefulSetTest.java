package io.pdlab.k8s.controllers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pdlab.k8s.api.Container;
import io.pdlab.k8s.api.Kind;
import io.pdlab.k8s.api.Node;
import io.pdlab.k8s.api.ObjectMeta;
import io.pdlab.k8s.api.Pod;
import io.pdlab.k8s.api.PodSpec;
import io.pdlab.k8s.api.PodTemplate;
import io.pdlab.k8s.api.Resources;
import io.pdlab.k8s.api.Service;
import io.pdlab.k8s.api.StatefulSet;
import io.pdlab.pd.run.Outcome;
import io.pdlab.pd.run.RunMeasures;
import io.pdlab.sim.Budget;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * protocols.md S1: a static bootstrap needs every member started, so a StatefulSet with
 * OrderedReady and a quorum-gated readiness probe deadlocks (pod-0 is never Ready, so pod-1 is
 * never created), while Parallel creates all pods at once and bootstraps.
 */
class StaticEtcdStatefulSetTest {
  static K8sWorld world(String policy, int replicas) {
    return world(policy, replicas, Container.ETCD_HEALTH);
  }

  static K8sWorld world(String policy, int replicas, String probe) {
    return world(policy, replicas, probe, 3);
  }

  static K8sWorld world(String policy, int replicas, String probe, long seed) {
    K8sWorld w = new K8sWorld(seed, Budget.of(2_000_000, 600_000_000L), false);
    for (int i = 0; i < replicas; i++) {
      w.store().create(new Node(ObjectMeta.of("", "n" + i), List.of(),
          new Resources(4_000, 16_384), List.of(), "us-west-2a", true, false));
    }
    StringBuilder ic = new StringBuilder();
    for (int i = 0; i < replicas; i++) {
      ic.append(i == 0 ? "" : ",").append("etcd-").append(i).append("=http://etcd-").append(i)
          .append(".etcd.ns.svc:2380");
    }
    TreeMap<String, String> labels = new TreeMap<>();
    labels.put("app", "etcd");
    w.store().create(new Service(ObjectMeta.of("ns", "etcd"), labels, true, true,
        List.of(2379, 2380), "ClusterIP"));
    PodSpec spec = new PodSpec(null, new TreeMap<>(), List.of(), new Resources(500, 1_024), null,
        List.of(), List.of(new Container("etcd", "etcd:3.4", "etcd", List.of(
            "--initial-cluster=" + ic, "--initial-cluster-state=new",
            "--initial-cluster-token=tok"), probe)), "Always", null, null);
    w.store().create(new StatefulSet(ObjectMeta.of("ns", "etcd"), replicas, policy, "etcd",
        new PodTemplate(labels, spec), null));
    return w;
  }

  @Test
  void parallelBootstraps() {
    K8sWorld w = world("Parallel", 3);
    w.measures().startMeasuring();
    w.sim().runUntil(60_000_000);
    RunMeasures m = w.measures().measures();
    assertEquals(Outcome.OK, m.outcome(), m.describe());
    assertEquals(3, w.store().count(Kind.POD));
    for (Pod p : w.store().<Pod>list(Kind.POD)) {
      assertTrue(p.status().ready(), p.meta().name() + " " + p.status());
    }
    // containers start 2 s after binding; the static cluster elects within a second of that
    assertTrue(m.bootstrapUs() > 2_000_000 && m.bootstrapUs() < 4_000_000, m.describe());
  }

  @Test
  void orderedReadyWithAQuorumGatedProbeDeadlocks() {
    K8sWorld w = world("OrderedReady", 3);
    w.measures().startMeasuring();
    w.sim().runUntil(300_000_000);
    List<Pod> pods = w.store().list(Kind.POD);
    assertEquals(List.of("etcd-0"), pods.stream().map(p -> p.meta().name()).toList(),
        "pod-1 is never created");
    assertFalse(pods.get(0).status().ready(), "etcd-0 alone has no quorum, so never Ready");
    assertEquals("Running", pods.get(0).status().phase());
    RunMeasures m = w.measures().measures();
    assertEquals(Outcome.STUCK, m.outcome(), m.describe());
    assertEquals(-1, m.bootstrapUs());
  }

  /**
   * Without a readiness probe a running pod is Ready (kubelet 1.20), so OrderedReady creates the
   * next pod once the one before runs, and the cluster bootstraps when the last starts: each pod
   * pays for its container's start in turn.
   */
  @Test
  void orderedReadyWithoutAProbeCreatesThePodsOneAfterAnotherAndBootstraps() {
    K8sWorld w = world("OrderedReady", 3, Container.NO_PROBE);
    w.measures().startMeasuring();
    w.sim().runUntil(60_000_000);
    RunMeasures m = w.measures().measures();
    assertEquals(Outcome.OK, m.outcome(), m.describe());
    assertEquals(3, w.store().count(Kind.POD));
    long start = K8sConstants.CONTAINER_START_MS * 1_000;
    assertTrue(m.bootstrapUs() > 3 * start && m.bootstrapUs() < 3 * start + 2_000_000,
        m.describe());
  }

  @Test
  void aSingleMemberSetIsTheSameUnderBothPolicies() {
    for (String policy : List.of("Parallel", "OrderedReady")) {
      K8sWorld w = world(policy, 1);
      w.measures().startMeasuring();
      w.sim().runUntil(30_000_000);
      assertEquals(Outcome.OK, w.measures().measures().outcome(), policy);
    }
  }
}
