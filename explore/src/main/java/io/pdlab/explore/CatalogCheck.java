package io.pdlab.explore;

import io.pdlab.pd.run.Outcome;
import io.pdlab.scenarios.engine.Engine;
import io.pdlab.scenarios.model.Backend;
import io.pdlab.scenarios.model.ClusterDef;
import io.pdlab.scenarios.model.FaultDef;
import io.pdlab.scenarios.model.FaultKind;
import io.pdlab.scenarios.model.Infra;
import io.pdlab.scenarios.model.Scenario;
import io.pdlab.scenarios.yaml.ScenarioException;
import io.pdlab.scenarios.yaml.ScenarioParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.IntFunction;
import java.util.stream.Stream;

/**
 * A search's findings next to the hazards the scenario catalog pins, as issue 17's acceptance
 * asks: explore rediscovers every hazard the catalog pins for the searched strategy, each shrunk
 * to a schedule no larger than the catalog's, and reports any others.
 *
 * <p>A catalog scenario pins a hazard explore could find when it is of the searched strategy and
 * PD size and its expected outcome is one its own faults do not explain (by {@link
 * Judge#explains}, the rule that judges explored runs). It is searchable when its fault kinds are
 * among the searched ones and it needs nothing the generator never varies: infrastructure other
 * than the layout a discovery search draws, a backend, timing other than the client's writes
 * (and for discovery the tidb-operator version), TiKV or TiDB, a second cluster; nor faults
 * that play out after the search's last change ({@link Explorer.Result#lastChangeUs}). Such a
 * scenario is run in explore's form ({@link Schedule#of}, {@link Run#full}: its strategy, size,
 * seed, faults and what explore varies of its config, in a run of {@link Schedule#durationUs},
 * as a finding's file replays) for its outcome and mechanism; it is rediscovered by the finding with
 * the same ones ({@link Shrinker#same}), missed when there is none, and not reproduced when
 * explore's form of it does not end in the outcome it pins. A finding that matches no catalog
 * scenario is new. Scenarios go in file-name order and nothing depends on time or on where the
 * files are, so the same search and catalog give the same report.
 */
public final class CatalogCheck {
  /** Where {@code pdlab explore} looks for the catalog by default: from the repository root. */
  public static final String DEFAULT_DIR = "scenarios/catalog";

  /** What became of a pinned hazard. */
  enum Status {
    REDISCOVERED, MISSED, NOT_REPRODUCED, NOT_SEARCHABLE
  }

  /**
   * A catalog scenario of the searched strategy and size that pins a hazard.
   *
   * @param name the scenario's file name without {@code .yaml}
   * @param pinned its expected outcomes that its faults do not explain
   * @param faults its fault count
   * @param kinds its fault kinds' labels, sorted
   * @param needs why explore cannot search it ("needs kinds ...; needs config ..."), or null
   * @param run its run in explore's form, or null when it needs config explore cannot write
   * @param by the index in the result's findings of the finding that rediscovered it, or -1
   */
  record Hazard(String name, List<String> pinned, int faults, List<String> kinds, String needs,
      Run run, int by) {
    Hazard {
      pinned = List.copyOf(pinned);
      kinds = List.copyOf(kinds);
    }

    /** Whether its run in explore's form ends in an outcome it pins, unexplained. */
    boolean reproduced() {
      return run != null && run.finding() && pinned.contains(run.outcome());
    }

    Status status() {
      if (needs != null) {
        return Status.NOT_SEARCHABLE;
      }
      if (!reproduced()) {
        return Status.NOT_REPRODUCED;
      }
      return by >= 0 ? Status.REDISCOVERED : Status.MISSED;
    }

    /**
     * Its run in explore's form: outcome and mechanism, or that its faults explain it; "not run"
     * when explore's form would drop config it needs.
     */
    String shown() {
      if (run == null) {
        return "not run";
      }
      return run.outcome() + (run.finding() ? ": " + run.mechanism()
          : ", explained by its faults");
    }
  }

  /**
   * A scenario that pins a hazard, before it runs.
   *
   * @param config what it sets or does that explored schedules never do ({@link #config},
   *     {@link #late}); it runs only when this is empty
   * @param needs why explore cannot search it, or null
   */
  private record Pending(String name, Schedule schedule, List<String> pinned, List<String> kinds,
      List<String> config, String needs) {
    static Pending of(String name, Scenario sc, Schedule s, List<String> pinned,
        TreeSet<String> searched, long lastChangeUs) {
      List<String> config = CatalogCheck.config(sc);
      String late = late(sc, lastChangeUs);
      String invalid = config.isEmpty() ? invalid(s) : null;
      if (invalid != null) {
        config.add(invalid);
      }
      TreeSet<String> kinds = new TreeSet<>();
      sc.faults().forEach(f -> kinds.add(f.kind().label()));
      TreeSet<String> missing = new TreeSet<>(kinds);
      missing.removeAll(searched);
      List<String> why = new ArrayList<>();
      if (!missing.isEmpty()) {
        why.add("needs kind" + (missing.size() == 1 ? " " : "s ") + String.join(", ", missing));
      }
      if (!config.isEmpty()) {
        why.add("needs config " + String.join(", ", config));
      }
      if (late != null) {
        why.add("needs " + late);
        config.add(late); // explore's form of it would not be the scenario: not run
      }
      return new Pending(name, s, pinned, new ArrayList<>(kinds), config,
          why.isEmpty() ? null : String.join("; ", why));
    }
  }

  private final String dir;
  private final Explorer.Result result;
  private final List<Hazard> hazards;
  private final List<String> leftOut;

  private CatalogCheck(String dir, Explorer.Result result, List<Hazard> hazards,
      List<String> leftOut) {
    this.dir = dir;
    this.result = result;
    this.hazards = List.copyOf(hazards);
    this.leftOut = List.copyOf(leftOut);
  }

  /** The result it compares with the catalog. */
  public Explorer.Result result() {
    return result;
  }

  List<Hazard> hazards() {
    return hazards;
  }

  /**
   * Reads the catalog in {@code dir} (its {@code *.yaml} files), runs each scenario that pins a
   * hazard for {@code r}'s strategy and size in explore's form on {@code engine}, and matches
   * them with {@code r}'s findings.
   *
   * @param dir the catalog directory; it is named in the report as given
   * @throws UncheckedIOException when the directory cannot be listed
   */
  public static CatalogCheck of(Path dir, Explorer.Result r, Engine engine) {
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(p -> p.getFileName().toString().endsWith(".yaml")
          && Files.isRegularFile(p)).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the catalog " + dir + ": " + e.getMessage(), e);
    }
    TreeSet<String> searched = new TreeSet<>();
    r.kinds().forEach(k -> searched.add(k.label()));
    TreeMap<String, Integer> otherStrategies = new TreeMap<>();
    List<String> otherSizes = new ArrayList<>();
    List<String> explained = new ArrayList<>();
    List<String> noOutcome = new ArrayList<>();
    List<String> unreadable = new ArrayList<>();
    List<Pending> pending = new ArrayList<>();
    for (Path file : files) {
      String name = file.getFileName().toString();
      name = name.substring(0, name.length() - ".yaml".length());
      Scenario sc;
      try {
        sc = ScenarioParser.parse(file);
      } catch (ScenarioException e) {
        // its problems without the path they start with: the report names no paths
        List<String> problems = new ArrayList<>();
        for (String p : e.problems()) {
          problems.add(p.startsWith(file + ":") ? "line " + p.substring(file.toString().length()
              + 1) : p);
        }
        unreadable.add(name + " (" + String.join("; ", problems) + ")");
        continue;
      } catch (UncheckedIOException e) {
        unreadable.add(name + " (cannot be read)");
        continue;
      }
      ClusterDef c = sc.clusters().get(0);
      if (!c.strategy().equals(r.strategy())) {
        otherStrategies.merge(c.strategy(), 1, Integer::sum);
        continue;
      }
      if (c.pdReplicas() != r.members()) {
        otherSizes.add(name + " (" + c.pdReplicas() + ")");
        continue;
      }
      if (sc.expect() == null || sc.expect().outcomes() == null) {
        noOutcome.add(name);
        continue;
      }
      Schedule s = Schedule.of(sc);
      List<String> pinned = new ArrayList<>();
      for (String o : sc.expect().outcomes()) {
        if (!Judge.explains(s, outcome(o))) {
          pinned.add(o);
        }
      }
      if (pinned.isEmpty()) {
        explained.add(name + " (" + String.join(" or ", sc.expect().outcomes()) + ")");
        continue;
      }
      pending.add(Pending.of(name, sc, s, pinned, searched, r.lastChangeUs()));
    }

    // those that need only kinds run too, so that a finding with their outcome and mechanism
    // is not called new
    List<Schedule> toRun = new ArrayList<>();
    pending.stream().filter(p -> p.config().isEmpty()).forEach(p -> toRun.add(p.schedule()));
    List<Run> runs = toRun.isEmpty() ? List.of() : engine.map(toRun, Run::full, k -> { });
    List<Hazard> hazards = new ArrayList<>();
    int next = 0;
    for (Pending p : pending) {
      Run run = p.config().isEmpty() ? runs.get(next++) : null;
      int by = -1;
      if (p.needs() == null && run.finding() && p.pinned().contains(run.outcome())) {
        for (int j = 0; j < r.findings().size(); j++) {
          if (Shrinker.same(r.findings().get(j), run)) {
            by = j;
          }
        }
      }
      hazards.add(new Hazard(p.name(), p.pinned(), p.schedule().faults().size(), p.kinds(),
          p.needs(), run, by));
    }

    List<String> left = new ArrayList<>();
    if (!otherStrategies.isEmpty()) {
      List<String> counts = new ArrayList<>();
      int total = 0;
      for (Map.Entry<String, Integer> e : otherStrategies.entrySet()) {
        counts.add(e.getKey() + " " + e.getValue());
        total += e.getValue();
      }
      left.add(total + " of other strategies (" + String.join(", ", counts) + ")");
    }
    if (!otherSizes.isEmpty()) {
      left.add(r.strategy() + " at other sizes, not searched at " + r.members() + " members: "
          + String.join(", ", otherSizes));
    }
    if (!explained.isEmpty()) {
      left.add("expected outcome explained by their own faults, so no finding to make: "
          + String.join(", ", explained));
    }
    if (!noOutcome.isEmpty()) {
      left.add("no expected outcome: " + String.join(", ", noOutcome));
    }
    if (!unreadable.isEmpty()) {
      left.add("unreadable: " + String.join(", ", unreadable));
    }
    return new CatalogCheck(dir.toString(), r, hazards, left);
  }

  /** The outcome an expectation names ({@code Scenario.OUTCOMES}, checked by the parser). */
  private static Outcome outcome(String label) {
    return Outcome.valueOf(label.toUpperCase(Locale.ROOT).replace('-', '_'));
  }

  /**
   * What a scenario sets that explored schedules never vary: each item names the setting, so
   * that the report can say which config the scenario needs. A discovery search varies the
   * tidb-operator version and draws tidb-operator's AWS layout ({@link
   * Generator#variesConfig}, {@link Schedule#dedicatedInfra}).
   */
  private static List<String> config(Scenario sc) {
    List<String> out = new ArrayList<>();
    ClusterDef c = sc.clusters().get(0);
    boolean varied = Generator.variesConfig(c.strategy()) && sc.clusters().size() == 1;
    if (sc.backend() != Backend.SIM) {
      out.add("backend " + sc.backend().label());
    }
    if (!sc.infra().equals(Infra.DEFAULT)
        && !(varied && sc.infra().equals(Schedule.dedicatedInfra(c.pdReplicas())))) {
      out.add("infra" + (sc.infra().provision() ? ".provision"
          : sc.infra().workerGroups().isEmpty() ? "" : ".workerGroups"));
    }
    if (sc.clusters().size() > 1) {
      out.add(sc.clusters().size() + " clusters");
    }
    if (c.tikvReplicas() > 0) {
      out.add("tikv.replicas " + c.tikvReplicas());
    }
    if (c.tidbReplicas() > 0) {
      out.add("tidb.replicas " + c.tidbReplicas());
    }
    for (Map.Entry<String, String> t : c.timing().entrySet()) {
      // explore sets the client's writes itself (Schedule.CLIENT_WRITES_PER_SECOND): a load,
      // not the cluster's config, and what makes lost writes visible in its runs
      if (!t.getKey().equals("clientWritesPerSecond") && !(varied && t.getKey().equals(
          io.pdlab.pd.tidb.TidbOperatorVersion.TIMING_KEY))) {
        out.add("timing." + t.getKey() + " " + t.getValue());
      }
    }
    return out;
  }

  /**
   * Why explore draws no schedule like the scenario's: faults that play out after {@code
   * lastChangeUs}, the search's; null when they all play out by then.
   */
  private static String late(Scenario sc, long lastChangeUs) {
    long last = FaultDef.lastChangeUs(sc.faults());
    return last <= lastChangeUs ? null : "faults playing out until "
        + Schedule.duration(last) + " (explore's end by " + Schedule.duration(lastChangeUs)
        + (lastChangeUs == Generator.LAST_CHANGE_US ? ", without long runs" : "") + ")";
  }

  /** Why explore cannot write {@code s} as a schedule the parser takes, or null. */
  private static String invalid(Schedule s) {
    try {
      s.scenario();
      return null;
    } catch (ScenarioException e) {
      return "a schedule explore cannot write (" + String.join("; ", e.problems()) + ")";
    }
  }

  /** The verdict on a hazard, naming findings with {@code finding}. */
  private String verdict(Hazard h, IntFunction<String> finding) {
    return switch (h.status()) {
      case NOT_SEARCHABLE -> "not searchable: " + h.needs();
      case NOT_REPRODUCED -> "not reproduced: explore's run of it ends " + h.shown()
          + ", not the " + String.join(" or ", h.pinned()) + " it pins";
      case MISSED -> "missed";
      case REDISCOVERED -> {
        Explorer.Finding f = result.findings().get(h.by());
        Schedule shrunk = f.shrunk().schedule();
        int k = shrunk.faults().size();
        TreeSet<String> kinds = new TreeSet<>();
        shrunk.faults().forEach(d -> kinds.add(d.kind().label()));
        yield "rediscovered by " + finding.apply(h.by()) + " (" + faults(k) + ", catalog "
            + h.faults() + "): " + (k <= h.faults() ? "no larger" : "larger")
            + (kinds.equals(new TreeSet<>(h.kinds())) ? "" : " (its kinds " + String.join(", ",
                kinds) + ", the catalog's " + String.join(", ", h.kinds()) + ")");
      }
    };
  }

  /** What a finding is to the catalog: the hazards it rediscovered, or new. */
  private String label(int finding) {
    List<String> same = new ArrayList<>();
    List<String> unsearchable = new ArrayList<>();
    for (Hazard h : hazards) {
      if (h.by() == finding) {
        same.add(h.name());
      } else if (h.needs() != null && h.reproduced()
          && Shrinker.same(result.findings().get(finding), h.run())) {
        unsearchable.add(h.name());
      }
    }
    if (!same.isEmpty()) {
      return "rediscovers " + String.join(", ", same);
    }
    if (!unsearchable.isEmpty()) {
      return "new: by other faults, the outcome and mechanism of " + String.join(", ",
          unsearchable) + ", which explore cannot search";
    }
    return "new";
  }

  private static String faults(int n) {
    return n + " fault" + (n == 1 ? "" : "s");
  }

  /** One line of counts: hazards by verdict, new findings. */
  String summary() {
    TreeMap<Status, Integer> by = new TreeMap<>();
    int noLarger = 0;
    for (Hazard h : hazards) {
      by.merge(h.status(), 1, Integer::sum);
      if (h.status() == Status.REDISCOVERED && result.findings().get(h.by()).shrunk().schedule()
          .faults().size() <= h.faults()) {
        noLarger++;
      }
    }
    int fresh = 0;
    for (int i = 0; i < result.findings().size(); i++) {
      if (label(i).startsWith("new")) {
        fresh++;
      }
    }
    return hazards.size() + " hazard" + (hazards.size() == 1 ? "" : "s") + " pinned for "
        + result.strategy() + " at " + result.members() + " members: "
        + by.getOrDefault(Status.REDISCOVERED, 0) + " rediscovered (" + noLarger
        + " no larger than the catalog's), " + by.getOrDefault(Status.MISSED, 0) + " missed, "
        + by.getOrDefault(Status.NOT_REPRODUCED, 0) + " not reproduced in explore's form, "
        + by.getOrDefault(Status.NOT_SEARCHABLE, 0) + " not searchable; " + fresh + " of "
        + result.findings().size() + " finding" + (result.findings().size() == 1 ? "" : "s")
        + " new";
  }

  /** The report for a terminal: the summary, a line per hazard and finding, what was left out. */
  public List<String> lines() {
    List<String> out = new ArrayList<>();
    out.add("catalog " + dir + ": " + summary());
    for (Hazard h : hazards) {
      out.add("  " + h.name() + " (" + String.join(" or ", h.pinned()) + ", " + faults(h.faults())
          + (h.run() == null ? "" : "; explore's form: " + h.shown()) + ")");
      out.add("      " + verdict(h, i -> "finding " + (i + 1)));
    }
    for (int i = 0; i < result.findings().size(); i++) {
      Explorer.Finding f = result.findings().get(i);
      out.add("  finding " + (i + 1) + " (" + f.outcome() + ": " + f.mechanism() + "): "
          + label(i));
    }
    for (String l : leftOut) {
      out.add("  left out: " + l);
    }
    return out;
  }

  /**
   * The report as {@code catalog.md}.
   *
   * @param files the file name (without {@code .yaml}) of each of the result's findings
   */
  String markdown(List<String> files) {
    IntFunction<String> link = i -> "[" + files.get(i) + "](" + files.get(i) + ".yaml)";
    StringBuilder sb = new StringBuilder();
    sb.append("## ").append(result.strategy()).append(", ").append(result.members())
        .append(" members\n\n");
    sb.append(summary()).append(".\n\n");
    if (!hazards.isEmpty()) {
      sb.append("| catalog scenario | pins | faults | explore's form | verdict |\n"
          + "|---|---|---|---|---|\n");
      for (Hazard h : hazards) {
        sb.append("| ").append(h.name()).append(" | ").append(String.join(" or ", h.pinned()))
            .append(" | ").append(h.faults()).append(" | ").append(cell(h.shown()))
            .append(" | ").append(cell(verdict(h, link))).append(" |\n");
      }
      sb.append('\n');
    }
    if (!result.findings().isEmpty()) {
      sb.append("| finding | outcome | mechanism | faults | catalog |\n|---|---|---|---|---|\n");
      for (int i = 0; i < result.findings().size(); i++) {
        Explorer.Finding f = result.findings().get(i);
        sb.append("| ").append(link.apply(i)).append(" | ").append(f.outcome()).append(" | ")
            .append(cell(f.mechanism())).append(" | ")
            .append(f.shrunk().schedule().faults().size()).append(" | ").append(cell(label(i)))
            .append(" |\n");
      }
      sb.append('\n');
    }
    if (!leftOut.isEmpty()) {
      sb.append("Left out:\n\n");
      leftOut.forEach(l -> sb.append("- ").append(l).append('\n'));
      sb.append('\n');
    }
    return sb.toString();
  }

  /** The heading and note of {@code catalog.md}, before each result's section. */
  static String header(String dir, long lastChangeUs) {
    return "# Catalog check\n\nThe hazards the scenario catalog (`" + dir + "`) pins for the"
        + " searched strategy and size, next to the findings. A scenario pins a hazard when its"
        + " faults do not explain the outcome it expects (the rule findings are judged by); it"
        + " is searchable when its fault kinds were searched, it needs no config explore"
        + " never varies (a discovery search varies the tidb-operator version and draws"
        + " tidb-operator's AWS layout of dedicated PD nodes) and its faults play out by "
        + Schedule.duration(lastChangeUs) + ". Explore's form of it is its strategy, size,"
        + " seed, faults and what explore varies of its config, with "
        + Schedule.CLIENT_WRITES_PER_SECOND + " client writes a second, in a run of "
        + Schedule.duration(Schedule.DURATION_US) + " or, when its faults play out after "
        + Schedule.duration(Generator.LAST_CHANGE_US) + ", until "
        + Schedule.duration(Schedule.SETTLE_US) + " after they do (rounded up to 10 s), as"
        + " explore runs its"
        + " schedules; a finding with the same outcome and mechanism rediscovers it, and is no"
        + " larger when its shrunk schedule has no more faults.\n\n";
  }

  String dir() {
    return dir;
  }

  private static String cell(String s) {
    return s.replace("|", "\\|");
  }
}
