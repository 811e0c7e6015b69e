package io.pdlab.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pdlab.scenarios.engine.ThreadEngine;
import org.junit.jupiter.api.Test;

/** The benchmark's unit is a whole, deterministic search (speed is JMH's job, not this test's). */
class ExploreBenchmarkTest {
  @Test
  void aSearchRunsItsBudgetAndIsDeterministic() {
    try (ThreadEngine e = new ThreadEngine(2)) {
      for (boolean longRuns : new boolean[] {false, true}) {
        int a = ExploreBenchmark.search("seed-join", longRuns, 1, e);
        assertEquals(a, ExploreBenchmark.search("seed-join", longRuns, 1, e));
      }
    }
  }
}
