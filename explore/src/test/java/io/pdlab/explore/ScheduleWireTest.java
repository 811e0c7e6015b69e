package io.pdlab.explore;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A schedule crosses to another JVM (Spark's executors) as its YAML and comes back through the
 * parser: for every fault the generator and the mutations make, a run's schedule survives Java
 * serialization as the same value, so findings do not depend on the engine: long schedules, a
 * discovery schedule's operator version and infrastructure (its node-loss named after the
 * dedicated PD nodes in the YAML) included.
 */
class ScheduleWireTest {
  @Test
  void everyGeneratedScheduleSurvivesSerializationAsTheSameValue() throws Exception {
    for (String strategy : List.of("static", "seed-join", "seed-join-learner", "discovery",
        "v2-static")) {
      Generator gen = new Generator(strategy, 3, Generator.defaultKinds(strategy, 3, true), null,
          true);
      SplittableRandom r = new SplittableRandom(7);
      List<Schedule> schedules = new ArrayList<>();
      for (int i = 0; i < 120; i++) {
        Schedule s = gen.fresh(r, i);
        schedules.add(i % 2 == 0 ? s : gen.mutate(r, s, i));
      }
      java.util.TreeSet<String> seen = new java.util.TreeSet<>();
      for (Schedule s : schedules) {
        if (!s.valid()) {
          continue;
        }
        Schedule parsed = Schedule.of(s.scenario());
        assertEquals(s.yaml(), parsed.yaml(), "the YAML says all of it");
        assertEquals(parsed, copy(parsed), strategy + ": " + s.describe());
        assertEquals(s.durationUs(), parsed.scenario().durationUs(), s.yaml());
        if (s.isLong()) {
          seen.add("long");
        }
        if (s.operatorVersion() != null) {
          seen.add("version");
        }
        if (s.dedicated()) {
          seen.add("dedicated");
          assertEquals(Schedule.dedicatedInfra(3), s.scenario().infra());
        }
      }
      assertEquals(strategy.equals("discovery") ? List.of("dedicated", "long", "version")
          : List.of("long"), List.copyOf(seen), strategy);
    }
  }

  /**
   * On the dedicated PD nodes a schedule's node-loss of {@code node-1} is written as {@code
   * pd-1}, the node the scenario has, and read back as {@code node-1}.
   */
  @Test
  void aNodeLossOnDedicatedNodesNamesThePdNode() throws Exception {
    Schedule s = new Schedule("discovery", 3, 4, List.of(new io.pdlab.scenarios.model.FaultDef
        .NodeLoss(20_000_000, "node-1", 0)), null, "1.0", true);
    String yaml = s.yaml();
    assertEquals(true, yaml.contains("{at: 20s, kind: node-loss, node: pd-1}"), yaml);
    assertEquals(true, yaml.contains("timing: {clientWritesPerSecond: 2, tidbOperatorVersion:"
        + " \"1.0\"}"), yaml);
    assertEquals(true, yaml.contains("    - {name: pd, count: 4, instanceType: m5d.xlarge,"
        + " labels: {dedicated: pd}, taints: [\"dedicated=pd:NoSchedule\"]}\n"), yaml);
    Schedule parsed = Schedule.of(s.scenario());
    assertEquals("node-1", ((io.pdlab.scenarios.model.FaultDef.NodeLoss) parsed.faults().get(0))
        .node());
    assertEquals("1.0", parsed.operatorVersion());
    assertEquals(true, parsed.dedicated());
    assertEquals(yaml, parsed.yaml());
    assertEquals(yaml, ((Schedule) copy(s)).yaml());
  }

  private static Object copy(Object o) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(o);
    }
    try (ObjectInputStream in = new ObjectInputStream(
        new ByteArrayInputStream(bytes.toByteArray()))) {
      return in.readObject();
    }
  }
}
