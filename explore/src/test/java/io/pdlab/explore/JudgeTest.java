package io.pdlab.explore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pdlab.pd.run.Outcome;
import io.pdlab.pd.run.RunMeasures;
import io.pdlab.scenarios.model.FaultDef;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Which outcomes a schedule's faults explain, and the mechanisms named from a run. */
class JudgeTest {
  private static RunMeasures measures(Outcome o, List<Long> ids, List<String> timeline) {
    return new RunMeasures(o == Outcome.OK ? 1 : -1, 0, 0, ids, List.of(), List.of(), timeline,
        o, List.of());
  }

  private static String judge(Schedule s, Outcome o, List<Long> ids, List<String> timeline) {
    return Judge.judge(s, measures(o, ids, timeline), new Probe(false, null)).mechanism();
  }

  private static Schedule sched(String strategy, FaultDef... faults) {
    return new Schedule(strategy, 3, 1, List.of(faults));
  }

  @Test
  void oneMemberTakenAwayExplainsDegradedButNotStuck() {
    Schedule never = sched("static", new FaultDef.NeverStart(0, null, 1, 0));
    assertNull(judge(never, Outcome.DEGRADED, List.of(7L), List.of("1.0 7 [a b]")));
    assertEquals("joiner added but never joined with 2 voters",
        judge(sched("seed-join", new FaultDef.NeverStart(0, null, 1, 0)), Outcome.STUCK,
            List.of(7L), List.of("1.0 7 [a]", "8.0 7 [4c05caffc6f60048(unstarted) a]")));
    Schedule crash = sched("static", new FaultDef.Crash(5, null, 0, false, OptionalLong.empty(),
        0));
    assertNull(judge(crash, Outcome.DEGRADED, List.of(7L), List.of()));
  }

  @Test
  void aLostQuorumExplainsStuck() {
    Schedule two = sched("static", new FaultDef.NeverStart(0, null, 1, 0),
        new FaultDef.Crash(5, null, 2, true, OptionalLong.of(1), 0));
    assertNull(judge(two, Outcome.STUCK, List.of(7L), List.of()));
    Schedule cut = sched("static", new FaultDef.Partition(5, null, List.of(List.of(0),
        List.of(1), List.of(2)), OptionalLong.empty(), 0));
    assertNull(judge(cut, Outcome.STUCK, List.of(7L), List.of()));
  }

  @Test
  void nothingTakenAwayExplainsNothingButOk() {
    Schedule pause = sched("static", new FaultDef.Pause(5, null, 0, 1_000_000, 0));
    assertNull(judge(pause, Outcome.OK, List.of(7L), List.of()));
    assertEquals("not every member joined, none taken away",
        judge(pause, Outcome.DEGRADED, List.of(7L), List.of("1.0 7 [a b c]")));
    assertEquals("never bootstrapped", judge(pause, Outcome.STUCK, List.of(), List.of()));
  }

  @Test
  void splitBrainAndDataLossAreNeverExplained() {
    Schedule all = sched("static", new FaultDef.Crash(5, null, 0, true, OptionalLong.of(1), 0),
        new FaultDef.Crash(5, null, 1, true, OptionalLong.of(1), 0),
        new FaultDef.Crash(5, null, 2, true, OptionalLong.of(1), 0));
    assertEquals("two bootstrap decisions (etcd cluster IDs)",
        judge(all, Outcome.SPLIT_BRAIN, List.of(7L, 8L), List.of()));
    Probe p = new Probe(false, null);
    p.accept(new io.pdlab.sim.trace.TraceRecord(0, 1, io.pdlab.sim.trace.TraceKind.STATE,
        "basic-0", "disk wiped"));
    p.accept(new io.pdlab.sim.trace.TraceRecord(1, 2, io.pdlab.sim.trace.TraceKind.STATE,
        "basic-0", "etcd: bootstrapped new cluster 53ce5c70c876d70 as member c2862d242c805769 of 3"));
    assertEquals("wiped majority re-bootstrapped: acknowledged writes lost",
        Judge.judge(all, measures(Outcome.DATA_LOSS, List.of(7L), List.of()), p).mechanism());
  }

  /**
   * Joiners kept out for different reasons are different mechanisms: the reason the first
   * member to fail (of those not serving since) last exited with is part of the name, without
   * its URLs and lists; a member that served after its exit does not count.
   */
  @Test
  void aJoinerThatNeverJoinedIsNamedWithWhyItExited() {
    Schedule wpu = sched("static", new FaultDef.NeverStart(0, null, 1, 0));
    List<String> timeline = List.of("1.0 7 [a b 4c05caffc6f60048(unstarted)]");
    Probe p = new Probe(false, null);
    p.accept(state(1, "basic-1", "etcd: exit: --initial-cluster has basic-1=http://basic-1.basic"
        + ".basic.svc:2380 but missing from --initial-advertise-peer-urls=http://basic-1-typo"
        + ".basic.basic.svc:2380"));
    p.accept(state(2, "basic-2", "etcd: exit: error validating peerURLs [2530ffc324e59a56"
        + "[basic-0], 576de8e95d234c73[unstarted]]: member count is unequal"));
    p.accept(state(3, "basic-0", "pd: exit: etcdserver: request timed out (from "
        + "http://basic-pd-1.basic-pd-peer.basic.svc:2379)"));
    p.accept(state(4, "basic-0", "etcd: published basic-0; ready to serve client requests"));
    assertEquals("joiner added but never joined (degraded) (exited: "
        + "--initial-cluster has basic-#=URL but missing from --initial-advertise-peer-urls=URL)",
        Judge.judge(sched("static"), measures(Outcome.DEGRADED, List.of(7L), timeline), p)
            .mechanism());
    assertEquals("error validating peerURLs: PeerURLs: no match found for existing member, last "
        + "resolver error", Probe.shorten(Probe.normalise("error validating peerURLs "
        + "[2530ffc324e59a56[basic-1], 576de8e95d234c73[unstarted]]: PeerURLs: no match found for "
        + "existing member (2530ffc324e59a56, [http://basic-1.basic.basic.svc:2380]), last resolver"
        + " error (resolved urls: \"http://a:1\" != \"http://b:2\")")));
    assertNull(judge(wpu, Outcome.DEGRADED, List.of(7L), timeline));
  }

  private static io.pdlab.sim.trace.TraceRecord state(long at, String node, String detail) {
    return new io.pdlab.sim.trace.TraceRecord(at, at, io.pdlab.sim.trace.TraceKind.STATE, node,
        detail);
  }

  /** The rule read on its own, for an outcome no run showed: the same answers as a run's. */
  @Test
  void anExpectedOutcomeIsExplainedByTheSameRule() {
    Schedule never = sched("seed-join", new FaultDef.NeverStart(0, null, 1, 0));
    assertTrue(Judge.explains(never, Outcome.DEGRADED));
    assertFalse(Judge.explains(never, Outcome.STUCK));
    assertFalse(Judge.explains(never, Outcome.DATA_LOSS));
    Schedule two = sched("static", new FaultDef.NeverStart(0, null, 1, 0),
        new FaultDef.NeverStart(0, null, 2, 0));
    assertTrue(Judge.explains(two, Outcome.STUCK));
    assertTrue(Judge.explains(sched("static"), Outcome.OK));
    assertFalse(Judge.explains(sched("static"), Outcome.DEGRADED));
  }

  @Test
  void membershipLinesAreRead() {
    Judge.Membership m = Judge.Membership.parse(
        "13.000500 53ce5c70c876d70 [basic-0000 db93bee91a187987(unstarted):learner basic-0001]");
    assertEquals(new Judge.Membership(2, 2, 1, 1), m);
    assertEquals("2 voters (0 unstarted), 1 learners", m.shape());
  }
}
