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
 * for byte on one thread and on two (the catalog check's {@code catalog.md} among them), and
 * every finding file replays with its expectation.
 */
class ExploreTest {
  @TempDir
  Path tmp;

  private static Explorer.Result explore(Engine engine) {
    return new Explorer("seed-join", 3, null, 1, null, true).explore(8, () -> false, engine,
        (r, f) -> { }, 3);
  }

  /**
   * Runs of one kind merge into one finding, shrunk from the first of them with the fewest
   * faults: a short schedule found after a long one replaces it; one as long does not.
   */
  @Test
  void aFindingKeepsTheFirstOfItsRunsWithTheFewestFaults() {
    io.pdlab.scenarios.model.FaultDef never = new io.pdlab.scenarios.model.FaultDef.NeverStart(0,
        null, 1, 0);
    io.pdlab.scenarios.model.FaultDef pause = new io.pdlab.scenarios.model.FaultDef.Pause(
        5_000_000, null, 0, 1_000_000, 0);
    Schedule two = new Schedule("static", 3, 1, List.of(never, pause));
    Schedule one = new Schedule("static", 3, 2, List.of(never));
    Schedule alsoOne = new Schedule("static", 3, 3, List.of(pause));
    Explorer.Search s = new Explorer("static", 3, null, 1).new Search();
    s.merge(List.of(new Run(two, "stuck", "m", List.of("a"), "first"),
        new Run(alsoOne, "stuck", "other", List.of(), "another kind"),
        new Run(one, "stuck", "m", List.of(), "smaller"),
        new Run(alsoOne, "stuck", "m", List.of(), "as small, later")));
    assertEquals(2, s.findings.size());
    Explorer.Finding f = s.findings.get(0);
    assertEquals("m", f.mechanism());
    assertEquals(3, f.runs());
    assertEquals("smaller", f.original().summary());
    assertEquals(2, f.index());
    assertEquals("another kind", s.findings.get(1).original().summary());
  }

  @Test
  void sameSeedAndBudgetGiveTheSameFindingsOnAnyThreadCountAndTheyReplay() throws Exception {
    Path catalog = Files.createDirectories(tmp.resolve("catalog"));
    Files.writeString(catalog.resolve("first-joiner-never-starts.yaml"), """
        name: first-joiner-never-starts
        seed: 3
        clusters:
          - {name: basic, strategy: seed-join, pd: {replicas: 3}}
        faults:
          - {at: 0s, kind: never-start, member: 1}
        duration: 120s
        expect: {outcome: stuck}
        """);
    Explorer.Result one;
    CatalogCheck oneCatalog;
    try (Engine e = new ThreadEngine(1)) {
      one = explore(e);
      oneCatalog = CatalogCheck.of(catalog, one, e);
    }
    Explorer.Result two;
    CatalogCheck twoCatalog;
    try (Engine e = new ThreadEngine(2)) {
      two = explore(e);
      twoCatalog = CatalogCheck.of(catalog, two, e);
    }
    assertEquals(8, one.runs());
    assertFalse(one.findings().isEmpty(), "seed-join's never-joining joiner within 8 runs");
    List<Path> files = Atlas.write(tmp.resolve("a"), List.of(one), List.of(oneCatalog),
        "explore test");
    Atlas.write(tmp.resolve("b"), List.of(two), List.of(twoCatalog), "explore test");
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
    assertTrue(Files.readString(tmp.resolve("a/catalog.md")).contains(
        "| first-joiner-never-starts | stuck | 1 |"));
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

  /**
   * On threads the search draws batches ahead (and keeps those whose corpus came out as guessed):
   * the search is the same as one made a run at a time.
   */
  @Test
  void aSearchDrawnAheadOnThreadsIsTheSearchMadeOneRunAtATime() {
    Engine serial = new Engine() {
      @Override
      public String name() {
        return "serial";
      }

      @Override
      public <T extends java.io.Serializable, R extends java.io.Serializable> List<R> map(
          List<T> inputs, io.pdlab.scenarios.engine.SerialFunction<T, R> f,
          java.util.function.IntConsumer done) {
        return inputs.stream().map(f).toList();
      }

      @Override
      public void close() {}
    };
    for (String strategy : List.of("static", "discovery")) {
      // discovery with long runs: its operator versions, layouts and long schedules too
      boolean longRuns = strategy.equals("discovery");
      Explorer.Result one = new Explorer(strategy, 3, null, 5, null, longRuns).explore(48,
          () -> false, serial, (r, f) -> { }, 0);
      Explorer.Result two;
      try (Engine e = new ThreadEngine(2)) {
        two = new Explorer(strategy, 3, null, 5, null, longRuns).explore(48, () -> false, e,
            (r, f) -> { }, 0);
      }
      assertEquals(48, two.runs());
      assertEquals(one.corpus(), two.corpus());
      assertEquals(one.features(), two.features());
      assertEquals(one.findings().stream().map(f -> f.key() + " " + f.index() + " " + f.runs()
          + " " + f.original()).toList(), two.findings().stream().map(f -> f.key() + " "
          + f.index() + " " + f.runs() + " " + f.original()).toList());
    }
  }

  /**
   * A probe without a tee has the run leave out message records, which it does not read: the
   * run's reports and faults are the same as with the whole trace recorded.
   */
  @Test
  void leavingOutMessageRecordsChangesNoReportOfTheRun() {
    Schedule s = Schedule.of(ScenarioParser.parse("""
        name: probe
        seed: 3
        clusters:
          - {name: basic, strategy: discovery, pd: {replicas: 3}}
        faults:
          - {at: 5s, kind: crash, member: 1}
          - {at: 20s, kind: partition, groups: [[0], [1, 2]]}
        duration: 60s
        """, "probe.yaml"));
    List<String> messages = new java.util.ArrayList<>();
    Probe whole = new Probe(true, r -> messages.add(r.kind().name()));
    ScenarioRunner.run(s.scenario(), null, whole, false);
    Probe lean = new Probe(true, null);
    ScenarioRunner.run(s.scenario(), null, lean, false);
    assertTrue(messages.contains("DELIVER") && messages.contains("TIMER"), "whole trace");
    assertEquals(text(whole), text(lean));
    assertEquals(whole.counts, lean.counts);
  }

  private static List<String> text(Probe p) {
    return p.kept.stream().map(r -> r.timeUs() + " " + r.kind() + " " + r.node() + " "
        + r.detail()).toList();
  }

  @Test
  void anOutputDirectoryThatHoldsFilesIsRefused() throws Exception {
    Files.writeString(tmp.resolve("x"), "x");
    assertNotNull(Atlas.refusal(tmp));
    assertEquals(null, Atlas.refusal(tmp.resolve("new")));
  }
}
