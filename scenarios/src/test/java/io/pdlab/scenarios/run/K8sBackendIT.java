package io.pdlab.scenarios.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pdlab.real.drive.Prerequisites;
import io.pdlab.real.testing.RealPrerequisites;
import io.pdlab.scenarios.model.Backend;
import io.pdlab.scenarios.model.Scenario;
import io.pdlab.scenarios.yaml.ScenarioParser;
import io.pdlab.sim.trace.TraceBuffer;
import io.pdlab.sim.trace.TraceKind;
import io.pdlab.sim.trace.TraceRecord;
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
        """.formatted(strategy, n, agent(infra), strategy, n, faults, duration, expect),
        "k8s-" + strategy + "-" + n + ".yaml");
  }

  /**
   * {@code infra} with its nodes run by pdlab's node agent (these tests are the agent's; {@link
   * K8sKubeletIT} has real kubelets run them).
   */
  static String agent(String infra) {
    if (infra.isBlank()) {
      return "infra: {nodes: agent}";
    }
    if (infra.contains("provision: true")) {
      return infra;
    }
    return infra.replace("infra:\n", "infra:\n  nodes: agent\n");
  }

  @TestFactory
  Stream<DynamicTest> everyStrategyBootstrapsThreeMembersOnARealControlPlane() {
    return List.of("static", "seed-join", "seed-join-learner", "discovery", "v2-static").stream()
        .map(strategy -> DynamicTest.dynamicTest(strategy, () -> {
          assumeK8s();
          ScenarioResult r = ScenarioRunner.run(scenario(strategy, 3, "", "", "150s",
              "expect: {outcome: ok, clusterIds: 1}"), null, null, true);
          assertEquals(Backend.K8S, r.scenario().backend());
          assertEquals(java.util.Map.of("agent", 5), r.nodeKinds(), "3 PD nodes and 2 spare,"
              + " all run by pdlab's node agent: " + r.nodes());
          assertTrue(r.passed(), r.failures() + "\n" + r.measures().describe() + "\n"
              + String.join("\n", r.measures().timeline()));
          assertTrue(r.measures().bootstrapUs() > 0, r.measures().describe());
        }));
  }

  @Test
  void aSeedJoinWhoseFirstJoinerNeverStartsIsStuck() {
    assumeK8s();
    ScenarioResult r = ScenarioRunner.run(scenario("seed-join", 3, "",
        "faults:\n  - {at: 0s, kind: never-start, member: 1}", "25s",
        "expect: {outcome: stuck, clusterIds: 1}"), null, null, false);
    assertTrue(r.passed(), r.failures() + "\n" + r.measures().describe() + "\n"
        + String.join("\n", r.measures().timeline()));
  }

  /** The membership changes etcd-operator made, in order, from a run's trace. */
  static List<String> operatorChanges(TraceBuffer trace) {
    return trace.records().stream().map(TraceRecord::detail)
        .filter(d -> d.startsWith("operator: created") || d.startsWith("operator: added")
            || d.startsWith("operator: removed") || d.startsWith("operator: restored")
            || d.startsWith("operator: restarted"))
        .toList();
  }

  /**
   * etcd-operator on the real API server, with its process restarted after the first join, a
   * joiner killed with its data (RestartPolicy Never: its pod Fails, the operator removes and
   * replaces it) and spec.size raised to 4: it makes exactly the membership changes the
   * simulator's run of the same scenario makes. Each fault lands at least 2 s away from the
   * change before and after it in both worlds (the real seed's check-dns and etcd start take
   * about 3 s, the simulator's 2 s; each later member about 2.5 s after its add): a crash before
   * the third member is added would leave one of two voters, a real quorum loss, and the restart
   * at 2 s that this test had met the real seed's start.
   */
  @Test
  void seedJoinMakesTheSimulatorsChangesThroughARestartACrashWithWipeAndAResize() {
    assumeK8s();
    String faults = """
        faults:
          - {at: 5s, kind: operator-restart, restartAfter: 1s}
          - {at: 20s, kind: crash, member: 1, wipe: true}
          - {at: 32s, kind: set-replicas, replicas: 4}""";
    Scenario real = scenario("seed-join", 3, "", faults, "60s",
        "expect: {outcome: ok, clusterIds: 1}");
    TraceBuffer realTrace = new TraceBuffer();
    ScenarioResult r = ScenarioRunner.run(real, null, realTrace, false);
    assertTrue(r.passed(), r.failures() + "\n" + String.join("\n", r.measures().timeline())
        + "\nthe trace's states and notes:\n" + keptTrace(realTrace, "seed-join-changes"));
    TraceBuffer simTrace = new TraceBuffer();
    ScenarioRunner.run(new Scenario(real.source(), real.name(), Backend.SIM, real.seed(),
        real.infra(), real.clusters(), real.faults(), real.durationUs(), real.expect()), null,
        simTrace);
    List<String> changes = operatorChanges(realTrace);
    keptTrace(realTrace, "seed-join-changes");
    keptTrace(simTrace, "seed-join-changes-sim");
    assertEquals(operatorChanges(simTrace), changes, "the simulator's changes, then the real "
        + "ones; both traces are in target/seed-join-changes{,-sim}-trace.txt");
    assertEquals(List.of("operator: created seed member basic-0000",
        "operator: added member basic-0001",
        "operator: restarted: members unknown until listed from etcd",
        "operator: restored members [basic-0000, basic-0001]",
        "operator: added member basic-0002", "operator: removed dead member basic-0001",
        "operator: added member basic-0003", "operator: added member basic-0004"), changes);
  }

  /** When each of {@code node}'s trace records starting with {@code detail} happened, in s. */
  static List<Double> times(TraceBuffer trace, String node, String detail) {
    return trace.records().stream().filter(t -> t.kind() == TraceKind.STATE
        && t.node().equals(node) && t.detail().startsWith(detail))
        .map(t -> t.timeUs() / 1e6).toList();
  }

  static void near(double expected, double actual, String what) {
    assertTrue(Math.abs(expected - actual) < 1.0, what + ": expected about " + expected
        + " s, got " + actual + " s");
  }

  /**
   * Each fault tidb-operator's clusters can have acts on the real cluster at its time (counted
   * from the operator's start, when the faults were scheduled): a late start, the discovery
   * pod deleted (the real ReplicaSet controller makes another), a pause, a crash with restart,
   * and tidb-operator's own restart.
   */
  @Test
  void eachFaultActsOnTheRealClusterAtItsTime() {
    assumeK8s();
    Scenario s = scenario("discovery", 3, "", """
        faults:
          - {at: 0s, kind: late-start, member: 2, delay: 5s}
          - {at: 3s, kind: discovery-restart}
          - {at: 12s, kind: pause, member: 0, for: 3s}
          - {at: 17s, kind: crash, member: 1, restartAfter: 2s}
          - {at: 21s, kind: operator-restart, restartAfter: 2s}""", "26s", "");
    TraceBuffer trace = new TraceBuffer();
    ScenarioRunner.run(s, null, trace, false);
    List<Double> operator = times(trace, "tidb-operator-basic", "started");
    assertEquals(2, operator.size(), "started, then restarted: " + operator);
    double t0 = operator.get(0);
    near(t0 + 23, operator.get(1), "tidb-operator restarted");
    near(t0 + 21, times(trace, "tidb-operator-basic", "crashed").get(0), "tidb-operator crashed");
    List<String> discovery = trace.records().stream().filter(t -> t.kind() == TraceKind.STATE
        && t.node().startsWith("basic-discovery-") && t.detail().startsWith("started"))
        .map(TraceRecord::node).distinct().toList();
    assertEquals(2, discovery.size(), "a second discovery pod: " + discovery);
    near(t0 + 3, times(trace, discovery.get(0), "crashed").get(0), "discovery deleted");
    double pd0 = times(trace, "basic-pd-0", "started").get(0);
    near(pd0 + 5, times(trace, "basic-pd-2", "started").get(0), "basic-pd-2's late start");
    near(t0 + 12, times(trace, "basic-pd-0", "paused").get(0), "pause");
    near(t0 + 15, times(trace, "basic-pd-0", "resumed").get(0), "resume");
    near(t0 + 17, times(trace, "basic-pd-1", "crashed").get(0), "crash");
    near(t0 + 19, times(trace, "basic-pd-1", "started").get(1), "restart after the crash");
  }

  /**
   * The run's trace written to target/&lt;name&gt;-trace.txt, and its last 80 states, notes and
   * faults, for a failure's message: a failure on a CI machine is then read from its output.
   */
  static String keptTrace(TraceBuffer trace, String name) {
    try {
      java.nio.file.Path out = java.nio.file.Path.of("target", name + "-trace.txt");
      java.nio.file.Files.createDirectories(out.getParent());
      java.nio.file.Files.writeString(out, trace.toText());
    } catch (java.io.IOException e) {
      return "(trace not written: " + e + ")";
    }
    List<String> lines = trace.records().stream().filter(t -> t.kind() == TraceKind.STATE
        || t.kind() == TraceKind.NOTE || t.kind() == TraceKind.FAULT).map(TraceRecord::toString).toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 80), lines.size()));
  }

  /** Resource names and their (start, finish) in seconds from an apply's timeline lines. */
  static java.util.Map<String, double[]> applied(List<String> lines) {
    java.util.Map<String, double[]> out = new java.util.TreeMap<>();
    for (String l : lines) {
      String[] f = l.split(" ");
      if (f.length == 3 && f[0].endsWith("s") && f[1].endsWith("s")) {
        out.put(f[2], new double[] {Double.parseDouble(f[0].substring(0, f[0].length() - 1)),
            Double.parseDouble(f[1].substring(0, f[1].length() - 1))});
      }
    }
    return out;
  }

  /**
   * {@code infra.provision: true} on k8s: the simulator's Terraform apply, its cloud resources
   * taking no time, registers EKS's worker-group nodes with their taints and labels, creates the
   * storage classes and local volumes, starts tidb-operator and applies the TidbCluster on the
   * real API server, and wait-tidb-ready sees PD, TiKV and TiDB ready: the same resources as the
   * simulated path, each started only after what it depends on finished.
   */
  @Test
  void provisioningRunsTheSimulatorsApplyAgainstTheRealControlPlane() {
    assumeK8s();
    Scenario s = ScenarioParser.parse("""
        name: eks-on-k8s
        backend: k8s
        infra: {provision: true}
        clusters:
          - {name: demo, strategy: discovery, pd: {replicas: 3}, tikv: {replicas: 1},
             tidb: {replicas: 1}}
        duration: 5m
        expect: {outcome: ok, clusterIds: 1}
        """, "eks-on-k8s.yaml");
    List<String> nodes = new java.util.ArrayList<>();
    int[] volumes = new int[1];
    TraceBuffer trace = new TraceBuffer();
    ScenarioResult r = RealRunner.run(s, s.seed(), trace, false, w -> {
      for (io.pdlab.k8s.api.Node n : w.store().<io.pdlab.k8s.api.Node>list(
          io.pdlab.k8s.api.Kind.NODE)) {
        nodes.add(n.meta().name() + " " + n.meta().labels().get("dedicated") + " " + n.taints());
      }
      volumes[0] = w.store().list(io.pdlab.k8s.api.Kind.PERSISTENT_VOLUME).size();
    });
    assertTrue(r.passed(), r.failures() + "\n" + r.measures().describe() + "\n"
        + String.join("\n", r.provisioning()) + "\nthe trace's states and notes:\n"
        + keptTrace(trace, "provisioning"));
    java.util.Map<String, double[]> real = applied(r.provisioning());
    ScenarioResult sim = ScenarioRunner.run(new Scenario(s.source(), s.name(), Backend.SIM,
        s.seed(), s.infra(), s.clusters(), s.faults(), 40 * 60_000_000L, s.expect()), null, null);
    assertEquals(applied(sim.provisioning()).keySet(), real.keySet());
    var plan = io.pdlab.k8s.provision.ResourceGraph.forEks(io.pdlab.k8s.provision
        .ProvisionParameters.of("demo"));
    for (String name : plan.names()) {
      for (String dep : plan.dependencies(name)) {
        assertTrue(real.get(name)[0] >= real.get(dep)[1], name + " started before " + dep
            + " finished: " + r.provisioning());
      }
    }
    assertTrue(nodes.contains("pd-0 pd [dedicated=pd:NoSchedule]"), nodes.toString());
    assertEquals(3, nodes.stream().filter(n -> n.startsWith("pd-")).count(), nodes.toString());
    assertTrue(volumes[0] >= 6, "local volumes of the pd and tikv nodes: " + volumes[0]);
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
    Scenario s = scenario("discovery", 4, workerGroups(3), "", "25s", "");
    String[] real = new String[2];
    RealRunner.run(s, s.seed(), null, false, w -> {
      io.pdlab.k8s.api.Pod p = w.store().get(io.pdlab.k8s.api.Kind.POD, "basic/basic-pd-3");
      real[0] = p == null ? "no pod" : p.status().phase();
      real[1] = p == null ? "" : p.status().reason();
    });
    assertEquals("Pending", real[0]);
    assertTrue(real[1].startsWith("0/5 nodes are available"), real[1]);
    assertEquals(modelPodReason(s, "basic/basic-pd-3", 25_000_000), real[1],
        "the model's scheduler message differs");
  }

  /** The reason the model's kubelet and scheduler give pod {@code key} after {@code us}. */
  static String modelPodReason(Scenario s, String key, long us) {
    io.pdlab.k8s.controllers.K8sWorld model = new io.pdlab.k8s.controllers.K8sWorld(s.seed(),
        io.pdlab.sim.Budget.of(ScenarioRunner.MAX_EVENTS, us + 1), false);
    ScenarioRunner.buildInfra(model, s);
    model.measures().startMeasuring();
    ScenarioRunner.install(model, s, null);
    model.sim().runUntil(us);
    return model.store().<io.pdlab.k8s.api.Pod>get(io.pdlab.k8s.api.Kind.POD, key).status()
        .reason();
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
    java.util.List<String> addresses = new java.util.ArrayList<>();
    TraceBuffer trace = new TraceBuffer();
    ScenarioResult r = RealRunner.run(s, s.seed(), trace, false, w -> {
      var client = ((io.pdlab.real.kube.KubeApiStore) w.store()).client();
      for (io.pdlab.k8s.api.Pod p : w.store().<io.pdlab.k8s.api.Pod>listIn(
          io.pdlab.k8s.api.Kind.POD, "basic", p -> p.meta().name().startsWith("basic-pd-"))) {
        if (p.status().phase().equals("Pending")) {
          pending.add(p.meta().name() + ": " + p.status().reason());
        } else {
          addresses.add(p.meta().name() + " " + client.pods().inNamespace("basic")
              .withName(p.meta().name()).get().getStatus().getPodIP());
        }
      }
    });
    assertEquals(1, pending.size(), pending.toString());
    assertTrue(pending.get(0).contains("volume node affinity conflict"), pending.toString());
    // The agent reports each running PD's own address (its member's loopback address).
    assertEquals(2, addresses.size(), addresses.toString());
    assertTrue(addresses.stream().allMatch(a -> a.matches("basic-pd-\\d 127\\.0\\.\\d+\\.\\d+")),
        addresses.toString());
    assertEquals(2, addresses.stream().map(a -> a.split(" ")[1]).distinct().count(),
        addresses.toString());
    assertEquals(java.util.Map.of("agent", 4), r.nodeKinds(), "the lost pd node is gone: "
        + r.nodes());
  }

  /**
   * A backup sidecar's restore on the real control plane's pods, run by the node agent as real
   * etcd processes: the host's etcdctl saves member 1's store and restores it into its wiped
   * data dir with the cluster's own list, and real etcd 3.4.23 decides as on the etcd backend
   * ({@link RealBackendsIT#checkRestore}): a restored follower panics at every restart
   * (degraded), a restored leader rejoins (ok), one cluster either way.
   */
  @Test
  void aMemberRestoredFromASnapshotIsDecidedAsOnTheEtcdBackend() {
    assumeK8s();
    List<TraceRecord> traced = new java.util.concurrent.CopyOnWriteArrayList<>();
    ScenarioResult r = ScenarioRunner.run(scenario("static", 3, "",
        "faults:\n  - {at: 20s, kind: restore-snapshot, member: 1, snapshotAt: 10s}", "40s", ""),
        null, traced::add, false);
    RealBackendsIT.checkRestore(r, traced, false);
  }

  /**
   * A hung seed-join member on an agent node: the pod on the API server carries coreos's
   * liveness probe, which the node agent (the model's kubelet) runs with the host's etcdctl
   * against the real member, stopped by SIGSTOP; three failures 60 s apart, the kill after the
   * grace period, the operator's replacement ({@link K8sKubeletIT#checkKilledAndReplaced}).
   */
  @Test
  void aHungMemberIsKilledByTheAgentsLivenessProbeAndReplaced() {
    assumeK8s();
    TraceBuffer trace = new TraceBuffer();
    ScenarioResult r = ScenarioRunner.run(scenario("seed-join", 3, "",
        "faults:\n  - {at: 20s, kind: liveness-kill, member: 1}", "280s",
        "expect: {outcome: ok, clusterIds: 1}"), null, trace, false);
    List<Double> failed = trace.records().stream().filter(t -> t.node().equals("basic-0001")
        && t.detail().startsWith("liveness probe failed")).map(t -> t.timeUs() / 1e6).toList();
    String why = failed + "\n" + r.measures().describe();
    double[] hungEnded = K8sKubeletIT.checkKilledAndReplaced(trace, r, why);
    assertEquals(3, failed.size(), why);
    near(failed.get(0) + 60, failed.get(1), "the second probe, a period later");
    near(failed.get(1) + 60, failed.get(2), "the third probe, a period later");
    near(failed.get(2) + 30, hungEnded[1], "SIGKILL after the grace period");
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
