package io.pdlab.real.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pdlab.pd.etcd.Member;
import io.pdlab.pd.run.ClusterRecorder;
import io.pdlab.pd.run.Outcome;
import io.pdlab.pd.run.RunMeasures;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the outside observer adds to {@link io.pdlab.pd.run.ClusterClassifier} (whose rules are
 * pinned in sim-pd's {@code testdata/classifier}): probe availability by interval, lost writes,
 * the membership timeline and joins, on synthetic status samples (no etcd).
 */
class StatusAggregatorTest {
  private static final long I = 50_000; // interval
  private static final long C1 = 0x1111L;
  private static final long C2 = 0x2222L;

  /** A member; named ones have published (client URLs), unnamed ones have not started. */
  private static Member voter(long id, String name) {
    return new Member(id, name, List.of("http://p" + id + ":2380"), clientUrls(id, name), false);
  }

  private static Member learner(long id, String name) {
    return new Member(id, name, List.of("http://p" + id + ":2380"), clientUrls(id, name), true);
  }

  private static List<String> clientUrls(long id, String name) {
    return name.isEmpty() ? List.of() : List.of("http://p" + id + ":2379");
  }

  /** A member of a static bootstrap that never started: etcd lists its name, no client URLs. */
  private static Member staticUnstarted(long id, String name) {
    return new Member(id, name, List.of("http://p" + id + ":2380"), List.of(), false);
  }

  /** Member {@code id} of {@code cluster}, following {@code leader}, with {@code view}. */
  private static MemberStatus up(String name, long cluster, long id, long leader,
      List<Member> view) {
    return MemberStatus.up(name, 0, cluster, id, leader, 2, 10, view);
  }

  private static final List<Member> THREE = List.of(voter(1, "a"), voter(2, "b"), voter(3, "c"));

  private static Map<String, MemberStatus> healthyThree() {
    Map<String, MemberStatus> m = new LinkedHashMap<>();
    m.put("a", up("a", C1, 1, 1, THREE));
    m.put("b", up("b", C1, 2, 1, THREE));
    m.put("c", up("c", C1, 3, 1, THREE));
    return m;
  }

  private static final List<String> ABC = List.of("a", "b", "c");

  /**
   * Observes {@code latest} and sends a probe write at the start of every interval from
   * {@code fromUs}, acknowledged after 5 ms or failed after 40 ms.
   */
  private static void run(StatusAggregator a, long fromUs, long toUs, List<String> expected,
      Map<String, MemberStatus> latest, boolean acks) {
    for (long t = fromUs; t < toUs; t += I) {
      a.observe(t, expected, latest);
      a.probeSent(t);
      if (acks) {
        a.probeAcked(t, t + 5_000, C1, t, "a");
      } else {
        a.probeFailed(t, t + 40_000);
      }
    }
    a.closeIntervals(toUs);
  }

  @Test
  void oneClusterAllHealthyIsOk() {
    StatusAggregator a = new StatusAggregator(3, false, I);
    a.observe(0, ABC, Map.of()); // nothing answers yet
    run(a, I, 1_000_000, ABC, healthyThree(), true);
    RunMeasures m = a.measures();
    assertEquals(Outcome.OK, m.outcome(), m.describe());
    assertEquals(I, m.bootstrapUs());
    assertEquals(List.of(C1), m.clusterIds());
    assertEquals(0, m.unavailableUs());
    assertEquals(0, m.zeroToleranceUs());
    assertTrue(m.lostWrites().isEmpty());
    assertEquals(List.of("t=0.050000s members=[a,b,c] cluster=1111"), m.timeline());
    assertTrue(m.joins().isEmpty(), "a static bootstrap has no runtime joins");
  }

  @Test
  void twoClusterIdsAreASplitBrain() {
    StatusAggregator a = new StatusAggregator(2, false, I);
    Map<String, MemberStatus> latest = new LinkedHashMap<>();
    latest.put("a", up("a", C1, 1, 1, List.of(voter(1, "a"))));
    latest.put("b", up("b", C2, 2, 2, List.of(voter(2, "b"))));
    run(a, 0, 500_000, List.of("a", "b"), latest, true);
    RunMeasures m = a.measures();
    assertEquals(Outcome.SPLIT_BRAIN, m.outcome(), m.describe());
    assertEquals(List.of(C1, C2), m.clusterIds());
    assertEquals(-1, m.bootstrapUs());
    assertEquals(2, m.timeline().size());
  }

  @Test
  void noLeaderAtTheEndIsStuckAndCountsAsUnavailable() {
    StatusAggregator a = new StatusAggregator(3, false, I);
    run(a, 0, 1_000_000, ABC, healthyThree(), true);
    assertEquals(0, a.measures().unavailableUs());
    // the leader and b die; c is alone and has no leader
    Map<String, MemberStatus> latest = new LinkedHashMap<>();
    latest.put("a", MemberStatus.down("a", 0, "refused"));
    latest.put("b", MemberStatus.down("b", 0, "refused"));
    latest.put("c", up("c", C1, 3, 0, THREE));
    run(a, 1_000_000, 2_000_000, ABC, latest, false);
    RunMeasures m = a.measures();
    assertEquals(Outcome.STUCK, m.outcome(), m.describe());
    assertEquals(1_000_000, m.unavailableUs());
    assertEquals(1_000_000, m.zeroToleranceUs());
    assertEquals(0, m.bootstrapUs(), "bootstrap is remembered");
  }

  @Test
  void fewerStartedThanDesiredIsDegraded() {
    // a static cluster of three of which c never started: its name is empty, it does not answer
    List<Member> view = List.of(voter(1, "a"), voter(2, "b"), voter(3, ""));
    Map<String, MemberStatus> latest = new LinkedHashMap<>();
    latest.put("a", up("a", C1, 1, 1, view));
    latest.put("b", up("b", C1, 2, 1, view));
    latest.put("c", MemberStatus.down("c", 0, "refused"));
    StatusAggregator a = new StatusAggregator(3, false, I);
    run(a, 0, 1_000_000, ABC, latest, true);
    RunMeasures m = a.measures();
    assertEquals(Outcome.DEGRADED, m.outcome(), m.describe());
    assertEquals(-1, m.bootstrapUs());
    assertEquals(0, m.unavailableUs());
    assertEquals(1_000_000, m.zeroToleranceUs(), "2 healthy voters < quorum 2 + 1");
    assertEquals(List.of("t=0.000000s members=[a,b,3(unstarted)] cluster=1111"), m.timeline());
  }

  @Test
  void aStaticMemberThatNeverStartedHasANameButIsNotStarted() {
    List<Member> view = List.of(voter(1, "a"), voter(2, "b"), staticUnstarted(3, "c"));
    Map<String, MemberStatus> latest = new LinkedHashMap<>();
    latest.put("a", up("a", C1, 1, 1, view));
    latest.put("b", up("b", C1, 2, 1, view));
    StatusAggregator a = new StatusAggregator(3, false, I);
    run(a, 0, 200_000, ABC, latest, true);
    assertEquals(Outcome.DEGRADED, a.measures().outcome());
    assertEquals(2, a.health().healthy());
    assertEquals(List.of("t=0.000000s members=[a,b,c(unstarted)] cluster=1111"),
        a.measures().timeline());
  }

  @Test
  void aLearnerMeansNotBootstrapped() {
    List<Member> view = List.of(voter(1, "a"), voter(2, "b"), learner(3, "c"));
    Map<String, MemberStatus> latest = new LinkedHashMap<>();
    latest.put("a", up("a", C1, 1, 1, view));
    latest.put("b", up("b", C1, 2, 1, view));
    latest.put("c", up("c", C1, 3, 1, view));
    StatusAggregator a = new StatusAggregator(3, false, I);
    run(a, 0, 500_000, ABC, latest, true);
    assertFalse(a.bootstrappedNow());
    assertEquals(Outcome.DEGRADED, a.measures().outcome());
    assertEquals(List.of("t=0.000000s members=[a,b,c(learner)] cluster=1111"),
        a.measures().timeline());
    // promoted: now bootstrapped, and the timeline has the change
    run(a, 500_000, 600_000, ABC, healthyThree(), true);
    assertEquals(500_000, a.bootstrappedAtUs());
    assertEquals(Outcome.OK, a.measures().outcome());
    assertEquals(2, a.measures().timeline().size());
  }

  @Test
  void counterRegressionIsDataLoss() {
    StatusAggregator a = new StatusAggregator(3, false, I);
    run(a, 0, 200_000, ABC, healthyThree(), false);
    assertFalse(a.checkProbeValue(C1, -1, 10, "a"), "nothing acknowledged yet: nothing lost");
    a.probeAcked(205_000, 210_000, C1, 10, "a");
    assertFalse(a.checkProbeValue(C1, 10, 220_000, "b"));
    a.probeAcked(225_000, 230_000, C1, 11, "b");
    assertTrue(a.checkProbeValue(C1, 5, 260_000, "c"));
    assertFalse(a.checkProbeValue(C1, 5, 270_000, "c"), "one line per lost acknowledgement");
    RunMeasures m = a.measures();
    assertEquals(Outcome.DATA_LOSS, m.outcome());
    assertEquals(List.of("/pdlab/probe=11 (acked by b at 0.230000s, cluster 1111; found 5 at "
        + "0.260000s via c)"), m.lostWrites());
    // a read of a wiped cluster (key absent) after a later acknowledgement: a second line
    a.probeAcked(295_000, 300_000, C1, 20, "a");
    assertTrue(a.checkValue(a.highestAcks().get(C1), -1, 400_000, "a"));
    assertEquals(2, a.measures().lostWrites().size());
    assertTrue(a.measures().lostWrites().get(1).contains("found no value"));
  }

  @Test
  void slowButSuccessfulWritesKeepTheClusterAvailable() {
    StatusAggregator a = new StatusAggregator(3, false, I);
    a.observe(20_000, ABC, healthyThree()); // formed at 20 ms: intervals start at 50 ms
    a.probeSent(30_000);
    a.probeAcked(30_000, 40_000, C1, 1, "a");
    a.probeSent(50_000); // a write that takes 135 ms
    a.probeAcked(50_000, 185_000, C1, 2, "a");
    a.probeSent(200_000);
    a.probeAcked(200_000, 210_000, C1, 3, "a");
    a.closeIntervals(250_000);
    assertEquals(4, a.intervals());
    assertEquals(0, a.unavailableUs());
    assertEquals(0, a.zeroToleranceUs());
  }

  @Test
  void aFailedWriteMakesItsFlightAndTheGapToTheNextSendUnavailable() {
    StatusAggregator a = new StatusAggregator(3, false, I);
    a.observe(0, ABC, healthyThree());
    a.probeSent(0);
    a.probeAcked(0, 20_000, C1, 1, "a"); // [0, 50) available
    a.probeSent(60_000); // times out at 360 ms
    a.probeFailed(60_000, 360_000);
    a.probeSent(400_000);
    a.probeAcked(400_000, 405_000, C1, 2, "a");
    a.probeSent(450_000);
    a.closeIntervals(1_000_000);
    // [50, 100) is partly covered by the failed write, so [50, 400) is unavailable; the write in
    // flight since 450 ms holds the closing at [400, 450)
    assertEquals(9, a.intervals());
    assertEquals(7 * I, a.unavailableUs());
    assertEquals(7 * I, a.zeroToleranceUs());
    a.probeAcked(450_000, 460_000, C1, 3, "a");
    a.closeIntervals(550_000);
    assertEquals(11, a.intervals());
    assertEquals(7 * I, a.unavailableUs());
  }

  @Test
  void aProbeThatStopsSendingDoesNotKeepTheClusterAvailable() {
    StatusAggregator a = new StatusAggregator(3, false, I);
    a.observe(0, ABC, healthyThree());
    a.probeSent(0);
    a.probeAcked(0, 10_000, C1, 1, "a");
    a.closeIntervals(500_000);
    // covered until 10 ms + two intervals = 110 ms: [0, 100) available, the rest not
    assertEquals(10, a.intervals());
    assertEquals(8 * I, a.unavailableUs());
  }

  @Test
  void abandonedWritesCountAsFailed() {
    StatusAggregator a = new StatusAggregator(3, false, I);
    a.observe(0, ABC, healthyThree());
    a.probeSent(0);
    a.closeIntervals(200_000);
    assertEquals(0, a.intervals(), "held by the write in flight");
    a.abandonInFlight(200_000);
    a.closeIntervals(200_000);
    assertEquals(4, a.intervals());
    assertEquals(4 * I, a.unavailableUs());
  }

  @Test
  void zeroToleranceUsesTheHealthAtTheIntervalsEnd() {
    StatusAggregator a = new StatusAggregator(3, false, I);
    a.observe(0, ABC, healthyThree());
    Map<String, MemberStatus> twoUp = new LinkedHashMap<>(healthyThree());
    twoUp.put("c", MemberStatus.down("c", 0, "refused"));
    a.observe(60_000, ABC, twoUp); // c down from 60 ms: serving, but no failure tolerated
    a.observe(160_000, ABC, healthyThree()); // back at 160 ms
    for (long t = 0; t < 300_000; t += I) {
      a.probeSent(t);
      a.probeAcked(t, t + 1, C1, t + 1, "a");
    }
    a.closeIntervals(300_000);
    assertEquals(0, a.unavailableUs());
    assertEquals(2 * I, a.zeroToleranceUs(), "[50,100) and [100,150) ended with c down");
  }

  @Test
  void aSingleMemberHasNoFaultTolerance() {
    StatusAggregator a = new StatusAggregator(1, false, I);
    Map<String, MemberStatus> one = Map.of("a", up("a", C1, 1, 1, List.of(voter(1, "a"))));
    run(a, 0, 500_000, List.of("a"), one, true);
    assertEquals(Outcome.OK, a.measures().outcome());
    assertEquals(0, a.measures().unavailableUs());
    assertEquals(500_000, a.measures().zeroToleranceUs());
  }

  @Test
  void joinsAreMembersAddedAfterFormation() {
    StatusAggregator a = new StatusAggregator(2, false, I);
    List<Member> one = List.of(voter(1, "a"));
    a.observe(0, List.of("a"), Map.of("a", up("a", C1, 1, 1, one)));
    List<Member> added = List.of(voter(1, "a"), voter(2, ""));
    a.observe(1_000_000, List.of("a", "b"), Map.of("a", up("a", C1, 1, 1, added)));
    List<Member> started = List.of(voter(1, "a"), voter(2, "b"));
    Map<String, MemberStatus> both = Map.of("a", up("a", C1, 1, 1, started),
        "b", up("b", C1, 2, 1, started));
    a.observe(3_000_000, List.of("a", "b"), both);
    List<ClusterRecorder.Join> joins = a.joins();
    assertEquals(1, joins.size(), joins.toString());
    ClusterRecorder.Join j = joins.get(0);
    assertEquals("b", j.member());
    assertEquals(1_000_000, j.addedUs());
    assertEquals(3_000_000, j.startedUs());
    assertEquals(1_000_000, j.waitUs());
    assertEquals(2_000_000, j.joinUs());
    assertEquals(3_000_000, a.bootstrappedAtUs());
    assertEquals(3, a.timeline().size(), a.timeline().toString());
  }

  @Test
  void nothingObservedIsStuck() {
    StatusAggregator a = new StatusAggregator(3, false, I);
    a.observe(0, ABC, Map.of());
    a.closeIntervals(1_000_000);
    RunMeasures m = a.measures();
    assertEquals(Outcome.STUCK, m.outcome());
    assertEquals(0, m.unavailableUs(), "nothing counts before a cluster forms");
    assertTrue(m.clusterIds().isEmpty());
  }

  @Test
  void summaryListsStartedByNameThenUnstartedById() {
    assertEquals("[a,b(learner),c,ff(unstarted),100(unstarted,learner),z(unstarted)]",
        StatusAggregator.summarize(List.of(learner(0x100, ""), voter(3, "c"),
            learner(2, "b"), voter(0xff, ""), voter(1, "a"), staticUnstarted(4, "z"))));
  }
}
