package io.pdlab.k8s.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pdlab.k8s.api.Kind;
import io.pdlab.k8s.api.Pod;
import io.pdlab.k8s.api.TidbCluster;
import io.pdlab.k8s.controllers.K8sWorld;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * tidb-operator v2.0.0's PD group bootstrap (issue 16, deviation 14): instances stamped with the
 * initial cluster size, config generation refused while the instances seen differ from the stamp
 * ({@code configs/pd/config.go}), and the bootstrapped flag set when the operator's PD client has
 * synced ({@code pdgroup/tasks/ctx.go}, {@code boot.go}), not when the pods are Ready.
 */
class TidbOperatorV2Test {
  private static final String JOIN = "http://basic-pd.ns:2379";

  @Test
  void configGenerationRefusesAStampThatDiffersFromThePeersItSees() {
    assertEquals(new TidbOperatorV2.Refused(
        "unexpected number of replicas, expected is 3, current is 4"),
        TidbOperatorV2.config("basic", "ns", 3,
            List.of("basic-pd-0", "basic-pd-1", "basic-pd-2", "basic-pd-3"), JOIN));
    assertEquals(new TidbOperatorV2.Refused(
        "unexpected number of replicas, expected is 3, current is 2"),
        TidbOperatorV2.config("basic", "ns", 3, List.of("basic-pd-0", "basic-pd-1"), JOIN));
    assertEquals(List.of("--direct", "--initial-cluster="
        + "basic-pd-0=http://basic-pd-0.basic-pd-peer.ns.svc:2380,"
        + "basic-pd-1=http://basic-pd-1.basic-pd-peer.ns.svc:2380", "--initial-cluster-token=basic",
        "--timing=pd"), TidbOperatorV2.config("basic", "ns", 2,
            List.of("basic-pd-0", "basic-pd-1"), JOIN));
    assertEquals(List.of("--direct", "--join=" + JOIN, "--timing=pd"),
        TidbOperatorV2.config("basic", "ns", null, List.of("basic-pd-0", "basic-pd-1"), JOIN));
  }

  /**
   * All three pods are Ready as soon as their containers run (no readiness probe), seconds before
   * PD answers a members call; the flag waits for that answer.
   */
  @Test
  void theBootstrappedFlagWaitsForThePdClientsSyncNotForReadyPods() {
    for (long seed = 1; seed <= 5; seed++) {
      K8sWorld w = StrategiesTest.world(seed, 5);
      w.measures().startMeasuring();
      Strategies.V2_STATIC.install(w, ClusterSpec.of("ns", "basic", 3, "pd"));
      boolean allReadyBefore = false;
      while (w.sim().nowUs() < 60_000_000L) {
        w.sim().runUntil(w.sim().nowUs() + 10_000);
        TidbCluster tc = w.store().get(Kind.TIDB_CLUSTER, "ns/basic");
        if (tc.meta().annotations().containsKey(TidbOperatorV2.BOOTSTRAPPED)) {
          assertTrue(w.measures().health().serving(), "seed " + seed + ": flag at "
              + w.sim().nowUs() + " us while PD does not serve");
          break;
        }
        allReadyBefore |= w.store().<Pod>listIn(Kind.POD, "ns", (Pod p) -> p.meta().name()
            .startsWith("basic-pd-") && p.status().ready()).size() == 3;
      }
      assertTrue(allReadyBefore, "seed " + seed + ": all pods were Ready before the flag");
      assertTrue(w.store().<TidbCluster>get(Kind.TIDB_CLUSTER, "ns/basic").meta().annotations()
          .containsKey(TidbOperatorV2.BOOTSTRAPPED), "seed " + seed + ": bootstrapped");
    }
  }

  /**
   * A stamped PD that never ran keeps its stamp (boot.go takes it off only once it is ready);
   * after a scale-out its pod, lost with its node, cannot be created again: four instances, a
   * stamp of three. Its static member stays a dead voter.
   */
  @Test
  void aStampedPdLostAfterAScaleOutIsNeverCreatedAgain() {
    K8sWorld w = StrategiesTest.world(3, 6);
    w.measures().startMeasuring();
    w.delayStart("basic-pd-2", 400_000_000L);
    Strategies.V2_STATIC.install(w, ClusterSpec.of("ns", "basic", 3, "pd"));
    w.sim().runUntil(30_000_000L);
    TidbCluster tc = w.store().get(Kind.TIDB_CLUSTER, "ns/basic");
    assertTrue(tc.meta().annotations().containsKey(TidbOperatorV2.BOOTSTRAPPED),
        "two of three serve: bootstrapped");
    assertEquals("basic-pd-0,basic-pd-1,basic-pd-2=3",
        tc.meta().annotations().get(TidbOperatorV2.INSTANCES), "stamps off the ready ones only");
    assertNull(TidbOperatorV2.refusesReplicasChange(tc, 4), "bootstrapped: replicas may change");
    w.modify(Kind.TIDB_CLUSTER, "ns/basic", (TidbCluster t) -> t.withSpec(
        t.spec().withPd(t.spec().pd().withReplicas(4))));
    w.sim().runUntil(60_000_000L);
    Pod joiner = w.store().get(Kind.POD, "ns/basic-pd-3");
    assertEquals(List.of("--direct", "--join=http://basic-pd.ns:2379", "--timing=pd"),
        joiner.spec().containers().get(0).args());
    Pod lost = w.store().get(Kind.POD, "ns/basic-pd-2");
    w.loseNode(lost.spec().nodeName());
    w.sim().runUntil(400_000_000L);
    assertNull(w.store().get(Kind.POD, "ns/basic-pd-2"), "collected, and not created again");
    assertEquals("basic-pd-0,basic-pd-1,basic-pd-2=3,basic-pd-3", w.store()
        .<TidbCluster>get(Kind.TIDB_CLUSTER, "ns/basic").meta().annotations()
        .get(TidbOperatorV2.INSTANCES));
  }
}
