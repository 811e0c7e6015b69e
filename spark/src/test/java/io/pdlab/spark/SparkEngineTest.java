package io.pdlab.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pdlab.cli.Main;
import io.pdlab.scenarios.engine.Engine;
import io.pdlab.scenarios.engine.EngineException;
import io.pdlab.scenarios.engine.Engines;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Spark engine in Spark's {@code local-cluster} mode: a master and two workers in this JVM,
 * each worker starting its executor in a JVM of its own, so the runs really are serialized,
 * shipped and run elsewhere.
 */
class SparkEngineTest {
  /** Two workers of one core and 1 GiB each. */
  static final String LOCAL_CLUSTER = "local-cluster[2,1,1024]";

  @Test
  void compareGivesTheSameResultsOnSparkAsOnThreads(@TempDir Path dir) throws Exception {
    String[] common = {"compare", "--strategies", "static,discovery", "--members", "3",
        "--runs", "3", "--faults", "none,crash-member", "--seed", "7"};
    Path threads = dir.resolve("threads");
    Path spark = dir.resolve("spark");
    assertEquals(0, Main.execute(concat(common, "--out", threads.toString())));
    assertEquals(0, Main.execute(concat(common, "--engine", "spark", "--master", LOCAL_CLUSTER,
        "--out", spark.toString())));
    byte[] a = Files.readAllBytes(threads.resolve("results.json"));
    byte[] b = Files.readAllBytes(spark.resolve("results.json"));
    assertTrue(a.length > 1000, "results.json has the 12 runs");
    assertArrayEquals(a, b, "the same runs give the same results.json on either engine");
  }

  @Test
  void exploreFindsTheSameOnSparkAsOnThreads(@TempDir Path dir) throws Exception {
    // discovery: its schedules carry an operator version and a layout too, and with long runs
    // (the default) some last minutes
    String[] common = {"explore", "--strategy", "discovery", "--members", "3", "--budget",
        "16runs", "--seed", "3", "--shrink-runs", "4"};
    Path threads = dir.resolve("threads");
    Path spark = dir.resolve("spark");
    assertEquals(0, Main.execute(concat(common, "--out", threads.toString())));
    assertEquals(0, Main.execute(concat(common, "--engine", "spark", "--master", LOCAL_CLUSTER,
        "--out", spark.toString())));
    List<String> names;
    try (java.util.stream.Stream<Path> s = Files.list(threads)) {
      names = s.map(p -> p.getFileName().toString()).sorted().toList();
    }
    try (java.util.stream.Stream<Path> s = Files.list(spark)) {
      assertEquals(names, s.map(p -> p.getFileName().toString()).sorted().toList());
    }
    assertTrue(names.contains("findings.md") && names.size() > 3, names.toString());
    for (String n : names) {
      assertArrayEquals(Files.readAllBytes(threads.resolve(n)), Files.readAllBytes(
          spark.resolve(n)), n + " is the same on either engine");
    }
  }

  @Test
  void runsGoToExecutorJvmsInInputOrderWithProgress() {
    List<Integer> inputs = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      inputs.add(i);
    }
    AtomicInteger told = new AtomicInteger();
    List<String> out;
    try (Engine e = Engines.open("spark", LOCAL_CLUSTER, 0, "pdlab test")) {
      out = e.map(inputs, i -> i * i + "@" + ProcessHandle.current().pid(), told::addAndGet);
    }
    Set<String> pids = new HashSet<>();
    for (int i = 0; i < 40; i++) {
      String[] parts = out.get(i).split("@");
      assertEquals(String.valueOf(i * i), parts[0], "result " + i + " in input order");
      pids.add(parts[1]);
    }
    assertEquals(40, told.get(), "the progress bar is told of every input once");
    assertTrue(pids.size() >= 1);
    for (String pid : pids) {
      assertNotEquals(String.valueOf(ProcessHandle.current().pid()), pid,
          "a local-cluster runs tasks in executor JVMs, not the driver");
    }
  }

  @Test
  void aRunThatFailsFailsTheMapWithItsMessage() {
    try (Engine e = Engines.open("spark", "local[2]", 0, "pdlab test")) {
      EngineException x = assertThrows(EngineException.class, () -> e.map(List.of(1, 2, 3),
          i -> {
            if (i == 2) {
              throw new IllegalStateException("run 2 broke");
            }
            return i;
          }, k -> { }));
      assertTrue(x.getMessage().contains("run 2 broke"), x.getMessage());
    }
  }

  @Test
  void badEngineOptionsAreRefused(@TempDir Path dir) {
    Path out = dir.resolve("out");
    assertEquals(2, Main.execute("compare", "--engine", "hadoop", "--out", out.toString()));
    assertEquals(2, Main.execute("compare", "--master", "local[2]", "--out", out.toString()));
    assertEquals(2, Main.execute("compare", "--backend", "etcd", "--engine", "spark", "--out",
        out.toString()));
    assertTrue(!Files.exists(out), "nothing written");
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = new String[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
