package io.pdlab.cli;

import io.pdlab.reports.Report;
import io.pdlab.reports.Results;
import io.pdlab.reports.RunRecord;
import io.pdlab.reports.Summary;
import io.pdlab.scenarios.model.Backend;
import io.pdlab.scenarios.model.ClusterDef;
import io.pdlab.scenarios.model.FaultDef;
import io.pdlab.scenarios.model.FaultKind;
import io.pdlab.scenarios.model.Infra;
import io.pdlab.scenarios.engine.Engine;
import io.pdlab.scenarios.engine.Engines;
import io.pdlab.scenarios.engine.SerialFunction;
import io.pdlab.scenarios.engine.ThreadEngine;
import io.pdlab.scenarios.model.Scenario;
import io.pdlab.scenarios.run.ScenarioRunner;
import io.pdlab.scenarios.yaml.ScenarioParser;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs every combination of strategy, size and fault {@code runs} times on the simulated backend
 * (seeds {@code seed .. seed+runs-1}), shows a progress bar, prints a summary table and writes
 * {@code results.json}, {@code report.html} and {@code report.md}. Runs are independent and
 * deterministic, so they are spread over the cores and collected in order: the same options give
 * the same results.json byte for byte.
 */
@Command(name = "compare", mixinStandardHelpOptions = true,
    description = "Compare bootstrap strategies across sizes and faults; write results and report.")
final class CompareCommand implements Callable<Integer> {
  /** The faults compare knows, applied to one PD member of each run. */
  static final List<String> FAULTS = List.of("none", "late-member", "never-member",
      "crash-member", "partition-member");

  /** The backends compare runs on: those that run here. */
  static final List<Backend> BACKENDS = java.util.Arrays.stream(Backend.values())
      .filter(b -> b.unavailable() == null).toList();

  @Option(names = "--backend", defaultValue = "sim",
      description = "sim (default, virtual time), etcd (real etcd processes on loopback),"
          + " etcd-containers (real etcd in containers) or k8s (a real Kubernetes control plane"
          + " under the operators, its pods real etcd processes); real runs go one at a time")
  String backend;

  @Option(names = "--strategies", split = ",",
      defaultValue = "static,seed-join,seed-join-learner,discovery,v2-static",
      description = "strategies to compare (default: all five)")
  List<String> strategies;

  @Option(names = "--members", split = ",", defaultValue = "1,3,5,7",
      description = "cluster sizes (default: 1,3,5,7)")
  List<Integer> members;

  @Option(names = "--runs", description = "runs per combination (100 on sim, 3 on a real"
      + " backend)")
  Integer runs;

  @Option(names = "--seed", defaultValue = "1", description = "first seed (1)")
  long seed;

  @Option(names = "--faults", split = ",", defaultValue = "none,never-member",
      description = "none, late-member, never-member, crash-member, partition-member "
          + "(default: none,never-member)")
  List<String> faults;

  @Option(names = "--duration",
      description = "longest time of a run (300s virtual on sim, 120s on a real backend); a run"
          + " that bootstrapped ends 30 s (sim) or 3 s (real) after its bootstrap and faults")
  String duration;

  @Option(names = "--threads", defaultValue = "0",
      description = "worker threads (default: one per core)")
  int threads;

  @Option(names = "--engine", defaultValue = "threads",
      description = "where simulated runs execute: threads (default: this JVM's threads) or"
          + " spark (Apache Spark; ./pdlab adds Spark to the class path, see --master)")
  String engine;

  @Option(names = "--master", description = "with --engine spark: the Spark master (default"
      + " local[*], or what spark-submit configured), e.g. local-cluster[2,1,1024] or"
      + " spark://host:7077")
  String master;

  @Option(names = "--out", defaultValue = "reports/out", description = "output directory")
  Path out;

  boolean real() {
    return !backend.equals("sim");
  }

  @Override
  public Integer call() throws Exception {
    if (runs == null) {
      runs = real() ? 3 : 100;
    }
    if (duration == null) {
      duration = real() ? "120s" : "300s";
    }
    validate();
    long durationUs;
    try {
      durationUs = ScenarioParser.parseDuration(duration);
    } catch (IllegalArgumentException e) {
      throw new BadInputException("--duration: " + e.getMessage());
    }
    if (durationUs <= 0) {
      throw new BadInputException("--duration: must be positive, got " + duration);
    }
    Backend on = Backend.of(backend).orElseThrow();
    List<CompareRun> work = new ArrayList<>();
    for (String strategy : strategies) {
      for (int n : members) {
        for (String fault : faults) {
          if (n == 1 && (fault.equals("never-member") || fault.equals("partition-member"))) {
            continue; // a one-member cluster has no other member to lose or cut off
          }
          for (int i = 0; i < runs; i++) {
            work.add(new CompareRun(on, strategy, n, fault, seed + i, durationUs));
          }
        }
      }
    }
    if (real()) {
      warmUp(on, durationUs, Map.of(), System.err);
    }
    List<String> failed = new ArrayList<>();
    List<RunRecord> records;
    if (real()) {
      List<Callable<RunRecord>> calls = new ArrayList<>();
      work.forEach(w -> calls.add(w::run));
      records = executeReal(calls, System.err, failed);
    } else {
      try (Engine e = Engines.open(engine, master, threads, "pdlab compare")) {
        records = execute(e, work, CompareRun::run, System.err);
      }
    }
    Results results = Results.of("pdlab compare", records);
    Report.write(out, results, real() ? Report.Timelines.NONE : timelines(on, durationUs));
    printSummary(results, System.out);
    System.out.println("wrote " + out.resolve("results.json") + ", " + out.resolve("report.html")
        + " and " + out.resolve("report.md"));
    return reportFailures(failed, work.size(), System.err);
  }

  private void validate() {
    if (!BACKENDS.contains(Backend.of(backend).orElse(null))) {
      StringBuilder known = new StringBuilder();
      for (Backend b : BACKENDS) {
        known.append(known.length() == 0 ? "" : ", ").append(b);
      }
      for (Backend b : Backend.values()) {
        if (b.unavailable() != null) {
          known.append("; ").append(b).append(" cannot run here: ").append(b.unavailable());
        }
      }
      throw new BadInputException("--backend: unknown backend '" + backend + "' (known: "
          + known + ")");
    }
    Backend on = Backend.of(backend).orElseThrow();
    for (String f : faults) {
      if (!FAULTS.contains(f)) {
        continue; // said below
      }
      // on the largest cluster, where every preset has its fault, whatever --members says
      for (FaultDef d : preset(f, ScenarioParser.MAX_PD_REPLICAS)) {
        FaultKind.Refusal refusal = d.kind().refusal(on);
        if (refusal != null) {
          throw new BadInputException("--faults " + f + ": " + refusal.message("--backend"));
        }
      }
    }
    Checks.strategies(strategies);
    Checks.members(members);
    for (String f : faults) {
      if (!FAULTS.contains(f)) {
        throw new BadInputException("--faults: unknown fault '" + f + "' (known: "
            + String.join(", ", FAULTS) + ")");
      }
    }
    Checks.runs(runs);
    Checks.engine(engine, master);
    if (real() && !engine.equals("threads")) {
      throw new BadInputException("--engine " + engine + ": real backends run on this machine,"
          + " one run at a time; --engine spark is for --backend sim");
    }
  }

  /**
   * The report's timeline charts of simulated runs: the run again (the same scenario and seed,
   * so the same run), traced, drawn as the hazard atlas draws a finding.
   */
  static Report.Timelines timelines(Backend on, long durationUs) {
    return r -> io.pdlab.explore.Timelines.svg(scenario(on, r.strategy(), r.members(), r.fault(),
        r.seed(), durationUs, Map.of()), true);
  }

  /**
   * One simulated or real run of a compare: what it is, and {@link #run} to do it. Serializable,
   * so that a cluster engine can run it in another JVM.
   */
  record CompareRun(Backend backend, String strategy, int members, String fault, long seed,
      long durationUs) implements java.io.Serializable {
    RunRecord run() {
      Scenario sc = scenario(backend, strategy, members, fault, seed, durationUs, Map.of());
      return Records.of(ScenarioRunner.run(sc, null, null, true), strategy, members, fault);
    }
  }

  /**
   * One real run that is not recorded, before the measured ones: the first real run in a JVM
   * loads and compiles the gRPC, netty and jetcd code the measures use, and its bootstrap was
   * measured at 1.0-1.3 s in every calibration batch here (6 of 6) where a one-member static
   * bootstrap takes 0.15-1.05 s; counted, it moved the first cell's median by a rank. A
   * one-member static bootstrap is the shortest real run that goes through all of that code.
   */
  static void warmUp(Backend backend, long durationUs, Map<String, String> timing,
      PrintStream progress) {
    progress.println(backend + ": one warm-up run first, not counted (static, 1 member)");
    ScenarioRunner.run(scenario(backend, "static", 1, "none", 0, durationUs, timing), null, null,
        true);
  }

  /**
   * One run on {@code backend}: a cluster of {@code n} members under a strategy, with one fault
   * on one member and the cluster's timing overrides {@code timing}.
   */
  static Scenario scenario(Backend backend, String strategy, int n, String fault, long seed,
      long durationUs, Map<String, String> timing) {
    return new Scenario("compare", strategy + "-" + n + "-" + fault, backend, seed,
        Infra.DEFAULT, List.of(new ClusterDef("basic", strategy, n, 0, 0, new TreeMap<>(timing))),
        preset(fault, n), durationUs, null);
  }

  /**
   * The faults of preset {@code fault} (one of {@link #FAULTS}) on a cluster of {@code n}
   * members: a member starts 20 s late, a member never starts, member 0 crashes at 5 s and
   * restarts 10 s later, or member 0 is cut off from the others from 3 s to 23 s (none with one
   * member: there is no other).
   */
  static List<FaultDef> preset(String fault, int n) {
    int victim = Math.min(1, n - 1);
    return switch (fault) {
      case "late-member" -> List.of(new FaultDef.LateStart(0, null, n - 1, 20_000_000, 0));
      case "never-member" -> List.of(new FaultDef.NeverStart(0, null, victim, 0));
      case "crash-member" -> List.of(new FaultDef.Crash(5_000_000, null, 0, false,
          OptionalLong.of(10_000_000), 0));
      case "partition-member" -> {
        if (n == 1) {
          yield List.of();
        }
        List<Integer> rest = new ArrayList<>();
        for (int i = 1; i < n; i++) {
          rest.add(i);
        }
        yield List.of(new FaultDef.Partition(3_000_000, null, List.of(List.of(0), rest),
            OptionalLong.of(20_000_000), 0));
      }
      default -> List.of();
    };
  }

  /**
   * Runs {@code work} one at a time on a real backend: a run that fails (a component that did not
   * start, a write the API server refused) is reported and left out, and the others go on, so
   * that one failure does not throw away an hour of real runs. The failures' messages are added
   * to {@code failed}.
   */
  static List<RunRecord> executeReal(List<Callable<RunRecord>> work, PrintStream progress,
      List<String> failed) throws InterruptedException {
    List<RunRecord> out = new ArrayList<>();
    Progress bar = new Progress(progress, work.size());
    for (Callable<RunRecord> c : work) {
      try {
        out.add(c.call());
      } catch (InterruptedException e) {
        throw e;
      } catch (Exception e) {
        failed.add(String.valueOf(e.getMessage()));
        progress.println();
        progress.println("a run failed and is left out: " + e.getMessage());
      }
      bar.step();
    }
    bar.done();
    return out;
  }

  /** After the results are written: what failed, and the exit code (0 if nothing did). */
  static int reportFailures(List<String> failed, int total, PrintStream err) {
    if (failed.isEmpty()) {
      return 0;
    }
    err.println(failed.size() + " of " + total + " real runs failed and are not in the results:");
    failed.forEach(f -> err.println("  " + f));
    return 1;
  }

  /** Runs {@code work} on this JVM's threads (0: one per core) with a progress bar, in order. */
  static List<RunRecord> execute(List<Callable<RunRecord>> work, PrintStream progress,
      int threads) {
    List<Integer> indices = new ArrayList<>();
    for (int i = 0; i < work.size(); i++) {
      indices.add(i);
    }
    try (ThreadEngine e = new ThreadEngine(threads)) {
      return execute(e, indices, i -> {
        try {
          return work.get(i).call();
        } catch (RuntimeException x) {
          throw x;
        } catch (Exception x) {
          throw new IllegalStateException(x.getMessage(), x);
        }
      }, progress);
    }
  }

  /**
   * Runs {@code work} on {@code engine} with a progress bar; the results come back in the order
   * of {@code work} whatever the engine, so the same options give the same results.json.
   */
  static <T extends java.io.Serializable, R extends java.io.Serializable> List<R> execute(
      Engine engine, List<T> work, SerialFunction<T, R> f, PrintStream progress) {
    Progress bar = new Progress(progress, work.size());
    try {
      return engine.map(work, f, k -> {
        synchronized (bar) {
          for (int i = 0; i < k; i++) {
            bar.step();
          }
        }
      });
    } finally {
      bar.done();
    }
  }

  static void printSummary(Results results, PrintStream out) {
    out.printf("%-18s %3s %-17s %5s %7s %7s %6s %6s %6s %6s%n", "strategy", "n", "fault", "runs",
        "p50(s)", "p95(s)", "ok", "degr", "stuck", "split");
    for (Summary s : results.summaries()) {
      out.printf(java.util.Locale.ROOT, "%-18s %3d %-17s %5d %7s %7s %5.0f%% %5.0f%% %5.0f%% %5.0f%%%n", s.strategy(),
          s.members(), s.fault(), s.count(), seconds(s.bootstrapMs() == null ? null
              : s.bootstrapMs().p50()), seconds(s.bootstrapMs() == null ? null
              : s.bootstrapMs().p95()), 100 * s.outcomeShares().share("ok"),
          100 * s.outcomeShares().share("degraded"), 100 * s.outcomeShares().share("stuck"),
          100 * s.outcomeShares().share("split-brain"));
    }
  }

  private static String seconds(Long ms) {
    return ms == null ? "never" : String.format(java.util.Locale.ROOT, "%.1f", ms / 1000.0);
  }
}
