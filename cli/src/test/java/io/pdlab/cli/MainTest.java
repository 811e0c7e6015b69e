package io.pdlab.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pdlab.reports.Results;
import io.pdlab.reports.ResultsJson;
import io.pdlab.reports.RunRecord;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private PrintStream oldOut;
  private PrintStream oldErr;

  @BeforeEach
  void capture() {
    oldOut = System.out;
    oldErr = System.err;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restore() {
    System.setOut(oldOut);
    System.setErr(oldErr);
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void compareWritesResultsAndReportAndIsDeterministic(@TempDir Path dir) throws Exception {
    String[] args = {"compare", "--strategies", "static,seed-join", "--members", "1,3",
        "--faults", "none", "--runs", "2", "--out", dir.resolve("a").toString()};
    assertEquals(0, Main.execute(args), err());
    assertTrue(out().contains("seed-join            3 none"), out());
    for (String f : new String[] {"results.json", "report.html", "report.md"}) {
      assertTrue(Files.size(dir.resolve("a").resolve(f)) > 100, f);
    }
    args[args.length - 1] = dir.resolve("b").toString();
    assertEquals(0, Main.execute(args));
    assertArrayEquals(Files.readAllBytes(dir.resolve("a/results.json")),
        Files.readAllBytes(dir.resolve("b/results.json")), "same options, same bytes");
    String html = Files.readString(dir.resolve("a/report.html"));
    assertTrue(html.contains("data:image/png;base64,"), "charts embedded");
    assertFalse(html.contains("src=\"http"), "self-contained");
    // the representative runs as timeline charts, one per strategy, drawn from their traces
    assertEquals(2, html.split("<svg ", -1).length - 1, "a timeline chart per strategy");
    assertTrue(html.contains("<title>basic-1: leader ") || html.contains("<title>basic-0: leader ")
        || html.contains("<title>basic-2: leader "), "member states from the run's trace");
    String md = Files.readString(dir.resolve("a/report.md"));
    assertTrue(md.contains("(drawn in report.html)"), "Markdown names the chart");
    assertArrayEquals(Files.readAllBytes(dir.resolve("a/report.html")),
        Files.readAllBytes(dir.resolve("b/report.html")), "the charts are deterministic too");
  }

  @Test
  void reportRebuildsFromResults(@TempDir Path dir) throws Exception {
    assertEquals(0, Main.execute("compare", "--strategies", "static", "--members", "3",
        "--faults", "none", "--runs", "2", "--out", dir.resolve("r").toString()));
    Files.delete(dir.resolve("r/report.html"));
    assertEquals(0, Main.execute("report", "--in", dir.resolve("r").toString()));
    assertTrue(Files.exists(dir.resolve("r/report.html")));
    assertTrue(out().contains("from 2 runs"), out());
  }

  @Test
  void badUsageAndBadInputExitWithTwo(@TempDir Path dir) throws Exception {
    assertEquals(2, Main.execute("compare", "--strategies", "nope"));
    assertTrue(err().contains("unknown strategy 'nope'"), err());
    assertEquals(2, Main.execute("compare", "--runs", "x"));
    assertEquals(2, Main.execute("compare", "--duration", "5"));
    assertTrue(err().contains("--duration: '5' has no unit"), err());
    assertEquals(2, Main.execute("frobnicate"));
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, "name: x\nclusters:\n  - name: basic\n    strategy: statik\n"
        + "    pd: {replicas: 3}\n");
    assertEquals(2, Main.execute("run", bad.toString()));
    assertTrue(err().contains("bad.yaml:4:15: "), err());
    assertEquals(2, Main.execute("run", dir.resolve("missing.yaml").toString()));
    assertTrue(err().contains("missing.yaml: no such file"), err());
    assertEquals(2, Main.execute("report", "--in", dir.resolve("nowhere").toString()));
  }

  @Test
  void realBackendsRefuseWhatTheyCannotDo(@TempDir Path dir) throws Exception {
    assertEquals(2, Main.execute("compare", "--backend", "k3s"));
    assertTrue(err().contains("pdlab: --backend: unknown backend 'k3s' (known: sim, etcd,"
        + " etcd-containers, k8s; k3s cannot run here: the k3s backend needs a k3s container image, and"
        + " no image can be pulled on this machine (no registry is reachable); its members would"
        + " run under k3s's own kubelets, which comes with the real-kubelet work)\n"), err());
    assertEquals(2, Main.execute("compare", "--backend", "etcd", "--faults", "partition-member"));
    assertTrue(err().contains("pdlab: --faults partition-member: backend 'etcd' cannot partition"
        + " members (local processes share the host's loopback); use --backend etcd-containers\n"),
        err());
    assertEquals(2, Main.execute("calibrate", "--backend", "sim"));
    assertTrue(err().contains("calibrate runs against a real backend"), err());
    assertEquals(2, Main.execute("calibrate", "--timing", "fast"));
    assertTrue(err().contains("--timing must be etcd or model"), err());
    Path s = dir.resolve("p.yaml");
    Files.writeString(s, "name: cut\nbackend: etcd\nclusters:\n  - name: basic\n"
        + "    strategy: static\n    pd: {replicas: 3}\nfaults:\n"
        + "  - {at: 1s, kind: partition, groups: [[0], [1, 2]], for: 2s}\n");
    assertEquals(2, Main.execute("run", s.toString()));
    assertTrue(err().contains("p.yaml: backend 'etcd' cannot run this scenario")
        && err().contains("use backend etcd-containers"), err());
  }

  /** An etcd record as calibrate writes one: its default --timing etcd params and duration. */
  private static RunRecord etcdRun(String strategy, int members, long seed, long bootstrapMs,
      String durationMs) {
    TreeMap<String, String> params = new TreeMap<>(CalibrateCommand.etcdOnly());
    params.put("durationMs", durationMs);
    return new RunRecord(strategy + "-" + members + "-none", "etcd", strategy, members, seed,
        "none", "ok", bootstrapMs, 0, 30_000, List.of("8718fbeb7da5e04e"), List.of(), 0, params,
        List.of(), List.of());
  }

  @Test
  void calibrateTakesRecordedRealRunsAndRunsTheSimulatorTenTimesAsOften(@TempDir Path dir)
      throws Exception {
    List<RunRecord> a = new ArrayList<>();
    List<RunRecord> b = new ArrayList<>();
    for (long seed = 1; seed <= 4; seed++) {
      a.add(etcdRun("static", 1, seed, 300 + 100 * seed, "120000"));
      b.add(etcdRun("static", 1, seed + 10, 350 + 100 * seed, "120000"));
    }
    a.add(etcdRun("static", 1, 99, 5000, "60000")); // another duration: not this calibration
    b.add(a.get(0)); // the same run in both files counts once
    ResultsJson.write(dir.resolve("a.json"), Results.of("earlier", a));
    Files.createDirectories(dir.resolve("more"));
    ResultsJson.write(dir.resolve("more/results.json"), Results.of("earlier", b));
    String[] args = {"calibrate", "--strategies", "static", "--members", "1", "--real-from",
        dir.resolve("a.json") + "," + dir.resolve("more"), "--out", dir.resolve("c").toString()};
    assertEquals(0, Main.execute(args), err());
    assertTrue(err().contains("static 1: 8 etcd runs recorded (1 more with other params, left "
        + "out)"), err());
    Results c = ResultsJson.read(dir.resolve("c/results.json"));
    assertEquals(80, c.records().stream().filter(r -> r.backend().equals("sim")).count());
    assertEquals(8, c.records().stream().filter(r -> r.backend().equals("etcd")).count());
    assertTrue(c.generatedBy().contains("--real-from " + dir.resolve("a.json")), c.generatedBy());
    assertTrue(out().contains("ratio") && out().contains("static"), out());
    assertTrue(Files.readString(dir.resolve("c/report.md")).contains("| KS p |"));
    // again: the same bytes (the simulator's seeds and the recorded runs do not change)
    args[args.length - 1] = dir.resolve("d").toString();
    assertEquals(0, Main.execute(args), err());
    assertArrayEquals(Files.readAllBytes(dir.resolve("c/results.json")),
        Files.readAllBytes(dir.resolve("d/results.json")));
  }

  @Test
  void calibrateFromRecordedRunsRefusesWhatItCannotUse(@TempDir Path dir) throws Exception {
    ResultsJson.write(dir.resolve("a.json"), Results.of("earlier",
        List.of(etcdRun("static", 1, 1, 400, "120000"))));
    Path out = dir.resolve("out");
    assertEquals(2, Main.execute("calibrate", "--strategies", "static", "--members", "1,3",
        "--real-from", dir.resolve("a.json").toString(), "--out", out.toString()));
    assertTrue(err().contains("--real-from: no etcd runs of static with 3 member(s), fault none"),
        err());
    assertEquals(2, Main.execute("calibrate", "--real-from", dir.resolve("none.json").toString(),
        "--out", out.toString()));
    assertTrue(err().contains("none.json: no such file or directory"), err());
    Files.writeString(dir.resolve("bad.json"), "{\"schemaVersion\": 1, \"records\": [");
    assertEquals(2, Main.execute("calibrate", "--real-from", dir.resolve("bad.json").toString(),
        "--out", out.toString()));
    assertTrue(err().contains("bad.json: malformed JSON"), err());
    assertEquals(2, Main.execute("calibrate", "--runs", "5", "--real-from",
        dir.resolve("a.json").toString(), "--out", out.toString()));
    assertTrue(err().contains("--runs and --real-from do not go together"), err());
    assertFalse(Files.exists(out), "nothing written on a refusal");
  }

  @Test
  void runExitsOneWhenAnExpectationFails(@TempDir Path dir) throws Exception {
    Path s = dir.resolve("s.yaml");
    Files.writeString(s, "name: expect-the-impossible\nseed: 3\nclusters:\n  - name: basic\n"
        + "    strategy: seed-join\n    pd: {replicas: 3}\nfaults:\n"
        + "  - {at: 0s, kind: never-start, member: 1}\nduration: 60s\nexpect:\n  outcome: ok\n");
    Path trace = dir.resolve("t.jsonl");
    assertEquals(1, Main.execute("run", s.toString(), "--trace", trace.toString()));
    assertTrue(out().contains("EXPECTATION FAILED: outcome: expected ok, got stuck"), out());
    assertTrue(Files.readAllLines(trace).get(0).startsWith("{\"seq\":0,"));
  }
}
