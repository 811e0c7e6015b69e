package io.pdlab.reports;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;

/** Synthetic run records for the tests: seeded, so every call gives the same records. */
final class Fixtures {
  private Fixtures() {}

  static RunRecord run(String backend, String strategy, int members, long seed, String fault,
      String outcome, Long bootstrapMs) {
    TreeMap<String, String> params = new TreeMap<>();
    params.put("electionMs", "3000");
    params.put("tickMs", "500");
    return new RunRecord("bootstrap-" + strategy, backend, strategy, members, seed, fault, outcome,
        bootstrapMs, 0, 0, List.of("a1b2c3d4e5f60718"), List.of("7000000000000000001"), 1000,
        params, List.of(), List.of());
  }

  /**
   * Five strategies at 3 and 5 members, 10 seeds each, without fault and under
   * {@code pd-unreachable}: static fastest, seed-join slowest (8 s per join), and discovery ends
   * split-brain once under {@code pd-unreachable} at 3 members.
   */
  static List<RunRecord> dataset() {
    List<RunRecord> out = new ArrayList<>();
    for (String strategy : Ordering.STRATEGIES) {
      for (int members : new int[] {3, 5}) {
        for (String fault : new String[] {"none", "pd-unreachable"}) {
          for (long seed = 1; seed <= 10; seed++) {
            Random rnd = new Random(seed * 31 + members);
            long perJoin = switch (strategy) {
              case "seed-join" -> 8000;
              case "seed-join-learner" -> 6000;
              case "discovery" -> 5000;
              default -> 0;
            };
            long base = strategy.equals("v2-static") ? 3500 : 3000;
            long bootstrap = base + perJoin * (members - 1) + rnd.nextInt(500);
            String outcome = Outcomes.OK;
            Long b = bootstrap;
            if (strategy.equals("discovery") && fault.equals("pd-unreachable") && members == 3
                && seed == 4) {
              outcome = Outcomes.SPLIT_BRAIN;
            }
            List<String> timeline = List.of(
                "t=0ms pod " + strategy + "-0 created",
                "t=" + bootstrap + "ms " + members + " voters, leader " + strategy + "-0");
            List<JoinCost> joins = new ArrayList<>();
            if (strategy.equals("seed-join-learner")) {
              for (int i = 1; i < members; i++) {
                joins.add(new JoinCost(strategy + "-" + i, perJoin,
                    "health wait 5000 + catch-up 1000"));
              }
            }
            TreeMap<String, String> params = new TreeMap<>();
            params.put("tickMs", "500");
            params.put("electionMs", "3000");
            long zeroTolerance = perJoin == 0 ? 0 : perJoin * (members - 1) / 2;
            long unavailable = strategy.equals("seed-join") ? 1850 : 0;
            out.add(new RunRecord("bootstrap-" + strategy, "sim", strategy, members, seed, fault,
                outcome, b, unavailable, zeroTolerance,
                outcome.equals(Outcomes.SPLIT_BRAIN)
                    ? List.of("1a2b3c4d5e6f7081", "8f7e6d5c4b3a2910")
                    : List.of("1a2b3c4d5e6f7081"),
                List.of(String.valueOf(6_900_000_000_000_000_000L + seed)),
                10_000 + rnd.nextInt(1000), params, timeline, joins));
          }
        }
      }
    }
    return out;
  }
}
