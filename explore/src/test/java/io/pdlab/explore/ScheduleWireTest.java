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
 * serialization as the same value, so findings do not depend on the engine.
 */
class ScheduleWireTest {
  @Test
  void everyGeneratedScheduleSurvivesSerializationAsTheSameValue() throws Exception {
    for (String strategy : List.of("static", "seed-join", "seed-join-learner", "discovery",
        "v2-static")) {
      Generator gen = new Generator(strategy, 3, Generator.defaultKinds(strategy, 3), null);
      SplittableRandom r = new SplittableRandom(7);
      List<Schedule> schedules = new ArrayList<>();
      for (int i = 0; i < 60; i++) {
        Schedule s = gen.fresh(r, i);
        schedules.add(i % 2 == 0 ? s : gen.mutate(r, s, i));
      }
      for (Schedule s : schedules) {
        if (!s.valid()) {
          continue;
        }
        Schedule parsed = Schedule.of(s.scenario());
        assertEquals(s.yaml(), parsed.yaml(), "the YAML says all of it");
        assertEquals(parsed, copy(parsed), strategy + ": " + s.describe());
      }
    }
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
