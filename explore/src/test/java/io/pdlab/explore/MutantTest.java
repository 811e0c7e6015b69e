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

  /**
   * A defect of pdlab's own model (the simulator's discovery pod throwing when it is created a
   * second time: {@code discovery-fails-on-restart}) does not stop the search: the runs that
   * restart discovery are one model-failure finding, shrunk to the single restart, whose file
   * carries no expectation and replays the failure; the search makes every run of its budget.
   */
  @Test
  void aModelFailureIsAFindingAndTheSearchGoesOn() {
    Explorer.Result r;
    try (ThreadEngine e = new ThreadEngine(1)) {
      r = new Explorer("discovery", 3, List.of(FaultKind.DISCOVERY_RESTART, FaultKind.PAUSE), 3,
          "discovery-fails-on-restart").explore(8, () -> false, e, (n, f) -> { }, 40);
    }
    assertEquals(8, r.runs());
    List<Explorer.Finding> failures = r.findings().stream()
        .filter(f -> f.outcome().equals(Run.MODEL_FAILURE)).toList();
    assertEquals(1, failures.size(), r.findings().toString());
    Explorer.Finding f = failures.get(0);
    assertEquals("model failure: IllegalStateException: mutant discovery-fails-on-restart: the"
        + " discovery pod basic-discovery-# was created again", f.mechanism());
    assertEquals(List.of("discovery-restart"), f.shrunk().schedule().faults().stream()
        .map(d -> d.kind().label()).toList());
    String file = Atlas.scenarioFile("finding-01", r, f, "pdlab explore");
    assertFalse(file.contains("expect:"), file);
    assertTrue(file.contains("the model fails on it"), file);
    RuntimeException replay = org.junit.jupiter.api.Assertions.assertThrows(
        RuntimeException.class, () -> io.pdlab.scenarios.run.ScenarioRunner.run(
            io.pdlab.scenarios.yaml.ScenarioParser.parse(file, "finding-01.yaml"), null, null));
    assertEquals(f.mechanism(), Run.modelFailure(replay));
  }

  @Test
  void theRealDiscoveryShowsNoSeveralBootstrapDecisionsOnTheSameBudget() {
    assertEquals(List.of(), forks(null));
  }
}
