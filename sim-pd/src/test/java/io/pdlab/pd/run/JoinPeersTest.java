package io.pdlab.pd.run;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pdlab.pd.etcd.EtcdConfig;
import io.pdlab.pd.etcd.EtcdConstants;
import io.pdlab.pd.etcd.EtcdMember;
import io.pdlab.pd.etcd.EtcdMessages.ClientOp;
import io.pdlab.pd.etcd.EtcdTiming;
import io.pdlab.sim.Budget;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A joining etcd 3.4 member asks its peers' URLs for the cluster one after another
 * (etcdserver/cluster_util.go getClusterFromRemotePeers): a URL whose connection is refused is
 * left at once, one that does not answer after its 10 s request timeout (issue 16, item 12).
 */
class JoinPeersTest {
  private static long joinTimeUs(boolean cutInsteadOfDown) {
    EtcdWorld w = new EtcdWorld(5, Budget.of(5_000_000, 600_000_000L), false);
    List<String> first = List.of("m0", "m1", "m2");
    w.addStatic(first, EtcdTiming.ETCD_DEFAULTS, "tok");
    w.sim().startAll();
    w.runUntilBootstrapped();
    w.sim().runFor(10_000_000); // strict-reconfig-check: every member active for a while
    String leader = first.stream().filter(n -> w.etcd(n).isLeader()).findFirst().orElseThrow();
    EtcdClient.Call add = w.client().send(leader, new ClientOp.MemberAdd(
        List.of(EtcdWorld.peerUrl("m3")), false));
    w.sim().run(add::answered);
    assertNull(add.response.error());
    // m0 comes first among the sorted peer URLs: down, or there but unreachable
    String gone = "m0";
    w.addMember(EtcdWorld.config("m3", EtcdWorld.initialCluster(List.of("m0", "m1", "m2", "m3")),
        EtcdConfig.State.EXISTING, "tok", EtcdTiming.ETCD_DEFAULTS));
    if (cutInsteadOfDown) {
      w.sim().network().cut("m3", gone);
      w.sim().network().cut(gone, "m3");
    } else {
      w.sim().crash(gone);
    }
    long start = w.sim().nowUs();
    w.sim().start("m3");
    w.sim().run(() -> w.etcd("m3") != null && w.etcd("m3").raft() != null
        || w.sim().nowUs() > start + 60_000_000);
    EtcdMember m3 = w.etcd("m3");
    assertTrue(m3 != null && m3.raft() != null, "m3 joined");
    return w.sim().nowUs() - start;
  }

  @Test
  void aRefusedPeerIsLeftAtOnceAnUnansweringOneAfterItsTimeout() {
    long refused = joinTimeUs(false);
    long silent = joinTimeUs(true);
    assertTrue(refused < 1_000_000, "joined " + refused + " us after its start");
    assertTrue(silent >= EtcdConstants.REMOTE_MEMBERS_TIMEOUT_MS * 1_000
        && silent < EtcdConstants.REMOTE_MEMBERS_TIMEOUT_MS * 1_000 + 1_000_000,
        "joined " + silent + " us after its start");
  }
}
