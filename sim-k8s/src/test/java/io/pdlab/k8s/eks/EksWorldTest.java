package io.pdlab.k8s.eks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pdlab.k8s.api.Kind;
import io.pdlab.k8s.api.Node;
import io.pdlab.k8s.api.Pod;
import io.pdlab.k8s.provision.ProvisionParameters;
import io.pdlab.pd.run.Outcome;
import io.pdlab.sim.Budget;
import io.pdlab.sim.RunOutcome;
import io.pdlab.sim.RunResult;
import java.util.List;
import org.junit.jupiter.api.Test;

/** From an empty account to a serving TiDB, through EKS, node joins, the operator and PD. */
class EksWorldTest {
  static EksWorld run(ProvisionParameters params, long seed) {
    EksWorld e = new EksWorld(seed, Budget.of(20_000_000, 7_200_000_000L), false, params,
        EksWorld.Shape.CHART_DEFAULTS);
    RunResult r = e.run();
    assertEquals(RunOutcome.COMPLETED, r.outcome(), r.describe());
    return e;
  }

  @Test
  void theSeedsDefaultsServeTidbWithACriticalPathDominatedByEksAndNodeJoins() {
    EksWorld e = run(ProvisionParameters.defaults(), 1);
    String cluster = ProvisionParameters.defaults().clusters().get(0);
    List<Pod> pods = e.world().store().list(Kind.POD, (Pod p) -> p.meta().namespace()
        .equals(cluster));
    // 3 PD, 3 TiKV, 2 TiDB, 1 monitor and the discovery pod, all placed and running
    assertEquals(10, pods.size(), pods.stream().map(p -> p.meta().name()).toList().toString());
    for (Pod p : pods) {
      assertTrue(p.scheduled(), p.meta().name() + " " + p.status());
      String component = p.meta().labels().get("app.kubernetes.io/component");
      Node n = e.world().store().get(Kind.NODE, p.spec().nodeName());
      if (List.of("pd", "tikv", "tidb").contains(component)) {
        assertEquals(component, n.meta().labels().get("dedicated"),
            p.meta().name() + " landed on " + n.meta().name());
      }
    }
    assertEquals(Outcome.OK, e.world().measures().measures().outcome(),
        e.world().measures().measures().describe());
    var cp = e.result().criticalPath();
    assertTrue(cp.path().contains("eks-control-plane"), cp.path().toString());
    long eks = cp.earliestFinishUs().get("eks-control-plane")
        - cp.earliestStartUs().get("eks-control-plane");
    assertTrue(eks > cp.totalUs() / 2, "EKS dominates: " + e.result().toText());
    long total = e.result().makespanUs();
    assertTrue(total > 10 * 60_000_000L && total < 25 * 60_000_000L,
        "an apply of 10 minutes or more, as the docs say: " + total / 1_000_000 + " s");
  }

  @Test
  void twoTidbClustersShareOneEksClusterOnTheirOwnWorkerGroups() {
    EksWorld e = run(ProvisionParameters.of("alpha", "beta"), 2);
    for (String c : List.of("alpha", "beta")) {
      List<Pod> pds = e.world().store().list(Kind.POD, (Pod p) -> p.meta().namespace().equals(c)
          && "pd".equals(p.meta().labels().get("app.kubernetes.io/component")));
      assertEquals(3, pds.size(), c);
      for (Pod p : pds) {
        Node n = e.world().store().get(Kind.NODE, p.spec().nodeName());
        assertEquals(c + "-pd", n.meta().labels().get("dedicated"), p.meta().name());
        assertTrue(p.status().ready(), p.meta().name());
      }
    }
    assertEquals(2, e.tidbReadyUs().size());
    assertEquals(2, e.world().measures().measures().clusterIds().size(),
        "two TiDB clusters, two PD clusters (one each)");
  }

  @Test
  void sameSeedSameTimeline() {
    assertEquals(run(ProvisionParameters.defaults(), 3).result().toText(),
        run(ProvisionParameters.defaults(), 3).result().toText());
  }
}
