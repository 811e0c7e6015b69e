package io.pdlab.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pdlab.sim.check.Invariant;
import io.pdlab.sim.check.Violation;
import io.pdlab.sim.fault.Fault;
import io.pdlab.sim.fault.FaultSchedule;
import io.pdlab.sim.net.LinkSpec;
import io.pdlab.sim.process.Process;
import io.pdlab.sim.process.ProcessContext;
import io.pdlab.sim.process.ProcessState;
import io.pdlab.sim.trace.TraceBuffer;
import io.pdlab.sim.trace.TraceKind;
import io.pdlab.sim.trace.TraceRecord;
import io.pdlab.sim.toy.PingPong;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SimulationTest {
  private static final long MS = 1_000;

  /**
   * Counts messages in volatile state and in a durable counter; on "tick:N" sets a timer of N ms;
   * on "exit" exits; records what it handled.
   */
  static final class Recorder implements Process {
    final List<String> seen = new ArrayList<>();
    int volatileCount;

    @Override
    public void onStart(ProcessContext ctx) {
      ctx.log("disk count " + ctx.disk().getOrDefault("count", 0));
    }

    @Override
    public void onMessage(ProcessContext ctx, String from, Object message) {
      volatileCount++;
      ctx.disk().put("count", ctx.disk().getOrDefault("count", 0) + 1);
      String m = (String) message;
      seen.add(from + ":" + m + "@" + ctx.nowUs());
      if (m.startsWith("tick:")) {
        ctx.setTimer(Long.parseLong(m.substring(5)) * MS, m);
      } else if (m.equals("exit")) {
        ctx.exit("asked to");
        ctx.send(from, "after-exit"); // must be ignored
      } else if (m.startsWith("echo:")) {
        ctx.send(from, m.substring(5));
      }
    }

    @Override
    public void onTimer(ProcessContext ctx, Object tag) {
      seen.add("timer:" + tag + "@" + ctx.nowUs());
    }
  }

  private Simulation sim;
  private TraceBuffer trace;

  @BeforeEach
  void setUp() {
    sim = new Simulation(1, Budget.of(100_000, 3_600_000 * MS), true);
    trace = new TraceBuffer();
    sim.addTraceSink(trace);
    sim.network().setDefaultSpec(LinkSpec.latency(Distribution.constant(1 * MS)));
    sim.addProcess("a", n -> new Recorder());
    sim.addProcess("b", n -> new Recorder());
    sim.startAll();
  }

  private Recorder rec(String name) {
    return (Recorder) sim.instance(name);
  }

  @Test
  void messagesArriveAfterTheirLatency() {
    sim.addProcess("c", n -> new Process() {
      @Override
      public void onStart(ProcessContext ctx) {
        ctx.send("a", "hello");
      }

      @Override
      public void onMessage(ProcessContext ctx, String from, Object message) {}
    });
    sim.start("c");
    RunResult r = sim.run();
    assertEquals(RunOutcome.QUIESCENT, r.outcome());
    assertEquals(List.of("c:hello@1000"), rec("a").seen);
    assertTrue(trace.toText().contains("0.001000 #"), trace.toText());
    assertTrue(trace.toText().contains("DELIVER a c->a hello"), trace.toText());
  }

  private void startTalker(String name, String to, String... messages) {
    sim.addProcess(name, n -> new Process() {
      @Override
      public void onStart(ProcessContext ctx) {
        for (String m : messages) {
          ctx.send(to, m);
        }
      }

      @Override
      public void onMessage(ProcessContext ctx, String from, Object message) {}
    });
    sim.start(name);
  }

  @Test
  void crashLosesVolatileStateKeepsDiskAndCancelsTimers() {
    startTalker("t", "a", "x", "y", "tick:50");
    sim.runUntil(2 * MS);
    assertEquals(3, rec("a").volatileCount);
    sim.crash("a");
    assertEquals(ProcessState.DOWN, sim.state("a"));
    assertNull(sim.instance("a"));
    sim.run(); // the 50 ms timer must not fire
    assertFalse(trace.toText().contains("TIMER a"), trace.toText());
    sim.restart("a");
    assertEquals(2, sim.incarnation("a"));
    assertEquals(0, rec("a").volatileCount, "volatile state is new");
    assertEquals(3, (int) sim.disk("a").get("count"), "disk survived the crash");
    assertTrue(trace.toText().contains("STATE a disk count 3"));
  }

  /** A process that, at start, reads the incarnation at "a" and watches for a start there. */
  static class Watcher implements Process {
    final List<String> seen = new ArrayList<>();

    @Override
    public void onStart(ProcessContext ctx) {
      seen.add("a at " + ctx.incarnationAt("a") + ", nobody at " + ctx.incarnationAt("nobody"));
      seen.add("watching " + ctx.watchStart("a", "a-started"));
    }

    @Override
    public void onMessage(ProcessContext ctx, String from, Object message) {}

    @Override
    public void onTimer(ProcessContext ctx, Object tag) {
      seen.add(tag + " @" + ctx.nowUs() + ", a at " + ctx.incarnationAt("a"));
    }
  }

  @Test
  void aStartWatchFiresOnceAtTheNextStartThereAndDiesWithItsIncarnation() {
    sim.crash("a");
    sim.addProcess("w", n -> new Watcher());
    sim.start("w");
    Watcher first = (Watcher) sim.instance("w");
    assertEquals(List.of("a at 0, nobody at 0", "watching true"), first.seen);
    sim.runUntil(5 * MS);
    sim.restart("a"); // incarnation 2
    sim.runUntil(6 * MS);
    assertEquals(List.of("a at 0, nobody at 0", "watching true", "a-started @5000, a at 2"),
        first.seen);
    sim.crash("a");
    sim.restart("a"); // incarnation 3: the watch fired already
    sim.runUntil(7 * MS);
    assertEquals(3, first.seen.size(), first.seen.toString());

    sim.crash("a");
    sim.restart("w"); // watches again, as incarnation 2 of w
    Watcher second = (Watcher) sim.instance("w");
    sim.crash("w"); // its watch dies with it
    sim.start("w");
    Watcher third = (Watcher) sim.instance("w");
    sim.runUntil(8 * MS);
    sim.restart("a");
    sim.runUntil(9 * MS);
    assertEquals(List.of("a at 0, nobody at 0", "watching true"), second.seen);
    assertEquals(List.of("a at 0, nobody at 0", "watching true", "a-started @8000, a at 4"),
        third.seen);
  }

  /** A process that binds its port only when told to (a container with a start script). */
  static final class LateListener implements Process {
    ProcessContext ctx;

    @Override
    public boolean listensOnStart() {
      return false;
    }

    @Override
    public void onStart(ProcessContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public void onMessage(ProcessContext ctx, String from, Object message) {}
  }

  @Test
  void aProcessThatListensLaterIsNotListeningUntilItSaysSoAndItsWatchersWakeThen() {
    sim.addProcess("late", n -> new LateListener());
    sim.addProcess("w", n -> new Watcher() {
      @Override
      public void onStart(ProcessContext ctx) {
        seen.add("late at " + ctx.incarnationAt("late"));
        seen.add("watching " + ctx.watchStart("late", "late-listens"));
      }
    });
    sim.start("late");
    sim.start("w");
    Watcher w = (Watcher) sim.instance("w");
    sim.runUntil(5 * MS);
    assertEquals(List.of("late at 0", "watching true"), w.seen, "running, not listening");
    ((LateListener) sim.instance("late")).ctx.listen();
    sim.runUntil(6 * MS);
    assertEquals(List.of("late at 0", "watching true", "late-listens @5000, a at 1"), w.seen);
    LateListener late = (LateListener) sim.instance("late");
    late.ctx.listen(); // listening already: no watch left to fire, nothing changes
    sim.crash("late");
    sim.start("late"); // a new incarnation listens only once it says so again
    ProcessContext probe = ((LateListener) sim.instance("late")).ctx;
    assertEquals(ProcessContext.NOT_LISTENING, probe.incarnationAt("late"));
    probe.listen();
    assertEquals(2, probe.incarnationAt("late"));
    sim.runUntil(7 * MS);
    assertEquals(3, w.seen.size(), w.seen.toString());
  }

  record Connect(String what) implements io.pdlab.sim.process.Refusable {}

  @Test
  void aConnectionToNothingIsRefusedAtOnceAndOtherMessagesAreLost() {
    List<String> heard = new ArrayList<>();
    sim.addProcess("c", n -> new Process() {
      @Override
      public void onStart(ProcessContext ctx) {
        ctx.send("a", new Connect("to-down"));     // a exists, down: refused
        ctx.send("nobody", new Connect("to-none")); // no such endpoint: refused
        ctx.send("a", "plain");                     // lost, no answer
      }

      @Override
      public void onMessage(ProcessContext ctx, String from, Object message) {
        heard.add(from + " " + message + " @" + ctx.nowUs());
      }
    });
    sim.crash("a");
    sim.start("c");
    sim.run();
    assertEquals(2, heard.size(), heard.toString());
    assertTrue(heard.contains("c refused(Connect[what=to-none]) @0"), heard.toString());
    assertTrue(heard.stream().anyMatch(h -> h.startsWith("a refused(Connect[what=to-down])")),
        heard.toString());
  }

  @Test
  void aRefusalNeedsTheWayBack() {
    List<String> heard = new ArrayList<>();
    sim.crash("a");
    sim.addProcess("c", n -> new Process() {
      @Override
      public void onStart(ProcessContext ctx) {
        ctx.send("a", new Connect("x"));
      }

      @Override
      public void onMessage(ProcessContext ctx, String from, Object message) {
        heard.add(from + " " + message);
      }
    });
    sim.network().cut("a", "c"); // the way back
    sim.start("c");
    sim.run();
    assertEquals(List.of(), heard);
  }

  @Test
  void lifecycleListenersHearEveryStopPauseResumeAndWipe() {
    List<String> heard = new ArrayList<>();
    sim.addLifecycleListener(new io.pdlab.sim.World.LifecycleListener() {
      @Override
      public void stopped(String process, String reason) {
        heard.add("stopped " + process + " (" + reason + ")");
      }

      @Override
      public void paused(String process) {
        heard.add("paused " + process);
      }

      @Override
      public void resumed(String process) {
        heard.add("resumed " + process);
      }

      @Override
      public void wiped(String process) {
        heard.add("wiped " + process);
      }
    });
    startTalker("t", "a", "x");
    sim.run();
    sim.pause("a");
    sim.pause("a"); // ignored: already paused, so not heard again
    sim.resume("a");
    sim.crash("a");
    sim.crash("a"); // ignored: already down
    sim.restart("a");
    sim.wipe("a");
    assertEquals(List.of("paused a", "resumed a", "stopped a (crashed)", "stopped a (crashed for wipe)",
        "wiped a"), heard);
  }

  @Test
  void wipeLosesTheDiskAndLeavesTheProcessDown() {
    startTalker("t", "a", "x");
    sim.run();
    sim.wipe("a");
    assertEquals(ProcessState.DOWN, sim.state("a"));
    assertTrue(sim.disk("a").isEmpty());
    sim.restart("a");
    assertTrue(trace.toText().contains("STATE a disk count 0"));
  }

  @Test
  void messagesToACrashedOrRestartedReceiverAreDropped() {
    startTalker("t", "a", "one");
    sim.crash("a");
    sim.run();
    assertTrue(trace.toText().contains("DROP a t->a one (receiver down)"), trace.toText());

    startTalker("u", "b", "two");
    sim.restart("b"); // new incarnation before the message arrives: the connection broke
    sim.run();
    assertTrue(trace.toText().contains("DROP b u->b two (receiver restarted)"), trace.toText());
    assertEquals(List.of(), rec("b").seen);
  }

  @Test
  void aMessageToAnUnknownEndpointIsDroppedNotAnError() {
    startTalker("t", "ghost", "hello?");
    RunResult r = sim.run();
    assertEquals(RunOutcome.QUIESCENT, r.outcome());
    assertTrue(trace.toText().contains("DROP ghost t->ghost hello? (no such endpoint)"),
        trace.toText());
  }

  @Test
  void aMessageInFlightWhenTheLinkIsCutIsLost() {
    startTalker("t", "a", "late");
    sim.network().cut("t", "a"); // after sending, before arrival
    sim.run();
    assertTrue(trace.toText().contains("DROP a t->a late (link down)"), trace.toText());
    sim.network().healAll();
    startTalker("t2", "a", "fine");
    sim.run();
    assertEquals(1, rec("a").seen.size());
  }

  @Test
  void oneWayCutBlocksOnlyOneDirection() {
    sim.network().cut("b", "a");
    startTalker("t", "a", "echo:pong"); // t->a works; a->t works
    sim.addProcess("c", n -> new Recorder());
    sim.start("c");
    sim.network().cut("a", "c");
    sim.run();
    // a->t is up: t gets nothing because t ignores it, but no DROP for that link
    assertFalse(trace.toText().contains("DROP t"), trace.toText());
  }

  @Test
  void pausedProcessGetsItsMessagesAndTimersInOrderOnResume() {
    startTalker("t", "a", "tick:1");
    sim.runUntil(1 * MS + 1); // message handled, timer due at 2 ms
    sim.pause("a");
    startTalker("u", "a", "m1", "m2");
    sim.runUntil(5 * MS); // the timer (2 ms) and both messages (2 ms) fall due while paused
    assertEquals(1, rec("a").seen.size(), "nothing handled while paused: " + rec("a").seen);
    long resumeAt = sim.nowUs();
    sim.resume("a");
    sim.run();
    List<String> seen = rec("a").seen;
    assertEquals(List.of("t:tick:1@1000", "timer:tick:1@" + resumeAt, "u:m1@" + resumeAt,
        "u:m2@" + resumeAt), seen);
  }

  @Test
  void crashWhilePausedDropsWhatWasWaiting() {
    startTalker("t", "a", "tick:1");
    sim.runUntil(1 * MS + 1);
    sim.pause("a");
    sim.run();
    sim.crash("a");
    sim.restart("a");
    sim.run();
    assertEquals(List.of(), rec("a").seen);
  }

  @Test
  void processExitStopsItAndIgnoresLaterSends() {
    List<String> exits = new ArrayList<>();
    sim.addExitListener((p, why) -> exits.add(p + ": " + why + " @" + sim.nowUs()));
    startTalker("t", "a", "exit");
    sim.run();
    assertEquals(List.of("a: asked to @1000"), exits);
    assertEquals(ProcessState.DOWN, sim.state("a"));
    assertTrue(trace.toText().contains("STATE a exited: asked to"));
    assertFalse(trace.toText().contains("after-exit"));
  }

  @Test
  void faultScheduleAppliesAtItsTimes() {
    sim.install(FaultSchedule.builder()
        .at(10 * MS, new Fault.Crash("a"))
        .at(20 * MS, new Fault.Restart("a"))
        .at(5 * MS, new Fault.Partition(List.of(List.of("a"), List.of("b"))))
        .at(30 * MS, new Fault.Heal())
        .build());
    sim.runUntil(15 * MS);
    assertEquals(ProcessState.DOWN, sim.state("a"));
    assertFalse(sim.network().isUp("a", "b"));
    sim.run();
    assertEquals(ProcessState.RUNNING, sim.state("a"));
    assertTrue(sim.network().isUp("a", "b"));
    String text = trace.toText();
    assertTrue(text.contains("0.005000 #") && text.contains("FAULT - partition a b"), text);
    assertTrue(text.contains("0.010000") && text.contains("FAULT - crash a"), text);
    assertThrows(IllegalArgumentException.class, () -> sim.install(
        FaultSchedule.builder().at(1, new Fault.Crash("a")).build()));
  }

  @Test
  void quorumQuestionsAccountForDownProcesses() {
    sim.addProcess("c", n -> new Recorder());
    sim.start("c");
    List<String> abc = List.of("a", "b", "c");
    assertTrue(sim.canFormQuorum(abc));
    sim.crash("a");
    assertTrue(sim.canFormQuorum(abc));
    sim.crash("b");
    assertFalse(sim.canFormQuorum(abc));
    sim.restart("b");
    sim.network().isolate("b");
    assertFalse(sim.canFormQuorum(abc));
  }

  @Test
  void eventBudgetEndsARunThatWouldNeverStop() {
    Simulation s = new Simulation(3, Budget.of(1_000, Long.MAX_VALUE), true);
    s.addProcess("ping", n -> new PingPong.Pinger("pong", Long.MAX_VALUE));
    s.addProcess("pong", n -> new PingPong.Ponger());
    s.startAll();
    RunResult r = s.run();
    assertEquals(RunOutcome.EVENT_BUDGET, r.outcome());
    assertEquals(1_000, r.events());
    assertFalse(r.ok());
    assertEquals(Simulation.EXCERPT_RECORDS, r.lastRecords().size());
    assertTrue(r.describe().contains("outcome=EVENT_BUDGET seed=3"), r.describe());
    assertTrue(r.describe().contains("last trace records:"), r.describe());
  }

  @Test
  void timeBudgetStopsTheClockAtTheLimit() {
    Simulation s = new Simulation(3, Budget.of(Long.MAX_VALUE, 10 * MS), false);
    s.addProcess("ping", n -> new PingPong.Pinger("pong", Long.MAX_VALUE));
    s.addProcess("pong", n -> new PingPong.Ponger());
    s.startAll();
    RunResult r = s.run();
    assertEquals(RunOutcome.TIME_BUDGET, r.outcome());
    assertEquals(10 * MS, r.endTimeUs());
    assertEquals(20, r.events(), "one message per 500 us for 10 ms");
    assertTrue(r.detail().contains("time budget of 0.010000s"), r.detail());
  }

  @Test
  void aFullQueueIsAReportedOutcome() {
    Simulation s = new Simulation(3, new Budget(1_000_000, Long.MAX_VALUE, 10), false);
    s.addProcess("spammer", n -> new Process() {
      @Override
      public void onStart(ProcessContext ctx) {
        for (int i = 0; i < 100; i++) {
          ctx.setTimer(1, i);
        }
      }

      @Override
      public void onMessage(ProcessContext ctx, String from, Object message) {}
    });
    s.schedule(0, () -> s.start("spammer"));
    RunResult r = s.run();
    assertEquals(RunOutcome.QUEUE_FULL, r.outcome());
    assertTrue(r.detail().contains("capacity 10"), r.detail());
  }

  @Test
  void stopConditionCompletesTheRun() {
    Simulation s = new Simulation(3, Budget.of(1_000_000, Long.MAX_VALUE), false);
    PingPong.Pinger[] pinger = new PingPong.Pinger[1];
    s.addProcess("ping", n -> pinger[0] = new PingPong.Pinger("pong", 1_000));
    s.addProcess("pong", n -> new PingPong.Ponger());
    s.startAll();
    RunResult r = s.run(() -> pinger[0].pongs() >= 10);
    assertEquals(RunOutcome.COMPLETED, r.outcome());
    assertEquals(10, pinger[0].pongs());
    assertTrue(r.ok());
    assertEquals(RunOutcome.QUIESCENT, s.run().outcome());
    assertEquals(1_000, pinger[0].pongs());
  }

  @Test
  void invariantsAreCheckedAsTheRunGoesAndAtItsEndWithAnExcerpt() {
    Invariant noExit = new Invariant() {
      @Override
      public String name() {
        return "nobody-exits";
      }

      @Override
      public String onRecord(TraceRecord r) {
        return r.kind() == TraceKind.STATE && r.detail().startsWith("exited")
            ? r.node() + " exited" : null;
      }

      @Override
      public String atEnd(long nowUs) {
        return sim.state("a") == ProcessState.RUNNING ? null : "a is not running at the end";
      }
    };
    sim.addInvariant(noExit);
    startTalker("t", "a", "x", "exit");
    RunResult r = sim.run();
    assertEquals(2, r.violations().size(), r.describe());
    Violation during = r.violations().get(0);
    assertEquals("nobody-exits", during.invariant());
    assertEquals("a exited", during.message());
    assertEquals(1 * MS, during.timeUs());
    TraceRecord last = during.excerpt().get(during.excerpt().size() - 1);
    assertEquals(during.traceSeq(), last.seq(), "excerpt ends at the violating record");
    assertTrue(during.describe().contains("DELIVER a t->a exit"), during.describe());
    assertEquals(-1, r.violations().get(1).traceSeq());
    assertFalse(r.ok());
  }

  @Test
  void stopOnViolationEndsTheRunAtTheFirstOne() {
    sim.addInvariant(new Invariant() {
      @Override
      public String name() {
        return "no-x";
      }

      @Override
      public String onRecord(TraceRecord r) {
        return r.detail().contains(" x") ? "saw x" : null;
      }
    });
    sim.stopOnViolation(true);
    startTalker("t", "a", "x", "y");
    RunResult r = sim.run();
    assertEquals(RunOutcome.VIOLATION, r.outcome());
    assertEquals(1, rec("a").seen.size(), "stopped before y");
  }

  @Test
  void aFailingProcessReportsSeedTimeAndTrace() {
    startTalker("t", "a", "echo:boom");
    sim.addProcess("bad", n -> new Process() {
      @Override
      public void onStart(ProcessContext ctx) {
        ctx.setTimer(3 * MS, "explode");
      }

      @Override
      public void onMessage(ProcessContext ctx, String from, Object message) {}

      @Override
      public void onTimer(ProcessContext ctx, Object tag) {
        throw new IllegalStateException("kaboom");
      }
    });
    sim.start("bad");
    SimulationException e = assertThrows(SimulationException.class, () -> sim.run());
    assertTrue(e.getMessage().contains("run failed at 0.003000s, seed=1"), e.getMessage());
    assertTrue(e.getMessage().contains("kaboom"), e.getMessage());
    assertTrue(e.getMessage().contains("TIMER bad explode"), e.getMessage());
  }

  @Test
  void crashingAHostCrashesEveryProcessOnItAndKeepsTheirDisks() {
    sim.addProcess("etcd-0", "node-1", n -> new Recorder());
    sim.addProcess("kubelet-1", "node-1", n -> new Recorder());
    sim.addProcess("etcd-1", "node-2", n -> new Recorder());
    sim.startAll();
    startTalker("t", "etcd-0", "x");
    sim.run();
    assertEquals(List.of("etcd-0", "kubelet-1"), sim.processesOn("node-1"));
    assertEquals("node-2", sim.hostOf("etcd-1"));
    assertEquals("a", sim.hostOf("a"), "a process is its own host by default");
    sim.crashHost("node-1");
    assertEquals(ProcessState.DOWN, sim.state("etcd-0"));
    assertEquals(ProcessState.DOWN, sim.state("kubelet-1"));
    assertEquals(ProcessState.RUNNING, sim.state("etcd-1"));
    assertEquals(1, (int) sim.disk("etcd-0").get("count"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> sim.crashHost("node-9"));
    assertTrue(e.getMessage().contains("'node-9'"));
  }

  @Test
  void namesAreCheckedAndClear() {
    assertThrows(IllegalArgumentException.class, () -> sim.addProcess("a", n -> new Recorder()));
    assertThrows(IllegalArgumentException.class, () -> sim.addProcess("has space",
        n -> new Recorder()));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> sim.crash("nope"));
    assertTrue(e.getMessage().contains("unknown process 'nope'"), e.getMessage());
    assertThrows(IllegalStateException.class, () -> sim.start("a"));
  }
}
