package io.pdlab.scenarios.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pdlab.real.drive.Prerequisites;
import io.pdlab.real.testing.RealPrerequisites;
import io.pdlab.scenarios.model.Backend;
import io.pdlab.scenarios.model.Scenario;
import io.pdlab.scenarios.yaml.ScenarioParser;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The acceptance runs of the {@code k8s} backend: a private Kubernetes 1.20 control plane per run
 * (its own etcd, apiserver, controller-manager, scheduler), the model's operators, discovery and
 * start script on its API, its pods bound by the real scheduler and owned by the real StatefulSet
 * and Deployment controllers, and run by pdlab's node agent as real etcd processes. The
 * operators' cadence and the pods' start delays are zero, as in {@link RealBackendsIT}. Skipped,
 * with how to get them, where the Kubernetes binaries or etcd are missing; failed under CI=true.
 */
class K8sBackendIT {
  static void assumeK8s() {
    RealPrerequisites.requireBackend("etcd");
    RealPrerequisites.requireBackend("k8s");
  }

  static Scenario scenario(String strategy, int n, String infra, String faults, String duration,
      String expect) {
    return ScenarioParser.parse("""
        name: k8s-%s-%d
        backend: k8s
        %s
        clusters:
          - name: basic
            strategy: %s
            pd: {replicas: %d}
            timing: {reconcileMs: 0, containerStartMs: 0}
        %s
        duration: %s
        %s
        """.formatted(strategy, n, infra, strategy, n, faults, duration, expect),
        "k8s-" + strategy + "-" + n + ".yaml");
  }

  @TestFactory
  Stream<DynamicTest> everyStrategyBootstrapsThreeMembersOnARealControlPlane() {
    return List.of("static", "seed-join", "seed-join-learner", "discovery", "v2-static").stream()
        .map(strategy -> DynamicTest.dynamicTest(strategy, () -> {
          assumeK8s();
          ScenarioResult r = ScenarioRunner.run(scenario(strategy, 3, "", "", "150s",
              "expect: {outcome: ok, clusterIds: 1}"), null, null, true);
          assertEquals(Backend.K8S, r.scenario().backend());
          assertTrue(r.passed(), r.failures() + "\n" + r.measures().describe() + "\n"
              + String.join("\n", r.measures().timeline()));
          assertTrue(r.measures().bootstrapUs() > 0, r.measures().describe());
        }));
  }

  /** Worker groups of the cluster's own, pd nodes with local disks (m5d). */
  static String workerGroups(int pdNodes) {
    return """
        infra:
          workerGroups:
            - {name: basic-pd, count: %d, instanceType: m5d.xlarge, taints: ["dedicated=pd:NoSchedule"], labels: {dedicated: pd}}
            - {name: basic-tikv, count: 1, instanceType: i3.2xlarge, taints: ["dedicated=tikv:NoSchedule"], labels: {dedicated: tikv}}
            - {name: basic-default, count: 1, instanceType: m5.xlarge}
        """.formatted(pdNodes);
  }

  /**
   * A fourth PD on three pd nodes stays Pending, with the real scheduler's message; the model's
   * scheduler, run on the same scenario in the simulator, says the same text.
   */
  @Test
  void aPdWithoutAPdNodeIsPendingWithTheSchedulersMessage() {
    assumeK8s();
    Scenario s = scenario("discovery", 4, workerGroups(3), "", "45s", "");
    String[] real = new String[2];
    RealRunner.run(s, s.seed(), null, false, w -> {
      io.pdlab.k8s.api.Pod p = w.store().get(io.pdlab.k8s.api.Kind.POD, "basic/basic-pd-3");
      real[0] = p == null ? "no pod" : p.status().phase();
      real[1] = p == null ? "" : p.status().reason();
    });
    io.pdlab.k8s.controllers.K8sWorld model = new io.pdlab.k8s.controllers.K8sWorld(s.seed(),
        io.pdlab.sim.Budget.of(ScenarioRunner.MAX_EVENTS, 45_000_001), false);
    ScenarioRunner.buildInfra(model, s);
    model.measures().startMeasuring();
    ScenarioRunner.install(model, s, null);
    model.sim().runUntil(45_000_000);
    io.pdlab.k8s.api.Pod m = model.store().get(io.pdlab.k8s.api.Kind.POD, "basic/basic-pd-3");
    assertEquals("Pending", real[0]);
    assertTrue(real[1].startsWith("0/5 nodes are available"), real[1]);
    assertEquals(m.status().reason(), real[1], "the model's scheduler message differs");
  }

  /**
   * A pd node is lost: it stops heartbeating, the lifecycle controller marks it NotReady, pdlab
   * deletes it (as EKS's cloud node controller does for a terminated instance), the pod garbage
   * collector deletes its PD pod, and the StatefulSet's replacement stays Pending: its claim is
   * bound to a local volume on the lost node.
   */
  @Test
  void aNodeLossLeavesItsPdPendingOnItsLocalVolume() {
    assumeK8s();
    Scenario s = scenario("discovery", 3, workerGroups(3),
        "faults:\n  - {at: 10s, kind: node-loss, node: basic-pd-0}", "180s", "");
    java.util.List<String> pending = new java.util.ArrayList<>();
    RealRunner.run(s, s.seed(), null, false, w -> {
      for (io.pdlab.k8s.api.Pod p : w.store().<io.pdlab.k8s.api.Pod>listIn(
          io.pdlab.k8s.api.Kind.POD, "basic", p -> p.meta().name().startsWith("basic-pd-"))) {
        if (p.status().phase().equals("Pending")) {
          pending.add(p.meta().name() + ": " + p.status().reason());
        }
      }
    });
    assertEquals(1, pending.size(), pending.toString());
    assertTrue(pending.get(0).contains("volume node affinity conflict"), pending.toString());
  }

  @Test
  void aPartitionIsRefusedBeforeAnythingStarts() {
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, () -> ScenarioRunner.run(scenario("static", 3, "",
            "faults:\n  - {at: 1s, kind: partition, groups: [[0], [1, 2]]}", "30s", ""), null,
            null, false));
    assertTrue(e.getMessage().contains("backend 'k8s' cannot partition members"),
        e.getMessage());
    assertEquals(List.of(), Prerequisites.leftovers());
  }

  @AfterAll
  static void nothingLeftBehind() {
    assertEquals(List.of(), Prerequisites.leftovers());
  }
}
