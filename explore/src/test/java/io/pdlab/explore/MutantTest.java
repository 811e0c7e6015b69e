package io.pdlab.explore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pdlab.scenarios.engine.ThreadEngine;
import io.pdlab.scenarios.model.FaultKind;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A deliberately broken operator is found within a small budget: tidb-operator's discovery
 * without its count ({@code timing.mutant: discovery-without-count}, the seam in
 * DiscoveryService) lets every PD bootstrap its own cluster, and 8 runs of the search name it
 * (the outcome is data-loss or split-brain: each PD's writes are lost to the others' clusters);
 * the same search of the real discovery finds no run with more than one bootstrap decision.
 */
class MutantTest {
  private static List<String> forks(String mutant) {
    Explorer.Result r;
    try (ThreadEngine e = new ThreadEngine(1)) {
      r = new Explorer("discovery", 3, List.of(FaultKind.PAUSE), 3, mutant)
          .explore(8, () -> false, e, (n, f) -> { }, 0);
    }
    return r.findings().stream().map(f -> f.outcome() + ": " + f.mechanism())
        .filter(m -> m.contains("bootstrap decisions")).toList();
  }

  @Test
  void discoveryWithoutItsCountIsFound() {
    List<String> found = forks("discovery-without-count");
    assertFalse(found.isEmpty(), "no finding of several bootstrap decisions");
    assertTrue(found.get(0).startsWith("data-loss: 3 bootstrap decisions")
        || found.get(0).startsWith("split-brain: "), found.toString());
  }

  @Test
  void theRealDiscoveryShowsNoSeveralBootstrapDecisionsOnTheSameBudget() {
    assertEquals(List.of(), forks(null));
  }
}
