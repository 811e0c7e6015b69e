package io.pdlab.cli;

import io.pdlab.reports.Calibration;
import io.pdlab.reports.Report;
import io.pdlab.reports.Results;
import io.pdlab.reports.ResultsFormatException;
import io.pdlab.reports.ResultsJson;
import io.pdlab.reports.RunRecord;
import io.pdlab.scenarios.model.Backend;
import io.pdlab.scenarios.model.Scenario;
import io.pdlab.scenarios.run.ScenarioRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
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
      description = "the real backend: etcd (processes, default), etcd-containers or k8s")
  String backend;

  @Option(names = "--strategies", split = ",",
      defaultValue = "static,seed-join,seed-join-learner,discovery,v2-static",
      description = "strategies (default: all five)")
  List<String> strategies;

  @Option(names = "--members", split = ",", defaultValue = "1,3,5",
      description = "cluster sizes (default: 1,3,5)")
  List<Integer> members;

  @Option(names = "--runs",
      description = "real runs per (strategy, size) (10); the simulator runs 10 times as many")
  Integer runs;

  @Option(names = "--real-from", split = ",", paramLabel = "PATH",
      description = "take the real runs from these results.json files or directories (earlier"
          + " calibrations, merged, a run read twice counted once) instead of running etcd; the"
          + " simulator runs 10 times as many per (strategy, size) as were found")
  List<Path> realFrom;

  @Option(names = "--seed", defaultValue = "1", description = "first seed (1)")
  long seed;

  @Option(names = "--timing",
      description = "etcd: operator cadence and pod delays zero (the default on etcd and"
          + " etcd-containers); model: the model's defaults (the default on k8s, whose pods"
          + " real kubelets start)")
  String timing;

  @Option(names = "--cases", split = ",", defaultValue = "none,ordered-ready,events",
      description = "with --backend k8s, what to run besides each strategy's plain start"
          + " (none): ordered-ready (static with podManagementPolicy OrderedReady), events"
          + " (discovery at 3 members: a PD crash-looping, a 4th PD Pending, a pd node lost);"
          + " default all three")
  List<String> cases;

  @Option(names = "--duration", defaultValue = "120s",
      description = "longest time of one run (120s)")
  String duration;

  @Option(names = "--out", defaultValue = "reports/calibration",
      description = "output directory (reports/calibration)")
  Path out;

  /** Real runs per (strategy, size) when {@code --runs} is not given. */
  static final int DEFAULT_RUNS = 10;

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
    if (realFrom != null) {
      return fromRecorded(durationUs, overrides);
    }
    int runs = this.runs == null ? DEFAULT_RUNS : this.runs;
    List<Callable<RunRecord>> simWork = new ArrayList<>();
    List<Callable<RunRecord>> realWork = new ArrayList<>();
    for (KubeCase c : cells()) {
      simWork.addAll(work(Backend.SIM, c, runs * 10, durationUs, overrides));
      realWork.addAll(work(real(), c, runs, durationUs, overrides));
    }
    System.err.println("simulator: " + simWork.size() + " runs");
    List<RunRecord> records = new ArrayList<>(CompareCommand.execute(simWork, System.err, 0));
    CompareCommand.warmUp(real(), durationUs, overrides, System.err);
    System.err.println(backend + ": " + realWork.size() + " runs, one at a time");
    List<String> failed = new ArrayList<>();
    records.addAll(CompareCommand.executeReal(realWork, System.err, failed));
    int code = finish(records, "");
    return code != 0 ? code : CompareCommand.reportFailures(failed, realWork.size(), System.err);
  }

  /**
   * {@code --real-from}: the real runs of each (strategy, size) are the recorded ones that match
   * this calibration (the backend, no fault, the same params as the simulator's runs get), and
   * the simulator runs ten times as many of it. A (strategy, size) without any is an error.
   */
  private Integer fromRecorded(long durationUs, TreeMap<String, String> overrides)
      throws Exception {
    List<Results> parts = new ArrayList<>();
    for (Path p : realFrom) {
      try {
        parts.add(Files.isDirectory(p) ? ResultsJson.readAll(p) : ResultsJson.read(p));
      } catch (NoSuchFileException e) {
        throw new BadInputException("--real-from: " + p + ": no such file or directory");
      } catch (ResultsFormatException e) {
        throw new BadInputException("--real-from: " + e.getMessage());
      } catch (IOException e) {
        String m = String.valueOf(e.getMessage());
        throw new BadInputException("--real-from: " + (m.contains(p.toString()) ? m
            : p + ": " + m));
      }
    }
    List<RunRecord> recorded = Results.merge(parts).records();
    List<Callable<RunRecord>> simWork = new ArrayList<>();
    List<RunRecord> real = new ArrayList<>();
    boolean kube = backend.equals("k8s");
    for (KubeCase c : cells()) {
      Scenario probe = scenario(Backend.SIM, c, seed, durationUs, overrides);
      Map<String, String> params = Records.params(probe);
      List<RunRecord> found = new ArrayList<>();
      int otherParams = 0;
      for (RunRecord r : recorded) {
        if (r.backend().equals(backend) && r.strategy().equals(c.strategy())
            && r.members() == c.members() && r.fault().equals(c.name())) {
          if (r.params().equals(params)) {
            found.add(r);
          } else {
            otherParams++;
          }
        }
      }
      if (found.isEmpty()) {
        throw new BadInputException("--real-from: no " + backend + " runs of " + c.strategy()
            + " with " + c.members() + " member(s), " + (kube ? "case " : "fault ") + c.name()
            + " and params " + params + " in " + realFrom
            + (otherParams == 0 ? "" : " (" + otherParams + " with other params)"));
      }
      System.err.printf(Locale.ROOT, "%s %d%s: %d %s runs recorded%s%n", c.strategy(),
          c.members(), kube ? " " + c.name() : "", found.size(), backend, otherParams == 0 ? ""
              : " (" + otherParams + " more with other params, left out)");
      real.addAll(found);
      simWork.addAll(work(Backend.SIM, c, found.size() * 10, durationUs, overrides));
    }
    System.err.println("simulator: " + simWork.size() + " runs");
    List<RunRecord> records = new ArrayList<>(CompareCommand.execute(simWork, System.err, 0));
    records.addAll(real);
    return finish(records, " --real-from " + realFrom.stream().map(Path::toString)
        .collect(Collectors.joining(",")));
  }

  /**
   * One cell of a calibration: a strategy at a size, its case ({@code none}, and on k8s
   * {@code ordered-ready} or {@code events}) being the record's fault.
   */
  record KubeCase(String strategy, int members, String name) {}

  /** What {@code --backend k8s} runs: every strategy and size plain, and the asked cases. */
  List<KubeCase> kubeCases() {
    List<KubeCase> out = new ArrayList<>();
    for (String strategy : strategies) {
      for (int n : members) {
        if (cases.contains("none")) {
          out.add(new KubeCase(strategy, n, "none"));
        }
        if (cases.contains("ordered-ready") && strategy.equals("static")) {
          out.add(new KubeCase(strategy, n, "ordered-ready"));
        }
      }
    }
    if (cases.contains("events") && strategies.contains("discovery")) {
      out.add(new KubeCase("discovery", EVENTS_MEMBERS, "events"));
    }
    return out;
  }

  /** The size of the {@code events} case: three PDs on three pd nodes. */
  static final int EVENTS_MEMBERS = 3;

  /**
   * The {@code events} case's faults: member 1's volume wiped at 40 s, after the bootstrap (PD
   * then cannot join again, "missing data or join a duplicated pd", and crash-loops); a fourth PD
   * asked for at 45 s, Pending with three pd nodes (tidb-scheduler's one PD per node); and node
   * pd-0 lost at 100 s (NotReady about 40 s later, then deleted; its PD collected by the pod GC
   * 40-60 s after that, created again and Pending on its local volume).
   */
  static final String EVENTS_FAULTS = """
      faults:
        - {at: 40s, kind: crash, member: 1, wipe: true}
        - {at: 45s, kind: set-replicas, cluster: basic, replicas: 4}
        - {at: 100s, kind: node-loss, node: pd-0}
      """;

  /** How long an {@code events} run lasts: the node loss and the replacement's wait included. */
  static final String EVENTS_DURATION = "230s";

  /**
   * The scenario of {@code c} on {@code on}: a pd worker group of one tainted node per member
   * (m5d, with local volumes) and one other node for discovery; on k8s the pd nodes are real
   * kubelets ({@code infra.nodes} default). The same text on both backends but its name.
   */
  static Scenario kubeScenario(Backend on, KubeCase c, long seed, long durationUs,
      Map<String, String> timing) {
    TreeMap<String, String> t = new TreeMap<>(timing);
    if (c.name().equals("ordered-ready")) {
      t.put("podManagementPolicy", "OrderedReady");
    }
    StringBuilder timingYaml = new StringBuilder();
    t.forEach((k, v) -> timingYaml.append(timingYaml.length() == 0 ? "" : ", ").append(k)
        .append(": ").append(v));
    boolean events = c.name().equals("events");
    String text = """
        name: calibrate-k8s-%s-%d-%s
        backend: %s
        seed: %d
        infra:
          workerGroups:
            - {name: pd, count: %d, instanceType: m5d.xlarge, labels: {dedicated: pd}, taints: ["dedicated=pd:NoSchedule"]}
            - {name: other, count: 1, instanceType: m5.xlarge}
        clusters:
          - name: basic
            strategy: %s
            pd: {replicas: %d}
            timing: {%s}
        %s
        duration: %s
        """.formatted(c.strategy(), c.members(), c.name(), on.label(), seed, c.members(),
        c.strategy(), c.members(), timingYaml, events ? EVENTS_FAULTS : "",
        events ? EVENTS_DURATION : (durationUs / 1_000) + "ms");
    return io.pdlab.scenarios.yaml.ScenarioParser.parse(text, "calibrate-k8s-" + c.strategy()
        + "-" + c.members() + "-" + c.name() + ".yaml");
  }

  /**
   * What this calibration runs, one cell per (strategy, size, case): on k8s
   * {@link #kubeCases}, elsewhere every strategy and size without fault.
   */
  private List<KubeCase> cells() {
    if (backend.equals("k8s")) {
      return kubeCases();
    }
    List<KubeCase> out = new ArrayList<>();
    for (String strategy : strategies) {
      for (int n : members) {
        out.add(new KubeCase(strategy, n, "none"));
      }
    }
    return out;
  }

  /** The scenario of cell {@code c} on {@code on}: the k8s calibration's, or compare's. */
  private Scenario scenario(Backend on, KubeCase c, long s, long durationUs,
      Map<String, String> overrides) {
    return backend.equals("k8s") ? kubeScenario(on, c, s, durationUs, overrides)
        : CompareCommand.scenario(on, c.strategy(), c.members(), c.name(), s, durationUs,
            overrides);
  }

  /**
   * {@code count} runs of cell {@code c} on {@code on}, seeds from --seed up; on k8s with the
   * member pods' times, and the events case for its whole duration (a run that bootstrapped
   * would otherwise end 30 s after its last fault, before a lost node's pod is collected and
   * created again).
   */
  private List<Callable<RunRecord>> work(Backend on, KubeCase c, int count, long durationUs,
      TreeMap<String, String> overrides) {
    boolean kube = backend.equals("k8s");
    boolean stopEarly = !c.name().equals("events");
    List<Callable<RunRecord>> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Scenario sc = scenario(on, c, seed + i, durationUs, overrides);
      out.add(() -> Records.of(ScenarioRunner.run(sc, null, null, stopEarly), c.strategy(),
          c.members(), c.name(), kube));
    }
    return out;
  }

  /** The real backend of --backend (checked by validate). */
  private Backend real() {
    return Backend.of(backend).orElseThrow();
  }

  private Integer finish(List<RunRecord> records, String from) throws IOException {
    Results results = Results.of("pdlab calibrate --backend " + backend + " --timing " + timing
        + from, records);
    Report.write(out, results);
    Calibration cal = Calibration.of(results);
    print(cal);
    printKube(io.pdlab.reports.KubeCalibration.of(results));
    System.out.println("wrote " + out.resolve("results.json") + ", " + out.resolve("report.html")
        + " and " + out.resolve("report.md"));
    return 0;
  }

  private void print(Calibration cal) {
    System.out.printf("%-18s %3s %9s %15s %9s %15s %9s %7s %11s %-7s %7s %s%n", "strategy", "n",
        "sim p50", "sim p10-p90", "real p50", "real p10-p90", "runs", "ratio", "95% range",
        "band", "KS p", "band if real=sim");
    for (Calibration.Row r : cal.rows()) {
      System.out.printf(Locale.ROOT, "%-18s %3d %9s %15s %9s %15s %9s %7s %11s %-7s %7s %s%n",
          r.strategy(), r.members(), s(r.sim().medianMs()),
          s(r.sim().p10Ms()) + "-" + s(r.sim().p90Ms()), s(r.real().medianMs()),
          s(r.real().p10Ms()) + "-" + s(r.real().p90Ms()),
          r.sim().runs() + "/" + r.real().runs(),
          r.ratio() == null ? "-" : String.format(Locale.ROOT, "%.2f", r.ratio()),
          r.ratioLow() == null || r.ratioHigh() == null ? "-"
              : String.format(Locale.ROOT, "%.2f-%.2f", r.ratioLow(), r.ratioHigh()),
          r.withinBand() ? "ok" : "OUTSIDE",
          r.ksP() == null ? "-" : Report.pValue(r.ksP()),
          r.chanceInBand() == null ? "-" : Math.round(100 * r.chanceInBand()) + "%");
    }
    for (Calibration.Row r : cal.rows()) {
      if (!r.withinBand() && Calibration.decidedInSeconds(r)) {
        System.out.printf(Locale.ROOT, "  %s %d by second: sim %s | real %s%n", r.strategy(),
            r.members(), r.sim().perSecondText(), r.real().perSecondText());
      }
    }
    long outside = cal.rows().stream().filter(r -> !r.withinBand()).count();
    long differ = cal.rows().stream().filter(r -> r.ksP() != null && r.ksP() < Report.KS_LEVEL)
        .count();
    System.out.println((outside == 0 ? "every ratio is within 0.8-1.25"
        : outside + " ratio(s) outside 0.8-1.25") + "; " + differ + " row(s) where simulator and"
        + " real times differ (KS p < " + Report.KS_LEVEL + ")");
  }

  private static void printKube(io.pdlab.reports.KubeCalibration k) {
    if (k.isEmpty()) {
      return;
    }
    System.out.println();
    System.out.println("Kubernetes: member pods' times from the install, simulator against real"
        + " kubelets");
    System.out.printf("%-18s %3s %-13s %-20s %9s %9s %7s %7s %11s %7s %s%n", "strategy", "n",
        "case", "time of", "sim p50", "real p50", "runs", "ratio", "95% range", "KS p",
        "band if real=sim");
    for (io.pdlab.reports.KubeCalibration.Row kr : k.rows()) {
      Calibration.Row r = kr.stats();
      System.out.printf(Locale.ROOT, "%-18s %3d %-13s %-20s %9s %9s %7s %7s %11s %7s %s%n",
          r.strategy(), r.members(), r.fault(), kr.measure(), s(r.sim().medianMs()),
          s(r.real().medianMs()), r.sim().bootstrapped() + "/" + r.real().bootstrapped(),
          r.ratio() == null ? "-" : String.format(Locale.ROOT, "%.2f", r.ratio()),
          r.ratioLow() == null || r.ratioHigh() == null ? "-"
              : String.format(Locale.ROOT, "%.2f-%.2f", r.ratioLow(), r.ratioHigh()),
          r.ksP() == null ? "-" : Report.pValue(r.ksP()),
          r.chanceInBand() == null ? "-" : Math.round(100 * r.chanceInBand()) + "%");
    }
    for (io.pdlab.reports.KubeCalibration.Message m : k.messages()) {
      System.out.println("Pending " + m.strategy() + " " + m.members() + " " + m.fault() + " "
          + m.pod() + (m.same() ? " (same text)" : " (DIFFERENT)") + ": sim " + m.sim()
          + " | real " + m.real());
    }
  }

  private static String s(Long ms) {
    return ms == null ? "never" : String.format(Locale.ROOT, "%.2fs", ms / 1000.0);
  }

  private void validate() {
    if (!backend.equals("etcd") && !backend.equals("etcd-containers") && !backend.equals("k8s")) {
      throw new BadInputException("--backend: calibrate runs against a real backend, etcd,"
          + " etcd-containers or k8s; got '" + backend + "'");
    }
    Checks.strategies(strategies);
    Checks.members(members);
    if (runs != null && realFrom != null) {
      throw new BadInputException("--runs and --real-from do not go together: with --real-from"
          + " the real runs are the recorded ones");
    }
    if (runs != null) {
      Checks.runs(runs);
    }
    if (realFrom != null && realFrom.isEmpty()) {
      throw new BadInputException("--real-from needs at least one results file or directory");
    }
    if (timing == null) {
      timing = backend.equals("k8s") ? "model" : "etcd";
    }
    for (String c : cases) {
      if (!List.of("none", "ordered-ready", "events").contains(c)) {
        throw new BadInputException("--cases: unknown case '" + c + "' (known: none,"
            + " ordered-ready, events)");
      }
    }
    if (backend.equals("k8s")) {
      for (int n : members) {
        if (n > ScenarioRunner.MAX_KUBELET_NODES) {
          throw new BadInputException("--members " + n + ": calibrate --backend k8s runs each"
              + " member on a real kubelet node of its own, and at most "
              + ScenarioRunner.MAX_KUBELET_NODES + " fit here");
        }
      }
    }
    if (!timing.equals("etcd") && !timing.equals("model")) {
      throw new BadInputException("--timing must be etcd or model, got '" + timing + "'");
    }
  }
}
