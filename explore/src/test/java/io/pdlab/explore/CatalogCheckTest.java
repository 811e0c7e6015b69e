package io.pdlab.explore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pdlab.scenarios.engine.Engine;
import io.pdlab.scenarios.engine.ThreadEngine;
import io.pdlab.scenarios.model.FaultDef;
import io.pdlab.scenarios.model.FaultKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The catalog check on a small catalog: a hazard a short search finds is rediscovered, the same
 * hazard is missed by a search that found nothing, a finding larger than the catalog's schedule is
 * marked so, a scenario needing an unsearched kind or config is not searchable, and the others
 * are left out with the reason.
 */
class CatalogCheckTest {
  private static final List<FaultKind> KINDS = List.of(FaultKind.NEVER_START, FaultKind.CRASH,
      FaultKind.PAUSE, FaultKind.PARTITION);

  @TempDir
  Path catalog;

  private void scenario(String name, String strategy, int replicas, String timing, String faults,
      String outcome) throws Exception {
    Files.writeString(catalog.resolve(name + ".yaml"), "# a test's catalog scenario\n"
        + "name: " + name + "\nseed: 3\nclusters:\n  - name: basic\n    strategy: " + strategy
        + "\n    pd: {replicas: " + replicas + "}\n" + (timing == null ? ""
            : "    timing: {" + timing + "}\n") + "faults:\n" + faults
        + "duration: 120s\nexpect:\n  outcome: " + outcome + "\n");
  }

  @BeforeEach
  void catalog() throws Exception {
    // coreos/etcd-operator #2023, as scenarios/catalog/seed-join-first-joiner-never-starts.yaml
    scenario("first-joiner-never-starts", "seed-join", 3, null,
        "  - {at: 0s, kind: never-start, member: 1}\n", "stuck");
    scenario("add-answer-lost", "seed-join", 3, null, "  - {at: 0s, kind: add-timeout}\n",
        "stuck");
    scenario("profiled", "seed-join", 3, "profile: etcd",
        "  - {at: 0s, kind: never-start, member: 1}\n", "stuck");
    scenario("long-pause", "seed-join", 3, null,
        "  - {at: 60s, kind: pause, member: 1, for: 30s}\n", "stuck");
    scenario("joiner-never-starts-degraded", "seed-join", 3, null,
        "  - {at: 0s, kind: never-start, member: 1}\n", "degraded");
    scenario("five", "seed-join", 5, null, "  - {at: 0s, kind: never-start, member: 1}\n",
        "stuck");
    scenario("static-never-starts", "static", 3, null,
        "  - {at: 0s, kind: never-start, member: 1}\n", "degraded");
    Files.writeString(catalog.resolve("broken.yaml"), "name: broken\nclusters: 7\n");
    Files.writeString(catalog.resolve("notes.txt"), "not a scenario");
  }

  private static CatalogCheck.Hazard hazard(CatalogCheck c, String name) {
    return c.hazards().stream().filter(h -> h.name().equals(name)).findFirst().orElseThrow(
        () -> new AssertionError("no hazard " + name + " in " + c.lines()));
  }

  @Test
  void aHazardAShortSearchFindsIsRediscoveredAndTheRestAreSaidWhy() throws Exception {
    Explorer.Result r;
    CatalogCheck c;
    try (Engine e = new ThreadEngine(2)) {
      r = new Explorer("seed-join", 3, KINDS, 1).explore(24, () -> false, e, (x, y) -> { }, 3);
      c = CatalogCheck.of(catalog, r, e);
    }
    String text = String.join("\n", c.lines());
    assertEquals(List.of("add-answer-lost", "first-joiner-never-starts", "long-pause",
        "profiled"), c.hazards().stream().map(CatalogCheck.Hazard::name).toList(), text);

    CatalogCheck.Hazard found = hazard(c, "first-joiner-never-starts");
    assertEquals(CatalogCheck.Status.REDISCOVERED, found.status(), text);
    Explorer.Finding f = r.findings().get(found.by());
    assertEquals("stuck", f.outcome());
    assertEquals(found.run().mechanism(), f.mechanism());
    assertTrue(f.mechanism().startsWith("joiner added but never joined"), f.mechanism());
    int k = f.shrunk().schedule().faults().size();
    assertTrue(text.contains("first-joiner-never-starts (stuck, 1 fault; explore's form: stuck: "
        + f.mechanism() + ")\n      rediscovered by finding " + (found.by() + 1) + " (" + k
        + " fault" + (k == 1 ? "" : "s") + ", catalog 1): " + (k <= 1 ? "no larger" : "larger")),
        text);

    assertEquals(CatalogCheck.Status.NOT_SEARCHABLE, hazard(c, "add-answer-lost").status());
    assertTrue(text.contains("not searchable: needs kind add-timeout"), text);
    assertNotNull(hazard(c, "add-answer-lost").run(), "a kind-only need still runs");
    assertTrue(text.contains("not searchable: needs config timing.profile etcd"), text);
    assertNull(hazard(c, "profiled").run(), "explore's form would drop its config: not run");
    assertTrue(text.contains("not searchable: needs faults playing out until 90s"
        + " (explore's end by 70s, without long runs)"), text);

    assertTrue(text.contains("left out: 1 of other strategies (static 1)"), text);
    assertTrue(text.contains("seed-join at other sizes, not searched at 3 members: five (5)"),
        text);
    assertTrue(text.contains("explained by their own faults, so no finding to make:"
        + " joiner-never-starts-degraded (degraded)"), text);
    assertTrue(text.contains("unreadable: broken (line 2:11: clusters must be a list"), text);
    assertFalse(text.contains(catalog.toString() + "/"), "no path but the catalog's: " + text);
    assertTrue(text.contains("  profiled (stuck, 1 fault)\n"), text);
    assertFalse(text.contains("notes"), text);
    assertTrue(text.contains("finding " + (found.by() + 1) + " (stuck: " + f.mechanism()
        + "): rediscovers first-joiner-never-starts"), text);
    for (int i = 0; i < r.findings().size(); i++) {
      if (i != found.by()) {
        assertTrue(text.contains("finding " + (i + 1) + " (" + r.findings().get(i).outcome()),
            text);
      }
    }
  }

  /** The same catalog against made-up results: nothing found, and a finding with more faults. */
  @Test
  void aHazardNotFoundIsMissedAndALargerFindingIsMarkedAndAnotherIsNew() {
    Explorer.Result none = new Explorer.Result("seed-join", 3, KINDS, 1, 0, 0, 0, List.of(),
        List.of(), false);
    CatalogCheck missed;
    try (Engine e = new ThreadEngine(1)) {
      missed = CatalogCheck.of(catalog, none, e);
    }
    CatalogCheck.Hazard h = hazard(missed, "first-joiner-never-starts");
    assertEquals(CatalogCheck.Status.MISSED, h.status(), String.join("\n", missed.lines()));
    assertTrue(missed.lines().contains("      missed"), String.join("\n", missed.lines()));

    Schedule two = new Schedule("seed-join", 3, 9, List.of(
        new FaultDef.NeverStart(0, null, 1, 0),
        new FaultDef.Crash(30_000_000L, null, 0, false, OptionalLong.of(1_000_000L), 0)));
    Run same = new Run(two, "stuck", h.run().mechanism(), List.of(), "made up");
    Run other = new Run(two, "degraded", "a made-up mechanism", List.of(), "made up");
    Explorer.Result found = new Explorer.Result("seed-join", 3, KINDS, 1, 16, 0, 0, List.of(
        finding(other), finding(same)), List.of(), false);
    CatalogCheck c;
    try (Engine e = new ThreadEngine(1)) {
      c = CatalogCheck.of(catalog, found, e);
    }
    String text = String.join("\n", c.lines());
    assertEquals(1, hazard(c, "first-joiner-never-starts").by(), text);
    assertTrue(text.contains("rediscovered by finding 2 (2 faults, catalog 1): larger (its kinds"
        + " crash, never-start, the catalog's never-start)"), text);
    assertTrue(text.contains("finding 1 (degraded: a made-up mechanism): new"), text);
    assertTrue(text.contains("1 rediscovered (0 no larger than the catalog's), 0 missed"), text);
    String md = c.markdown(List.of("finding-01-x", "finding-02-y"));
    assertTrue(md.contains("| first-joiner-never-starts | stuck | 1 | stuck: " + same.mechanism()
        + " | rediscovered by [finding-02-y](finding-02-y.yaml) (2 faults, catalog 1): larger"),
        md);
    assertTrue(md.contains("| [finding-01-x](finding-01-x.yaml) | degraded | a made-up mechanism"
        + " | 2 | new |"), md);
  }

  private static Explorer.Finding finding(Run run) {
    return new Explorer.Finding("seed-join", 3, run.outcome(), run.mechanism(), run, 0, 1, run,
        List.of(), 0);
  }

  /**
   * A discovery scenario on tidb-operator's AWS layout with tidb-operator v1.0 and a pause of
   * 5 minutes is searchable by a search with long runs (it varies both and draws faults until
   * 900 s), and run in explore's form with both; without long runs only its timing stands in
   * the way. A layout the search never draws still needs config.
   */
  @Test
  void aDiscoveryScenarioOnTheAwsLayoutWithV10AndALongPauseIsSearchableWithLongRuns()
      throws Exception {
    String head = "name: NAME\nseed: 1\ninfra:\n  workerGroups:\n    - {name: pd, count: COUNT,"
        + " instanceType: m5d.xlarge, labels: {dedicated: pd},"
        + " taints: [\"dedicated=pd:NoSchedule\"]}\n    - {name: other, count: 1, instanceType:"
        + " m5.xlarge}\nclusters:\n  - name: basic\n    strategy: discovery\n"
        + "    pd: {replicas: 3}\n    timing: {tidbOperatorVersion: \"1.0\"}\nfaults:\n"
        + "  - {at: 60s, kind: pause, member: 1, for: 300s}\nduration: 420s\nexpect:\n"
        + "  outcome: degraded\n";
    Files.writeString(catalog.resolve("hung-aws.yaml"), head.replace("NAME", "hung-aws")
        .replace("COUNT", "4"));
    Files.writeString(catalog.resolve("hung-three-nodes.yaml"), head.replace("NAME",
        "hung-three-nodes").replace("COUNT", "3"));
    List<FaultKind> kinds = List.of(FaultKind.PAUSE, FaultKind.CRASH);
    CatalogCheck withLong;
    CatalogCheck without;
    try (Engine e = new ThreadEngine(2)) {
      withLong = CatalogCheck.of(catalog, new Explorer.Result("discovery", 3, kinds, 1, 0, 0, 0,
          List.of(), List.of(), true), e);
      without = CatalogCheck.of(catalog, new Explorer.Result("discovery", 3, kinds, 1, 0, 0, 0,
          List.of(), List.of(), false), e);
    }
    String text = String.join("\n", withLong.lines());
    CatalogCheck.Hazard aws = hazard(withLong, "hung-aws");
    assertNull(aws.needs(), text);
    assertNotNull(aws.run(), text);
    assertEquals("1.0", aws.run().schedule().operatorVersion());
    assertTrue(aws.run().schedule().dedicated());
    assertEquals(410_000_000L, aws.run().schedule().durationUs());
    assertEquals("needs config infra.workerGroups", hazard(withLong, "hung-three-nodes").needs(),
        text);
    assertEquals("needs faults playing out until 360s (explore's end by 70s, without long runs)",
        hazard(without, "hung-aws").needs(), String.join("\n", without.lines()));
  }
}
