package io.pdlab.pd.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pdlab.pd.etcd.EtcdConstants;
import io.pdlab.pd.etcd.EtcdTiming;
import io.pdlab.pd.etcd.MemberIds;
import io.pdlab.pd.etcd.StoreSnapshot;
import io.pdlab.sim.Budget;
import io.pdlab.sim.trace.TraceKind;
import io.pdlab.sim.trace.TraceRecord;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * rafthttp's stream readers redial a missing peer every 100 ms ({@code stream.go}
 * streamReader.run). The model sends no dial whose answer is known (nothing runs there; an
 * incarnation that refused this cluster ID), and its loop sleeps while every missing peer is such
 * a one, until a process starts there: then it dials at its next 100 ms, as polling would have.
 */
class DialLoopTest {
  private static final long S = 1_000_000;
  private static final long RETRY_US = EtcdConstants.STREAM_DIAL_RETRY_MS * 1_000;

  private static EtcdWorld cluster(long seed, List<TraceRecord> records) {
    EtcdWorld w = new EtcdWorld(seed, Budget.of(5_000_000, 3_600 * S), true);
    w.sim().addTraceSink(records::add);
    w.addStatic(List.of("m0", "m1", "m2"), EtcdTiming.ETCD_DEFAULTS, "tok");
    w.sim().startAll();
    w.runUntilBootstrapped();
    return w;
  }

  /** Dials from {@code from} to {@code to} that travelled (delivered or dropped on arrival). */
  private static List<Long> dials(List<TraceRecord> records, String from, String to, long sinceUs,
      long untilUs) {
    List<Long> at = new ArrayList<>();
    for (TraceRecord r : records) {
      if ((r.kind() == TraceKind.DELIVER || r.kind() == TraceKind.DROP)
          && r.detail().startsWith(from + "->" + to + " Dial(") && r.timeUs() >= sinceUs
          && r.timeUs() < untilUs) {
        at.add(r.timeUs());
      }
    }
    return at;
  }

  private static List<Long> retries(List<TraceRecord> records, String member, long sinceUs,
      long untilUs) {
    List<Long> at = new ArrayList<>();
    for (TraceRecord r : records) {
      if (r.kind() == TraceKind.TIMER && r.node().equals(member)
          && r.detail().equals("dial-retry") && r.timeUs() >= sinceUs && r.timeUs() < untilUs) {
        at.add(r.timeUs());
      }
    }
    return at;
  }

  @Test
  void aPeerThatIsDownIsNotDialedUntilItStartsAndThenAtTheLoopsNext100Ms() {
    List<TraceRecord> records = new ArrayList<>();
    EtcdWorld w = cluster(3, records);
    w.sim().runUntil(5 * S);
    w.sim().crash("m2");
    long restartAt = 35 * S + 37_000; // off the 100 ms grid
    w.sim().runUntil(restartAt);
    // After the read timeout both notice it; nothing is dialed to it, no retry timer runs.
    long noticed = 5 * S + EtcdConstants.CONN_READ_TIMEOUT_MS * 1_000
        + EtcdConstants.LINK_HEARTBEAT_MS * 1_000;
    for (String m : List.of("m0", "m1")) {
      assertEquals(List.of(), dials(records, m, "m2", 5 * S, restartAt), m);
      assertEquals(List.of(), retries(records, m, noticed, restartAt), m);
    }
    List<Long> before = retries(records, "m0", 0, restartAt);
    assertFalse(before.isEmpty(), "m0 dialed its peers at its start");

    w.sim().restart("m2");
    w.sim().runUntil(restartAt + 10 * S);
    // m0's loop wakes at its own 100 ms phase, within 100 ms of the start (here m2's own dial
    // reaches m0 first; the next test has peers that only the others dial).
    long woke = retries(records, "m0", restartAt, restartAt + 10 * S).get(0);
    assertTrue(woke >= restartAt && woke < restartAt + RETRY_US, woke + " after " + restartAt);
    assertEquals(0, (woke - before.get(before.size() - 1)) % RETRY_US,
        "the loop keeps its phase: " + woke + " and " + before.get(before.size() - 1));
    String m2 = MemberIds.hex(w.etcd("m2").memberId());
    assertTrue(records.stream().anyMatch(r -> r.node().equals("m0") && r.timeUs() > restartAt
        && r.detail().equals("etcd: peer " + m2 + " became active")), "m0 connected to m2");
    assertEquals(List.of(), retries(records, "m0", woke + RETRY_US, restartAt + 10 * S),
        "nothing is missing: the loop stops");
    assertTrue(w.etcd("m2").ready(), w.status());
  }

  @Test
  void anIncarnationThatRefusedTheClusterIdIsNotDialedAgainButItsNextIs() {
    List<TraceRecord> records = new ArrayList<>();
    EtcdWorld w = cluster(3, records);
    StoreSnapshot snap = w.etcd("m2").snapshot();
    w.sim().wipe("m2");
    io.pdlab.pd.etcd.EtcdMember.restore(w.sim().disk("m2"), snap, "m2",
        Collections.singletonMap("m2", EtcdWorld.peerUrl("m2")), "tok");
    w.sim().start("m2"); // a cluster of its own: m0 and m1 are refused for their cluster ID
    long restoredAt = w.sim().nowUs();
    w.sim().runFor(30 * S);
    long restartAt = w.sim().nowUs();
    for (String m : List.of("m0", "m1")) {
      List<Long> refused = dials(records, m, "m2", restoredAt, restartAt);
      // 300 polls in 30 s; the first answered dial settles it (those before m2 served are lost)
      assertTrue(!refused.isEmpty() && refused.size() <= 10, m + " dialed m2 at " + refused);
      long logged = records.stream().filter(r -> r.node().equals(m)
          && r.detail().endsWith("refused: cluster ID mismatch")).count();
      assertEquals(1, logged, m + " logs the refusal once");
    }
    w.sim().restart("m2"); // another incarnation: it must be asked again
    w.sim().runFor(5 * S);
    for (String m : List.of("m0", "m1")) {
      List<Long> again = dials(records, m, "m2", restartAt, w.sim().nowUs());
      assertTrue(!again.isEmpty() && again.size() <= 10, m + " dialed m2 at " + again);
    }
  }
}
