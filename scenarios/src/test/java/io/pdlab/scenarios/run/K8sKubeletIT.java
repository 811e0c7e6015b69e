package io.pdlab.scenarios.run;

import static io.pdlab.scenarios.run.K8sBackendIT.near;
import static io.pdlab.scenarios.run.K8sBackendIT.times;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pdlab.k8s.api.Kind;
import io.pdlab.k8s.api.Pod;
import io.pdlab.pd.run.RestartBackOff;
import io.pdlab.real.kube.KubeletNodes;
import io.pdlab.real.testing.RealPrerequisites;
import io.pdlab.pd.run.Outcome;
import io.pdlab.scenarios.model.Scenario;
import io.pdlab.scenarios.yaml.ScenarioParser;
import io.pdlab.sim.trace.TraceBuffer;
import io.pdlab.sim.trace.TraceRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The {@code k8s} backend with real kubelets: the pd worker group's nodes are each run by a
 * kubelet 1.20.2 over a docker daemon of its own, the members are etcd in their containers (the
 * model's process of each container runs while the kubelet's container lives), the rest of the
 * nodes by pdlab's node agent. Skipped, with how to get them, where the binaries, root, dockerd
 * or gcc are missing; failed under CI=true.
 */
class K8sKubeletIT {
  static void assumeKubelets() {
    K8sBackendIT.assumeK8s();
    RealPrerequisites.require("kubelet nodes", KubeletNodes.unavailableReason());
  }

  /** Three pd nodes (kubelets) for the members, one other node (agent) for discovery. */
  static final String INFRA = """
      infra:
        nodes: kubelet
        workerGroups:
          - {name: pd, count: %d, instanceType: m5d.xlarge, labels: {dedicated: pd}, taints: ["dedicated=pd:NoSchedule"]}
          - {name: other, count: 1, instanceType: m5.xlarge}
      """;

  static Scenario scenario(String strategy, int n, int pdNodes, String faults, String duration,
      String expect) {
    return ScenarioParser.parse("""
        name: kubelet-%s-%d
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
        """.formatted(strategy, n, INFRA.formatted(pdNodes), strategy, n, faults, duration,
        expect), "kubelet-" + strategy + "-" + n + ".yaml");
  }

  @TestFactory
  Stream<DynamicTest> everyStrategyBootstrapsThreeMembersOnKubeletNodes() {
    return List.of("static", "seed-join", "seed-join-learner", "discovery", "v2-static").stream()
        .map(strategy -> DynamicTest.dynamicTest(strategy, () -> {
          assumeKubelets();
          ScenarioResult r = ScenarioRunner.run(scenario(strategy, 3, 3, "", "150s",
              "expect: {outcome: ok, clusterIds: 1}"), null, null, true);
          assertEquals(Map.of("kubelet", 3, "agent", 1), r.nodeKinds(), r.nodes().toString());
          assertEquals(List.of(), r.failures(), strategy + ": " + r.measures());
          assertEquals(Outcome.OK, r.measures().outcome());
        }));
  }

  /** The gaps between each exit of {@code pod}'s process and its next start, in seconds. */
  static List<Double> restartGaps(TraceBuffer trace, String pod) {
    List<double[]> events = new ArrayList<>();
    trace.records().stream().filter(t -> t.kind() == io.pdlab.sim.trace.TraceKind.STATE
        && t.node().equals(pod)).forEach(t -> {
          if (t.detail().startsWith("started")) {
            events.add(new double[] {t.timeUs() / 1e6, 1});
          } else if (t.detail().startsWith("exited") || t.detail().startsWith("crashed")) {
            events.add(new double[] {t.timeUs() / 1e6, 0});
          }
        });
    List<Double> gaps = new ArrayList<>();
    for (int i = 1; i < events.size(); i++) {
      if (events.get(i - 1)[1] == 0 && events.get(i)[1] == 1) {
        gaps.add(events.get(i)[0] - events.get(i - 1)[0]);
      }
    }
    return gaps;
  }

  /**
   * A PD whose volume is wiped cannot join again ("missing data or join a duplicated pd") and
   * crash-loops. Its kubelet restarts it at once, then after each back-off rounded up to its pod
   * worker's next resync (10 to 15 s apart); the model's kubelet, run on the same scenario in the
   * simulator, follows the same rule. Each gap is within the rule's bounds on both sides (the real
   * one also pays for its container's start: up to 4 s more). The third restart comes about 100 s
   * after the crash in the model (each start spends up to 8 s in the start script before PD
   * exits); the run lasts 180 s after it, as a CI machine's real PD can be slower (a run of 160 s
   * once saw only two).
   */
  @Test
  void aCrashLoopingPdBacksOffAsItsKubeletDoesAndTheModelAlike() {
    assumeKubelets();
    Scenario real = scenario("discovery", 3, 3,
        "faults:\n  - {at: 40s, kind: crash, member: 1, wipe: true}", "220s", "");
    TraceBuffer trace = new TraceBuffer();
    String[] status = new String[1];
    RealRunner.run(real, real.seed(), trace, false, w -> {
      Pod p = w.store().get(Kind.POD, "basic/basic-pd-1");
      status[0] = p.status().reason() + " restarts=" + p.status().restarts();
    });
    Scenario sim = new Scenario(real.source(), real.name(), io.pdlab.scenarios.model.Backend.SIM,
        real.seed(), real.infra(), real.clusters(), real.faults(), real.durationUs(),
        real.expect());
    TraceBuffer simTrace = new TraceBuffer();
    ScenarioRunner.run(sim, null, simTrace);
    List<Double> realGaps = restartGaps(trace, "basic-pd-1");
    List<Double> modelGaps = restartGaps(simTrace, "basic-pd-1");
    assertTrue(realGaps.size() >= 3, () -> "the real PD restarted 3 times: " + realGaps + "\n"
        + K8sBackendIT.keptTrace(trace, "kubelet-crash-loop"));
    assertTrue(modelGaps.size() >= 3, () -> "the model's PD restarted 3 times: " + modelGaps
        + "\n" + K8sBackendIT.keptTrace(simTrace, "kubelet-crash-loop-sim"));
    long[] backOffs = {0, RestartBackOff.INITIAL_MS, 2 * RestartBackOff.INITIAL_MS};
    for (int i = 0; i < 3; i++) {
      double lo = backOffs[i] / 1e3;
      double hi = lo + RestartBackOff.RELIST_MS / 1e3
          + (i == 0 ? 0 : RestartBackOff.INITIAL_MS * (1 + RestartBackOff.REQUEUE_JITTER) / 1e3);
      double m = modelGaps.get(i);
      double r = realGaps.get(i);
      assertTrue(m >= lo && m <= hi, "model restart " + i + " after " + m + " s, not in ["
          + lo + ", " + hi + "]: " + modelGaps);
      assertTrue(r >= lo && r <= hi + 4, "real restart " + i + " after " + r + " s, not in ["
          + lo + ", " + (hi + 4) + "]: " + realGaps);
    }
    assertTrue(status[0].contains("restarts=") && !status[0].endsWith("restarts=0"), status[0]);
  }

  /**
   * A fourth PD on three kubelet pd nodes stays Pending, with the real scheduler's message; the
   * model's scheduler on the same scenario says the same text.
   */
  @Test
  void aPdWithoutAPdNodeIsPendingWithTheSameMessageFromTheRealSchedulerAndTheModel() {
    assumeKubelets();
    Scenario s = scenario("discovery", 4, 3, "", "30s", "");
    String[] real = new String[2];
    RealRunner.run(s, s.seed(), null, false, w -> {
      Pod p = w.store().get(Kind.POD, "basic/basic-pd-3");
      real[0] = p == null ? "no pod" : p.status().phase();
      real[1] = p == null ? "" : p.status().reason();
    });
    assertEquals("Pending", real[0]);
    assertTrue(real[1].startsWith("0/4 nodes are available"), real[1]);
    assertEquals(K8sBackendIT.modelPodReason(s, "basic/basic-pd-3", 30_000_000), real[1],
        "the model's scheduler message differs");
  }

  /**
   * Faults on kubelet nodes, each at its time: a late start (the model holds the container's
   * answer), a pause (docker pause of the member's container), a partition between nodes (the
   * host's forwarding cut), a crash (docker kill; the kubelet restarts the container, which asks
   * again), and a node loss (its kubelet, daemon and containers stop, the member there goes down
   * with them, and the Node goes once NotReady; its pod's deletion by the pod garbage collector
   * and the replacement's wait on the lost local volume are K8sBackendIT's, on agent nodes).
   */
  @Test
  void faultsOnKubeletNodesActAtTheirTimes() {
    assumeKubelets();
    // After bootstrap has settled (about 40 s here, a joiner's refused adds included).
    Scenario s = scenario("discovery", 3, 3, """
        faults:
          - {at: 0s, kind: late-start, member: 2, delay: 5s}
          - {at: 70s, kind: pause, member: 0, for: 3s}
          - {at: 76s, kind: partition, groups: [[0], [1, 2]], for: 4s}
          - {at: 83s, kind: crash, member: 1}
          - {at: 90s, kind: node-loss, node: pd-0}""", "150s", "");
    TraceBuffer trace = new TraceBuffer();
    List<String> seen = new ArrayList<>();
    ScenarioResult r = RealRunner.run(s, s.seed(), trace, false, w -> {
      seen.add("nodes " + w.nodeKinds());
      for (Pod p : w.store().<Pod>listIn(Kind.POD, "basic",
          p -> p.meta().name().startsWith("basic-pd-"))) {
        seen.add(p.meta().name() + " " + p.spec().nodeName() + " " + p.status().phase() + " "
            + p.status().restarts() + " " + p.status().reason());
      }
    });
    double t0 = times(trace, "tidb-operator-basic", "started").get(0);
    // A late start counts from when its kubelet started the container (each node's kubelet
    // starts its pod's container at its own time).
    for (String pod : List.of("basic-pd-0", "basic-pd-2")) {
      double asked = trace.records().stream().filter(t -> t.kind()
          == io.pdlab.sim.trace.TraceKind.NOTE && t.node().equals(pod) && t.detail().startsWith(
          io.pdlab.k8s.controllers.K8sWorld.KUBELET_STARTED)).findFirst().orElseThrow()
          .timeUs() / 1e6;
      double started = times(trace, pod, "started").get(0);
      if (pod.equals("basic-pd-2")) {
        near(asked + 5, started, "basic-pd-2's late start");
      } else {
        near(asked, started, "basic-pd-0's start");
      }
    }
    List<Double> paused = times(trace, "basic-pd-0", "paused");
    assertFalse(paused.isEmpty(), "basic-pd-0 was running at 70 s and paused");
    near(t0 + 70, paused.get(0), "pause");
    near(t0 + 73, times(trace, "basic-pd-0", "resumed").get(0), "resume");
    near(t0 + 83, times(trace, "basic-pd-1", "crashed").get(0), "crash");
    // The real scheduler decides which PD lands on the lost node pd-0; when it is basic-pd-1 and
    // its kubelet had not restarted it by the loss (a back-off left by earlier exits), that
    // kubelet went with its node and nothing restarts it (CI saw this).
    String onLostNode = trace.records().stream().filter(t -> t.kind()
        == io.pdlab.sim.trace.TraceKind.NOTE && t.detail().equals(
        io.pdlab.k8s.controllers.K8sWorld.KUBELET_STARTED + " on pd-0")).map(t -> t.node())
        .findFirst().orElseThrow(() -> new AssertionError("no PD started on node pd-0"));
    List<Double> pd1 = times(trace, "basic-pd-1", "started");
    boolean upAtLoss = !onLostNode.equals("basic-pd-1")
        || pd1.stream().anyMatch(t -> t > t0 + 83 && t < t0 + 90);
    if (upAtLoss) {
      // At once, or after the back-off its earlier restarts left (RestartBackOff: 10 s after
      // one, doubling), found by a pod worker sync up to one relist and one jittered requeue
      // after the back-off's end; then the container is created and asks (up to 10 s on a
      // loaded machine).
      long earlier = pd1.stream().filter(t -> t < t0 + 83).count() - 1;
      double backOff = earlier <= 0 ? 0 : Math.min(RestartBackOff.INITIAL_MS << (earlier - 1),
          RestartBackOff.MAX_MS) / 1e3;
      double within = backOff + (RestartBackOff.RELIST_MS + RestartBackOff.INITIAL_MS
          * (1 + RestartBackOff.REQUEUE_JITTER)) / 1e3 + 10;
      assertTrue(pd1.stream().anyMatch(t -> t > t0 + 83 && t < t0 + 83 + within), "the kubelet"
          + " restarted basic-pd-1 within " + within + " s of its crash at " + (t0 + 83) + ": "
          + pd1);
      assertTrue(seen.stream().anyMatch(l -> l.startsWith("basic-pd-1 ") && !l.contains(" 0 ")),
          "basic-pd-1's container was restarted by its kubelet: " + seen);
    } else {
      assertTrue(pd1.stream().noneMatch(t -> t > t0 + 83), "basic-pd-1's node was lost while"
          + " it waited out its back-off; nothing could restart it: " + pd1);
    }
    List<Double> lost = new ArrayList<>();
    for (String pod : List.of("basic-pd-0", "basic-pd-1", "basic-pd-2")) {
      lost.addAll(times(trace, pod, "crashed").stream().filter(t -> t > t0 + 89).toList());
    }
    if (upAtLoss) {
      assertEquals(List.of(onLostNode), List.of("basic-pd-0", "basic-pd-1", "basic-pd-2")
          .stream().filter(p -> times(trace, p, "crashed").stream().anyMatch(t -> t > t0 + 89))
          .toList(), "the member on the lost node went down with it: " + lost);
      assertEquals(1, lost.size(), "the member on the lost node went down with it: " + lost);
      near(t0 + 90, lost.get(0), "node loss");
    } else {
      assertEquals(List.of(), lost, "the lost node's member was already down: " + lost);
    }
    assertFalse(seen.get(0).contains("pd-0="), "the lost node is gone: " + seen);
    assertEquals(List.of(), r.failures());
  }

  /**
   * A first joiner that never starts keeps a seed-join cluster at 1 member, on kubelets too (its
   * check-dns init container waits for ever: the model runs nothing in it).
   */
  @Test
  void aSeedJoinWhoseFirstJoinerNeverStartsIsStuck() {
    assumeKubelets();
    ScenarioResult r = ScenarioRunner.run(scenario("seed-join", 3, 3,
        "faults:\n  - {at: 0s, kind: never-start, member: 1}", "60s",
        "expect: {outcome: stuck}"), null, null, false);
    assertEquals(List.of(), r.failures(), r.measures().toString());
  }

  /**
   * A backup sidecar's restore on a kubelet node: the host's etcdctl saves member 1's store from
   * its pod's address, and restores it into the directory of the pod's volume on this host after
   * the container is killed and the volume wiped, before the container its kubelet restarts
   * starts etcd; real etcd then decides as on the etcd backend ({@link
   * RealBackendsIT#checkRestore}): a restored follower panics at every restart (degraded), a
   * restored leader rejoins (ok), one cluster either way.
   */
  @Test
  void aMemberRestoredFromASnapshotOnAKubeletNodeIsDecidedAsOnTheEtcdBackend() {
    assumeKubelets();
    List<TraceRecord> traced = new java.util.concurrent.CopyOnWriteArrayList<>();
    ScenarioResult r = ScenarioRunner.run(scenario("static", 3, 3,
        "faults:\n  - {at: 40s, kind: restore-snapshot, member: 1, snapshotAt: 25s}", "90s", ""),
        null, traced::add, false);
    assertEquals(Map.of("kubelet", 3, "agent", 1), r.nodeKinds(), r.nodes().toString());
    RealBackendsIT.checkRestore(r, traced, false);
  }

  /**
   * A hung seed-join member on a kubelet node is killed by its real kubelet, running the
   * liveness probe coreos/etcd-operator v0.9.4 gives its pods (rendered on the API server, exec'd
   * in the member's container: {@code /bin/sh -ec "ETCDCTL_API=3 etcdctl endpoint status"},
   * every 60 s, 3 failures): the etcd stopped by SIGSTOP lets each probe's etcdctl time out, the
   * third failure has the kubelet stop the container, whose SIGTERM the stopped etcd ignores, so
   * the SIGKILL after the 30 s grace period ends it; under RestartPolicy Never the pod is Failed
   * and the operator removes the member and adds a new one, as the model's kubelet has it
   * ({@code ScenarioRunnerTest#aLivenessKillFailsTheSeedJoinPodAndTheOperatorReplacesTheMember}:
   * killed 155 to 215 s after the hang, by when the probes tick).
   */
  @Test
  void aHungMemberIsKilledByItsKubeletsLivenessProbeAndReplaced() {
    assumeKubelets();
    Scenario s = scenario("seed-join", 3, 3,
        "faults:\n  - {at: 40s, kind: liveness-kill, member: 1}", "330s",
        "expect: {outcome: ok, clusterIds: 1}");
    TraceBuffer trace = new TraceBuffer();
    List<String> events = new ArrayList<>();
    ScenarioResult r = RealRunner.run(s, s.seed(), trace, false, w -> {
      var client = ((io.pdlab.real.kube.KubeApiStore) w.store()).client();
      for (var e : client.v1().events().inNamespace("basic").list().getItems()) {
        if (e.getInvolvedObject().getName().equals("basic-0001")) {
          events.add(e.getReason() + " x" + (e.getCount() == null ? 1 : e.getCount()) + ": "
              + e.getMessage());
        }
      }
    });
    String why = events + "\n" + r.measures().describe();
    checkKilledAndReplaced(trace, r, why);
    int failed = events.stream().filter(e -> e.startsWith("Unhealthy ") && e.contains(
        "Liveness probe failed")).mapToInt(e -> Integer.parseInt(e.substring(
        "Unhealthy x".length(), e.indexOf(':')))).sum();
    assertTrue(failed >= 3, "the kubelet's probe failed 3 times: " + why);
    // (kubelet 1.20's event for the kill says "Stopping container etcd")
    assertTrue(events.stream().anyMatch(e -> e.startsWith("Killing ")),
        "the kubelet stopped it after its probe's failures: " + why);
  }

  /**
   * What a run hanging seed-join member basic-0001 (liveness-kill) must show, whoever runs its
   * probe: its process killed (on a kubelet node: its container ended) 155 to 215 s after the
   * hang (three failing probes, the first
   * within a period of the hang, each counted when etcdctl gives up after 5 s, then the 30 s
   * grace period; up to 15 s more for a loaded machine), the operator's removal of the dead
   * member and its replacement, and the scenario's expectations held. Returns the hang's and
   * the kill's times, in seconds.
   */
  static double[] checkKilledAndReplaced(TraceBuffer trace, ScenarioResult r, String why) {
    double hung = trace.records().stream().filter(t -> t.node().equals("basic-0001")
        && t.detail().equals("liveness-kill: the member hangs")).findFirst()
        .orElseThrow(() -> new AssertionError("basic-0001 never hung: " + why)).timeUs() / 1e6;
    double ended = trace.records().stream().filter(t -> t.node().equals("basic-0001")
        && t.kind() == io.pdlab.sim.trace.TraceKind.STATE && t.timeUs() / 1e6 > hung
        && (t.detail().startsWith("exited") || t.detail().startsWith("crashed")
        || t.detail().equals(io.pdlab.k8s.controllers.K8sWorld.CONTAINER_ENDED))).findFirst()
        .orElseThrow(() -> new AssertionError("basic-0001 was never killed: " + why))
        .timeUs() / 1e6;
    assertTrue(ended >= hung + 2 * 60 + 5 + 30 - 1 && ended <= hung + 3 * 60 + 5 + 30 + 15,
        "killed at " + ended + " s, hung at " + hung + " s: " + why);
    List<String> ops = trace.records().stream().filter(t -> t.detail().startsWith(
        "operator: ")).map(t -> t.detail()).toList();
    assertTrue(ops.contains("operator: removed dead member basic-0001"), ops + "\n" + why);
    assertTrue(ops.contains("operator: added member basic-0003"), ops + "\n" + why);
    assertEquals(List.of(), r.failures(), why);
    System.out.printf("liveness-kill: hung at %.1f s, killed at %.1f s (%.1f s later)%n", hung,
        ended, ended - hung);
    return new double[] {hung, ended};
  }
}
