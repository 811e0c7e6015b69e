package io.pdlab.explore;

import static org.junit.jupiter.api.Assertions.assertFalse;
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

  /** A wrong peer URL moves earlier, and goes with its member when the cluster shrinks. */
  @Test
  void aWrongPeerUrlMovesEarlierAndGoesWithItsMember() {
    FaultDef f = new FaultDef.WrongPeerUrl(12_300_000, null, 2, 0);
    List<Schedule> simpler = Shrinker.simpler(sched("static", f));
    for (long at : List.of(10_000_000L, 12_000_000L, 0L)) {
      assertTrue(simpler.contains(sched("static", new FaultDef.WrongPeerUrl(at, null, 2, 0))),
          at + " in " + simpler);
    }
    assertTrue(simpler.contains(new Schedule("static", 2, 1, List.of())), simpler.toString());
    assertFalse(simpler.contains(new Schedule("static", 2, 1, List.of(f))),
        "member 2 of 2 members: " + simpler);
  }

  /**
   * A restore moves earlier with its snapshot as long before it, its snapshot comes closer to
   * it, and it goes with its member when the cluster shrinks.
   */
  @Test
  void aRestoreMovesWithItsSnapshotAndGoesWithItsMember() {
    FaultDef f = new FaultDef.RestoreSnapshot(32_300_000, null, 2, 20_000_000, false, 0);
    List<Schedule> simpler = Shrinker.simpler(sched("static", f));
    for (FaultDef g : List.of(
        new FaultDef.RestoreSnapshot(30_000_000, null, 2, 17_700_000, false, 0),
        new FaultDef.RestoreSnapshot(32_000_000, null, 2, 19_700_000, false, 0),
        new FaultDef.RestoreSnapshot(32_300_000, null, 2, 22_300_000, false, 0),
        new FaultDef.RestoreSnapshot(32_300_000, null, 2, 26_200_000, false, 0))) {
      assertTrue(simpler.contains(sched("static", g)), g + " in " + simpler);
    }
    assertTrue(simpler.contains(new Schedule("static", 2, 1, List.of())), simpler.toString());
    assertFalse(simpler.contains(new Schedule("static", 2, 1, List.of(f))),
        "member 2 of 2 members: " + simpler);
  }
}
