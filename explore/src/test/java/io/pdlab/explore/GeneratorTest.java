package io.pdlab.explore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
      assertEquals(true, Generator.defaultKinds(strategy, 3, false).contains(FaultKind.SET_REPLICAS),
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

  /**
   * With long runs, about one fresh schedule in eight is long: its faults start by 420 s and play
   * out by 900 s, it may kill a member by its liveness probe, and its run lasts 50 s past its
   * last change, rounded up to 10 s; a short schedule's run is 120 s. Without long runs none is
   * long and no liveness kill is drawn. Every schedule is one the parser takes.
   */
  @Test
  void longSchedulesAreDrawnOneInEightAndRunUntilTheyHaveSettled() {
    List<FaultKind> kinds = Generator.defaultKinds("seed-join", 3, true);
    assertTrue(kinds.contains(FaultKind.LIVENESS_KILL), kinds.toString());
    assertFalse(Generator.defaultKinds("seed-join", 3, false).contains(FaultKind.LIVENESS_KILL));
    Generator g = new Generator("seed-join", 3, kinds, null, true);
    SplittableRandom r = new SplittableRandom(11);
    int longOnes = 0;
    int kills = 0;
    long latestStart = 0;
    for (int i = 0; i < 800; i++) {
      Schedule s = g.fresh(r, i);
      assertTrue(s.lastChangeUs() <= Generator.LONG_LAST_CHANGE_US, s.describe());
      for (FaultDef f : s.faults()) {
        latestStart = Math.max(latestStart, f.atUs());
        kills += f.kind() == FaultKind.LIVENESS_KILL ? 1 : 0;
      }
      if (s.isLong()) {
        longOnes++;
        long d = s.durationUs();
        assertTrue(d >= s.lastChangeUs() + Schedule.SETTLE_US && d % 10_000_000 == 0
            && d - 10_000_000 < s.lastChangeUs() + Schedule.SETTLE_US, d + " for "
            + s.describe());
        assertTrue(s.yaml().contains("duration: " + d / 1_000_000 + "s\n"), s.yaml());
      } else {
        assertEquals(Schedule.DURATION_US, s.durationUs(), s.describe());
        assertTrue(s.faults().stream().noneMatch(f -> f.kind() == FaultKind.LIVENESS_KILL),
            s.describe());
      }
      assertTrue(s.faults().isEmpty() || s.valid(), s.yaml());
    }
    assertTrue(longOnes > 60 && longOnes < 140, longOnes + " long of 800");
    assertTrue(kills > 0, "no liveness kill drawn");
    assertTrue(latestStart > Generator.LAST_CHANGE_US, "no fault after 70 s: " + latestStart);

    Generator shortOnly = new Generator("seed-join", 3, Generator.defaultKinds("seed-join", 3, false),
        null, false);
    for (int i = 0; i < 400; i++) {
      Schedule s = shortOnly.mutate(r, shortOnly.fresh(r, i), i);
      assertEquals(Schedule.DURATION_US, s.durationUs(), s.describe());
    }
  }

  /**
   * A discovery search draws tidb-operator v1.0 and tidb-operator's AWS layout about one fresh
   * schedule in four each, and a mutation switches each; the other strategies keep the defaults
   * (the parser refuses a version for them). The shrinker tries the defaults first after
   * dropping faults.
   */
  @Test
  void discoverySchedulesVaryTheOperatorVersionAndTheInfrastructure() {
    Generator g = new Generator("discovery", 3, Generator.defaultKinds("discovery", 3, false), null,
        true);
    SplittableRandom r = new SplittableRandom(5);
    int v10 = 0;
    int dedicated = 0;
    for (int i = 0; i < 400; i++) {
      Schedule s = g.fresh(r, i);
      v10 += "1.0".equals(s.operatorVersion()) ? 1 : 0;
      dedicated += s.dedicated() ? 1 : 0;
    }
    assertTrue(v10 > 60 && v10 < 140, v10 + " of 400 on v1.0");
    assertTrue(dedicated > 60 && dedicated < 140, dedicated + " of 400 on dedicated nodes");
    Schedule plain = new Schedule("discovery", 3, 1, List.of(new FaultDef.Pause(60_000_000, null,
        1, 300_000_000, 0)));
    TreeSet<String> configs = new TreeSet<>();
    for (int i = 0; i < 300; i++) {
      Schedule m = g.mutate(r, plain, 2);
      configs.add(m.operatorVersion() + " " + m.dedicated());
    }
    assertEquals(new TreeSet<>(List.of("null false", "1.0 false", "null true")), configs);
    Schedule both = plain.withConfig("1.0", true);
    List<Schedule> simpler = Shrinker.simpler(both);
    assertEquals(plain.withConfig(null, true), simpler.get(1), simpler.toString());
    assertEquals(plain.withConfig("1.0", false), simpler.get(2), simpler.toString());

    Generator other = new Generator("static", 3, Generator.defaultKinds("static", 3, false), null,
        true);
    for (int i = 0; i < 200; i++) {
      Schedule s = other.mutate(r, other.fresh(r, i), i);
      assertEquals(null, s.operatorVersion());
      assertFalse(s.dedicated());
    }
  }

  /**
   * A mutation may copy a fault onto another member at the same time and for as long (faults
   * that strike together): two members paused together, as the catalog's stalls are.
   */
  @Test
  void aMutationCopiesAFaultOntoAnotherMember() {
    Generator g = new Generator("seed-join", 3, List.of(FaultKind.PAUSE), null, true);
    FaultDef pause = new FaultDef.Pause(60_000_000, null, 1, 300_000_000, 0);
    Schedule s = new Schedule("seed-join", 3, 1, List.of(pause));
    SplittableRandom r = new SplittableRandom(9);
    TreeSet<Integer> copiedTo = new TreeSet<>();
    for (int i = 0; i < 300; i++) {
      Schedule m = g.mutate(r, s, 2);
      if (m.faults().size() == 2 && m.faults().contains(pause)) {
        FaultDef other = m.faults().get(m.faults().get(0).equals(pause) ? 1 : 0);
        if (other.atUs() == pause.atUs() && other.lengthUs() == pause.lengthUs()) {
          copiedTo.add(other.onMember().getAsInt());
        }
      }
    }
    assertEquals(new TreeSet<>(List.of(0, 2)), copiedTo);
  }

  /**
   * Chains of mutations keep every schedule within its limit: a long one's faults play out by
   * 900 s, and a short one stays short unless a long fault is added to it (one added fault in
   * eight); without long runs every schedule stays within 70 s, its run 120 s. A copy is never
   * the fault itself: faults that name no member (a resize, an operator restart) are not copied.
   */
  @Test
  void chainedMutationsStayWithinTheirLimitsAndCopiesAreOfOtherMembers() {
    for (boolean longRuns : new boolean[] {true, false}) {
      for (String strategy : List.of("seed-join", "discovery")) {
        Generator g = new Generator(strategy, 3, Generator.defaultKinds(strategy, 3, longRuns),
            null, longRuns);
        SplittableRandom r = new SplittableRandom(13);
        for (int chain = 0; chain < 60; chain++) {
          Schedule s = g.fresh(r, chain);
          for (int step = 0; step < 40; step++) {
            Schedule m = g.mutate(r, s, step);
            boolean wasLong = s.isLong();
            long limit = longRuns ? Generator.LONG_LAST_CHANGE_US : Generator.LAST_CHANGE_US;
            assertTrue(m.lastChangeUs() <= limit, strategy + ": " + s.describe() + " -> "
                + m.describe());
            if (!wasLong && m.isLong()) {
              assertEquals(s.faults().size() + 1, m.faults().size(), "only an added fault makes"
                  + " a short schedule long: " + s.describe() + " -> " + m.describe());
            }
            if (m.faults().size() == s.faults().size() + 1) {
              List<FaultDef> added = new java.util.ArrayList<>(m.faults());
              s.faults().forEach(added::remove);
              assertEquals(1, added.size(), s.describe() + " -> " + m.describe());
              assertFalse(s.faults().contains(added.get(0)), "a copy onto the same member: "
                  + m.describe());
            }
            if (!longRuns) {
              assertEquals(Schedule.DURATION_US, m.durationUs(), m.describe());
            }
            s = m.valid() ? m : s;
          }
        }
      }
    }
  }
}
