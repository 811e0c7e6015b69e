package io.pdlab.reports;

import static io.pdlab.reports.Fixtures.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {
  @TempDir Path dir;

  private static final Results DATA = Results.of("pdlab test", Fixtures.dataset());

  @Test
  void writesTheThreeFiles() throws IOException {
    Path out = dir.resolve("out");
    Report.write(out, DATA);
    assertEquals(List.of("report.html", "report.md", "results.json"), list(out));
    assertArrayEquals(ResultsJson.toBytes(DATA), Files.readAllBytes(out.resolve("results.json")));
    assertEquals(List.of("out"), list(dir), "no temporary directory left behind");
  }

  @Test
  void htmlHasTheSectionsAndEmbeddedCharts() throws IOException {
    Path out = dir.resolve("out");
    Report.write(out, DATA);
    String html = Files.readString(out.resolve("report.html"));
    for (String id : List.of("question", "answer", "summary", "bootstrap", "join-cost",
        "windows", "outcomes", "timelines", "method")) {
      assertTrue(html.contains("id=\"" + id + "\""), "section " + id);
    }
    assertTrue(count(html, "data:image/png;base64,") >= 4, "at least four embedded charts");
    assertFalse(html.contains("http://"), "self-contained");
    assertFalse(html.contains("https://"), "self-contained");
    assertFalse(html.matches("(?s).*(src|href)=\"(?!data:).*"), "no external src or href");
    // a representative timeline per strategy
    for (String s : Ordering.STRATEGIES) {
      assertTrue(html.contains("pod " + s + "-0 created"), s);
    }
  }

  @Test
  void markdownHasTheSameTables() throws IOException {
    Path out = dir.resolve("out");
    Report.write(out, DATA);
    String md = Files.readString(out.resolve("report.md"));
    for (String h : List.of("## The question", "## The short answer", "## Summary",
        "## Bootstrap time", "## Cost per join", "## Unavailable and zero-tolerance time",
        "## Outcome matrix", "## Membership timelines")) {
      assertTrue(md.contains(h), h);
    }
    assertTrue(md.contains("| backend | strategy | N | fault |"));
    assertFalse(md.contains("base64"));
    assertEquals(Report.markdown(DATA), md);
  }

  @Test
  void shortAnswerFollowsTheData() {
    List<String> answer = new Analysis(DATA).answer();
    String text = String.join("\n", answer);
    // seed-join is the slowest at both sizes, static the fastest
    assertTrue(text.contains("sim, 3 members (no fault): fastest static"), text);
    assertTrue(text.contains("slowest seed-join (p50"), text);
    assertTrue(text.contains("sim, 5 members (no fault): fastest static"), text);
    // the one split-brain, under its fault
    assertTrue(text.contains("discovery ended split-brain under fault pd-unreachable in 1 of 20 "
        + "runs (5.0%; 3 members)."), text);
    assertTrue(text.contains("Never stuck, split-brain or data-loss in these runs: static, "
        + "seed-join, seed-join-learner, v2-static."), text);
    // the HTML carries the same sentences
    String html = Report.html(DATA);
    assertTrue(html.contains("discovery ended split-brain under fault pd-unreachable"));
  }

  @Test
  void shortAnswerChangesWithTheData() {
    // now discovery is slowest and nothing failed
    Results other = Results.of("t", List.of(
        run("sim", "seed-join", 3, 1, "none", "ok", 2000L),
        run("sim", "discovery", 3, 1, "none", "ok", 9000L),
        run("sim", "static", 3, 1, "none", "ok", 5000L)));
    String text = String.join("\n", new Analysis(other).answer());
    assertTrue(text.contains("fastest seed-join (p50 2.00 s), slowest discovery (p50 9.00 s, "
        + "4.5x the fastest)"), text);
    assertTrue(text.contains("No run ended stuck, split-brain or data-loss."), text);
  }

  @Test
  void sameInputGivesTheSameReport() throws IOException {
    Path a = dir.resolve("a");
    Path b = dir.resolve("b");
    Report.write(a, DATA);
    Report.write(b, Results.of("pdlab test", Fixtures.dataset()));
    for (String f : Report.FILES) {
      assertArrayEquals(Files.readAllBytes(a.resolve(f)), Files.readAllBytes(b.resolve(f)), f);
    }
  }

  @Test
  void replacesAPreviousReport() throws IOException {
    Path out = dir.resolve("out");
    Report.write(out, Results.of("old", List.of(run("sim", "static", 3, 1, "none", "ok", 1L))));
    Report.write(out, DATA);
    assertArrayEquals(ResultsJson.toBytes(DATA), Files.readAllBytes(out.resolve("results.json")));
    assertEquals(List.of("out"), list(dir));
  }

  @Test
  void parentIsAFileLeavesNothingBehind() throws IOException {
    Path file = dir.resolve("file");
    Files.writeString(file, "x");
    Path out = file.resolve("out");
    assertThrows(IOException.class, () -> Report.write(out, DATA));
    assertEquals(List.of("file"), list(dir));
    assertEquals("x", Files.readString(file));
  }

  @Test
  void failureBeforeTheSwapKeepsThePreviousReport() throws IOException {
    Path out = dir.resolve("out");
    Results old = Results.of("old", List.of(run("sim", "static", 3, 1, "none", "ok", 1L)));
    Report.write(out, old);
    byte[] before = Files.readAllBytes(out.resolve("report.html"));
    IOException e = assertThrows(IOException.class, () -> Report.write(out, DATA, Report.Timelines.NONE, tmp -> {
      assertTrue(Files.exists(tmp.resolve("report.html")));
      throw new IOException("disk full");
    }));
    assertEquals("disk full", e.getMessage());
    assertEquals(List.of("out"), list(dir), "temporary directory removed");
    assertArrayEquals(before, Files.readAllBytes(out.resolve("report.html")));
    assertArrayEquals(ResultsJson.toBytes(old), Files.readAllBytes(out.resolve("results.json")));
  }

  @Test
  void refusesToReplaceADirectoryWithOtherContent() throws IOException {
    Path out = dir.resolve("runs");
    Files.createDirectories(out);
    Files.writeString(out.resolve("results-sim.json"), "{}");
    IOException e = assertThrows(IOException.class, () -> Report.write(out, DATA));
    assertTrue(e.getMessage().contains("results-sim.json"), e.getMessage());
    assertEquals(List.of("results-sim.json"), list(out));
    assertEquals(List.of("runs"), list(dir));
  }

  @Test
  void rebuildMergesResultsFiles() throws IOException {
    Path in = dir.resolve("in");
    Files.createDirectories(in.resolve("one"));
    Files.createDirectories(in.resolve("two"));
    List<RunRecord> all = Fixtures.dataset();
    ResultsJson.write(in.resolve("one/results.json"),
        Results.of("pdlab test", all.subList(0, 100)));
    ResultsJson.write(in.resolve("two/results.json"),
        Results.of("pdlab test", all.subList(100, all.size())));
    Path out = dir.resolve("out");
    Results merged = Report.rebuild(in, out);
    assertEquals(DATA, merged);
    assertArrayEquals(ResultsJson.toBytes(DATA), Files.readAllBytes(out.resolve("results.json")));
    // rebuilding into its own input directory reads its own results.json once, not twice
    Report.rebuild(out, out);
    assertArrayEquals(ResultsJson.toBytes(DATA), Files.readAllBytes(out.resolve("results.json")));
  }

  @Test
  void emptyAndMultiBackendInputsStillGiveAReport() throws IOException {
    Path empty = dir.resolve("empty");
    Report.write(empty, Results.of("t", List.of()));
    assertTrue(Files.readString(empty.resolve("report.html")).contains("No run ended stuck"));

    Path both = dir.resolve("both");
    Report.write(both, Results.of("t", List.of(
        run("k3s", "static", 3, 1, "none", "ok", 9000L),
        run("sim", "static", 3, 1, "none", "ok", 3000L),
        run("sim", "seed-join", 3, 1, "kill-joiner", "stuck", null))));
    String html = Files.readString(both.resolve("report.html"));
    assertTrue(html.contains("static @k3s"), "backends told apart");
    assertTrue(html.contains("seed-join @sim ended stuck under fault kill-joiner in 1 of 1 runs"),
        "hazard named");
    assertTrue(count(html, "data:image/png;base64,") >= 4);
  }

  @Test
  void simAndEtcdRecordsGiveTheCalibrationSection() throws IOException {
    List<RunRecord> in = new ArrayList<>();
    for (long seed = 1; seed <= 6; seed++) {
      // sim 3.1..3.6 s, etcd 3.6..4.1 s: medians 3.3 and 3.8, 95% intervals the extremes
      in.add(run("sim", "static", 3, seed, "none", "ok", 3000 + seed * 100));
      in.add(run("etcd", "static", 3, seed, "none", "ok", 3500 + seed * 100));
      // sim 10 s, etcd-containers 15 s with another tick and one run that never bootstrapped
      in.add(run("sim", "seed-join", 3, seed, "none", "ok", 10_000L));
      in.add(CalibrationTest.withParam(run("etcd-containers", "seed-join", 3, seed, "none",
          seed == 5 ? "stuck" : "ok", seed == 5 ? null : 15_000L), "tickMs", "100"));
    }
    Results results = Results.of("pdlab calibrate", in);
    Path out = dir.resolve("out");
    Report.write(out, results);
    String md = Files.readString(out.resolve("report.md"));

    int summary = md.indexOf("## Summary");
    int calibration = md.indexOf("## Calibration: simulator against real etcd");
    int bootstrap = md.indexOf("## Bootstrap time");
    assertTrue(summary >= 0 && summary < calibration && calibration < bootstrap,
        "after the summary, before bootstrap time");
    String section = md.substring(calibration, bootstrap);
    assertTrue(section.contains("| strategy | n | fault | backend | sim median (s) "
        + "| sim p10–p90 (s) | real median (s) | real p10–p90 (s) | runs sim/real "
        + "| ratio sim/real | ratio 95% range | in band (0.8–1.25) |"), section);
    // 3300 / 3800 = 0.868...; range 3100 / 4100 = 0.756.. to 3600 / 3600
    assertTrue(section.contains("| static | 3 | none | etcd | 3.30 | 3.10–3.60 | 3.80 "
        + "| 3.60–4.10 | 6 / 6 | 0.87 | 0.76–1.00 | yes |"), section);
    // 10000 / 15000 = 0.667, and the params differ; 5 bootstrapped real runs give no range
    assertTrue(section.contains("| seed-join | 3 | none | etcd-containers | 10.00 "
        + "| 10.00–10.00 | 15.00 | 15.00–15.00 | 6 / 6 (5 bootstrapped) "
        + "| 0.67 (params differ: tickMs) | - | no |"), section);
    assertTrue(section.contains("the same parameters, the params of their records, except "
        + "where a row's ratio says \"params differ\""), section);
    assertTrue(section.contains("Outside the band: 1 of 2 rows."), section);
    // static (p90 under 10 s on both sides) is split by whole seconds; seed-join (10 s, 15 s) not
    assertTrue(section.contains("| strategy | n | fault | backend | sim: runs by second "
        + "| real: runs by second |"), section);
    assertTrue(section.contains("| static | 3 | none | etcd | 3 s 100% | 3 s 67% · 4 s 33% |"),
        section);
    assertFalse(section.contains("| seed-join | 3 | none | etcd-containers | 10+ s"), section);
    // what a ratio can tell: static's sides differ (D = 5/6 with six runs each: p = 2 C(12, 1) /
    // C(12, 6) = 0.026), seed-join's too (D = 1, six against five: 2 / C(11, 5) = 0.0043);
    // a sim of one value is always in band with itself
    assertTrue(section.contains("| strategy | n | fault | backend | runs sim/real "
        + "| in band (0.8–1.25) | KS p | in band if real = sim |"), section);
    long[] staticSim = {3100, 3200, 3300, 3400, 3500, 3600};
    assertTrue(section.contains("| static | 3 | none | etcd | 6 / 6 | yes | 0.026 | "
        + Math.round(100 * TwoSample.chanceInBand(staticSim, 6, 6)) + "% |"), section);
    assertTrue(section.contains("| seed-join | 3 | none | etcd-containers "
        + "| 6 / 6 (5 bootstrapped) | no | 0.0043 | 100% |"), section);
    assertTrue(section.contains("Differ at 0.05: 2 of 2 rows; out of band without differing: 0."),
        section);

    // the summary keeps the backends apart
    assertTrue(md.contains("| sim | static | 3 | none | 6 | 6 | 3.30 / "), md);
    assertTrue(md.contains("| etcd | static | 3 | none | 6 | 6 | 3.80 / "), md);

    String html = Files.readString(out.resolve("report.html"));
    assertTrue(html.contains("<h2 id=\"calibration\">Calibration: simulator against real etcd"
        + "</h2>"));
    assertTrue(html.contains("<td class=\"o-degraded\">0.67 (params differ: tickMs)</td>"
        + "<td>-</td><td class=\"o-stuck\">no</td>"), "flagged and out of band");
    assertTrue(html.contains("<td>0.87</td><td>0.76–1.00</td><td class=\"o-ok\">yes</td>"),
        "in band");

    assertEquals(md, Report.markdown(Results.of("pdlab calibrate", in)), "deterministic");
  }

  @Test
  void calibrationCountsRowsWithoutARatio() {
    Results results = Results.of("t", List.of(
        run("sim", "static", 3, 1, "none", "ok", 1000L),
        run("etcd", "static", 3, 1, "none", "ok", 1000L),
        run("sim", "discovery", 3, 1, "none", "stuck", null),
        run("etcd", "discovery", 3, 1, "none", "ok", 2000L)));
    String md = Report.markdown(results);
    assertTrue(md.contains("in every row the simulator's and the real records carry the same "
        + "params."), md);
    assertTrue(md.contains("| discovery | 3 | none | etcd | - | - | 2.00 | 2.00–2.00 "
        + "| 1 (0 bootstrapped) / 1 | - | - |"), md);
    assertTrue(md.contains("Outside the band: 0 of 2 rows; 1 more has no ratio (a side never "
        + "bootstrapped)."), md);
    // a side without times has nothing to test: the row is left out of what a ratio can tell
    assertTrue(md.contains("| static | 3 | none | etcd | 1 / 1 | yes | 1 | 100% |"), md);
    assertFalse(md.contains("| discovery | 3 | none | etcd | 1 (0 bootstrapped) / 1 | "), md);
    assertTrue(md.contains("Differ at 0.05: 0 of 1 rows; out of band without differing: 0."), md);
  }

  @Test
  void noCalibrationSectionWithoutBothSides() {
    for (Results r : List.of(DATA, Results.of("t", List.of(
        run("etcd", "static", 3, 1, "none", "ok", 3000L),
        run("etcd-containers", "static", 3, 1, "none", "ok", 3000L))))) {
      assertFalse(Report.markdown(r).contains("Calibration"));
      assertFalse(Report.html(r).contains("Calibration"));
    }
  }

  @Test
  void ratioTextNeverContradictsTheBand() {
    assertEquals("0.87", Report.ratioText(0.868, true));
    assertEquals("0.80", Report.ratioText(0.8, true));
    assertEquals("1.25", Report.ratioText(1.25, true));
    // two decimals would show 0.80 and 1.25, which read as in band
    assertEquals("0.79996", Report.ratioText(0.79996, false));
    assertEquals("1.2504", Report.ratioText(1.2504, false));
  }

  private static List<String> list(Path d) throws IOException {
    try (Stream<Path> s = Files.list(d)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private static int count(String s, String needle) {
    int n = 0;
    for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }
}
