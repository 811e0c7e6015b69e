package io.pdlab.sim.realtime;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pdlab.sim.Distribution;
import io.pdlab.sim.TimerHandle;
import io.pdlab.sim.net.LinkSpec;
import io.pdlab.sim.process.Process;
import io.pdlab.sim.process.ProcessContext;
import io.pdlab.sim.process.ProcessState;
import io.pdlab.sim.toy.Gossip;
import io.pdlab.sim.toy.PingPong;
import io.pdlab.sim.trace.TraceBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The same process classes the simulator runs, on the wall clock: timers take real time, messages
 * cross the network model with real latency, faults act on live processes.
 */
class RealTimeRuntimeIT {
  private RealTimeRuntime rt;

  @BeforeEach
  void setUp() {
    rt = new RealTimeRuntime(1, true);
  }

  @AfterEach
  void tearDown() {
    rt.close();
  }

  @Test
  void pingPongRunsUnchangedOnTheWallClock() {
    PingPong.Pinger[] pinger = new PingPong.Pinger[1];
    rt.run(w -> {
      w.network().setDefaultSpec(LinkSpec.latency(Distribution.constant(2_000)));
      w.addProcess("ping", n -> pinger[0] = new PingPong.Pinger("pong", 20));
      w.addProcess("pong", n -> new PingPong.Ponger());
      w.startAll();
    });
    long start = rt.nowUs();
    await().atMost(Duration.ofSeconds(10))
        .until(() -> rt.call(w -> pinger[0].pongs()) == 20L);
    long elapsedUs = rt.nowUs() - start;
    // 40 messages of 2 ms each: at least 80 ms of real time must have passed.
    assertTrue(elapsedUs >= 80_000, "took only " + elapsedUs + " us");
    assertNull(rt.failure());
  }

  @Test
  void timersFireAfterTheirDelayAndCancelledOnesNever() {
    List<String> fired = new CopyOnWriteArrayList<>();
    long[] setAt = new long[1];
    rt.run(w -> {
      w.addProcess("t", n -> new Process() {
        @Override
        public void onStart(ProcessContext ctx) {
          setAt[0] = ctx.nowUs();
          ctx.setTimer(50_000, "keep");
          TimerHandle h = ctx.setTimer(20_000, "drop");
          assertTrue(h.cancel());
          assertFalse(h.isPending());
        }

        @Override
        public void onMessage(ProcessContext ctx, String from, Object message) {}

        @Override
        public void onTimer(ProcessContext ctx, Object tag) {
          fired.add(tag + "@" + (ctx.nowUs() - setAt[0]));
        }
      });
      w.start("t");
    });
    await().atMost(Duration.ofSeconds(5)).until(() -> !fired.isEmpty());
    await().pollDelay(Duration.ofMillis(100)).atMost(Duration.ofSeconds(1)).until(() -> true);
    assertEquals(1, fired.size(), fired.toString());
    long firedAfterUs = Long.parseLong(fired.get(0).split("@")[1]);
    assertTrue(fired.get(0).startsWith("keep@") && firedAfterUs >= 50_000, fired.toString());
  }

  @Test
  void crashRestartAndPartitionActOnLiveProcesses() {
    List<String> peers = List.of("g0", "g1", "g2");
    TraceBuffer trace = new TraceBuffer();
    rt.run(w -> {
      w.addTraceSink(trace);
      for (String p : peers) {
        w.addProcess(p, n -> new Gossip(peers, 1_000, 10_000, 0.2));
      }
      w.startAll();
    });
    await().atMost(Duration.ofSeconds(10)).until(() -> rt.call(w ->
        !Gossip.known(w.disk("g0")).isEmpty() && Gossip.known(w.disk("g0"))
            .equals(Gossip.known(w.disk("g1")))));
    int before = rt.call(w -> Gossip.known(w.disk("g2")).size());

    rt.run(w -> w.crash("g2"));
    assertEquals(ProcessState.DOWN, rt.call(w -> w.state("g2")));
    rt.run(w -> w.restart("g2"));
    assertEquals(2, (int) rt.call(w -> w.incarnation("g2")));
    assertTrue(rt.call(w -> Gossip.known(w.disk("g2")).size()) >= before, "disk survived");

    rt.run(w -> w.network().isolate("g2"));
    java.util.function.Supplier<java.util.Set<String>> othersKnownByG2 = () -> rt.call(w ->
        new java.util.TreeSet<>(Gossip.known(w.disk("g2")).stream()
            .filter(id -> !id.startsWith("g2.")).toList()));
    java.util.Set<String> isolatedView = othersKnownByG2.get();
    // While isolated, g2 learns nothing from the others, though they keep making rumors.
    await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
        .until(() -> othersKnownByG2.get().equals(isolatedView));
    await().atMost(Duration.ofSeconds(10)).until(() -> rt.call(w ->
        !isolatedView.containsAll(Gossip.known(w.disk("g0")).stream()
            .filter(id -> !id.startsWith("g2.")).toList())));
    boolean dropped = rt.call(w -> trace.toText().contains("DROP g2 g0->g2 Rumors")
        || trace.toText().contains("DROP g2 g1->g2 Rumors"));
    assertTrue(dropped, "sends to the isolated g2 are dropped");
    rt.run(w -> w.network().healAll());
    await().atMost(Duration.ofSeconds(10)).until(() -> rt.call(w ->
        Gossip.known(w.disk("g2")).containsAll(Gossip.known(w.disk("g0")))
        && Gossip.known(w.disk("g0")).containsAll(Gossip.known(w.disk("g2")))));
    assertNull(rt.failure());
  }

  @Test
  void aProcessFailureIsReportedNotLost() {
    rt.run(w -> {
      w.addProcess("bad", n -> new Process() {
        @Override
        public void onStart(ProcessContext ctx) {
          ctx.setTimer(1_000, "x");
        }

        @Override
        public void onMessage(ProcessContext ctx, String from, Object message) {}

        @Override
        public void onTimer(ProcessContext ctx, Object tag) {
          throw new IllegalStateException("boom in real time");
        }
      });
      w.start("bad");
    });
    await().atMost(Duration.ofSeconds(5)).until(() -> rt.failure() != null);
    assertEquals("boom in real time", rt.failure().getMessage());
  }
}
