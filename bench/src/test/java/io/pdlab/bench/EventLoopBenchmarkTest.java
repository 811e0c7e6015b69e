package io.pdlab.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The benchmarks measure what they claim: each invocation fires exactly the number of events it
 * declares through {@code @OperationsPerInvocation}, traced or not. (Speed is measured by JMH, not
 * here.)
 */
class EventLoopBenchmarkTest {
  @Test
  void pingPongFiresTwoEventsPerRound() {
    assertEquals(EventLoopBenchmark.EVENTS_PER_INVOCATION,
        EventLoopBenchmark.runPingPong(false, EventLoopBenchmark.EVENTS_PER_INVOCATION / 2));
    assertEquals(2_000, EventLoopBenchmark.runPingPong(true, 1_000));
  }

  @Test
  void bareLoopFiresTheDeclaredEvents() {
    assertEquals(EventLoopBenchmark.EVENTS_PER_INVOCATION,
        EventLoopBenchmark.runBareLoop(EventLoopBenchmark.EVENTS_PER_INVOCATION));
  }

  @Test
  void timerChurnCancelsThePendingTimerEveryTime() {
    EventLoopBenchmark b = new EventLoopBenchmark();
    EventLoopBenchmark.Churn c = new EventLoopBenchmark.Churn();
    c.pendingTimers = 16;
    c.setUp();
    for (int i = 0; i < 1_000; i++) {
      assertTrue(b.timerChurn(c), "reset " + i + " found no pending timer");
    }
  }
}
