package io.pdlab.k8s.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pdlab.k8s.api.Kind;
import io.pdlab.k8s.api.Pod;
import io.pdlab.k8s.controllers.CheckDns;
import io.pdlab.k8s.controllers.K8sWorld;
import io.pdlab.sim.Budget;
import io.pdlab.sim.trace.TraceBuffer;
import io.pdlab.sim.trace.TraceRecord;
import java.util.List;
import org.junit.jupiter.api.Test;

/** coreos/etcd-operator v0.9.4's member pods and run loop (issue 16 item 11). */
class CoreosOperatorTest {
  private static K8sWorld world(TraceBuffer trace) {
    K8sWorld w = new K8sWorld(1, Budget.of(5_000_000, 3_600_000_000L), true, trace);
    K8sWorld plain = StrategiesTest.world(1, 7);
    plain.store().list(Kind.NODE).forEach(w.store()::create);
    plain.store().list(Kind.STORAGE_CLASS).forEach(w.store()::create);
    plain.store().list(Kind.PERSISTENT_VOLUME).forEach(w.store()::create);
    return w;
  }

  /**
   * The run loop's timer is made anew when a pass ends (cluster.go {@code run()}: {@code
   * time.After(reconcileInterval)} in the select): a pass whose MemberAdd times out (5 s) ends
   * 5 s late, and the next pass comes 8 s after that, 13 s after the one before, not on an 8 s
   * tick.
   */
  @Test
  void theNextPassComesEightSecondsAfterAPassEnds() {
    TraceBuffer trace = new TraceBuffer();
    K8sWorld w = world(trace);
    w.measures().startMeasuring();
    w.loseNextAddAnswer("etcd");
    Strategies.SEED_JOIN.install(w, ClusterSpec.of("ns", "etcd", 3, "etcd"));
    w.sim().runUntil(25_000_000L);
    List<Long> failedAdds = trace.records().stream().filter(t -> t.detail()
        .startsWith("operator: fail to add new member")).map(TraceRecord::timeUs).toList();
    assertEquals(2, failedAdds.size(), failedAdds.toString());
    // the first add, sent at 8 s, times out 5 s later; the next pass is 8 s after that
    assertTrue(failedAdds.get(0) >= 13_000_000L && failedAdds.get(0) < 13_010_000L,
        failedAdds.toString());
    assertTrue(failedAdds.get(1) >= 21_000_000L && failedAdds.get(1) < 21_010_000L,
        "the second pass starts 8 s after the first ended: " + failedAdds);
  }

  /**
   * Every member pod's etcd container has coreos/etcd-operator's liveness probe and RestartPolicy
   * Never; the learner operator's model pods declare none.
   */
  @Test
  void memberPodsCarryTheLivenessProbe() {
    K8sWorld w = StrategiesTest.world(1, 7);
    Strategies.SEED_JOIN.install(w, ClusterSpec.of("ns", "etcd", 3, "etcd"));
    K8sWorld l = StrategiesTest.world(1, 7);
    Strategies.SEED_JOIN_LEARNER.install(l, ClusterSpec.of("ns", "etcd", 3, "etcd"));
    w.sim().runUntil(60_000_000L);
    l.sim().runUntil(60_000_000L);
    List<Pod> pods = w.store().list(Kind.POD);
    assertEquals(3, pods.size());
    for (Pod p : pods) {
      assertEquals("Never", p.spec().restartPolicy());
      assertEquals(EtcdPods.COREOS_LIVENESS, p.spec().containers().get(0).liveness());
      assertEquals(List.of("/bin/sh", "-ec", "ETCDCTL_API=3 etcdctl endpoint status"),
          p.spec().containers().get(0).liveness().command());
    }
    for (Pod p : l.store().<Pod>list(Kind.POD)) {
      assertNull(p.spec().containers().get(0).liveness(), p.meta().name());
    }
  }

  /**
   * coreos/etcd-operator v0.9.4's check-dns init container holds a member's etcd back until the
   * pod's DNS name resolves: the seed's sandbox and init container come up after the container
   * start time (2 s), its first nslookup finds no record (the model's DNS serves it 1 s after the
   * pod has its address), the loop sleeps 1 s and the second finds it; the kubelet sees the init
   * container exit at its next relist (whole seconds from the node's start) and starts etcd a
   * container start time later. The pod is Pending (PodInitializing) all the while, and the
   * operator's loop skips while a pod is Pending.
   */
  @Test
  void aMembersEtcdStartsOnlyAfterItsDnsNameResolves() {
    TraceBuffer trace = new TraceBuffer();
    K8sWorld w = world(trace);
    Strategies.SEED_JOIN.install(w, ClusterSpec.of("ns", "etcd", 3, "etcd"));
    String name = "etcd-0000.etcd.ns.svc";
    long containerStartUs = io.pdlab.k8s.controllers.K8sConstants.CONTAINER_START_MS * 1_000;
    long bindUs = 2_000; // the seed's create, schedule and bind, through two watch deliveries
    long initUs = bindUs + containerStartUs;
    w.sim().runUntil(initUs - 1);
    assertEquals(List.of(), startsOf(trace, "etcd-0000/check-dns"));
    w.sim().runUntil(initUs);
    assertEquals(List.of(initUs), startsOf(trace, "etcd-0000/check-dns"));
    Pod seed = w.store().get(Kind.POD, "ns/etcd-0000");
    assertEquals("Pending", seed.status().phase());
    assertEquals(K8sWorld.POD_INITIALIZING, seed.status().reason());
    assertFalse(w.resolves(name), "no record yet: the first nslookup fails");
    w.sim().runUntil(initUs + io.pdlab.k8s.controllers.K8sConstants.DNS_PROPAGATION_MS * 1_000);
    assertTrue(w.resolves(name));
    List<Long> resolved = trace.records().stream().filter(t -> t.detail().equals(
        "check-dns: " + name + " resolves")).map(TraceRecord::timeUs).toList();
    assertEquals(List.of(initUs + CheckDns.LOOP_PERIOD_MS * 1_000), resolved,
        "the second lookup, after the loop's sleep 1");
    long relistUs = (resolved.get(0) / 1_000_000 + 1) * 1_000_000; // 4 s
    w.sim().runUntil(relistUs + containerStartUs - 1);
    assertEquals(List.of(), startsOf(trace, "etcd-0000"));
    assertEquals("Pending", w.store().<Pod>get(Kind.POD, "ns/etcd-0000").status().phase());
    w.sim().runUntil(relistUs + containerStartUs);
    assertEquals(List.of(relistUs + containerStartUs), startsOf(trace, "etcd-0000"));
    assertEquals("Running", w.store().<Pod>get(Kind.POD, "ns/etcd-0000").status().phase());
    assertEquals(List.of(initUs), startsOf(trace, "etcd-0000/check-dns"), "it ran once");
  }

  /** When process {@code p} started, in trace order. */
  private static List<Long> startsOf(TraceBuffer trace, String p) {
    return trace.records().stream().filter(t -> t.node().equals(p)
        && t.detail().startsWith("started incarnation=")).map(TraceRecord::timeUs).toList();
  }

  /**
   * The loop asks the DNS at its start and then once a second ({@code sleep 1}): a name that
   * resolves from 2.5 s on is seen at the fourth lookup, at 3 s, and the process exits with code
   * 0 then.
   */
  @Test
  void checkDnsLooksUpOnceASecond() {
    io.pdlab.sim.Simulation sim = new io.pdlab.sim.Simulation(1, Budget.of(10_000,
        60_000_000L), true);
    List<Long> asked = new java.util.ArrayList<>();
    io.pdlab.pd.pod.PodEnv dns = new io.pdlab.pd.pod.PodEnv() {
      @Override
      public boolean resolves(String n) {
        assertEquals("m.c.ns.svc", n);
        asked.add(sim.nowUs());
        return sim.nowUs() >= 2_500_000;
      }

      @Override
      public io.pdlab.pd.tidb.TidbClusterRead readTidbCluster(String ns, String n) {
        throw new AssertionError();
      }

      @Override
      public String serviceEndpoint(String service) {
        throw new AssertionError();
      }

      @Override
      public void pdClusterId(String pod, long id) {
        throw new AssertionError();
      }
    };
    List<String> exits = new java.util.ArrayList<>();
    sim.addExitListener((p, reason) -> exits.add(p + " " + reason + " at " + sim.nowUs()));
    sim.addProcess("check", n -> new CheckDns("m.c.ns.svc", dns));
    sim.start("check");
    sim.runUntil(10_000_000L);
    assertEquals(List.of(0L, 1_000_000L, 2_000_000L, 3_000_000L), asked);
    assertEquals(List.of("check " + K8sWorld.COMPLETED + " at 3000000"), exits);
  }

  /** The init container is upstream's: busybox, named check-dns, the nslookup loop. */
  @Test
  void theInitContainerIsUpstreams() {
    K8sWorld w = StrategiesTest.world(1, 7);
    Strategies.SEED_JOIN.install(w, ClusterSpec.of("ns", "etcd", 3, "etcd"));
    w.sim().runUntil(1_000_000L);
    Pod seed = w.store().get(Kind.POD, "ns/etcd-0000");
    assertEquals(1, seed.spec().initContainers().size());
    io.pdlab.k8s.api.Container c = seed.spec().initContainers().get(0);
    assertEquals("check-dns", c.name());
    assertEquals("busybox:1.28.0-glibc", c.image());
    assertEquals(List.of("/bin/sh", "-c"), c.args().subList(0, 2));
    assertTrue(c.args().get(2).contains("while ( ! nslookup etcd-0000.etcd.ns.svc )"),
        c.args().get(2));
    assertTrue(c.args().get(2).contains("sleep 1"), c.args().get(2));
    assertTrue(c.args().get(2).startsWith("TIMEOUT_READY=0\n"), c.args().get(2));
  }
}
