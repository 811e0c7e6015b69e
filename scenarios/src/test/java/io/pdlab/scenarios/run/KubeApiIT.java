package io.pdlab.scenarios.run;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.pdlab.k8s.api.K8sObject;
import io.pdlab.k8s.api.Kind;
import io.pdlab.k8s.api.Node;
import io.pdlab.k8s.api.Pod;
import io.pdlab.k8s.controllers.K8sWorld;
import io.pdlab.k8s.manifest.Manifests;
import io.pdlab.k8s.operator.Strategies;
import io.pdlab.real.drive.Prerequisites;
import io.pdlab.real.kube.KubeControlPlane;
import io.pdlab.real.kube.NodeHeartbeats;
import io.pdlab.real.testing.RealPrerequisites;
import io.pdlab.scenarios.model.Scenario;
import io.pdlab.scenarios.yaml.ScenarioParser;
import io.pdlab.sim.Budget;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The model's Kubernetes objects and decisions against a real Kubernetes 1.20.2 control plane
 * (its own etcd, kube-apiserver, controller-manager and scheduler, built by
 * {@code scripts/ensure-kube}): every object pdlab's operators create is accepted by the real API
 * server (server-side dry-run), and a PD pod the model leaves Pending for lack of a node is left
 * Pending by the real scheduler with the same message.
 */
class KubeApiIT {
  private static KubeControlPlane cp;
  private static NodeHeartbeats beats;

  @BeforeAll
  static void start() {
    RealPrerequisites.require("a Kubernetes control plane",
        Optional.ofNullable(KubeControlPlane.unavailableReason()));
    cp = KubeControlPlane.start();
    System.out.println("pdlab: Kubernetes control plane ready in " + cp.readyAfter().toMillis()
        + " ms (" + cp.startup() + ")");
    cp.installTidbClusterCrd();
    beats = new NodeHeartbeats(cp.client());
  }

  @AfterAll
  static void stop() {
    if (beats != null) {
      beats.close();
    }
    if (cp != null) {
      cp.close();
    }
    assertEquals(List.of(), Prerequisites.leftovers(), "processes or directories left");
  }

  /** A scenario of one cluster of {@code strategy} on pd, tikv and tidb worker groups. */
  private static Scenario scenario(String name, String strategy, int pd, int pdNodes) {
    return scenario(name, strategy, pd, pdNodes, "m5d.xlarge");
  }

  /**
   * {@link #scenario(String, String, int, int)} with worker groups named after the cluster (so
   * their nodes are its own) and pd nodes of {@code pdInstance} (m5d and i3 have local disks).
   */
  private static Scenario scenario(String name, String strategy, int pd, int pdNodes,
      String pdInstance) {
    boolean tidb = strategy.equals("discovery") || strategy.equals("v2-static");
    return ScenarioParser.parse("""
        name: %s
        infra:
          workerGroups:
            - {name: %s-pd, count: %d, instanceType: %s, taints: ["dedicated=pd:NoSchedule"], labels: {dedicated: pd}}
            - {name: %s-tikv, count: 1, instanceType: i3.2xlarge, taints: ["dedicated=tikv:NoSchedule"], labels: {dedicated: tikv}}
            - {name: %s-default, count: 1, instanceType: m5.xlarge}
        clusters:
          - name: %s
            strategy: %s
            pd: {replicas: %d}
            tikv: {replicas: %d}
            tidb: {replicas: %d}
        duration: 60s
        """.formatted(name, name, pdNodes, pdInstance, name, name, name, strategy, pd,
            tidb ? 1 : 0, tidb ? 1 : 0), name + ".yaml");
  }

  /** The model's world for {@code s} after {@code runUs} of virtual time. */
  private static K8sWorld model(Scenario s, long runUs) {
    K8sWorld w = new K8sWorld(s.seed(), Budget.of(ScenarioRunner.MAX_EVENTS, runUs + 1), false);
    ScenarioRunner.buildInfra(w, s);
    w.measures().startMeasuring();
    ScenarioRunner.install(w, s, null);
    w.sim().runUntil(runUs);
    return w;
  }

  private static void createNamespace(KubernetesClient c, String ns) {
    if (c.namespaces().withName(ns).get() == null) {
      c.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns)
          .endMetadata().build()).create();
    }
  }

  @TestFactory
  Stream<DynamicTest> everyObjectTheModelCreatesIsAcceptedByTheRealApiServer() {
    return Strategies.all().stream().map(st -> DynamicTest.dynamicTest(st.name(), () -> {
      String name = "dry-" + st.name();
      K8sWorld w = model(scenario(name, st.name(), 3, 3), 60_000_000);
      KubernetesClient c = cp.client();
      List<String> refused = new ArrayList<>();
      int checked = 0;
      for (Kind kind : Kind.values()) {
        for (K8sObject o : w.store().<K8sObject>list(kind)) {
          if (kind.namespaced()) {
            createNamespace(c, o.meta().namespace());
          }
          HasMetadata m = Manifests.toFabric8(o);
          try {
            c.resource(m).dryRun().create();
            checked++;
          } catch (KubernetesClientException e) {
            refused.add(kind.kindName() + " " + o.meta().key() + ": " + e.getMessage());
          }
        }
      }
      assertTrue(checked > 10, "only " + checked + " objects in the model of " + st.name());
      assertEquals(List.of(), refused, "objects the real API server refuses");
    }));
  }

  /** The message of the real API server's refusal of {@code o} (dry-run), or null if accepted. */
  private static String refusal(HasMetadata o) {
    try {
      cp.client().resource(o).dryRun().create();
      return null;
    } catch (KubernetesClientException e) {
      return e.getMessage();
    }
  }

  /**
   * The dry-run check can fail: the real API server refuses what the hand-ported validation that
   * this test replaced refused (names, Service names, StatefulSet selectors).
   */
  @Test
  void theRealApiServerRefusesInvalidObjects() {
    K8sWorld w = model(scenario("bad", "discovery", 3, 3), 30_000_000);
    createNamespace(cp.client(), "bad");
    Pod pod = w.store().get(Kind.POD, "bad/bad-pd-0");
    HasMetadata badPod = Manifests.toFabric8((K8sObject) pod);
    badPod.getMetadata().setName("PD_0");
    String r = refusal(badPod);
    assertTrue(r != null && r.contains("metadata.name: Invalid value: \"PD_0\"")
        && r.contains("RFC 1123 subdomain"), String.valueOf(r));

    K8sObject svc = w.store().<K8sObject>list(Kind.SERVICE).get(0);
    var longName = Manifests.toFabric8(svc);
    longName.getMetadata().setName("pd-" + "x".repeat(61));
    r = refusal(longName);
    assertTrue(r != null && r.contains("must be no more than 63 characters"), String.valueOf(r));
    var digit = Manifests.toFabric8(svc);
    digit.getMetadata().setName("0pd");
    r = refusal(digit);
    assertTrue(r != null && r.contains("DNS-1035 label"), String.valueOf(r));

    K8sObject pdSet = w.store().get(Kind.STATEFUL_SET, "bad/bad-pd");
    var set = (io.fabric8.kubernetes.api.model.apps.StatefulSet) Manifests.toFabric8(pdSet);
    assertEquals(null, refusal(set), "the model's own PD StatefulSet is accepted");
    set.getSpec().getSelector().getMatchLabels().put("app.kubernetes.io/component", "tikv");
    r = refusal(set);
    assertTrue(r != null && r.contains("`selector` does not match template `labels`"),
        String.valueOf(r));
    set.getSpec().getSelector().getMatchLabels().clear();
    r = refusal(set);
    assertTrue(r != null && r.contains("empty selector is invalid for statefulset"),
        String.valueOf(r));
  }

  /** The nodes pods {@code <ns>-pd-0 .. n-1} are bound to, sorted; unbound ones left out. */
  private static List<String> scheduledOn(KubernetesClient c, String ns, int n) {
    TreeSet<String> nodes = new TreeSet<>();
    for (int i = 0; i < n; i++) {
      var p = c.pods().inNamespace(ns).withName(ns + "-pd-" + i).get();
      if (p != null && p.getSpec().getNodeName() != null) {
        nodes.add(p.getSpec().getNodeName());
      }
    }
    return List.copyOf(nodes);
  }

  /** The message of a pod's PodScheduled=False condition, or null. */
  private static String unschedulable(KubernetesClient c, String ns, String pod) {
    var p = c.pods().inNamespace(ns).withName(pod).get();
    if (p == null || p.getStatus() == null || p.getStatus().getConditions() == null) {
      return null;
    }
    for (PodCondition pc : p.getStatus().getConditions()) {
      if (pc.getType().equals("PodScheduled") && pc.getStatus().equals("False")) {
        return pc.getMessage();
      }
    }
    return null;
  }

  /**
   * PD pods the model leaves Pending are left Pending by the real scheduler with the same
   * message, text for text: a fourth PD with three pd nodes (anti-affinity, the three taken
   * volumes), and PDs on pd nodes without local disks (no volume to bind).
   */
  @TestFactory
  Stream<DynamicTest> pdPodsTheModelCannotPlaceArePendingWithTheRealSchedulersMessage() {
    return Stream.of(
        DynamicTest.dynamicTest("a fourth PD on three pd nodes", () -> comparePending(
            scenario("short", "discovery", 4, 3), "short-pd-3", 3)),
        DynamicTest.dynamicTest("PDs on pd nodes without local disks", () -> comparePending(
            scenario("nodisk", "discovery", 3, 3, "m5.xlarge"), "nodisk-pd-0", 0)));
  }

  /**
   * Runs {@code s} in the model, creates its nodes (heartbeating), volumes, storage classes,
   * services, config maps and PD StatefulSet on the real cluster, waits until {@code scheduled}
   * PD pods are bound and {@code pending} has its PodScheduled=False message, compares it with
   * the model's, and removes the nodes again so the next case's scheduler sees only its own.
   */
  private void comparePending(Scenario s, String pending, int scheduled) {
    String ns = s.clusters().get(0).name();
    K8sWorld w = model(s, 60_000_000);
    Pod modelPod = w.store().get(Kind.POD, ns + "/" + pending);
    assertNotNull(modelPod, "the model created no " + pending);
    assertEquals("Pending", modelPod.status().phase());
    String modelMessage = modelPod.status().reason();

    KubernetesClient c = cp.client();
    createNamespace(c, ns);
    TreeSet<String> nodes = new TreeSet<>();
    List<HasMetadata> created = new ArrayList<>();
    for (Node n : w.store().<Node>list(Kind.NODE)) {
      beats.register((io.fabric8.kubernetes.api.model.Node) Manifests.toFabric8(n));
      nodes.add(n.meta().name());
    }
    try {
      await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
          .until(() -> nodes.stream().allMatch(n -> {
            var node = c.nodes().withName(n).get();
            return node.getSpec().getTaints() == null || node.getSpec().getTaints().stream()
                .noneMatch(t -> t.getKey().startsWith("node.kubernetes.io/"));
          }));
      for (Kind kind : List.of(Kind.STORAGE_CLASS, Kind.PERSISTENT_VOLUME, Kind.SERVICE,
          Kind.CONFIG_MAP, Kind.STATEFUL_SET)) {
        for (K8sObject o : w.store().<K8sObject>list(kind)) {
          if (kind != Kind.STATEFUL_SET || o.meta().name().equals(ns + "-pd")) {
            HasMetadata m = Manifests.toFabric8(o);
            c.resource(m).create();
            created.add(m);
          }
        }
      }
      // The bound pods first, then the pending pod's last PodScheduled=False message (the
      // scheduler retries it when the others bind; the message that stays is the one to
      // compare).
      int replicas = s.clusters().get(0).pdReplicas();
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
          .until(() -> scheduledOn(c, ns, replicas).size() == scheduled
              && unschedulable(c, ns, pending) != null);
      String[] real = new String[1];
      await().atMost(Duration.ofSeconds(30)).pollDelay(Duration.ofSeconds(3))
          .until(() -> (real[0] = unschedulable(c, ns, pending)) != null);
      assertEquals(scheduled, scheduledOn(c, ns, replicas).size(), "PD pods bound");
      System.out.println("pdlab: " + ns + ": real scheduler: " + real[0] + "\npdlab: " + ns
          + ": model:          " + modelMessage);
      assertEquals(real[0], modelMessage,
          "the model's scheduler message differs from the real one");
    } finally {
      for (int i = created.size() - 1; i >= 0; i--) {
        c.resource(created.get(i)).delete();
      }
      for (String n : nodes) {
        beats.stop(n);
        c.nodes().withName(n).delete();
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> nodes.stream()
          .allMatch(n -> c.nodes().withName(n).get() == null));
    }
  }
}
