package io.pdlab.pd.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pdlab.pd.etcd.EntryData.ConfChange;
import io.pdlab.pd.etcd.EntryData.ConfType;
import io.pdlab.pd.run.EtcdWorld;
import io.pdlab.sim.Budget;
import io.pdlab.sim.RandomStreams;
import io.pdlab.sim.SimulationException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Raft model's always-on assertions: a state the model must never reach stops the run at
 * once, naming the member, the index and the state. The states are made here by corrupting a
 * member's durable state from outside, since the model itself must never reach them.
 */
class RaftAssertionsTest {
  private static RaftStorage bootstrapped(long memberId) {
    RaftStorage s = new RaftStorage(memberId, 0xc1);
    s.append(new Entry(1, 1, new ConfChange(ConfType.ADD_VOTER, memberId, List.of("http://a:2380"),
        0, 0)));
    s.term = 1;
    s.commit = 1;
    return s;
  }

  @Test
  void aRunStopsWithTheSeedWhenAMembersCommitIndexGoesBack() {
    EtcdWorld w = new EtcdWorld(5, Budget.of(5_000_000, 3_600_000_000L), true);
    w.addStatic(List.of("m0", "m1", "m2"), EtcdTiming.ETCD_DEFAULTS, "tok");
    w.sim().startAll();
    w.runUntilBootstrapped();
    RaftStorage wal = w.sim().disk("m1").get(EtcdMember.WAL_KEY);
    long commit = wal.commit;
    wal.commit = commit - 2; // a model bug that loses the commit index

    SimulationException e = assertThrows(SimulationException.class,
        () -> w.sim().runFor(1_000_000));
    assertInstanceOf(RaftAssertionFailure.class, e.getCause());
    String m = e.getMessage();
    assertTrue(m.contains("seed=5"), m);
    assertTrue(m.contains("raft assertion failed on member " + MemberIds.hex(wal.memberId())
        + ": commit index went back from " + commit + " to " + (commit - 2) + " [FOLLOWER term="),
        m);
    assertTrue(m.contains("last trace records:"), m);
  }

  @Test
  void aCommitIndexBeyondTheLogIsRefusedAtStart() {
    RaftStorage s = bootstrapped(0x2a);
    s.commit = 5; // etcd loadState: "state.commit 5 is out of range [0, 1]"
    RaftAssertionFailure e = assertThrows(RaftAssertionFailure.class,
        () -> new Raft(0x2a, null, new RandomStreams(1).stream("raft"), EtcdTiming.ETCD_DEFAULTS,
            s));
    assertTrue(e.getMessage().startsWith("raft assertion failed on member 2a: commit index 5"
        + " beyond the last index 1 [FOLLOWER term=1"), e.getMessage());
  }

  @Test
  void theLogIsNeverTruncatedBelowItsCommitIndexNorAppendedOutOfOrder() {
    RaftStorage s = bootstrapped(0x2a);
    s.append(new Entry(2, 2, new EntryData.Noop()));
    s.commit = 2;
    RaftAssertionFailure cut = assertThrows(RaftAssertionFailure.class,
        () -> s.truncateAfter(1));
    assertEquals("raft assertion failed on member 2a: truncating the log after 1, below the"
        + " commit index 2 [wal(term=1 vote=0 commit=2 last=2)]", cut.getMessage());
    RaftAssertionFailure gap = assertThrows(RaftAssertionFailure.class,
        () -> s.append(new Entry(2, 4, new EntryData.Noop())));
    assertTrue(gap.getMessage().contains("appending 4@2:noop after 2@2"), gap.getMessage());
    RaftAssertionFailure older = assertThrows(RaftAssertionFailure.class,
        () -> s.append(new Entry(1, 3, new EntryData.Noop())));
    assertTrue(older.getMessage().contains("appending 3@1:noop after 2@2"), older.getMessage());
  }
}
