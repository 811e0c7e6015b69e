package io.pdlab.pd.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pdlab.pd.etcd.EtcdTiming;
import io.pdlab.pd.pod.PdPod;
import io.pdlab.sim.Budget;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * After starting its embedded etcd, pd-server asks every peer URL of its initial cluster for the
 * etcd cluster it belongs to and exits on another cluster ID (tikv/pd v7.1 {@code server.go}
 * startEtcd, {@code etcdutil.CheckClusterID}); peers that do not answer are skipped (issue 16,
 * item 15). The model had no such check: two PDs bootstrapped into different clusters from one
 * {@code --initial-cluster} both ran on.
 */
class PdClusterIdCheckTest {
  private static String peer(String pod) {
    return "http://" + pod + ".basic-pd-peer.ns.svc:2380";
  }

  private static final String INITIAL = "--initial-cluster=basic-pd-5=" + peer("basic-pd-5")
      + ",basic-pd-6=" + peer("basic-pd-6") + ",basic-pd-7=" + peer("basic-pd-7");

  private PdWorld world(long seed, String tokenOf6) {
    PdWorld pd = new PdWorld(seed, Budget.of(20_000_000, 3_600_000_000L), true, "ns", "basic",
        EtcdTiming.PD_PROFILE);
    EtcdWorld w = pd.world();
    w.addProcess("basic-pd-5", n -> new PdPod(n, "ns", "basic", EtcdTiming.PD_PROFILE, pd,
        w.recorder(), List.of(INITIAL)));
    w.addProcess("basic-pd-6", n -> new PdPod(n, "ns", "basic", EtcdTiming.PD_PROFILE, pd,
        w.recorder(), List.of(INITIAL, "--initial-cluster-token=" + tokenOf6)));
    // basic-pd-7 never runs: its URL is refused, and the check goes on past it
    return pd;
  }

  @Test
  void aPdWhosePeerAnswersAnotherClusterIdExits() {
    PdWorld pd = world(5, "another-cluster");
    EtcdWorld w = pd.world();
    w.startMeasuring();
    w.sim().start("basic-pd-5");
    w.sim().start("basic-pd-6");
    w.sim().runFor(30_000_000);
    // each bootstrapped a cluster of its own token (the other's ID is not in it) ...
    String exit5 = w.recorder().exits().get("basic-pd-5");
    String exit6 = w.recorder().exits().get("basic-pd-6");
    // ... and whichever asked the other while it served its peer port exits
    String exit = exit5 != null ? exit5 : exit6;
    assertNotNull(exit, "one PD exits: " + w.recorder().exits());
    assertTrue(exit.startsWith("Etcd cluster ID mismatch, expect "), exit);
    String[] ids = exit.substring("Etcd cluster ID mismatch, expect ".length()).split(", got ");
    assertNotEquals(ids[0], ids[1]);
  }

  @Test
  void peersOfTheSameClusterPassAndAnUnreachablePeerIsSkipped() {
    PdWorld pd = world(5, io.pdlab.pd.server.PdConstants.INITIAL_CLUSTER_TOKEN);
    EtcdWorld w = pd.world();
    w.startMeasuring();
    w.sim().start("basic-pd-5");
    w.sim().start("basic-pd-6");
    w.sim().runFor(30_000_000);
    assertNull(w.recorder().exits().get("basic-pd-5"), w.recorder().exits().toString());
    assertNull(w.recorder().exits().get("basic-pd-6"), w.recorder().exits().toString());
    PdPod p5 = (PdPod) w.sim().instance("basic-pd-5");
    assertTrue(p5.pdClusterId() != 0, "PD went on to write its cluster ID");
    assertEquals(p5.pdClusterId(), ((PdPod) w.sim().instance("basic-pd-6")).pdClusterId());
  }
}
