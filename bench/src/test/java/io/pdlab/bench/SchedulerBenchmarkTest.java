package io.pdlab.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pdlab.k8s.sched.SchedulerCache;
import org.junit.jupiter.api.Test;

/**
 * The benchmark's batch is a real one: on a small cluster every pod of the mix is bound (speed is
 * JMH's job, not this test's), and the baseline assumes every pod.
 */
class SchedulerBenchmarkTest {
  @Test
  void everyPodOfASmallBatchIsBound() {
    SchedulerBenchmark.Workload w = SchedulerBenchmark.Workload.build(200, 2_000);
    SchedulerCache cache = w.freshCache();
    assertEquals(2_000, w.scheduleAll(cache));
    assertEquals(2_000, cache.podCount());
  }

  @Test
  void baselineAssumesEveryPod() {
    SchedulerBenchmark.Workload w = SchedulerBenchmark.Workload.build(200, 2_000);
    SchedulerCache cache = w.freshCache();
    assertEquals(2_000, w.assumeRoundRobin(cache));
    assertEquals(2_000, cache.podCount());
  }
}
