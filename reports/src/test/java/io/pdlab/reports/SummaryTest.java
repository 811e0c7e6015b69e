package io.pdlab.reports;

import static io.pdlab.reports.Fixtures.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SummaryTest {
  @Test
  void groupsAreOrderedBackendStrategyMembersFault() {
    List<RunRecord> in = List.of(
        run("k3s", "static", 3, 1, "none", "ok", 1000L),
        run("sim", "zz-custom", 3, 1, "none", "ok", 1000L),
        run("sim", "alpha-custom", 3, 1, "none", "ok", 1000L),
        run("sim", "v2-static", 3, 1, "none", "ok", 1000L),
        run("sim", "discovery", 5, 1, "kill", "ok", 1000L),
        run("sim", "discovery", 5, 1, "a-fault", "ok", 1000L),
        run("sim", "discovery", 5, 1, "none", "ok", 1000L),
        run("sim", "discovery", 3, 1, "none", "ok", 1000L),
        run("sim", "seed-join-learner", 3, 1, "none", "ok", 1000L),
        run("sim", "seed-join", 3, 1, "none", "ok", 1000L),
        run("sim", "static", 7, 1, "none", "ok", 1000L),
        run("sim", "static", 3, 1, "none", "ok", 1000L),
        run("etcd-processes", "static", 3, 1, "none", "ok", 1000L));
    List<String> keys = new ArrayList<>();
    for (Summary s : Summary.compute(in)) {
      keys.add(s.backend() + "/" + s.strategy() + "/" + s.members() + "/" + s.fault());
    }
    assertEquals(List.of(
        "sim/static/3/none",
        "sim/static/7/none",
        "sim/seed-join/3/none",
        "sim/seed-join-learner/3/none",
        "sim/discovery/3/none",
        "sim/discovery/5/none",
        "sim/discovery/5/a-fault",
        "sim/discovery/5/kill",
        "sim/v2-static/3/none",
        "sim/alpha-custom/3/none",
        "sim/zz-custom/3/none",
        "etcd-processes/static/3/none",
        "k3s/static/3/none"), keys);
  }

  @Test
  void statsAndSharesOfOneGroup() {
    List<RunRecord> in = List.of(
        run("sim", "discovery", 3, 1, "none", "ok", 3000L),
        run("sim", "discovery", 3, 2, "none", "ok", 1000L),
        run("sim", "discovery", 3, 3, "none", "stuck", null),
        run("sim", "discovery", 3, 4, "none", "split-brain", 2000L),
        run("sim", "discovery", 3, 5, "none", "degraded", 5000L),
        run("sim", "discovery", 3, 6, "none", "ok", 4000L));
    List<Summary> out = Summary.compute(in);
    assertEquals(1, out.size());
    Summary s = out.get(0);
    assertEquals(6, s.count());
    assertEquals(5, s.bootstrapped());
    // sorted [1000, 2000, 3000, 4000, 5000]: p50 rank 3
    assertEquals(new TimeStats(3000, 5000, 5000, 5000), s.bootstrapMs());
    assertEquals(new TimeStats(0, 0, 0, 0), s.unavailableMs());
    assertEquals(3.0 / 6, s.outcomeShares().ok());
    assertEquals(1.0 / 6, s.outcomeShares().degraded());
    assertEquals(1.0 / 6, s.outcomeShares().stuck());
    assertEquals(1.0 / 6, s.outcomeShares().splitBrain());
    assertEquals(0.0, s.outcomeShares().dataLoss());
  }

  @Test
  void sharesSumToOneInEveryGroup() {
    for (Summary s : Results.of("test", Fixtures.dataset()).summaries()) {
      double sum = 0;
      for (String o : Outcomes.ALL) {
        sum += s.outcomeShares().share(o);
      }
      assertEquals(1.0, sum, 1e-12, s.toString());
    }
  }

  @Test
  void groupThatNeverBootstrappedHasNoBootstrapStats() {
    Summary s = Summary.compute(List.of(run("sim", "seed-join", 3, 1, "kill", "stuck", null)))
        .get(0);
    assertEquals(0, s.bootstrapped());
    assertNull(s.bootstrapMs());
    assertEquals(1.0, s.outcomeShares().stuck());
  }

  @Test
  void recordsRejectUnknownOutcomesAndBadSizes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> run("sim", "static", 3, 1, "none", "fine", 1L));
    assertEquals("field 'outcome': 'fine' is not one of ok, degraded, stuck, split-brain, "
        + "data-loss", e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> run("sim", "static", 0, 1, "none", "ok", 1L));
  }
}
