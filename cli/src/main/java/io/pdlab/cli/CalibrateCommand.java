package io.pdlab.cli;

import io.pdlab.reports.Calibration;
import io.pdlab.reports.Report;
import io.pdlab.reports.Results;
import io.pdlab.reports.RunRecord;
import io.pdlab.scenarios.model.Scenario;
import io.pdlab.scenarios.run.ScenarioRunner;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs each strategy on real etcd and in the simulator with the same parameters and puts their
 * bootstrap times side by side: per (strategy, members) the median and spread on each, and the
 * ratio simulated/real, which should fall within 0.8-1.25. By default the operators' cadence and
 * the pods' start delays are set to zero on both sides ({@code --timing etcd}), so the times are
 * etcd's own bootstrap plus the protocol's steps, not the model's fixed waits; {@code --timing
 * model} keeps the model's defaults.
 */
@Command(name = "calibrate", mixinStandardHelpOptions = true,
    description = "Bootstrap time in the simulator against real etcd, per strategy and size.")
final class CalibrateCommand implements Callable<Integer> {
  @Option(names = "--backend", defaultValue = "etcd",
      description = "the real backend: etcd (processes, default) or etcd-containers")
  String backend;

  @Option(names = "--strategies", split = ",",
      defaultValue = "static,seed-join,seed-join-learner,discovery,v2-static",
      description = "strategies (default: all five)")
  List<String> strategies;

  @Option(names = "--members", split = ",", defaultValue = "1,3,5",
      description = "cluster sizes (default: 1,3,5)")
  List<Integer> members;

  @Option(names = "--runs", defaultValue = "10",
      description = "real runs per (strategy, size) (10); the simulator runs 10 times as many")
  int runs;

  @Option(names = "--seed", defaultValue = "1", description = "first seed (1)")
  long seed;

  @Option(names = "--timing", defaultValue = "etcd",
      description = "etcd: operator cadence and pod delays zero (default); model: the model's"
          + " defaults")
  String timing;

  @Option(names = "--duration", defaultValue = "120s",
      description = "longest time of one run (120s)")
  String duration;

  @Option(names = "--out", defaultValue = "reports/calibration",
      description = "output directory (reports/calibration)")
  Path out;

  /** The overrides of {@code --timing etcd}: no operator loop, no container start delay. */
  static TreeMap<String, String> etcdOnly() {
    TreeMap<String, String> t = new TreeMap<>();
    t.put("containerStartMs", "0");
    t.put("reconcileMs", "0");
    return t;
  }

  @Override
  public Integer call() throws Exception {
    validate();
    long durationUs;
    try {
      durationUs = io.pdlab.scenarios.yaml.ScenarioParser.parseDuration(duration);
    } catch (IllegalArgumentException e) {
      throw new BadInputException("--duration: " + e.getMessage());
    }
    TreeMap<String, String> overrides = timing.equals("etcd") ? etcdOnly() : new TreeMap<>();
    List<Callable<RunRecord>> simWork = new ArrayList<>();
    List<Callable<RunRecord>> realWork = new ArrayList<>();
    for (String strategy : strategies) {
      for (int n : members) {
        for (int i = 0; i < runs * 10; i++) {
          Scenario sc = CompareCommand.scenario("sim", strategy, n, "none", seed + i,
              durationUs, overrides);
          simWork.add(() -> Records.of(ScenarioRunner.run(sc, null, null, true), strategy, n,
              "none"));
        }
        for (int i = 0; i < runs; i++) {
          Scenario sc = CompareCommand.scenario(backend, strategy, n, "none", seed + i,
              durationUs, overrides);
          realWork.add(() -> Records.of(ScenarioRunner.run(sc, null, null, true), strategy, n,
              "none"));
        }
      }
    }
    System.err.println("simulator: " + simWork.size() + " runs");
    List<RunRecord> records = new ArrayList<>(CompareCommand.execute(simWork, System.err, 0));
    System.err.println(backend + ": " + realWork.size() + " runs, one at a time");
    records.addAll(CompareCommand.execute(realWork, System.err, 1));
    Results results = Results.of("pdlab calibrate --backend " + backend + " --timing " + timing,
        records);
    Report.write(out, results);
    Calibration cal = Calibration.of(results);
    print(cal);
    System.out.println("wrote " + out.resolve("results.json") + ", " + out.resolve("report.html")
        + " and " + out.resolve("report.md"));
    return 0;
  }

  private void print(Calibration cal) {
    System.out.printf("%-18s %3s %9s %15s %9s %15s %7s %11s %s%n", "strategy", "n", "sim p50",
        "sim p10-p90", "real p50", "real p10-p90", "ratio", "95% range", "band");
    for (Calibration.Row r : cal.rows()) {
      System.out.printf(Locale.ROOT, "%-18s %3d %9s %15s %9s %15s %7s %11s %s%n", r.strategy(),
          r.members(), s(r.sim().medianMs()), s(r.sim().p10Ms()) + "-" + s(r.sim().p90Ms()),
          s(r.real().medianMs()), s(r.real().p10Ms()) + "-" + s(r.real().p90Ms()),
          r.ratio() == null ? "-" : String.format(Locale.ROOT, "%.2f", r.ratio()),
          r.ratioLow() == null || r.ratioHigh() == null ? "-"
              : String.format(Locale.ROOT, "%.2f-%.2f", r.ratioLow(), r.ratioHigh()),
          r.withinBand() ? "ok" : "OUTSIDE");
    }
    for (Calibration.Row r : cal.rows()) {
      if (!r.withinBand() && Calibration.decidedInSeconds(r)) {
        System.out.printf(Locale.ROOT, "  %s %d by second: sim %s | real %s%n", r.strategy(),
            r.members(), r.sim().perSecondText(), r.real().perSecondText());
      }
    }
    long outside = cal.rows().stream().filter(r -> !r.withinBand()).count();
    System.out.println(outside == 0 ? "every ratio is within 0.8-1.25"
        : outside + " ratio(s) outside 0.8-1.25");
  }

  private static String s(Long ms) {
    return ms == null ? "never" : String.format(Locale.ROOT, "%.2fs", ms / 1000.0);
  }

  private void validate() {
    if (!backend.equals("etcd") && !backend.equals("etcd-containers")) {
      throw new BadInputException("--backend: calibrate runs against a real backend, etcd or"
          + " etcd-containers; got '" + backend + "'");
    }
    Checks.strategies(strategies);
    Checks.members(members);
    Checks.runs(runs);
    if (!timing.equals("etcd") && !timing.equals("model")) {
      throw new BadInputException("--timing must be etcd or model, got '" + timing + "'");
    }
  }
}
