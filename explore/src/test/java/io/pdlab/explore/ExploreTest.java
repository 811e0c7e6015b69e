package io.pdlab.explore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pdlab.scenarios.model.Scenario;
import io.pdlab.scenarios.run.ScenarioResult;
import io.pdlab.scenarios.run.ScenarioRunner;
import io.pdlab.scenarios.yaml.ScenarioParser;
import io.pdlab.scenarios.engine.Engine;
import io.pdlab.scenarios.engine.ThreadEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The search end to end on a small budget: the same seed and run budget give the same files byte
 * for byte on one thread and on two, and every finding file replays with its expectation.
 */
class ExploreTest {
  @TempDir
  Path tmp;

  private static Explorer.Result explore(Engine engine) {
    return new Explorer("seed-join", 3, null, 1).explore(8, () -> false, engine, (r, f) -> { },
        3);
  }

  @Test
  void sameSeedAndBudgetGiveTheSameFindingsOnAnyThreadCountAndTheyReplay() throws Exception {
    Explorer.Result one;
    try (Engine e = new ThreadEngine(1)) {
      one = explore(e);
    }
    Explorer.Result two;
    try (Engine e = new ThreadEngine(2)) {
      two = explore(e);
    }
    assertEquals(8, one.runs());
    assertFalse(one.findings().isEmpty(), "seed-join's never-joining joiner within 8 runs");
    List<Path> files = Atlas.write(tmp.resolve("a"), List.of(one), "explore test");
    Atlas.write(tmp.resolve("b"), List.of(two), "explore test");
    List<Path> names;
    try (Stream<Path> s = Files.list(tmp.resolve("a"))) {
      names = s.map(Path::getFileName).sorted().toList();
    }
    try (Stream<Path> s = Files.list(tmp.resolve("b"))) {
      assertEquals(names, s.map(Path::getFileName).sorted().toList());
    }
    for (Path n : names) {
      assertEquals(Files.readString(tmp.resolve("a").resolve(n)),
          Files.readString(tmp.resolve("b").resolve(n)), n.toString());
    }
    assertTrue(names.contains(Path.of("atlas.html")));
    assertTrue(Files.readString(tmp.resolve("a/atlas.html")).contains("<svg"));
    assertEquals(one.findings().size(), files.size());
    for (Path f : files) {
      Scenario s = ScenarioParser.parse(f);
      assertNotNull(s.expect());
      ScenarioResult r = ScenarioRunner.run(s, null, null);
      assertTrue(r.passed(), f + ": " + r.failures());
      assertTrue(Files.isRegularFile(Path.of(f.toString().replace(".yaml", ".trace.txt"))));
    }
  }

  @Test
  void anOutputDirectoryThatHoldsFilesIsRefused() throws Exception {
    Files.writeString(tmp.resolve("x"), "x");
    assertNotNull(Atlas.refusal(tmp));
    assertEquals(null, Atlas.refusal(tmp.resolve("new")));
  }
}
