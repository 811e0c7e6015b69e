package io.pdlab.k8s.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pdlab.k8s.api.Kind;
import io.pdlab.k8s.api.TidbCluster;
import io.pdlab.k8s.controllers.K8sWorld;
import io.pdlab.pd.pod.PdPod;
import org.junit.jupiter.api.Test;

/**
 * tidb-operator v1.5.1's Status.PD.Synced needs GetHealth, GetCluster and GetPDLeader to answer
 * ({@code pd_member_manager.go} syncTidbClusterStatus), each through PD's API, which the PD
 * leader serves (issue 16, item 8); the leader's name becomes Status.PD.Leader. The model had
 * asked the health API only and never set the leader.
 */
class TidbOperatorV1SyncTest {
  @Test
  void syncedAfterHealthClusterAndLeaderWithTheLeaderInStatus() {
    K8sWorld w = StrategiesTest.world(7, 4);
    w.measures().startMeasuring();
    Strategies.DISCOVERY.install(w, ClusterSpec.of("ns", "basic", 3, "pd"));
    w.sim().runUntil(200_000_000L);
    assertTrue(w.measures().bootstrapped(), w.measures().measures().describe());
    TidbCluster tc = w.store().get(Kind.TIDB_CLUSTER, "ns/basic");
    assertTrue(tc.status().pdSynced(), tc.status().toString());
    String leader = null;
    for (int i = 0; i < 3; i++) {
      if (w.sim().instance("basic-pd-" + i) instanceof PdPod p && p.isPdLeader()) {
        leader = "basic-pd-" + i;
      }
    }
    assertEquals(leader, tc.status().pdLeader(), "GetPDLeader's answer: " + tc.status());
    assertEquals(3, tc.status().pdMembers().stream().filter(TidbCluster.PdMember::health)
        .count(), "every member answered its ping through the redirector: " + tc.status());
  }
}
