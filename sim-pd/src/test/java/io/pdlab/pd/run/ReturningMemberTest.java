package io.pdlab.pd.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pdlab.pd.etcd.EtcdMember;
import io.pdlab.pd.etcd.EtcdMessages.ClientOp;
import io.pdlab.pd.etcd.EtcdTiming;
import io.pdlab.pd.etcd.RaftStorage;
import io.pdlab.sim.Budget;
import io.pdlab.sim.RunResult;
import io.pdlab.sim.check.Violation;
import io.pdlab.sim.process.ProcessState;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Members that come back to a cluster whose logs no longer hold what they had (issue 16): the
 * cases in which Raft's own assumptions are broken by lost disks, and what etcd 3.4 and the
 * checkers make of them.
 */
class ReturningMemberTest {
  private static final List<String> MEMBERS = List.of("m0", "m1", "m2");

  /**
   * The run of issue 16: m2 committed entries and stopped; m0 and m1 lost their disks and
   * bootstrapped the same cluster ID again (same peer URLs and token) with a shorter log; m2 came
   * back. Its log and the new leader's share the terms at the same indexes but not the entries.
   * The leader probes m2 below m2's commit index, so m2 answers with its commit index (etcd 3.4
   * raft.go handleAppendEntries: {@code m.Index < committed} answers {@code committed} without
   * looking at the entries), and the leader records that as m2's match, beyond its own last index
   * (tracker/progress.go MaybeUpdate). Raft cannot tell from inside; the checkers must.
   */
  @Test
  void aMatchIndexBeyondTheLeadersLogIsReported() {
    EtcdWorld w = new EtcdWorld(32, Budget.of(5_000_000, 3_600_000_000L), true);
    w.addStatic(MEMBERS, EtcdTiming.ETCD_DEFAULTS, "tok");
    w.sim().startAll();
    w.runUntilBootstrapped();
    for (int i = 0; i < 5; i++) {
      put(w, "k" + i, "v" + i);
    }
    w.sim().runFor(1_000_000);
    long returningCommit = w.etcd("m2").raft().commit();

    w.sim().crash("m2");
    w.sim().wipe("m0");
    w.sim().wipe("m1");
    w.sim().restart("m0");
    w.sim().restart("m1");
    w.sim().runFor(5_000_000);
    put(w, "n0", "w0");
    String leader = leader(w);
    long leaderLast = w.etcd(leader).raft().lastIndex();
    assertTrue(returningCommit > leaderLast, "scenario: m2 committed " + returningCommit
        + " entries, more than the new leader's " + leaderLast);
    RaftStorage old = w.sim().disk("m2").get(EtcdMember.WAL_KEY);
    RaftStorage fresh = w.sim().disk(leader).get(EtcdMember.WAL_KEY);
    assertEquals(old.termAt(leaderLast), fresh.termAt(leaderLast),
        "scenario: the two logs have the same term at the leader's last index");
    assertNotEquals(old.entry(leaderLast), fresh.entry(leaderLast),
        "scenario: but not the same entry");

    w.sim().start("m2");
    RunResult r = w.sim().runFor(5_000_000);

    List<String> found = new ArrayList<>();
    for (Violation v : r.violations()) {
      if (v.message().contains("beyond its last index")) {
        found.add(v.message());
      }
    }
    assertEquals(1, found.size(), "one report of the leader's match beyond its log, in:\n"
        + r.describe());
    assertTrue(found.get(0).contains("match index " + returningCommit + " for m2"), found.get(0));
    // etcd 3.4 does not panic here: the probe below m2's commit index is answered before any
    // entry is compared, and later appends match m2's log by term. m2 keeps running.
    assertEquals(ProcessState.RUNNING, w.sim().state("m2"));
    assertNull(w.recorder().exits().get("m2"));
  }

  /**
   * A member that lost its log comes back under the same member ID to a leader that still has its
   * progress: the leader's heartbeat carries a commit index beyond the member's last index, and
   * etcd 3.4 panics (raft/log.go commitTo: "tocommit(%d) is out of range [lastIndex(%d)]. Was the
   * raft log corrupted, truncated, or lost?"). Restarted from the log it has, it panics again at
   * the next heartbeat: a crash loop, until the member is removed and added again.
   */
  @Test
  void aMemberThatLostItsLogPanicsAtTheLeadersCommitIndex() {
    EtcdWorld w = new EtcdWorld(7, Budget.of(5_000_000, 3_600_000_000L), true);
    List<String> exits = new ArrayList<>();
    w.sim().addTraceSink(rec -> {
      if (rec.detail().startsWith("exited: ")) {
        exits.add(rec.node() + " " + rec.detail());
      }
    });
    // PD's profile: with pre-vote the isolated member does not raise its term, so the leader
    // that remembers its progress stays leader when it is back.
    w.addStatic(MEMBERS, EtcdTiming.PD_PROFILE, "tok");
    w.sim().startAll();
    w.runUntilBootstrapped();
    for (int i = 0; i < 5; i++) {
      put(w, "k" + i, "v" + i);
    }
    w.sim().runFor(2_000_000);
    String leader = leader(w);
    String lost = leader.equals("m2") ? "m1" : "m2";
    long leaderCommit = w.etcd(leader).raft().commit();
    assertEquals(leaderCommit, w.etcd(lost).raft().commit(), "scenario: " + lost + " caught up");

    // Its disk is lost; it restarts cut off from the others, so etcd's isMemberBootstrapped gets
    // no answer and it bootstraps the same member and cluster IDs with a fresh log.
    w.sim().network().isolate(lost);
    w.sim().wipe(lost);
    w.sim().start(lost);
    w.sim().runFor(5_000_000);
    long freshLast = w.etcd(lost).raft().lastIndex();
    assertTrue(freshLast < leaderCommit, "scenario: " + lost + " bootstrapped a log of "
        + freshLast + " entries");

    w.sim().network().healAll();
    w.sim().runFor(5_000_000);
    String expected = "panic: tocommit(" + leaderCommit + ") is out of range [lastIndex("
        + freshLast + ")]. Was the raft log corrupted, truncated, or lost?";
    assertEquals(expected, w.recorder().exits().get(lost));
    assertEquals(ProcessState.DOWN, w.sim().state(lost));

    // Restarted from its WAL, it panics again: the crash loop of real etcd.
    w.sim().start(lost);
    w.sim().runFor(5_000_000);
    assertEquals(ProcessState.DOWN, w.sim().state(lost));
    assertEquals(List.of(lost + " exited: " + expected, lost + " exited: " + expected), exits,
        "one panic per start since the disk was lost");
    // The two others keep a serving quorum.
    assertTrue(w.health().serving());
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
