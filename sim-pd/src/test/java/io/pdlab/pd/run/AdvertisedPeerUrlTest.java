package io.pdlab.pd.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pdlab.pd.etcd.EtcdConfig;
import io.pdlab.pd.etcd.EtcdMember;
import io.pdlab.pd.etcd.EtcdMessages.ClientOp;
import io.pdlab.pd.etcd.EtcdTiming;
import io.pdlab.sim.Budget;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What etcd 3.4.23 does with an {@code --initial-advertise-peer-urls} other than the member's
 * {@code --initial-cluster} entry (issue 16, item 15, "a wrong advertised peer URL"): a new
 * member exits in NewServer's {@code VerifyBootstrap} ({@code advertiseMatchesCluster}), after it
 * made {@code member/snap}; a joiner is not compared ({@code VerifyJoinExisting}) and takes its ID
 * from the remote member matching its {@code --initial-cluster} entry.
 */
class AdvertisedPeerUrlTest {
  private static final String TYPO = "http://m9-typo:2380";

  @Test
  void aNewMemberAdvertisingAnotherUrlExitsAfterMakingMemberSnap() {
    EtcdWorld w = new EtcdWorld(3, Budget.of(5_000_000, 600_000_000L), false);
    var ic = EtcdWorld.initialCluster(List.of("m0"));
    w.addMember(new EtcdConfig("m0", TYPO, EtcdWorld.clientUrl("m0"), ic,
        EtcdConfig.State.NEW, "tok", EtcdTiming.ETCD_DEFAULTS));
    w.sim().startAll();
    w.sim().runFor(5_000_000);
    assertEquals("--initial-cluster has m0=http://m0:2380 but missing from"
        + " --initial-advertise-peer-urls=" + TYPO, w.recorder().exits().get("m0"));
    assertTrue(w.sim().disk("m0").contains(EtcdMember.SNAP_KEY), "member/snap made first");
    assertFalse(w.sim().disk("m0").contains(EtcdMember.WAL_KEY), "no member/wal");
  }

  @Test
  void aJoinerAdvertisingAnotherUrlIsNotComparedAndJoinsUnderItsListedUrl() {
    EtcdWorld w = new EtcdWorld(4, Budget.of(5_000_000, 600_000_000L), false);
    List<String> first = List.of("m0", "m1", "m2");
    w.addStatic(first, EtcdTiming.ETCD_DEFAULTS, "tok");
    w.sim().startAll();
    w.runUntilBootstrapped();
    w.sim().runFor(10_000_000);
    String leader = first.stream().filter(n -> w.etcd(n).isLeader()).findFirst().orElseThrow();
    EtcdClient.Call add = w.client().send(leader, new ClientOp.MemberAdd(
        List.of(EtcdWorld.peerUrl("m3")), false));
    w.sim().run(add::answered);
    assertNull(add.response.error());
    w.addMember(new EtcdConfig("m3", TYPO, EtcdWorld.clientUrl("m3"),
        EtcdWorld.initialCluster(List.of("m0", "m1", "m2", "m3")), EtcdConfig.State.EXISTING,
        "tok", EtcdTiming.ETCD_DEFAULTS));
    w.sim().start("m3");
    w.sim().runFor(20_000_000);
    assertNull(w.recorder().exits().get("m3"), w.recorder().exits().toString());
    EtcdMember m3 = w.etcd("m3");
    assertTrue(m3 != null && m3.ready(), "m3 joined and published");
    assertEquals(4, w.etcd(leader).raft().voters().size());
  }
}
