package io.pdlab.reports;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Everything the report derives from {@link Results}: speed rankings, per-join costs, outcome
 * hazards, exposure windows, representative runs, and the short answer built from them. All of
 * it is computed from the records, in the fixed {@link Ordering}, so the report says what the
 * data says and nothing is hard-coded except the description of how each strategy works.
 *
 * <p>Speed and per-join figures use the <em>baseline</em> runs: those without a fault when the
 * input has any, otherwise all runs (and the text says so). Outcomes and windows use all runs.
 */
final class Analysis {
  /** Strategies that grow the cluster by runtime joins, where a per-join cost exists. */
  static final List<String> JOIN_STRATEGIES =
      List.of("seed-join", "seed-join-learner", "discovery");

  /** How each known strategy bootstraps (protocols.md section 2); the "why" of the answer. */
  static final Map<String, String> HOW = new TreeMap<>(Ordering.STRATEGY);

  static {
    HOW.put("static", "all N members start together with one --initial-cluster (state new); "
        + "etcd's own Kubernetes recipe");
    HOW.put("seed-join", "coreos/etcd-operator: a one-member seed, then one voting MemberAdd and "
        + "pod start per 8 s reconcile");
    HOW.put("seed-join-learner", "etcd-io/etcd-operator, druid, kubeadm: a seed, then per member "
        + "add as learner, start, catch up, promote; one learner at a time");
    HOW.put("discovery", "tidb-operator v1: all PD pods at once; the discovery service tells the "
        + "last pod to register to bootstrap a one-member cluster and the others to --join it, "
        + "each join a MemberAdd that strict-reconfig-check may refuse (then kubelet back-off)");
    HOW.put("v2-static", "tidb-operator v2: every boot PD waits for its initial-cluster-num peers, "
        + "then all start with one static list; later PDs join through the Service");
  }

  final Results results;
  final boolean multiBackend;
  final boolean baselineClean;
  final List<RunRecord> baseline;

  Analysis(Results results) {
    this.results = results;
    this.multiBackend = results.records().stream().map(RunRecord::backend).distinct().count() > 1;
    List<RunRecord> clean = results.records().stream()
        .filter(r -> r.fault().equals(Ordering.NO_FAULT)).toList();
    this.baselineClean = !clean.isEmpty();
    this.baseline = baselineClean ? clean : results.records();
  }

  /** "no fault" or "all runs": which runs the baseline figures come from. */
  String baselineLabel() {
    return baselineClean ? "runs without fault" : "all runs (the input has no fault-free run)";
  }

  /** A strategy's display name; names the backend when the input has several. */
  String label(String backend, String strategy) {
    return multiBackend ? strategy + " @" + backend : strategy;
  }

  // ---- speed ----

  /** p50 bootstrap time of one strategy in one (backend, size); {@code p50Ms} null = never. */
  record StrategyTime(String strategy, Long p50Ms, int runs) {}

  /** The strategies of one (backend, size), fastest first, never-bootstrapped last. */
  record Ranking(String backend, int members, List<StrategyTime> order) {}

  List<Ranking> rankings() {
    List<Ranking> out = new ArrayList<>();
    group(baseline, r -> key(r.backend(), "", r.members(), "")).forEach((k, runs) -> {
      List<StrategyTime> times = new ArrayList<>();
      group(runs, r -> key("", r.strategy(), 0, "")).forEach((s, sr) -> {
        TimeStats st = Percentiles.stats(bootstrapTimes(sr));
        times.add(new StrategyTime(s.strategy(), st == null ? null : st.p50(), sr.size()));
      });
      times.sort(Comparator.comparing((StrategyTime t) -> t.p50Ms() == null)
          .thenComparing(t -> t.p50Ms() == null ? 0L : t.p50Ms())
          .thenComparing(StrategyTime::strategy, Ordering.STRATEGY));
      out.add(new Ranking(k.backend(), k.members(), List.copyOf(times)));
    });
    return out;
  }

  // ---- per-join cost ----

  /** One join: its duration and what it was made of ({@code null}: derived, no breakdown). */
  record JoinSample(long ms, String breakdown) {}

  /**
   * The joins of one run: its {@code joinCosts} when present; otherwise, for a join-based
   * strategy that bootstrapped with N &gt; 1, N-1 joins of bootstrapMs / (N-1) each (the
   * average; it charges the seed's own start to the joins). Other runs have none.
   */
  static List<JoinSample> joinSamples(RunRecord r) {
    List<JoinSample> out = new ArrayList<>();
    if (!r.joinCosts().isEmpty()) {
      for (JoinCost c : r.joinCosts()) {
        out.add(new JoinSample(c.ms(), c.breakdown()));
      }
    } else if (JOIN_STRATEGIES.contains(r.strategy()) && r.members() > 1
        && r.bootstrapMs() != null) {
      long each = r.bootstrapMs() / (r.members() - 1);
      for (int i = 1; i < r.members(); i++) {
        out.add(new JoinSample(each, null));
      }
    }
    return out;
  }

  /** Per-join cost of one (backend, strategy, size) over the baseline runs. */
  record JoinCostRow(String backend, String strategy, int members, String source, int joins,
      TimeStats stats, List<String> madeOf) {}

  List<JoinCostRow> joinCosts() {
    List<JoinCostRow> out = new ArrayList<>();
    group(baseline, r -> key(r.backend(), r.strategy(), r.members(), "")).forEach((k, runs) -> {
      List<Long> ms = new ArrayList<>();
      Map<String, Integer> labels = new TreeMap<>();
      boolean measured = false;
      boolean derived = false;
      for (RunRecord r : runs) {
        for (JoinSample s : joinSamples(r)) {
          ms.add(s.ms());
          if (s.breakdown() == null) {
            derived = true;
          } else {
            measured = true;
            if (!s.breakdown().isBlank()) {
              labels.merge(s.breakdown(), 1, Integer::sum);
            }
          }
        }
      }
      if (ms.isEmpty()) {
        return;
      }
      String source = measured && derived ? "mixed" : measured ? "joinCosts" : "bootstrap/(N-1)";
      List<String> madeOf = labels.entrySet().stream()
          .sorted(Map.Entry.<String, Integer>comparingByValue().reversed()
              .thenComparing(Map.Entry.comparingByKey()))
          .limit(3)
          .map(e -> e.getKey() + " (x" + e.getValue() + ")")
          .toList();
      out.add(new JoinCostRow(k.backend(), k.strategy(), k.members(), source, ms.size(),
          Percentiles.stats(ms), madeOf));
    });
    return out;
  }

  // ---- outcomes ----

  /** Runs of one (backend, strategy, fault) that ended in {@code outcome}. */
  record OutcomeCount(String backend, String strategy, String fault, String outcome, int runs,
      int total, SortedSet<Integer> members) {}

  /** Every (backend, strategy, fault, outcome) with at least one run, for the given outcomes. */
  List<OutcomeCount> outcomeCounts(List<String> outcomes) {
    List<OutcomeCount> out = new ArrayList<>();
    group(results.records(), r -> key(r.backend(), r.strategy(), 0, r.fault()))
        .forEach((k, runs) -> {
          for (String o : outcomes) {
            List<RunRecord> hit = runs.stream().filter(r -> r.outcome().equals(o)).toList();
            if (!hit.isEmpty()) {
              SortedSet<Integer> sizes = new TreeSet<>();
              hit.forEach(r -> sizes.add(r.members()));
              out.add(new OutcomeCount(k.backend(), k.strategy(), k.fault(), o, hit.size(),
                  runs.size(), sizes));
            }
          }
        });
    return out;
  }

  /** The outcome matrix: (backend, strategy) rows, fault columns, shares over all sizes. */
  Map<Ordering.Group, Map<String, OutcomeCell>> outcomeMatrix() {
    Map<Ordering.Group, Map<String, OutcomeCell>> out = new TreeMap<>(Ordering.GROUP);
    group(results.records(), r -> key(r.backend(), r.strategy(), 0, "")).forEach((k, runs) -> {
      Map<String, OutcomeCell> row = new TreeMap<>(Ordering.FAULT);
      group(runs, r -> key("", "", 0, r.fault())).forEach((f, fr) -> row.put(f.fault(),
          new OutcomeCell(fr.size(),
              OutcomeShares.of(fr.stream().map(RunRecord::outcome).toList()))));
      out.put(k, row);
    });
    return out;
  }

  /** Faults present, in {@link Ordering#FAULT} order. */
  List<String> faults() {
    TreeSet<String> f = new TreeSet<>(Ordering.FAULT);
    results.records().forEach(r -> f.add(r.fault()));
    return List.copyOf(f);
  }

  /** One cell of the outcome matrix. */
  record OutcomeCell(int runs, OutcomeShares shares) {
    /** The worst outcome with a non-zero share (the cell's colour). */
    String worst() {
      String w = Outcomes.OK;
      for (String o : Outcomes.ALL) {
        if (shares.share(o) > 0) {
          w = o;
        }
      }
      return w;
    }
  }

  // ---- windows ----

  /** Unavailable and zero-tolerance time of one (backend, strategy, size) over all runs. */
  record Windows(String backend, String strategy, int members, int runs, TimeStats unavailable,
      TimeStats zeroTolerance) {}

  List<Windows> windows() {
    List<Windows> out = new ArrayList<>();
    group(results.records(), r -> key(r.backend(), r.strategy(), r.members(), ""))
        .forEach((k, runs) -> out.add(new Windows(k.backend(), k.strategy(), k.members(),
            runs.size(), Percentiles.stats(runs.stream().map(RunRecord::unavailableMs).toList()),
            Percentiles.stats(runs.stream().map(RunRecord::zeroToleranceMs).toList()))));
    return out;
  }

  // ---- representative runs ----

  /** The run of a strategy closest to its median bootstrap time ({@code medianMs} null: none). */
  record Representative(RunRecord run, Long medianMs) {}

  /**
   * Per (backend, strategy): among its baseline runs that bootstrapped, the one whose bootstrap
   * time is closest to their nearest-rank median (ties: the first in record order); if none
   * bootstrapped, its first baseline run, else its first run.
   */
  List<Representative> representatives() {
    List<Representative> out = new ArrayList<>();
    Map<Ordering.Group, List<RunRecord>> base =
        group(baseline, r -> key(r.backend(), r.strategy(), 0, ""));
    group(results.records(), r -> key(r.backend(), r.strategy(), 0, "")).forEach((k, all) -> {
      List<RunRecord> candidates = base.getOrDefault(k, all);
      TimeStats st = Percentiles.stats(bootstrapTimes(candidates));
      if (st == null) {
        out.add(new Representative(candidates.get(0), null));
        return;
      }
      RunRecord best = null;
      for (RunRecord r : candidates) {
        if (r.bootstrapMs() != null && (best == null
            || Math.abs(r.bootstrapMs() - st.p50()) < Math.abs(best.bootstrapMs() - st.p50()))) {
          best = r;
        }
      }
      out.add(new Representative(best, st.p50()));
    });
    return out;
  }

  // ---- the short answer ----

  /** The sentences of the short answer, each derived from the records. */
  List<String> answer() {
    List<String> out = new ArrayList<>();
    String scope = baselineClean ? "no fault" : "all runs";
    for (Ranking rk : rankings()) {
      List<StrategyTime> done = rk.order().stream().filter(t -> t.p50Ms() != null).toList();
      List<String> never = rk.order().stream().filter(t -> t.p50Ms() == null)
          .map(t -> label(rk.backend(), t.strategy())).toList();
      StringBuilder s = new StringBuilder();
      s.append(rk.backend()).append(", ").append(rk.members()).append(" members (").append(scope)
          .append("): ");
      if (done.isEmpty()) {
        s.append("no strategy bootstrapped");
      } else if (done.size() == 1) {
        s.append("only ").append(done.get(0).strategy()).append(" bootstrapped (p50 ")
            .append(sec(done.get(0).p50Ms())).append(")");
      } else {
        StrategyTime fast = done.get(0);
        StrategyTime slow = done.get(done.size() - 1);
        s.append("fastest ").append(fast.strategy()).append(" (p50 ").append(sec(fast.p50Ms()))
            .append("), slowest ").append(slow.strategy()).append(" (p50 ")
            .append(sec(slow.p50Ms()));
        if (fast.p50Ms() > 0) {
          s.append(String.format(Locale.ROOT, ", %.1fx the fastest", (double) slow.p50Ms()
              / fast.p50Ms()));
        }
        s.append(")");
      }
      if (!never.isEmpty()) {
        s.append("; never bootstrapped: ").append(String.join(", ", never));
      }
      out.add(s.append('.').toString());
    }

    Map<Ordering.Group, List<Long>> perJoin = new TreeMap<>(Ordering.GROUP);
    for (RunRecord r : baseline) {
      for (JoinSample j : joinSamples(r)) {
        perJoin.computeIfAbsent(key(r.backend(), r.strategy(), 0, ""), k -> new ArrayList<>())
            .add(j.ms());
      }
    }
    if (!perJoin.isEmpty()) {
      List<String> parts = new ArrayList<>();
      perJoin.forEach((k, ms) -> parts.add(label(k.backend(), k.strategy()) + " "
          + sec(Percentiles.stats(ms).p50())));
      out.add("Each join costs (p50, " + scope + ", all sizes): " + String.join(", ", parts)
          + ".");
    }

    List<OutcomeCount> hazards = outcomeCounts(Outcomes.HAZARDS);
    if (hazards.isEmpty()) {
      out.add("No run ended stuck, split-brain or data-loss.");
    } else {
      for (OutcomeCount h : hazards) {
        out.add(outcomeSentence(h));
      }
      TreeSet<String> clean = new TreeSet<>(Ordering.STRATEGY);
      TreeSet<String> hit = new TreeSet<>(Ordering.STRATEGY);
      results.records().forEach(r -> clean.add(label(r.backend(), r.strategy())));
      hazards.forEach(h -> hit.add(label(h.backend(), h.strategy())));
      clean.removeAll(hit);
      if (!clean.isEmpty()) {
        out.add("Never stuck, split-brain or data-loss in these runs: "
            + String.join(", ", clean) + ".");
      }
    }
    for (OutcomeCount d : outcomeCounts(List.of(Outcomes.DEGRADED))) {
      out.add(outcomeSentence(d));
    }

    Map<Ordering.Group, List<RunRecord>> byStrategy =
        group(baseline, r -> key(r.backend(), r.strategy(), 0, ""));
    if (!byStrategy.isEmpty()) {
      List<String> zt = new ArrayList<>();
      List<String> un = new ArrayList<>();
      byStrategy.forEach((k, runs) -> {
        zt.add(label(k.backend(), k.strategy()) + " "
            + sec(Percentiles.stats(runs.stream().map(RunRecord::zeroToleranceMs).toList()).p50()));
        TimeStats u = Percentiles.stats(runs.stream().map(RunRecord::unavailableMs).toList());
        un.add(label(k.backend(), k.strategy()) + " " + sec(u.p50()) + " / " + sec(u.p95()));
      });
      out.add("Zero-tolerance time, when one more failure loses quorum (p50, " + scope
          + ", all sizes): " + String.join(", ", zt) + ".");
      out.add("Unavailable time (p50 / p95, " + scope + ", all sizes): " + String.join(", ", un)
          + ".");
    }
    return out;
  }

  private String outcomeSentence(OutcomeCount c) {
    List<String> sizes = c.members().stream().map(String::valueOf).toList();
    String fault =
        c.fault().equals(Ordering.NO_FAULT) ? "with no fault" : "under fault " + c.fault();
    return String.format(Locale.ROOT, "%s ended %s %s in %d of %d runs (%s; %s members).",
        label(c.backend(), c.strategy()), c.outcome(), fault, c.runs(), c.total(),
        pct((double) c.runs() / c.total()), String.join(", ", sizes));
  }

  // ---- helpers ----

  static List<Long> bootstrapTimes(List<RunRecord> runs) {
    List<Long> out = new ArrayList<>();
    runs.forEach(r -> {
      if (r.bootstrapMs() != null) {
        out.add(r.bootstrapMs());
      }
    });
    return out;
  }

  /** A grouping key; unused fields are blank or 0 so that {@link Ordering#GROUP} still orders. */
  static Ordering.Group key(String backend, String strategy, int members, String fault) {
    return new Ordering.Group(backend, strategy, members, fault);
  }

  /** Groups {@code runs} by {@code key} in {@link Ordering#GROUP} order, keeping run order. */
  static Map<Ordering.Group, List<RunRecord>> group(List<RunRecord> runs,
      Function<RunRecord, Ordering.Group> key) {
    Map<Ordering.Group, List<RunRecord>> out = new TreeMap<>(Ordering.GROUP);
    for (RunRecord r : runs) {
      out.computeIfAbsent(key.apply(r), k -> new ArrayList<>()).add(r);
    }
    return out;
  }

  /** Milliseconds as seconds with two decimals and a unit: {@code "5.03 s"}. */
  static String sec(long ms) {
    return String.format(Locale.ROOT, "%.2f s", ms / 1000.0);
  }

  /** A share as a percentage with one decimal: {@code "33.3%"}. */
  static String pct(double share) {
    return String.format(Locale.ROOT, "%.1f%%", share * 100);
  }
}
