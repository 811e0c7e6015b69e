package io.pdlab.k8s.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pdlab.k8s.api.Kind;
import io.pdlab.k8s.api.StatefulSet;
import io.pdlab.k8s.api.TidbCluster;
import io.pdlab.k8s.controllers.K8sWorld;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * tidb-operator v1.5.1 copies the PD StatefulSet's status into the TidbCluster
 * ({@code pd_member_manager.go} syncTidbClusterStatus), sets the PD phase and the Ready
 * condition ({@code tidb_cluster_condition_updater.go}), and syncs on every change of a
 * StatefulSet it controls ({@code tidb_cluster_controller.go} updateStatefulSet) -- issue 16
 * item 2. The model had none of these fields, and saw a StatefulSet change only at the next
 * 30 s resync.
 */
class TidbOperatorV1StatusTest {
  private record At(long us, StatefulSet.Status status) {}

  @Test
  void everyStatefulSetStatusReachesTheTidbClusterWithinASync() {
    for (long seed = 1; seed <= 5; seed++) {
      K8sWorld w = StrategiesTest.world(seed, 4);
      List<At> sets = new ArrayList<>();
      List<At> copies = new ArrayList<>();
      w.store().watch(Kind.STATEFUL_SET, e -> {
        if (e.object().meta().key().equals("ns/basic-pd")) {
          StatefulSet.Status s = ((StatefulSet) e.object()).status();
          if (sets.isEmpty() || !sets.get(sets.size() - 1).status().equals(s)) {
            sets.add(new At(w.sim().nowUs(), s));
          }
        }
      });
      w.store().watch(Kind.TIDB_CLUSTER, e -> copies.add(new At(w.sim().nowUs(),
          ((TidbCluster) e.object()).status().pdStatefulSet())));
      w.measures().startMeasuring();
      Strategies.DISCOVERY.install(w, ClusterSpec.of("ns", "basic", 3, "pd"));
      w.sim().runUntil(121_000_000L);
      assertTrue(w.measures().bootstrapped(), w.measures().measures().describe());
      assertTrue(sets.size() >= 3, "created, pods made, pods Ready (a PD that exits on its "
          + "first start is not Ready for a while): " + sets);
      // A PD pod is deleted and its successor never starts: the set says 3 pods, 2 ready, for
      // good. Nothing else changes the TidbCluster, so only the set's event makes the operator
      // sync before its next 30 s resync (at 150 s).
      w.neverStart("basic-pd-2");
      w.deletePod("ns/basic-pd-2");
      long end = 200_000_000L;
      w.sim().runUntil(end);
      // A status that stood for 10 s (a sync: members, pings, cluster, leader, each answered
      // in well under pdapi's 5 s here) is in the TidbCluster by then, not after a 30 s resync.
      for (int i = 0; i < sets.size(); i++) {
        long from = sets.get(i).us();
        long to = i + 1 < sets.size() ? sets.get(i + 1).us() : end;
        if (to - from < 10_000_000L) {
          continue;
        }
        StatefulSet.Status copied = null;
        for (At c : copies) {
          if (c.us() <= from + 10_000_000L) {
            copied = c.status();
          }
        }
        assertEquals(sets.get(i).status(), copied, "seed " + seed + ": the set's status at "
            + from / 1e6 + " s, in the TidbCluster 10 s later");
      }
      assertEquals(2, sets.get(sets.size() - 1).status().readyReplicas(), sets.toString());
      TidbCluster tc = w.store().get(Kind.TIDB_CLUSTER, "ns/basic");
      StatefulSet set = w.store().get(Kind.STATEFUL_SET, "ns/basic-pd");
      assertEquals(set.status(), tc.status().pdStatefulSet());
      assertEquals(new StatefulSet.Status(3, 2, 3, 3, set.status().updateRevision(),
          set.status().updateRevision()), tc.status().pdStatefulSet());
      assertEquals("Normal", tc.status().pdPhase());
      TidbCluster.Condition ready = tc.status().ready();
      assertNotNull(ready);
      // no TiKV or TiDB in this spec: Ready while the 3 PD members were listed and healthy,
      // then PDUnhealthy once basic-pd-2's ping goes unanswered
      assertEquals("False", ready.status(), ready.toString());
      assertEquals("PDUnhealthy", ready.reason());
    }
  }

  /**
   * The Ready condition keeps its times while status and reason stay (SetTidbClusterCondition),
   * and says why it is False: while PD members are missing, PDUnhealthy.
   */
  @Test
  void theReadyConditionSaysPdUnhealthyUntilAllMembersAreHealthy() {
    K8sWorld w = StrategiesTest.world(3, 4);
    List<TidbCluster.Condition> conditions = new ArrayList<>();
    w.store().watch(Kind.TIDB_CLUSTER, e -> {
      TidbCluster.Condition c = ((TidbCluster) e.object()).status().ready();
      if (c != null && (conditions.isEmpty() || !conditions.get(conditions.size() - 1)
          .equals(c))) {
        conditions.add(c);
      }
    });
    w.measures().startMeasuring();
    Strategies.DISCOVERY.install(w, ClusterSpec.of("ns", "basic", 3, "pd"));
    w.sim().runUntil(120_000_000L);
    assertEquals(List.of("False/PDUnhealthy", "True/Ready"), conditions.stream()
        .map(c -> c.status() + "/" + c.reason()).toList(), conditions.toString());
    TidbCluster.Condition t = conditions.get(1);
    assertEquals(t.lastUpdateUs(), t.lastTransitionUs(), "the status changed");
    assertTrue(t.lastTransitionUs() > conditions.get(0).lastTransitionUs());
  }
}
