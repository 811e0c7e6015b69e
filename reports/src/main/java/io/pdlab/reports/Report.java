package io.pdlab.reports;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Writes a run's output directory: {@code results.json}, {@code report.html} (one
 * self-contained file, charts embedded as PNG data URIs) and {@code report.md} (the same text and
 * tables). The report answers whether tidb-operator bootstraps PD the way etcd-operator
 * bootstraps etcd, why, and what each choice costs, with every claim computed from the records.
 *
 * <p>Output is all-or-nothing: everything is rendered in memory, written to a temporary
 * directory next to the output directory, and then renamed into place; a previous output
 * directory is moved aside first and deleted only once the new one is in place. On failure the
 * temporary directory is removed and the previous output is left as it was. To protect input
 * data, an existing output directory is replaced only if it holds nothing but these three files.
 */
public final class Report {
  /** The files an output directory holds, and the only ones it may hold to be replaced. */
  public static final List<String> FILES = List.of("results.json", "report.html", "report.md");

  /** Test seam: runs after the temporary directory is complete, before it is moved into place. */
  interface BeforeSwap {
    void accept(Path tempDir) throws IOException;
  }

  private Report() {}

  /**
   * Draws a run's timeline chart as an SVG document, or returns null when it cannot (a real
   * run, which cannot be run again); the report shows the membership lines instead.
   */
  public interface Timelines {
    /** No charts: every representative run as its membership lines. */
    Timelines NONE = r -> null;

    String svg(RunRecord run);
  }

  /** Writes {@code results} and its report to {@code outDir} (see the class comment). */
  public static void write(Path outDir, Results results) throws IOException {
    write(outDir, results, Timelines.NONE);
  }

  /**
   * Writes {@code results} and its report to {@code outDir}, with the representative runs'
   * timelines drawn by {@code timelines}.
   */
  public static void write(Path outDir, Results results, Timelines timelines)
      throws IOException {
    write(outDir, results, timelines, tmp -> {});
  }

  /**
   * {@code pdlab report --in DIR}: reads every {@code results*.json} under {@code inDir}, merges
   * them (summaries recomputed) and writes the report to {@code outDir}.
   */
  public static Results rebuild(Path inDir, Path outDir) throws IOException {
    Results merged = ResultsJson.readAll(inDir);
    write(outDir, merged);
    return merged;
  }

  static void write(Path outDir, Results results, Timelines timelines, BeforeSwap beforeSwap)
      throws IOException {
    Path target = outDir.toAbsolutePath().normalize();
    Path parent = target.getParent();
    if (parent == null) {
      throw new IOException(target + ": cannot write a report to a file system root");
    }
    checkReplaceable(target);

    // Render everything before touching the disk: a rendering failure writes nothing at all.
    byte[] json = ResultsJson.toBytes(results);
    Doc doc = render(results, timelines);
    byte[] html = doc.htmlBytes();
    byte[] md = doc.markdownBytes();

    if (Files.exists(parent) && !Files.isDirectory(parent)) {
      throw new NotDirectoryException(parent + " (parent of the report directory " + target + ")");
    }
    Files.createDirectories(parent);
    Path tmp = Files.createTempDirectory(parent, "." + target.getFileName() + ".tmp-");
    try {
      // A temporary directory is private (0700); the report directory is an ordinary one.
      if (Files.getFileStore(tmp).supportsFileAttributeView(PosixFileAttributeView.class)) {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
      }
      Files.write(tmp.resolve(FILES.get(0)), json);
      Files.write(tmp.resolve(FILES.get(1)), html);
      Files.write(tmp.resolve(FILES.get(2)), md);
      beforeSwap.accept(tmp);
      swap(tmp, target);
    } catch (IOException | RuntimeException | Error e) {
      try {
        deleteTree(tmp);
      } catch (IOException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
  }

  private static void checkReplaceable(Path target) throws IOException {
    if (!Files.exists(target)) {
      return;
    }
    if (!Files.isDirectory(target)) {
      throw new FileAlreadyExistsException(target.toString(), null,
          "exists and is not a directory; not replacing it with a report");
    }
    TreeSet<String> foreign = new TreeSet<>();
    try (Stream<Path> entries = Files.list(target)) {
      entries.map(p -> p.getFileName().toString()).filter(n -> !FILES.contains(n))
          .forEach(foreign::add);
    }
    if (!foreign.isEmpty()) {
      throw new IOException(target + ": holds entries that are not a report (" + String.join(", ",
          foreign) + "); refusing to replace it, choose an empty or new output directory");
    }
  }

  /** Moves {@code tmp} to {@code target}; an existing target is set aside until then. */
  private static void swap(Path tmp, Path target) throws IOException {
    if (!Files.exists(target)) {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      return;
    }
    Path old = tmp.resolveSibling(tmp.getFileName() + ".old");
    Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | RuntimeException e) {
      try {
        Files.move(old, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException restore) {
        e.addSuppressed(restore);
      }
      throw e;
    }
    try {
      deleteTree(old);
    } catch (IOException e) {
      throw new IOException("report written to " + target
          + ", but the previous one could not be removed from " + old, e);
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    List<Path> paths;
    try (Stream<Path> walk = Files.walk(root)) {
      paths = walk.sorted(Comparator.reverseOrder()).toList();
    }
    for (Path p : paths) {
      Files.deleteIfExists(p);
    }
  }

  // ---- content ----

  /** The report of {@code results} as HTML. */
  static String html(Results results) {
    return render(results, Timelines.NONE).html();
  }

  /** The report of {@code results} as Markdown. */
  static String markdown(Results results) {
    return render(results, Timelines.NONE).markdown();
  }

  private static Doc render(Results results, Timelines timelines) {
    Analysis a = new Analysis(results);
    Doc d = new Doc("pdlab report");
    d.heading(1, "top", "pdlab report");
    d.para(inputLine(results));

    d.heading(2, "question", "The question");
    d.para("Does tidb-operator bootstrap PD the way etcd-operator bootstraps etcd? Why, and what "
        + "does each choice cost in bootstrap time, unavailability, fault-tolerance windows, and "
        + "stuck or split-brain outcomes?");

    d.heading(2, "answer", "The short answer");
    d.para("No. etcd-operator (seed-join) grows etcd from a one-member seed by runtime joins, one "
        + "per reconcile. tidb-operator v1 (discovery) creates every PD pod at once and lets a "
        + "discovery service pick the last one to register to bootstrap alone while the others "
        + "join it concurrently; tidb-operator v2 (v2-static) starts them all at once from one "
        + "static member list. What the runs show:");
    d.bullets(a.answer());
    d.para("How each strategy in these runs bootstraps:");
    TreeSet<String> strategies = new TreeSet<>(Ordering.STRATEGY);
    results.records().forEach(r -> strategies.add(r.strategy()));
    List<String> how = new ArrayList<>();
    strategies.forEach(s -> how.add(s + ": " + Analysis.HOW.getOrDefault(s,
        "not described here (see its scenario)")));
    d.bullets(how);

    summaryTable(d, results);
    calibrationSection(d, Calibration.of(results));
    kubeCalibrationSection(d, KubeCalibration.of(results));
    bootstrapSection(d, a);
    joinSection(d, a);
    windowSection(d, a);
    outcomeSection(d, a);
    timelineSection(d, a, timelines);
    methodSection(d);
    return d;
  }

  private static String inputLine(Results results) {
    TreeSet<String> backends = new TreeSet<>(Ordering.BACKEND);
    TreeSet<String> strategies = new TreeSet<>(Ordering.STRATEGY);
    TreeSet<Integer> sizes = new TreeSet<>();
    TreeSet<String> faults = new TreeSet<>(Ordering.FAULT);
    for (RunRecord r : results.records()) {
      backends.add(r.backend());
      strategies.add(r.strategy());
      sizes.add(r.members());
      faults.add(r.fault());
    }
    return results.records().size() + " runs. Backends: " + String.join(", ", backends)
        + ". Strategies: " + String.join(", ", strategies) + ". Sizes: "
        + String.join(", ", sizes.stream().map(String::valueOf).toList()) + ". Faults: "
        + String.join(", ", faults) + ". Generated by: "
        + (results.generatedBy().isEmpty() ? "(unknown)" : results.generatedBy()) + ".";
  }

  private static void summaryTable(Doc d, Results results) {
    d.heading(2, "summary", "Summary");
    d.para("One row per backend, strategy, size and fault. Times are seconds as p50 / p95 / p99 "
        + "/ max (nearest rank); bootstrap time is over the runs that bootstrapped.");
    List<String> header = new ArrayList<>(List.of("backend", "strategy", "N", "fault", "runs",
        "bootstrapped", "bootstrap (s)", "unavailable (s)", "zero-tolerance (s)"));
    header.addAll(Outcomes.ALL);
    List<List<Doc.Cell>> rows = new ArrayList<>();
    for (Summary s : results.summaries()) {
      List<Doc.Cell> row = new ArrayList<>();
      row.add(Doc.Cell.of(s.backend()));
      row.add(Doc.Cell.of(s.strategy()));
      row.add(Doc.Cell.of(String.valueOf(s.members())));
      row.add(Doc.Cell.of(s.fault()));
      row.add(Doc.Cell.of(String.valueOf(s.count())));
      row.add(Doc.Cell.of(String.valueOf(s.bootstrapped())));
      row.add(Doc.Cell.of(quad(s.bootstrapMs())));
      row.add(Doc.Cell.of(quad(s.unavailableMs())));
      row.add(Doc.Cell.of(quad(s.zeroToleranceMs())));
      for (String o : Outcomes.ALL) {
        double share = s.outcomeShares().share(o);
        row.add(new Doc.Cell(Analysis.pct(share),
            share > 0 && !o.equals(Outcomes.OK) ? "o-" + o : null));
      }
      rows.add(row);
    }
    d.table(header, rows);
  }

  /**
   * The simulator against real etcd, when some (strategy, size, fault) ran on both; nothing
   * otherwise. Cell colours borrow the outcome matrix's classes: in band ok (green), out of band
   * stuck (orange), a ratio of runs with different params degraded (yellow).
   */
  private static void calibrationSection(Doc d, Calibration c) {
    if (c.isEmpty()) {
      return;
    }
    String band = plain(Calibration.BAND_LOW) + "–" + plain(Calibration.BAND_HIGH);
    boolean paramsMatch = c.rows().stream().allMatch(Calibration.Row::paramsMatch);
    d.heading(2, "calibration", "Calibration: simulator against real etcd");
    d.para("Each row puts one strategy, size and fault run on the simulator (sim) next to the "
        + "same on a real backend (etcd: etcd processes; etcd-containers: etcd in containers). "
        + "Bootstrap times are seconds over the runs that bootstrapped: the median and the "
        + "p10–p90 spread, nearest rank; the runs column counts every run, and how many "
        + "bootstrapped when not all did. The ratio is the simulator's median over the real "
        + "median: 1 means the simulator reproduces real etcd's bootstrap time, below 1 that it "
        + "is faster than real etcd, above 1 slower. A row is in band when "
        + plain(Calibration.BAND_LOW) + " <= ratio <= " + plain(Calibration.BAND_HIGH)
        + ", the issue's acceptance band; a row has no ratio when a side never bootstrapped (or "
        + "the real median is 0). The ratio's 95% range comes from each median's distribution-free "
        + "95% confidence interval (sign test; at least 6 runs): where it is wide, as for a "
        + "bimodal bootstrap time run a few times, the ratio itself is not settled and more runs "
        + "narrow it. Both sides ran with the same parameters, the params of their "
        + "records"
        + (paramsMatch
            ? ": in every row the simulator's and the real records carry the same params."
            : ", except where a row's ratio says \"params differ\" with the keys whose values "
                + "differ between its simulator and real records: that ratio compares runs with "
                + "different settings."));
    List<List<Doc.Cell>> rows = new ArrayList<>();
    int outside = 0;
    int noRatio = 0;
    for (Calibration.Row r : c.rows()) {
      if (r.ratio() == null) {
        noRatio++;
      } else if (!r.withinBand()) {
        outside++;
      }
      String ratio = r.ratio() == null ? "-" : ratioText(r.ratio(), r.withinBand());
      if (!r.paramsMatch()) {
        ratio += " (params differ: " + String.join(", ", r.paramsDiffer()) + ")";
      }
      rows.add(List.of(Doc.Cell.of(r.strategy()), Doc.Cell.of(String.valueOf(r.members())),
          Doc.Cell.of(r.fault()), Doc.Cell.of(r.realBackend()),
          Doc.Cell.of(seconds(r.sim().medianMs())), Doc.Cell.of(spread(r.sim())),
          Doc.Cell.of(seconds(r.real().medianMs())), Doc.Cell.of(spread(r.real())),
          Doc.Cell.of(runs(r.sim()) + " / " + runs(r.real())),
          new Doc.Cell(ratio, r.paramsMatch() ? null : "o-" + Outcomes.DEGRADED),
          rangeCell(r),
          bandCell(r)));
    }
    d.table(List.of("strategy", "n", "fault", "backend", "sim median (s)", "sim p10–p90 (s)",
        "real median (s)", "real p10–p90 (s)", "runs sim/real", "ratio sim/real",
        "ratio 95% range", "in band (" + band + ")"), rows);
    d.para("Outside the band: " + outside + " of " + c.rows().size() + " rows"
        + (noRatio == 0 ? "" : "; " + noRatio + " more " + (noRatio == 1 ? "has" : "have")
            + " no ratio (a side never bootstrapped)")
        + ".");
    List<List<Doc.Cell>> tell = new ArrayList<>();
    int differ = 0;
    int outsideNotDiffer = 0;
    for (Calibration.Row r : c.rows()) {
      if (r.ksP() == null) {
        continue;
      }
      boolean differs = r.ksP() < KS_LEVEL;
      differ += differs ? 1 : 0;
      outsideNotDiffer += !r.withinBand() && !differs ? 1 : 0;
      tell.add(List.of(Doc.Cell.of(r.strategy()), Doc.Cell.of(String.valueOf(r.members())),
          Doc.Cell.of(r.fault()), Doc.Cell.of(r.realBackend()),
          Doc.Cell.of(runs(r.sim()) + " / " + runs(r.real())),
          r.withinBand() ? new Doc.Cell("yes", "o-" + Outcomes.OK)
              : new Doc.Cell("no", "o-" + Outcomes.STUCK),
          new Doc.Cell(pValue(r.ksP()), differs ? "o-" + Outcomes.STUCK : "o-" + Outcomes.OK),
          Doc.Cell.of(Math.round(100 * r.chanceInBand()) + "%")));
    }
    if (!tell.isEmpty()) {
      d.para("What a row's ratio can tell. The KS p-value is the two-sample Kolmogorov–Smirnov "
          + "test's (exact; ties count against a difference): the chance that two samples of one "
          + "distribution lie as far apart as the simulator's and the real bootstrap times do. "
          + "Below " + plain(KS_LEVEL) + " the two differ by more than their runs scatter, and "
          + "the model has something to fix there; above it, these runs cannot tell the two "
          + "apart, in band or not. \"In band if real = sim\" is how often a row with these "
          + "numbers of runs would be in band if real etcd's times came from the simulator's own "
          + "distribution (" + TwoSample.BAND_TRIALS + " redraws of both sides from the "
          + "simulator's runs, fixed seed): where it is low, even an exact model is often "
          + "reported out of band at this many runs, because the time falls into a few widely "
          + "spaced values (whole-second start-up waits, 100 ms election ticks) and the median "
          + "of a few runs jumps between them. Differ at " + plain(KS_LEVEL) + ": " + differ
          + " of " + tell.size() + " rows; out of band without differing: " + outsideNotDiffer
          + ".");
      d.table(List.of("strategy", "n", "fault", "backend", "runs sim/real",
          "in band (" + band + ")", "KS p", "in band if real = sim"), tell);
    }
    List<List<Doc.Cell>> split = new ArrayList<>();
    for (Calibration.Row r : c.rows()) {
      if (Calibration.decidedInSeconds(r)) {
        split.add(List.of(Doc.Cell.of(r.strategy()), Doc.Cell.of(String.valueOf(r.members())),
            Doc.Cell.of(r.fault()), Doc.Cell.of(r.realBackend()),
            Doc.Cell.of(r.sim().perSecondText()), Doc.Cell.of(r.real().perSecondText())));
      }
    }
    if (!split.isEmpty()) {
      d.para("Where the runs fall, for the rows whose runs bootstrap within "
          + (Calibration.SECOND_BUCKETS - 1) + " s (p90) on both sides: the share of the "
          + "bootstrapped runs in each whole second of bootstrap time. A static bootstrap's time "
          + "is mostly whole seconds of etcd's start-up check (1 s per peer that is up but not "
          + "serving yet), so its runs fall into a few seconds; two sides with the same seconds in "
          + "different shares have medians in different seconds, and their ratio says more about "
          + "those shares than about the time of each outcome.");
      d.table(List.of("strategy", "n", "fault", "backend", "sim: runs by second",
          "real: runs by second"), split);
    }
  }

  private static void kubeCalibrationSection(Doc d, KubeCalibration k) {
    if (k.isEmpty()) {
      return;
    }
    d.heading(2, "kube-calibration", "Calibration: the Kubernetes model against real kubelets");
    d.para("What the Kubernetes half decides, timed on both sides by the same watcher of the "
        + "API (the model's store in the simulator, the real API server on k8s, where the pods "
        + "of the members' nodes are run by real kubelets): for the k-th member pod to appear, "
        + "when it was bound to a node (scheduled), first Running (started) and first Ready, in "
        + "seconds from the strategy's install; for the crash-looping PD of the events case, "
        + "when it restarted the first time and, for each later restart, how long after the one "
        + "before (the kubelet's back-off with its rounding to the pod worker's resync); and "
        + "when a pod lost with its node appeared again. The statistics are the bootstrap "
        + "calibration's: medians, the ratio with its 95% range, KS p, and how often a row of "
        + "that many runs would be in band if the real times came from the simulator's. The "
        + "fault column is the case: none (a plain start), ordered-ready (the StatefulSet's "
        + "podManagementPolicy OrderedReady instead of Parallel), events.");
    List<List<Doc.Cell>> rows = new ArrayList<>();
    int outside = 0;
    int differ = 0;
    for (KubeCalibration.Row kr : k.rows()) {
      Calibration.Row r = kr.stats();
      if (r.ratio() != null && !r.withinBand()) {
        outside++;
      }
      boolean differs = r.ksP() != null && r.ksP() < KS_LEVEL;
      differ += differs ? 1 : 0;
      rows.add(List.of(Doc.Cell.of(r.strategy()), Doc.Cell.of(String.valueOf(r.members())),
          Doc.Cell.of(r.fault()), Doc.Cell.of(kr.measure()),
          Doc.Cell.of(seconds(r.sim().medianMs())), Doc.Cell.of(spread(r.sim())),
          Doc.Cell.of(seconds(r.real().medianMs())), Doc.Cell.of(spread(r.real())),
          Doc.Cell.of(counted(r.sim()) + " / " + counted(r.real())),
          Doc.Cell.of(r.ratio() == null ? "-" : ratioText(r.ratio(), r.withinBand())),
          rangeCell(r),
          bandCell(r),
          r.ksP() == null ? Doc.Cell.of("-") : new Doc.Cell(pValue(r.ksP()),
              differs ? "o-" + Outcomes.STUCK : "o-" + Outcomes.OK),
          Doc.Cell.of(r.chanceInBand() == null ? "-"
              : Math.round(100 * r.chanceInBand()) + "%")));
    }
    if (!rows.isEmpty()) {
      d.table(List.of("strategy", "n", "case", "time of", "sim median (s)", "sim p10–p90 (s)",
          "real median (s)", "real p10–p90 (s)", "runs with it sim/real", "ratio sim/real",
          "ratio 95% range", "in band", "KS p", "in band if real = sim"), rows);
      d.para("Outside the band: " + outside + " of " + rows.size() + " rows; the two sides "
          + "differ (KS p < " + plain(KS_LEVEL) + ") in " + differ + ".");
    }
    if (!k.messages().isEmpty()) {
      List<List<Doc.Cell>> msgs = new ArrayList<>();
      for (KubeCalibration.Message m : k.messages()) {
        msgs.add(List.of(Doc.Cell.of(m.strategy()), Doc.Cell.of(String.valueOf(m.members())),
            Doc.Cell.of(m.fault()), Doc.Cell.of(m.pod()), Doc.Cell.of(reasons(m.sim())),
            Doc.Cell.of(reasons(m.real())), m.same() ? new Doc.Cell("yes", "o-" + Outcomes.OK)
                : new Doc.Cell("no", "o-" + Outcomes.STUCK)));
      }
      d.para("Why pods were last Pending, on each side (the scheduler's message, text for text; "
          + "in brackets how many runs showed it):");
      d.table(List.of("strategy", "n", "case", "pod", "sim", "real", "same text"), msgs);
    }
  }

  /** A row's ratio 95% range, or "-" where a side has no interval. */
  private static Doc.Cell rangeCell(Calibration.Row r) {
    return Doc.Cell.of(r.ratioLow() == null || r.ratioHigh() == null ? "-"
        : String.format(Locale.ROOT, "%.2f–%.2f", r.ratioLow(), r.ratioHigh()));
  }

  /** Whether a row's ratio is in band: yes, no, or "-" without a ratio. */
  private static Doc.Cell bandCell(Calibration.Row r) {
    return r.ratio() == null ? Doc.Cell.of("-")
        : r.withinBand() ? new Doc.Cell("yes", "o-" + Outcomes.OK)
        : new Doc.Cell("no", "o-" + Outcomes.STUCK);
  }

  private static String counted(Calibration.Side s) {
    return s.bootstrapped() + (s.bootstrapped() == s.runs() ? "" : " of " + s.runs());
  }

  private static String reasons(java.util.Map<String, Integer> r) {
    if (r.isEmpty()) {
      return "-";
    }
    List<String> parts = new ArrayList<>();
    r.forEach((text, n) -> parts.add(text + " (" + n + ")"));
    return String.join("; ", parts);
  }

  /** The KS p-value below which the report says a row's two sides differ. */
  public static final double KS_LEVEL = 0.05;

  /** A p-value with two significant digits, or {@code < 0.001}. */
  public static String pValue(double p) {
    return p < 0.001 ? "< 0.001" : new BigDecimal(p).round(new MathContext(2))
        .stripTrailingZeros().toPlainString();
  }

  /** A band edge without trailing zeros: {@code 0.8}, {@code 1.25}. */
  private static String plain(double v) {
    return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
  }

  /**
   * The ratio with two decimals, or more where two would round it across a band edge (0.7996
   * shown as 0.80 but out of band), so the text never contradicts the in-band column.
   */
  static String ratioText(double ratio, boolean withinBand) {
    for (int digits = 2; digits <= 6; digits++) {
      String text = String.format(Locale.ROOT, "%." + digits + "f", ratio);
      if (Calibration.inBand(Double.parseDouble(text)) == withinBand) {
        return text;
      }
    }
    return Double.toString(ratio);
  }

  private static String seconds(Long ms) {
    return ms == null ? "-" : Analysis.sec(ms).replace(" s", "");
  }

  private static String spread(Calibration.Side s) {
    return s.p10Ms() == null ? "-" : seconds(s.p10Ms()) + "–" + seconds(s.p90Ms());
  }

  private static String runs(Calibration.Side s) {
    return s.runs() + (s.bootstrapped() == s.runs() ? "" : " (" + s.bootstrapped()
        + " bootstrapped)");
  }

  private static void bootstrapSection(Doc d, Analysis a) {
    d.heading(2, "bootstrap", "Bootstrap time");
    d.para("From the first pod created to all N members voting and started under one leader "
        + "(and, for PD, the PD cluster ID written). Boxes span the quartiles with the median "
        + "line; whiskers reach the furthest values within 1.5 IQR; dots are outliers. Source: "
        + a.baselineLabel() + ".");
    d.image("bootstrap time distribution per strategy and size", Charts.bootstrapBoxes(a));
    List<List<Doc.Cell>> rows = new ArrayList<>();
    for (Analysis.Ranking rk : a.rankings()) {
      List<String> order = new ArrayList<>();
      for (Analysis.StrategyTime t : rk.order()) {
        order.add(t.strategy() + " " + (t.p50Ms() == null ? "never" : Analysis.sec(t.p50Ms())));
      }
      rows.add(List.of(Doc.Cell.of(rk.backend()), Doc.Cell.of(String.valueOf(rk.members())),
          Doc.Cell.of(String.join(" < ", order))));
    }
    d.table(List.of("backend", "N", "strategies by p50 bootstrap time, fastest first"), rows);
  }

  private static void joinSection(Doc d, Analysis a) {
    d.heading(2, "join-cost", "Cost per join");
    d.para("A join is one member added to a running cluster. Where a run recorded its joins "
        + "(joinCosts) they are used with what each was made of; otherwise a join-based strategy "
        + "(seed-join, seed-join-learner, discovery) is charged bootstrap time / (N-1) per join. "
        + "What drives it (protocols.md): etcd's strict-reconfig-check refuses an add until the "
        + "leader has been connected to every voter for 5 s, etcd-operator adds one member per "
        + "8 s reconcile, and a refused PD join exits and waits out kubelet's restart back-off. "
        + "Static strategies have no joins. Source: " + a.baselineLabel() + ".");
    List<Analysis.JoinCostRow> rows = a.joinCosts();
    d.image("per-join cost per strategy and size", Charts.joinCosts(a, rows));
    List<List<Doc.Cell>> table = new ArrayList<>();
    for (Analysis.JoinCostRow r : rows) {
      table.add(List.of(Doc.Cell.of(r.backend()), Doc.Cell.of(r.strategy()),
          Doc.Cell.of(String.valueOf(r.members())), Doc.Cell.of(String.valueOf(r.joins())),
          Doc.Cell.of(quad(r.stats())), Doc.Cell.of(r.source()),
          Doc.Cell.of(r.madeOf().isEmpty() ? "-" : String.join("; ", r.madeOf()))));
    }
    d.table(List.of("backend", "strategy", "N", "joins", "per join (s) p50 / p95 / p99 / max",
        "source", "made of (most frequent)"), table);
  }

  private static void windowSection(Doc d, Analysis a) {
    d.heading(2, "windows", "Unavailable and zero-tolerance time");
    d.para("Unavailable: time after the cluster first formed with no leader able to commit. "
        + "Zero-tolerance: time after first formation in which one more member failure would lose "
        + "quorum (started healthy voters < quorum + 1); a seed-based bootstrap spends its 1- and "
        + "2-voter phases here. Over all runs, faults included.");
    List<Analysis.Windows> rows = a.windows();
    d.image("unavailable and zero-tolerance time per strategy and size", Charts.windows(a, rows));
    List<List<Doc.Cell>> table = new ArrayList<>();
    for (Analysis.Windows w : rows) {
      table.add(List.of(Doc.Cell.of(w.backend()), Doc.Cell.of(w.strategy()),
          Doc.Cell.of(String.valueOf(w.members())), Doc.Cell.of(String.valueOf(w.runs())),
          Doc.Cell.of(quad(w.unavailable())), Doc.Cell.of(quad(w.zeroTolerance()))));
    }
    d.table(List.of("backend", "strategy", "N", "runs", "unavailable (s) p50 / p95 / p99 / max",
        "zero-tolerance (s) p50 / p95 / p99 / max"), table);
  }

  private static void outcomeSection(Doc d, Analysis a) {
    d.heading(2, "outcomes", "Outcome matrix");
    d.para("Share of runs per outcome, strategy (rows) by fault (columns), all sizes together. "
        + "ok: all N voting and started, one leader, one cluster ID; degraded: one cluster and a "
        + "serving quorum but fewer than N members; stuck: no serving quorum; split-brain: two or "
        + "more cluster IDs; data-loss: an acknowledged write missing. A cell is coloured by the "
        + "worst outcome in it.");
    Map<Ordering.Group, Map<String, Analysis.OutcomeCell>> m = a.outcomeMatrix();
    List<String> faults = a.faults();
    List<String> header = new ArrayList<>(List.of("strategy"));
    faults.forEach(f -> header.add("fault: " + f));
    List<List<Doc.Cell>> rows = new ArrayList<>();
    m.forEach((k, cells) -> {
      List<Doc.Cell> row = new ArrayList<>();
      row.add(Doc.Cell.of(a.label(k.backend(), k.strategy())));
      for (String f : faults) {
        Analysis.OutcomeCell c = cells.get(f);
        if (c == null) {
          row.add(Doc.Cell.of("-"));
          continue;
        }
        List<String> parts = new ArrayList<>();
        for (String o : Outcomes.ALL) {
          double share = c.shares().share(o);
          if (share > 0) {
            parts.add(o + " " + Analysis.pct(share));
          }
        }
        row.add(new Doc.Cell(String.join(", ", parts) + " (n=" + c.runs() + ")",
            "o-" + c.worst()));
      }
      rows.add(row);
    });
    d.table(header, rows);
    d.image("outcome share per strategy and fault", Charts.outcomes(a, m));
  }

  private static void timelineSection(Doc d, Analysis a, Timelines timelines) {
    d.heading(2, "timelines", "Membership timelines");
    d.para("One representative run per strategy: among its runs (" + a.baselineLabel()
        + ") the one whose bootstrap time is closest to the median.");
    for (Analysis.Representative rep : a.representatives()) {
      RunRecord r = rep.run();
      String label = a.label(r.backend(), r.strategy());
      d.heading(3, "timeline-" + label.replace(' ', '-').replace("@", ""), label);
      d.para("Scenario " + r.scenario() + ", backend " + r.backend() + ", " + r.members()
          + " members, fault " + r.fault() + ", seed " + r.seed() + ": " + r.outcome()
          + ", bootstrap " + (r.bootstrapMs() == null ? "never" : Analysis.sec(r.bootstrapMs()))
          + (rep.medianMs() == null ? "" : " (median " + Analysis.sec(rep.medianMs()) + ")")
          + "; etcd cluster IDs " + ids(r.etcdClusterIds()) + "; PD cluster IDs "
          + ids(r.pdClusterIds()) + ".");
      List<String> lines = r.timeline().isEmpty() ? List.of("(no timeline recorded)")
          : r.timeline();
      String svg = timelines.svg(r);
      if (svg == null) {
        d.pre(lines);
      } else {
        d.svg("members' states over time, faults as red bands (" + label + ")", svg, lines);
      }
    }
  }

  private static void methodSection(Doc d) {
    d.heading(2, "method", "Method");
    d.bullets(List.of(
        "Times are milliseconds of the run's clock (virtual for the simulator, wall clock for "
            + "real backends), shown here in seconds.",
        "Percentiles are nearest-rank: the p-th percentile of n sorted values is the value at "
            + "rank ceil(p/100 * n); every number shown was measured in some run.",
        "Outcomes are judged at the end of each run (protocols.md section 4); where two apply, "
            + "the later of ok, degraded, stuck, split-brain, data-loss wins.",
        "results.json holds every run and summary; its schema is docs/results-schema.md. The same "
            + "records always give the same results.json, byte for byte."));
  }

  private static String quad(TimeStats s) {
    if (s == null) {
      return "-";
    }
    return Analysis.sec(s.p50()).replace(" s", "") + " / " + Analysis.sec(s.p95()).replace(" s", "")
        + " / " + Analysis.sec(s.p99()).replace(" s", "") + " / "
        + Analysis.sec(s.max()).replace(" s", "");
  }

  private static String ids(List<String> ids) {
    return ids.isEmpty() ? "none" : String.join(", ", ids);
  }
}
