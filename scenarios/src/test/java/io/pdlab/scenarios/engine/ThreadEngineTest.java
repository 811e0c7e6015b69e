package io.pdlab.scenarios.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ThreadEngineTest {
  @Test
  void resultsComeBackInInputOrderWhateverFinishesFirst() {
    List<Integer> in = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      in.add(i);
    }
    AtomicInteger told = new AtomicInteger();
    try (Engine e = Engines.open("threads", null, 4, "test")) {
      // later inputs are cheaper, so they tend to finish first
      List<Long> out = e.map(in, i -> {
        long x = 0;
        for (long k = 0; k < (50 - i) * 20_000L; k++) {
          x += k % 7;
        }
        return i * 1_000_000_000L + (x % 2);
      }, told::addAndGet);
      for (int i = 0; i < 50; i++) {
        assertEquals(i, out.get(i) / 1_000_000_000L);
      }
    }
    assertEquals(50, told.get());
  }

  @Test
  void aFailingInputFailsTheMapWithItsMessage() {
    try (Engine e = Engines.open("threads", null, 2, "test")) {
      EngineException x = assertThrows(EngineException.class, () -> e.map(List.of(1, 2, 3),
          i -> {
            if (i == 3) {
              throw new IllegalArgumentException("input 3 is bad");
            }
            return i;
          }, k -> { }));
      assertEquals("input 3 is bad", x.getMessage());
    }
  }

  @Test
  void unknownOrMissingEnginesSayWhatToDo() {
    IllegalArgumentException a = assertThrows(IllegalArgumentException.class,
        () -> Engines.open("hadoop", null, 0, "test"));
    assertTrue(a.getMessage().contains("known: threads, spark"), a.getMessage());
    IllegalArgumentException b = assertThrows(IllegalArgumentException.class,
        () -> Engines.open("threads", "local[2]", 0, "test"));
    assertTrue(b.getMessage().contains("--engine spark"), b.getMessage());
    // the scenarios module's tests have no Spark on their class path
    IllegalArgumentException c = assertThrows(IllegalArgumentException.class,
        () -> Engines.open("spark", null, 0, "test"));
    assertTrue(c.getMessage().contains("pdlab-spark.jar"), c.getMessage());
  }
}
