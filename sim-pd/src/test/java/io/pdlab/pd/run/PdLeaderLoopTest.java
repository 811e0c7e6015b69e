package io.pdlab.pd.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pdlab.pd.etcd.EtcdConfig;
import io.pdlab.pd.etcd.EtcdEngine;
import io.pdlab.pd.etcd.EtcdHolder;
import io.pdlab.pd.etcd.EtcdMember;
import io.pdlab.pd.etcd.EtcdObserver;
import io.pdlab.pd.etcd.EtcdTiming;
import io.pdlab.pd.pod.PdPod;
import io.pdlab.pd.server.PdConstants;
import io.pdlab.sim.Budget;
import io.pdlab.sim.process.ProcessContext;
import io.pdlab.sim.trace.TraceKind;
import io.pdlab.sim.trace.TraceRecord;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * PD's leader loop polls its etcd every {@link PdConstants#LEADER_LOOP_MS} (tikv/pd v7.1
 * {@code server.go} leaderLoop). In the model a tick that would find nothing to do is not run:
 * the loop sleeps while its simulated etcd cannot change, and wakes at its own phase once one of
 * the pod's events gives it work (here: its etcd member became leader).
 */
class PdLeaderLoopTest {
  private static final long S = 1_000_000;
  private static final long TICK_US = PdConstants.LEADER_LOOP_MS * 1_000;

  private static PdPod pod(EtcdWorld w, String name) {
    return (PdPod) w.sim().instance(name);
  }

  private static List<TraceRecord> between(List<TraceRecord> records, long fromUs, long untilUs,
      TraceKind kind, String detailPrefix) {
    List<TraceRecord> out = new ArrayList<>();
    for (TraceRecord r : records) {
      if (r.kind() == kind && r.detail().startsWith(detailPrefix) && r.timeUs() >= fromUs
          && r.timeUs() < untilUs) {
        out.add(r);
      }
    }
    return out;
  }

  /** Three PD pods of tidb-operator v1 with discovery, bootstrapped, their trace in records. */
  private static EtcdWorld bootstrapped(List<TraceRecord> records) {
    PdWorld pd = new PdWorld(3, Budget.of(20_000_000, 3_600 * S), true, "ns", "basic",
        EtcdTiming.PD_PROFILE);
    EtcdWorld w = pd.world();
    w.sim().addTraceSink(records::add);
    pd.createPdPods(3);
    w.sim().start(pd.discoveryName());
    for (String n : w.expected()) {
      w.sim().start(n);
    }
    w.runUntilBootstrapped();
    return w;
  }

  /**
   * A PD pod listens at etcd's peer port only once pd-server starts its etcd (before, its start
   * script waits for discovery): no member dials it before.
   */
  @Test
  void noEtcdMemberDialsAPdPodBeforeItsPdServerStartsEtcd() {
    List<TraceRecord> records = new ArrayList<>();
    EtcdWorld w = bootstrapped(records);
    for (String n : w.expected()) {
      long etcdAt = between(records, 0, w.sim().nowUs(), TraceKind.STATE, "pd: start etcd")
          .stream().filter(r -> r.node().equals(n)).findFirst().orElseThrow().timeUs();
      List<TraceRecord> early = between(records, 0, etcdAt, TraceKind.DELIVER, "").stream()
          .filter(r -> r.node().equals(n) && r.detail().contains(" Dial(")).toList();
      assertEquals(List.of(), early, n + " started etcd at " + etcdAt);
    }
  }

  @Test
  void anIdleLeaderLoopRunsNoTicksAndANewEtcdLeaderBecomesPdLeaderAtItsNextTick() {
    List<TraceRecord> records = new ArrayList<>();
    EtcdWorld w = bootstrapped(records);
    w.sim().runFor(5 * S); // the followers read the leader key
    String leader = w.expected().stream().filter(n -> pod(w, n).isPdLeader()).findFirst()
        .orElseThrow();
    for (String n : w.expected()) {
      assertTrue(pod(w, n).isPdLeader() || leader.equals(pod(w, n).knownLeader()),
          n + " knows the PD leader " + leader);
    }

    // Settled: a loop that polled would tick 3 x 150 times in 30 s; none has anything to do.
    long from = w.sim().nowUs();
    w.sim().runFor(30 * S);
    List<TraceRecord> idle = between(records, from, w.sim().nowUs(), TraceKind.TIMER,
        "LeaderLoop");
    assertEquals(0, idle.size(), "no leader-loop tick while every loop is idle; the first: "
        + idle.subList(0, Math.min(3, idle.size())));

    // The PD leader's pod crashes: another etcd member is elected, and its PD campaigns at its
    // loop's next tick, within one period of the election.
    long crashedAt = w.sim().nowUs();
    w.sim().crash(leader);
    w.sim().runFor(20 * S);
    String next = w.expected().stream().filter(n -> !n.equals(leader) && pod(w, n).isPdLeader())
        .findFirst().orElseThrow(() -> new AssertionError("no new PD leader: " + w.status()));
    assertNotEquals(leader, next);
    long elected = between(records, crashedAt, w.sim().nowUs(), TraceKind.STATE, "etcd: LEADER")
        .stream().filter(r -> r.node().equals(next)).findFirst().orElseThrow().timeUs();
    List<TraceRecord> ticks = between(records, elected, w.sim().nowUs(), TraceKind.TIMER,
        "LeaderLoop").stream().filter(r -> r.node().equals(next)).toList();
    assertTrue(!ticks.isEmpty() && ticks.get(0).timeUs() <= elected + TICK_US,
        "the new leader's loop ticks within " + TICK_US + " us of its election at " + elected
            + ": " + ticks);
    long campaigned = between(records, elected, w.sim().nowUs(), TraceKind.STATE,
        "pd: became PD leader").stream().filter(r -> r.node().equals(next)).findFirst()
        .orElseThrow().timeUs();
    assertTrue(campaigned - elected < TICK_US + S, "PD leader " + (campaigned - elected)
        + " us after the etcd election");
    // Its ticks stay on the loop's phase, which started with pd-server's etcd.
    long lastBefore = between(records, 0, crashedAt, TraceKind.TIMER, "LeaderLoop").stream()
        .filter(r -> r.node().equals(next)).reduce((a, b) -> b).orElseThrow().timeUs();
    assertEquals(0, (ticks.get(0).timeUs() - lastBefore) % TICK_US,
        "the loop keeps its phase: " + ticks.get(0).timeUs() + " and " + lastBefore);
  }

  /** The simulated member, told to its pod as an etcd that changes on its own: the loop polls. */
  private record Polled(EtcdMember member) implements EtcdEngine, EtcdHolder {
    Polled(EtcdConfig cfg, EtcdObserver observer) {
      this(new EtcdMember(cfg, observer));
    }

    @Override
    public void onStart(ProcessContext ctx) {
      member.onStart(ctx);
    }

    @Override
    public void onMessage(ProcessContext ctx, String from, Object message) {
      member.onMessage(ctx, from, message);
    }

    @Override
    public void onTimer(ProcessContext ctx, Object tag) {
      member.onTimer(ctx, tag);
    }

    @Override
    public boolean exited() {
      return member.exited();
    }

    @Override
    public boolean ready() {
      return member.ready();
    }

    @Override
    public boolean isLeader() {
      return member.isLeader();
    }

    @Override
    public long clusterId() {
      return member.clusterId();
    }

    @Override
    public EtcdMember etcd() {
      return member;
    }
  }

  /**
   * Three discovery PD pods through an isolated PD leader, a follower's pause, a crash of the PD
   * leader and a pause of the next one longer than an election, with the
   * loop polling every tick or sleeping while idle: the trace (leader-loop ticks left out), so
   * what each pod did and when, with the same random draws.
   */
  private static List<String> faultedRun(long seed, boolean polling) {
    PdWorld pd = new PdWorld(seed, Budget.of(50_000_000, 3_600 * S), true, "ns", "basic",
        EtcdTiming.PD_PROFILE);
    EtcdWorld w = pd.world();
    List<String> out = new ArrayList<>();
    w.sim().addTraceSink(r -> {
      if (!(r.kind() == TraceKind.TIMER && r.detail().startsWith("LeaderLoop"))) {
        out.add(r.timeUs() + " " + r.kind() + " " + r.node() + " " + r.detail());
      }
    });
    for (int i = 0; i < 3; i++) {
      String name = pd.podName(i);
      w.addProcess(name, x -> new PdPod(name, "ns", "basic", EtcdTiming.PD_PROFILE, pd,
          w.recorder(), null, polling ? Polled::new : EtcdEngine.Factory.SIMULATED));
    }
    pd.setReplicas(3);
    w.sim().start(pd.discoveryName());
    for (String n : w.expected()) {
      w.sim().start(n);
    }
    w.runUntilBootstrapped();
    w.sim().runFor(5 * S);
    String first = w.expected().stream().filter(n -> pod(w, n).isPdLeader()).findFirst()
        .orElseThrow();
    // The PD leader cut off: it loses leadership and reads the leader key through its etcd,
    // which has no leader now; each read times out (set in a tick: due on a tick time).
    w.sim().network().isolate(first);
    w.sim().runFor(31 * S + 123_457);
    w.sim().network().healAll();
    w.sim().runFor(10 * S);
    String leader = w.expected().stream().filter(n -> pod(w, n).isPdLeader()).findFirst()
        .orElseThrow(() -> new AssertionError("no PD leader: " + w.status()));
    List<String> followers = w.expected().stream().filter(n -> !n.equals(leader)).toList();
    // A follower paused across several ticks, then the PD leader crashes.
    w.sim().runFor(1_234_567);
    w.sim().pause(followers.get(1));
    w.sim().runFor(2 * S + 345_679);
    w.sim().resume(followers.get(1));
    w.sim().runFor(3 * S);
    w.sim().crash(leader);
    w.sim().runFor(30 * S);
    w.sim().restart(leader);
    w.sim().runFor(30 * S);
    // The PD leader paused for longer than an election: the events held meanwhile (the new
    // leader's messages) make it step down at the resume, after the tick the pause held.
    String last = w.expected().stream().filter(n -> pod(w, n).isPdLeader()).findFirst()
        .orElseThrow(() -> new AssertionError("no PD leader: " + w.status()));
    w.sim().pause(last);
    w.sim().runFor(8 * S + 77_777);
    w.sim().resume(last);
    w.sim().runFor(30 * S);
    return out;
  }

  /**
   * The sleeping loop does what the polling one does, at the same times: work that appears on a
   * tick time (a request's timeout) is taken then, and a pause holds the tick the polling loop
   * would have pending, so that the held events before it and after it see what they would.
   */
  @Test
  void aSleepingLoopActsAsAPollingOneThroughAPartitionAPauseAndACrash() {
    for (long seed : new long[] {1, 2, 3}) {
      List<String> polled = faultedRun(seed, true);
      List<String> slept = faultedRun(seed, false);
      int i = 0;
      while (i < Math.min(polled.size(), slept.size()) && polled.get(i).equals(slept.get(i))) {
        i++;
      }
      assertEquals(polled.size(), i, "seed " + seed + ": the runs part at record " + i
          + ":\n polling: " + polled.subList(i, Math.min(i + 5, polled.size()))
          + "\n sleeping: " + slept.subList(i, Math.min(i + 5, slept.size())));
      assertEquals(polled, slept);
    }
  }
}
