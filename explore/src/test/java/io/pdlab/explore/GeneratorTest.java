package io.pdlab.explore;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pdlab.scenarios.model.FaultDef;
import io.pdlab.scenarios.model.FaultKind;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The mutations the search makes. */
class GeneratorTest {
  /**
   * Mutating a schedule of one member fault moves it in time and to each other member, for the
   * kinds the search took last as for the first ones (a restore keeping its snapshot before it).
   */
  @Test
  void mutationsMoveEveryMemberFaultInTimeAndToEachMember() {
    Generator g = new Generator("static", 3, List.of(FaultKind.CRASH), null);
    for (FaultDef f : List.of(new FaultDef.WrongPeerUrl(20_000_000, null, 1, 0),
        new FaultDef.RestoreSnapshot(20_000_000, null, 1, 10_000_000, false, 0),
        new FaultDef.Crash(20_000_000, null, 1, false, java.util.OptionalLong.empty(), 0))) {
      Schedule s = new Schedule("static", 3, 1, List.of(f));
      TreeSet<Integer> members = new TreeSet<>();
      TreeSet<Long> ats = new TreeSet<>();
      SplittableRandom r = new SplittableRandom(7);
      for (int i = 0; i < 300; i++) {
        Schedule m = g.mutate(r, s, 2);
        for (FaultDef d : m.faults()) {
          if (d.kind() == f.kind()) {
            members.add(d.onMember().getAsInt());
            ats.add(d.atUs());
            if (d instanceof FaultDef.RestoreSnapshot x && x.atUs() != f.atUs()) {
              assertEquals(10_000_000, x.lengthUs(), "moved with its snapshot: " + x);
            }
          }
        }
      }
      assertEquals(new TreeSet<>(List.of(0, 1, 2)), members, f.toString());
      assertEquals(true, ats.size() > 5, f + " moved to " + ats);
    }
  }

  /**
   * Resizes are searched by default, for every strategy: to each other size up to two more
   * members, and for a static cluster in each of the chart upgrades the catalog's scale-ups pin
   * (template left alone; re-rendered, new members started new or existing, with or without a
   * MemberAdd), each a schedule the parser takes.
   */
  @Test
  void resizesAreSearchedToEachSizeAndAsEachChartUpgrade() {
    for (String strategy : List.of("static", "discovery", "seed-join", "seed-join-learner",
        "v2-static")) {
      assertEquals(true, Generator.defaultKinds(strategy, 3).contains(FaultKind.SET_REPLICAS),
          strategy);
    }
    Generator g = new Generator("static", 3, List.of(FaultKind.SET_REPLICAS), null);
    SplittableRandom r = new SplittableRandom(3);
    TreeSet<Integer> sizes = new TreeSet<>();
    TreeSet<String> upgrades = new TreeSet<>();
    for (int i = 0; i < 300; i++) {
      FaultDef.SetReplicas f = (FaultDef.SetReplicas) g.fault(r, FaultKind.SET_REPLICAS);
      sizes.add(f.replicas());
      upgrades.add(f.initialClusterState() + " " + f.memberAdd());
      assertEquals(true, new Schedule("static", 3, 1, List.of(f)).valid(), f.toString());
    }
    assertEquals(new TreeSet<>(List.of(1, 2, 4, 5)), sizes);
    assertEquals(new TreeSet<>(List.of("null false", "new false", "new true", "existing false",
        "existing true")), upgrades);
  }
}
