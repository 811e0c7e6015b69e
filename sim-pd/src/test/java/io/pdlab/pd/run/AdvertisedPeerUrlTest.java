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

  /** A three-member cluster m0..m2, bootstrapped, and its leader. */
  private static String threeMembers(EtcdWorld w) {
    w.addStatic(List.of("m0", "m1", "m2"), EtcdTiming.ETCD_DEFAULTS, "tok");
    w.sim().startAll();
    w.runUntilBootstrapped();
    w.sim().runFor(10_000_000);
    return List.of("m0", "m1", "m2").stream().filter(n -> w.etcd(n).isLeader()).findFirst()
        .orElseThrow();
  }

  /**
   * PD's join adds the member with its own advertised peer URL (tikv/pd v7.1 join.go
   * AddEtcdMember(cfg.AdvertisePeerUrls)) and lists that URL in its --initial-cluster, so a
   * wrong URL is what the cluster records. Nothing listens there; etcd 3.4's rafthttp still
   * carries the leader's entries to the member over the streams the member dialed in on
   * (streamReader dials out, the remote's streamWriter attaches the connection), so it
   * catches up and publishes; but the peers' own stream readers dial the recorded URL and fail,
   * each failure marking it inactive, so the leader never counts it connected and the next
   * voter it is asked to add is refused (etcd 3.4.23 server.go isReadyToAddVotingMember:
   * isConnectedToQuorumSince, "etcdserver: unhealthy cluster").
   */
  @Test
  void aMemberAddedUnderAUrlThatReachesNothingJoinsButCountsAsDisconnected() {
    EtcdWorld w = new EtcdWorld(4, Budget.of(5_000_000, 600_000_000L), false);
    String leader = threeMembers(w);
    EtcdClient.Call add = w.client().send(leader, new ClientOp.MemberAdd(List.of(TYPO), false));
    w.sim().run(add::answered);
    assertNull(add.response.error());
    var ic = new java.util.LinkedHashMap<>(EtcdWorld.initialCluster(List.of("m0", "m1", "m2")));
    ic.put("m3", TYPO);
    w.addMember(new EtcdConfig("m3", TYPO, EtcdWorld.clientUrl("m3"), ic,
        EtcdConfig.State.EXISTING, "tok", EtcdTiming.ETCD_DEFAULTS));
    w.sim().start("m3");
    w.sim().runFor(20_000_000);
    assertNull(w.recorder().exits().get("m3"), w.recorder().exits().toString());
    EtcdMember m3 = w.etcd("m3");
    assertTrue(m3.ready(), "m3 got the log over its own streams and published");
    assertEquals(w.etcd(leader).raft().commit(), m3.raft().commit());
    assertFalse(w.etcd(leader).isActive(m3.memberId()), "the leader's dials to it fail");
    assertTrue(m3.isActive(w.etcd(leader).memberId()), "its own dials to the leader work");
    EtcdClient.Call next = w.client().send(leader, new ClientOp.MemberAdd(
        List.of(EtcdWorld.peerUrl("m4")), false));
    w.sim().run(next::answered);
    assertEquals("etcdserver: unhealthy cluster", next.response.error().message());
  }

  /**
   * A joiner whose --initial-cluster lists a URL the cluster does not have for that member
   * exits with etcd 3.4.23's ValidateClusterAndAssignIDs text (membership/cluster.go): the
   * first existing member, by ID, that no local entry matches, and the last comparison's error.
   */
  @Test
  void aJoinerListingAnotherUrlThanTheClusterRecordedExitsNamingTheUnmatchedMember() {
    EtcdWorld w = new EtcdWorld(4, Budget.of(5_000_000, 600_000_000L), false);
    String leader = threeMembers(w);
    EtcdClient.Call add = w.client().send(leader, new ClientOp.MemberAdd(List.of(TYPO), false));
    w.sim().run(add::answered);
    long typoId = add.response.value() instanceof io.pdlab.pd.etcd.EtcdMessages.AddResult a
        ? a.added().id() : 0;
    w.addMember(EtcdWorld.config("m3", EtcdWorld.initialCluster(List.of("m0", "m1", "m2",
        "m3")), EtcdConfig.State.EXISTING, "tok", EtcdTiming.ETCD_DEFAULTS));
    w.sim().start("m3");
    w.sim().runFor(5_000_000);
    String exit = w.recorder().exits().get("m3");
    assertTrue(exit != null && exit.startsWith("error validating peerURLs "), exit);
    assertTrue(exit.endsWith(": PeerURLs: no match found for existing member ("
        + io.pdlab.pd.etcd.MemberIds.hex(typoId) + ", [" + TYPO + "]), last resolver error"
        + " (resolved urls: \"" + TYPO + "\" != \"" + lastLocal() + "\")"), exit);
  }

  /** The --initial-cluster entry of m0..m3 with the highest member ID (token tok): compared last. */
  private static String lastLocal() {
    return EtcdWorld.initialCluster(List.of("m0", "m1", "m2", "m3")).values().stream()
        .max((a, b) -> Long.compareUnsigned(io.pdlab.pd.etcd.MemberIds.memberId(List.of(a),
            "tok"), io.pdlab.pd.etcd.MemberIds.memberId(List.of(b), "tok"))).orElseThrow();
  }
}
