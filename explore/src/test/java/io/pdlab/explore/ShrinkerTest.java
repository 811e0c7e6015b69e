package io.pdlab.explore;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pdlab.scenarios.model.FaultDef;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The simpler schedules a finding is shrunk through. */
class ShrinkerTest {
  private static Schedule sched(String strategy, FaultDef... faults) {
    return new Schedule(strategy, 3, 1, List.of(faults));
  }

  /** An operator restarted at once (restartAfter 0) is the shortest restart tried. */
  @Test
  void anOperatorRestartShrinksToARestartAtOnce() {
    List<Schedule> simpler = Shrinker.simpler(sched("seed-join",
        new FaultDef.OperatorRestart(12_300_000, null, 6_700_000, 0)));
    assertTrue(simpler.contains(sched("seed-join",
        new FaultDef.OperatorRestart(12_300_000, null, 0, 0))), simpler.toString());
    assertTrue(simpler.contains(sched("seed-join",
        new FaultDef.OperatorRestart(12_300_000, null, 5_000_000, 0))), simpler.toString());
  }
}
