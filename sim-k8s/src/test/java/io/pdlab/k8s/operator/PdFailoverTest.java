package io.pdlab.k8s.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pdlab.k8s.api.Kind;
import io.pdlab.k8s.api.Pod;
import io.pdlab.k8s.api.StatefulSet;
import io.pdlab.k8s.api.TidbCluster;
import io.pdlab.k8s.controllers.K8sWorld;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * tidb-operator's PD failover: a PD whose node is lost is unhealthy; after 5 minutes the operator
 * removes the member from PD, deletes its pod and PVC, records a failure member and grows the PD
 * StatefulSet by one. The new ordinal joins through discovery; the re-created pod of the lost
 * ordinal finds no node.
 */
class PdFailoverTest {
  @Test
  void aPdLostForFiveMinutesIsReplaced() {
    K8sWorld w = StrategiesTest.world(21, 5);
    w.measures().startMeasuring();
    Strategies.DISCOVERY.install(w, ClusterSpec.of("ns", "basic", 3, "pd"));
    w.sim().runUntil(200_000_000L);
    assertTrue(w.measures().bootstrapped(), w.measures().measures().describe());
    Pod victim = w.store().get(Kind.POD, "ns/basic-pd-1");
    w.loseNode(victim.spec().nodeName());

    w.sim().runUntil(w.sim().nowUs() + 4 * 60_000_000L);
    TidbCluster tc = w.store().get(Kind.TIDB_CLUSTER, "ns/basic");
    assertEquals(List.of(), tc.status().pdFailureMembers(), "no failover before 5 minutes");

    w.sim().runUntil(w.sim().nowUs() + 4 * 60_000_000L);
    tc = w.store().get(Kind.TIDB_CLUSTER, "ns/basic");
    assertEquals(List.of("basic-pd-1"), tc.status().pdFailureMembers());
    StatefulSet set = w.store().get(Kind.STATEFUL_SET, "ns/basic-pd");
    assertEquals(4, set.replicas(), "spec replicas plus one deleted failure member");
    Pod replacement = w.store().get(Kind.POD, "ns/basic-pd-3");
    assertTrue(replacement != null && replacement.status().ready(),
        "the new ordinal joined: " + replacement);
    // The lost member was removed from PD and pd-3 joined through discovery: three voters, all
    // started. The StatefulSet re-created pd-1 with a new, empty volume, but no node is left for
    // it (the lost one's Node deleted, as the cloud's controller does for a terminated instance;
    // one PD per node): it stays Pending, as provisioning.md section 5 warns.
    var pd0 = w.measures().etcd("basic-pd-0");
    assertEquals(3, pd0.raft().voters().size(), pd0.membership().toString());
    assertTrue(pd0.membership().members().values().stream().allMatch(m -> m.started()),
        pd0.membership().toString());
    Pod recreated = w.store().get(Kind.POD, "ns/basic-pd-1");
    assertEquals("Pending", recreated.status().phase());
    assertTrue(w.store().get(Kind.NODE, victim.spec().nodeName()) == null, "the lost Node");
    assertTrue(recreated.status().reason().startsWith("0/4 nodes are available"),
        recreated.status().reason());
  }
}
