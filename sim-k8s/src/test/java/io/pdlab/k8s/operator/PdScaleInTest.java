package io.pdlab.k8s.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pdlab.k8s.api.Kind;
import io.pdlab.k8s.api.StatefulSet;
import io.pdlab.k8s.api.TidbCluster;
import io.pdlab.k8s.controllers.K8sWorld;
import org.junit.jupiter.api.Test;

/**
 * tidb-operator's PD scale-in (pd_scaler.go ScaleIn, v1.5.1) deletes the highest ordinal's PD
 * member through PD's API before it shrinks the StatefulSet, so no dead voter stays behind
 * (issue 16, item 3).
 */
class PdScaleInTest {
  @Test
  void scalingInFromThreeToTwoRemovesTheMemberThenThePod() {
    K8sWorld w = StrategiesTest.world(21, 5);
    w.measures().startMeasuring();
    Strategies.DISCOVERY.install(w, ClusterSpec.of("ns", "basic", 3, "pd"));
    w.sim().runUntil(200_000_000L);
    assertTrue(w.measures().bootstrapped(), w.measures().measures().describe());
    w.modify(Kind.TIDB_CLUSTER, "ns/basic", (TidbCluster tc) -> tc.withSpec(
        tc.spec().withPd(tc.spec().pd().withReplicas(2))));
    w.sim().runUntil(w.sim().nowUs() + 120_000_000L);
    StatefulSet set = w.store().get(Kind.STATEFUL_SET, "ns/basic-pd");
    assertEquals(2, set.replicas());
    assertTrue(w.store().get(Kind.POD, "ns/basic-pd-2") == null, "basic-pd-2's pod is gone");
    var pd0 = w.measures().etcd("basic-pd-0");
    assertEquals(2, pd0.raft().voters().size(), "two voters, no dead one: "
        + pd0.membership());
    assertTrue(pd0.membership().members().values().stream()
        .noneMatch(m -> m.name().equals("basic-pd-2")), pd0.membership().toString());
    assertTrue(w.measures().health().serving(), "the two left serve");
  }
}
