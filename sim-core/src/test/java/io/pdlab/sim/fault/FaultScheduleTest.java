package io.pdlab.sim.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pdlab.sim.Rng;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class FaultScheduleTest {
  private static final List<String> NODES = List.of("pd-0", "pd-1", "pd-2");

  private static RandomFaultGenerator.Params params(int count) {
    return new RandomFaultGenerator.Params(60_000_000, count, 1_000_000, 10_000_000, 2_000_000,
        EnumSet.allOf(RandomFaultGenerator.Kind.class));
  }

  @Test
  void scheduleIsSortedByTimeAndKeepsGivenOrderForTies() {
    FaultSchedule s = FaultSchedule.builder()
        .at(5_000_000, new Fault.Restart("a"))
        .at(1_000_000, new Fault.Crash("a"))
        .at(5_000_000, new Fault.Heal())
        .at(0, new Fault.Cut("a", "b"))
        .build();
    assertEquals("at 0.000000s cut a->b\nat 1.000000s crash a\nat 5.000000s restart a\n"
        + "at 5.000000s heal\n", s.toString());
  }

  @Test
  void faultsHaveStableTextAndCheckTheirArguments() {
    assertEquals("partition a,b c", new Fault.Partition(List.of(List.of("a", "b"), List.of("c")))
        .toString());
    assertEquals("delay a +300us", new Fault.Delay("a", 300).toString());
    assertEquals("wipe a", new Fault.Wipe("a").toString());
    assertThrows(IllegalArgumentException.class, () -> new Fault.Partition(List.of(List.of("a"))));
    assertThrows(IllegalArgumentException.class, () -> new Fault.Delay("a", -1));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new TimedFault(-5, new Fault.Heal()));
    assertTrue(e.getMessage().contains("got -5 for heal"), e.getMessage());
  }

  @Test
  void generatorIsDeterministicPerSeedAndVariesAcrossSeeds() {
    FaultSchedule a = RandomFaultGenerator.generate(new Rng(9), NODES, params(8));
    FaultSchedule b = RandomFaultGenerator.generate(new Rng(9), NODES, params(8));
    FaultSchedule c = RandomFaultGenerator.generate(new Rng(10), NODES, params(8));
    assertEquals(a, b);
    assertEquals(a.toString(), b.toString());
    assertNotEquals(a.toString(), c.toString());
  }

  @Test
  void everyFaultIsPairedWithItsUndoingWithinTheDurations() {
    FaultSchedule s = RandomFaultGenerator.generate(new Rng(4), NODES, params(200));
    assertEquals(400, s.faults().size());
    int crashes = 0;
    int restarts = 0;
    int pauses = 0;
    int resumes = 0;
    for (TimedFault tf : s.faults()) {
      assertTrue(tf.atUs() < 60_000_000 + 10_000_000, tf.toString());
      Fault f = tf.fault();
      if (f instanceof Fault.Crash || f instanceof Fault.Wipe) {
        crashes++;
      } else if (f instanceof Fault.Restart) {
        restarts++;
      } else if (f instanceof Fault.Pause) {
        pauses++;
      } else if (f instanceof Fault.Resume) {
        resumes++;
      } else if (f instanceof Fault.Partition p) {
        List<String> all = p.groups().stream().flatMap(List::stream).sorted().toList();
        assertEquals(NODES, all, "a generated partition splits every process");
      }
    }
    assertEquals(crashes, restarts);
    assertEquals(pauses, resumes);
    assertTrue(crashes > 0 && pauses > 0, "200 draws over 6 kinds reach each kind");
  }

  @Test
  void generatorRejectsImpossibleParameters() {
    assertThrows(IllegalArgumentException.class,
        () -> RandomFaultGenerator.generate(new Rng(1), List.of(), params(1)));
    assertThrows(IllegalArgumentException.class,
        () -> RandomFaultGenerator.generate(new Rng(1), List.of("a", "a"), params(1)));
    assertThrows(IllegalArgumentException.class, () -> RandomFaultGenerator.generate(new Rng(1),
        List.of("a"), new RandomFaultGenerator.Params(10, 1, 0, 1, 1,
            EnumSet.of(RandomFaultGenerator.Kind.PARTITION))));
    assertThrows(IllegalArgumentException.class, () -> new RandomFaultGenerator.Params(10, 1, 5,
        1, 1, EnumSet.of(RandomFaultGenerator.Kind.CRASH)));
    assertThrows(IllegalArgumentException.class, () -> new RandomFaultGenerator.Params(10, 1, 0,
        1, 1, EnumSet.noneOf(RandomFaultGenerator.Kind.class)));
  }
}
