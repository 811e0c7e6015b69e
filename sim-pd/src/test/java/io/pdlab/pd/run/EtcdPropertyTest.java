package io.pdlab.pd.run;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Raft's safety properties over many seeds: in every run, at most one leader per term in a
 * cluster, committed entries never diverge, no leader's match index is beyond its log, no
 * member's term or commit index goes back and no entry it committed changes, no member panics,
 * acknowledged writes survive, and after a full heal a leader serves again; the Raft model's own
 * assertions run all along. 10,000 seeds by default ({@code -Dpdlab.seeds=N} to change).
 */
class EtcdPropertyTest {
  static final int SEEDS = Integer.getInteger("pdlab.seeds", 10_000);

  @Test
  void safetyHoldsUnderRandomFaults() {
    List<String> failures = new ArrayList<>();
    long acked = 0;
    long events = 0;
    for (long seed = 1; seed <= SEEDS && failures.size() < 3; seed++) {
      RandomFaultRun run = new RandomFaultRun(seed, false, null);
      run.run();
      String problems = run.problems();
      if (problems != null) {
        failures.add(problems + "\nreproduce: new RandomFaultRun(" + seed + ", true, sink)");
      }
      acked += run.world.recorder().acks().size();
      events += run.result.events();
    }
    if (!failures.isEmpty()) {
      fail(failures.size() + " failing seed(s):\n" + String.join("\n\n", failures));
    }
    // The load is real: most writes are acknowledged, so "no lost writes" means something.
    assertTrue(acked > SEEDS * 20L, "only " + acked + " acknowledged writes in " + SEEDS
        + " runs");
    assertTrue(events > SEEDS * 1_000L, "only " + events + " events in " + SEEDS + " runs");
  }
}
