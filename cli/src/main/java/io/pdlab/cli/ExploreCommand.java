package io.pdlab.cli;

import io.pdlab.explore.Atlas;
import io.pdlab.explore.CatalogCheck;
import io.pdlab.explore.Explorer;
import io.pdlab.scenarios.engine.Engine;
import io.pdlab.scenarios.engine.Engines;
import io.pdlab.scenarios.model.FaultKind;
import io.pdlab.scenarios.yaml.ScenarioParser;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Searches fault schedules for one strategy and size on the simulator (the explore module), shows
 * a progress bar, prints the findings and writes them with the hazard atlas. A budget in runs
 * makes the search a function of its seed: the same options give the same files byte for byte,
 * whatever {@code --threads} says; a budget in time (wall clock, checked between batches of runs)
 * ends it when the time is up.
 */
@Command(name = "explore", mixinStandardHelpOptions = true,
    description = "Search fault schedules for runs whose outcome their faults do not explain;"
        + " shrink each to a minimal scenario and write the findings and a hazard atlas.",
    footer = {"", "Examples:",
        "  pdlab explore --strategy seed-join --members 3 --budget 2m --out /tmp/sj",
        "      two minutes of search; /tmp/sj gets one finding-NN-*.yaml (replay it with"
            + " pdlab run) and trace per finding, findings.md, atlas.md and atlas.html, and"
            + " catalog.md: each hazard scenarios/catalog pins for seed-join at 3 members,"
            + " rediscovered by a finding (no larger than the catalog's or not), missed, or not"
            + " searchable, and the findings it does not pin",
        "  pdlab explore --strategy discovery --members 3 --faults crash,partition"
            + " --budget 2000runs --seed 7",
        "      a reproducible search: the same seed and run budget give the same files"})
final class ExploreCommand implements Callable<Integer> {
  private static final Pattern RUNS = Pattern.compile("(\\d+)runs");

  @Option(names = "--strategy", required = true,
      description = "static, seed-join, seed-join-learner, discovery or v2-static")
  String strategy;

  @Option(names = "--members", defaultValue = "3", description = "cluster size (3)")
  int members;

  @Option(names = "--faults", split = ",",
      description = "fault kinds to search over (default: every kind the strategy takes on the"
          + " simulator, tc-write only with a TidbCluster; set-replicas resizes, on static as"
          + " a chart upgrade)")
  List<String> faults;

  @Option(names = "--budget", defaultValue = "2m",
      description = "when to stop: a time such as 120s or 10m (wall clock), or a number of runs"
          + " such as 2000runs (reproducible); default 2m")
  String budget;

  @Option(names = "--seed", defaultValue = "1", description = "the search's seed (1)")
  long seed;

  @Option(names = "--out", defaultValue = "reports/explore",
      description = "output directory, new or empty (reports/explore)")
  Path out;

  @Option(names = "--threads", defaultValue = "0",
      description = "worker threads (default: one per core); the findings do not depend on it")
  int threads;

  @Option(names = "--engine", defaultValue = "threads",
      description = "where the runs execute: threads (default: --threads of this JVM) or spark"
          + " (Apache Spark, see --master); the same seed and run budget give the same findings"
          + " on either")
  String engine;

  @Option(names = "--master", description = "with --engine spark: the Spark master (default"
      + " local[*], or what spark-submit configured)")
  String master;

  @Option(names = "--catalog",
      description = "the scenario catalog to compare the findings with (default "
          + CatalogCheck.DEFAULT_DIR + " in the working directory, skipped with a note when"
          + " absent)")
  Path catalog;

  @Option(names = "--long-runs", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "also draw long schedules (one fresh schedule in 8: faults until 15 minutes"
          + " of virtual time, members hung past a PD failover, liveness kills); with"
          + " --no-long-runs every run is 120 s, the benchmark's unit (default: on)")
  boolean longRuns;

  @Option(names = "--shrink-runs", defaultValue = "60",
      description = "at most this many runs to shrink each finding (60)")
  int shrinkRuns;

  @Override
  public Integer call() throws Exception {
    Checks.strategies(List.of(strategy));
    Checks.members(List.of(members));
    long maxRuns;
    long budgetMs;
    Matcher m = RUNS.matcher(budget.strip());
    if (m.matches()) {
      maxRuns = parseRuns(m.group(1));
      budgetMs = -1;
    } else {
      long us;
      try {
        us = ScenarioParser.parseDuration(budget);
      } catch (IllegalArgumentException e) {
        throw new BadInputException("--budget: '" + budget + "' is neither a time (120s, 10m)"
            + " nor a number of runs (2000runs): " + e.getMessage());
      }
      if (us <= 0) {
        throw new BadInputException("--budget: must be positive, got " + budget);
      }
      maxRuns = Long.MAX_VALUE;
      budgetMs = us / 1_000;
    }
    if (shrinkRuns < 0) {
      throw new BadInputException("--shrink-runs must be at least 0, got " + shrinkRuns);
    }
    List<FaultKind> kinds = null;
    if (faults != null) {
      kinds = new ArrayList<>();
      for (String f : faults) {
        kinds.add(FaultKind.of(f).orElseThrow(() -> new BadInputException("--faults: unknown"
            + " fault kind '" + f + "' (known: " + String.join(", ", FaultKind.labels()) + ")")));
      }
    }
    Explorer explorer;
    try {
      explorer = new Explorer(strategy, members, kinds, seed, null, longRuns);
    } catch (IllegalArgumentException e) {
      throw new BadInputException("--faults: " + e.getMessage());
    }
    String refusal = Atlas.refusal(out);
    if (refusal != null) {
      throw new BadInputException("--out: " + refusal);
    }
    if (catalog != null && !Files.isDirectory(catalog)) {
      throw new BadInputException("--catalog: " + catalog + " is not a directory");
    }
    Path catalogDir = catalog != null ? catalog : Path.of(CatalogCheck.DEFAULT_DIR);
    String command = "pdlab explore --strategy " + strategy + " --members " + members
        + " --faults " + String.join(",", explorer.kinds().stream().map(FaultKind::label)
            .toList()) + (longRuns ? "" : " --no-long-runs") + " --budget " + budget + " --seed "
        + seed;
    Checks.engine(engine, master);
    PrintStream err = System.err;
    try (Engine on = Engines.open(engine, master, threads, "pdlab explore")) {
      Progress bar = new Progress(err, 0);
      long start = System.nanoTime();
      long deadline = budgetMs < 0 ? Long.MAX_VALUE : start + budgetMs * 1_000_000;
      long runsBudget = maxRuns;
      Explorer.Result r = explorer.explore(maxRuns, () -> System.nanoTime() >= deadline,
          on, (runs, found) -> {
            double secs = Math.max(1e-3, (System.nanoTime() - start) / 1e9);
            String rate = String.format(Locale.ROOT, "%d runs, %.1f runs/s, %d finding%s, ",
                runs, runs / secs, found, found == 1 ? "" : "s");
            if (budgetMs < 0) {
              bar.show(runs, runsBudget, rate + (runsBudget - runs) + " runs left");
            } else {
              long elapsedMs = (System.nanoTime() - start) / 1_000_000;
              bar.show(elapsedMs, budgetMs, rate + Math.max(0, (budgetMs - elapsedMs) / 1000)
                  + "s left");
            }
          }, shrinkRuns);
      bar.done();
      List<CatalogCheck> checks = new ArrayList<>();
      if (Files.isDirectory(catalogDir)) {
        err.println("comparing with the catalog in " + catalogDir + "...");
        checks.add(CatalogCheck.of(catalogDir, r, on));
      } else {
        err.println("no scenario catalog at " + catalogDir + " (run from the repository root, or"
            + " give --catalog DIR): the findings are not compared with it");
      }
      err.println("shrinking and writing " + r.findings().size() + " finding"
          + (r.findings().size() == 1 ? "" : "s") + "...");
      List<Path> files = Atlas.write(out, List.of(r), checks, command);
      printFindings(r, files, System.out);
      for (CatalogCheck c : checks) {
        c.lines().forEach(System.out::println);
      }
      System.out.println("wrote " + out.resolve("findings.md") + ", " + out.resolve("atlas.md")
          + (checks.isEmpty() ? " and " : ", ") + out.resolve("atlas.html")
          + (checks.isEmpty() ? "" : " and " + out.resolve("catalog.md")));
      return 0;
    }
  }

  private static long parseRuns(String digits) {
    long n;
    try {
      n = Long.parseLong(digits);
    } catch (NumberFormatException e) {
      throw new BadInputException("--budget: " + digits + "runs is too many runs");
    }
    if (n < 1) {
      throw new BadInputException("--budget: at least 1 run, got " + digits + "runs");
    }
    return n;
  }

  static void printFindings(Explorer.Result r, List<Path> files, PrintStream out) {
    out.println(r.strategy() + " at " + r.members() + " members: " + r.runs() + " runs, "
        + r.corpus() + " schedules in the corpus, " + r.features() + " features reached, "
        + r.findings().size() + " finding" + (r.findings().size() == 1 ? "" : "s")
        + (r.unconfirmed().isEmpty() ? "" : " (" + r.unconfirmed().size()
            + " not shown again by a whole-duration run, left out)"));
    int i = 0;
    for (Explorer.Finding f : r.findings()) {
      out.printf(Locale.ROOT, "%2d. %-11s %s (%d run%s; minimal: %d members, %s)%n    %s%n", i + 1,
          f.outcome(), f.mechanism(), f.runs(), f.runs() == 1 ? "" : "s",
          f.shrunk().schedule().members(), f.shrunk().schedule().describe(), files.get(i));
      i++;
    }
  }
}
