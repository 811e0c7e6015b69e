package io.pdlab.pd.run;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pdlab.pd.etcd.EtcdTiming;
import io.pdlab.sim.Budget;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * etcd 3.4 adjustTicks advances a single-member cluster's election clock to one tick before its
 * election timeout whatever {@code --initial-election-tick-advance} says (issue 16, item 13), so
 * it elects itself within its randomized timeout's excess over one election timeout.
 */
class SingleMemberTickAdvanceTest {
  @Test
  void aSingleMemberAdvancesEvenWithoutInitialElectionTickAdvance() {
    EtcdTiming noAdvance = new EtcdTiming(100, 1_000, false, true, false);
    List<Long> times = new ArrayList<>();
    for (long seed = 1; seed <= 10; seed++) {
      EtcdWorld w = new EtcdWorld(seed, Budget.of(1_000_000, 60_000_000L), false);
      w.addStatic(List.of("m0"), noAdvance, "tok");
      w.sim().startAll();
      w.runUntilBootstrapped();
      times.add(w.sim().nowUs());
    }
    // without the advance no run could elect before a whole election timeout (1 s) had passed
    assertTrue(times.stream().anyMatch(t -> t < 800_000), times.toString());
    assertTrue(times.stream().allMatch(t -> t < 1_300_000), times.toString());
  }
}
