package io.pdlab.k8s.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pdlab.k8s.api.Kind;
import io.pdlab.k8s.api.Pod;
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
}
