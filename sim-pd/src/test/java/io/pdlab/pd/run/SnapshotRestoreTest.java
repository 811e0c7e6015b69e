package io.pdlab.pd.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pdlab.pd.etcd.EtcdMember;
import io.pdlab.pd.etcd.EtcdMessages.ClientOp;
import io.pdlab.pd.etcd.EtcdTiming;
import io.pdlab.pd.etcd.MemberIds;
import io.pdlab.pd.etcd.RaftStorage;
import io.pdlab.pd.etcd.StoreSnapshot;
import io.pdlab.sim.Budget;
import io.pdlab.sim.RunResult;
import io.pdlab.sim.process.ProcessState;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code etcdctl snapshot restore} of one member of a running static cluster into its wiped
 * data dir (a backup sidecar's recovery; etcd v3.4.23 clientv3/snapshot/v3_snapshot.go
 * Restore), with the cluster's own list and token: the member comes back with its own member and
 * cluster IDs and a log of the N bootstrap entries. What happens then depends on the leader's
 * memory of it (raft.go sendHeartbeat sends commit = min(Match, committed)), and the checkers
 * treat the restore as the wipe it is.
 */
class SnapshotRestoreTest {
  private static final List<String> MEMBERS = List.of("m0", "m1", "m2");

  private static EtcdWorld cluster(long seed) {
    EtcdWorld w = new EtcdWorld(seed, Budget.of(5_000_000, 3_600_000_000L), true);
    w.addStatic(MEMBERS, EtcdTiming.ETCD_DEFAULTS, "tok");
    w.sim().startAll();
    w.runUntilBootstrapped();
    return w;
  }

  private static void restore(EtcdWorld w, String name, StoreSnapshot snap,
      Map<String, String> list) {
    w.sim().wipe(name);
    EtcdMember.restore(w.sim().disk(name), snap, name, list, "tok");
    w.sim().start(name);
  }

  /**
   * The leader is restored: the others elect a new leader, whose progress for it starts over, so
   * it is probed from the new leader's log, matches at the N bootstrap entries (same IDs, term 1)
   * and is sent everything after them. Its consistent index is N, so it applies again on top of
   * the snapshot's store the writes the snapshot already held: the keys converge, its revision
   * runs ahead of the others' by exactly the snapshot's writes (restored revisions differ from
   * the cluster's: etcd's recovery guide, "Revision Difference", etcd-io/website #818). No
   * checker raises an alarm: a restore is a wipe, then a new life of the member's Raft state.
   */
  @Test
  void aRestoredLeaderRejoinsWithItsRevisionAheadOfTheOthers() {
    EtcdWorld w = cluster(3);
    String leader = leader(w);
    for (int i = 0; i < 5; i++) {
      put(w, "k" + i, "v" + i);
    }
    w.sim().runFor(1_000_000);
    StoreSnapshot snap = w.etcd(leader).snapshot();
    assertEquals(6, snap.revision(), "5 writes on an empty store");
    for (int i = 5; i < 8; i++) {
      put(w, "k" + i, "v" + i);
    }
    long memberId = w.etcd(leader).memberId();
    long clusterId = w.etcd(leader).clusterId();

    restore(w, leader, snap, EtcdWorld.initialCluster(MEMBERS));
    RaftStorage wal = w.sim().disk(leader).get(EtcdMember.WAL_KEY);
    assertEquals(3, wal.lastIndex(), "one conf change per member");
    assertEquals(3, wal.commit());
    assertEquals(1, wal.term());
    RunResult r = w.sim().runFor(10_000_000);

    EtcdMember back = w.etcd(leader);
    assertEquals(memberId, back.memberId(), "the same member ID from the same URL and token");
    assertEquals(clusterId, back.clusterId(), "and the same cluster ID");
    assertTrue(back.ready(), "it rejoined and published:\n" + w.status());
    String other = leader.equals("m0") ? "m1" : "m0";
    assertEquals(w.etcd(other).kv(), back.kv(), "the keys converge");
    assertEquals(9, w.etcd(other).revision(), "8 writes");
    assertEquals(w.etcd(other).revision() + snap.revision() - 1, back.revision(),
        "the writes the snapshot held are applied again on top of it");
    assertEquals(List.of(), r.violations(), "a restore is a wipe: no false alarm");
  }

  /**
   * A follower is restored while the leader stays: the leader still has the follower's match
   * index from before, and its heartbeat carries min(match, commit), beyond the restored log's N
   * entries. etcd 3.4 raft/log.go commitTo panics "tocommit(%d) is out of range [lastIndex(%d)].
   * Was the raft log corrupted, truncated, or lost?", at every restart: a crash loop, as in
   * etcd-io/etcd #15699 and #20269; the maintainers' answer is to restore every member from the
   * same snapshot, or remove and re-add the member (#15793).
   */
  @Test
  void aRestoredFollowerPanicsAtTheLeadersCommitIndex() {
    EtcdWorld w = cluster(3);
    String leader = leader(w);
    String follower = leader.equals("m2") ? "m1" : "m2";
    for (int i = 0; i < 5; i++) {
      put(w, "k" + i, "v" + i);
    }
    w.sim().runFor(1_000_000);
    StoreSnapshot snap = w.etcd(follower).snapshot();
    restore(w, follower, snap, EtcdWorld.initialCluster(MEMBERS));
    RunResult r = w.sim().runFor(5_000_000);
    String exit = w.recorder().exits().get(follower);
    assertTrue(exit != null && exit.startsWith("panic: tocommit(") && exit.endsWith(
        "is out of range [lastIndex(3)]. Was the raft log corrupted, truncated, or lost?"),
        String.valueOf(exit));
    assertEquals(ProcessState.DOWN, w.sim().state(follower));
    assertTrue(w.health().serving(), "the two others keep a quorum");
    assertEquals(List.of(), r.violations(), "no false alarm");
  }

  /**
   * Restored with a list of the member alone, it has another cluster ID (the ID of its one member
   * ID), elects itself at once and serves the snapshot's data as a second cluster; the others
   * refuse its streams (another cluster ID) and go on without it.
   */
  @Test
  void restoredWithItselfAloneItFormsASecondCluster() {
    EtcdWorld w = cluster(3);
    String leader = leader(w);
    String follower = leader.equals("m2") ? "m1" : "m2";
    put(w, "k0", "v0");
    w.sim().runFor(1_000_000);
    StoreSnapshot snap = w.etcd(follower).snapshot();
    put(w, "k1", "v1");
    long clusterId = w.etcd(leader).clusterId();
    restore(w, follower, snap, java.util.Collections.singletonMap(follower,
        EtcdWorld.peerUrl(follower)));
    RunResult r = w.sim().runFor(5_000_000);
    EtcdMember alone = w.etcd(follower);
    assertNotEquals(clusterId, alone.clusterId());
    assertEquals(MemberIds.clusterId(List.of(alone.memberId())), alone.clusterId());
    assertTrue(alone.isLeader() && alone.ready(), w.status());
    assertEquals(snap.kv(), alone.kv(), "it serves the snapshot's keys: k1 is not there");
    assertNull(alone.kv().get("k1"));
    assertEquals(2, w.recorder().formedAtUs().size(), "two clusters had a leader");
    assertTrue(w.etcd(leader).isLeader() || w.etcd(leader).raft().lead() != 0);
    assertEquals(List.of(), r.violations());
  }

  /** etcdctl refuses a name missing from the list, and a data dir that exists. */
  @Test
  void theRestoreRefusesWhatEtcdctlRefuses() {
    EtcdWorld w = cluster(1);
    StoreSnapshot snap = w.etcd("m0").snapshot();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> EtcdMember.restore(w.sim().disk("m0"), snap, "mx",
            EtcdWorld.initialCluster(MEMBERS), "tok"));
    assertEquals("couldn't find local name \"mx\" in the initial cluster configuration",
        e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> EtcdMember.restore(w.sim().disk("m0"),
        snap, "m0", EtcdWorld.initialCluster(MEMBERS), "tok"));
  }

  private static String leader(EtcdWorld w) {
    for (String n : MEMBERS) {
      EtcdMember e = w.etcd(n);
      if (e != null && e.isLeader()) {
        return n;
      }
    }
    throw new AssertionError("no leader:\n" + w.status());
  }

  private static void put(EtcdWorld w, String key, String value) {
    EtcdClient.Call c = w.client().send(leader(w), new ClientOp.Put(key, value));
    w.sim().run(c::answered);
    assertNull(c.response.error(), "put " + key);
  }
}
