package io.pdlab.explore;

import io.pdlab.scenarios.engine.Engine;
import io.pdlab.scenarios.model.FaultDef;
import io.pdlab.scenarios.model.FaultKind;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;

/**
 * The search: a deterministic function of (strategy, size, kinds, seed, budget in runs), whatever
 * runs the runs. It goes in batches of {@link #BATCH} candidates: each batch is drawn from the
 * corpus as it stood after the previous batch (a fresh random schedule one time in four, else a
 * corpus entry mutated one to three times), its runs are handed to the engine together (threads
 * here, any engine that maps {@link Run#of} over a list), and their results are merged in the
 * batch's order: a run that reached a feature no earlier run reached joins the corpus, and a run
 * whose outcome its faults do not explain is a finding, merged with earlier ones of the same
 * (strategy, size, outcome, mechanism). Then each finding is shrunk ({@link Shrinker}).
 */
public final class Explorer {
  /** Candidates per batch: fixed, so the batches do not depend on the parallelism. */
  public static final int BATCH = 8;

  /** Told after each batch: runs so far and findings so far. */
  public interface Listener {
    void progress(long runs, int findings);
  }

  /**
   * A finding: the first run of its kind, how many runs showed it, and its shrunk form.
   *
   * @param index the run index (from 0) of the first run that showed it
   * @param runs how many runs showed it
   * @param shrink each accepted shrink step, in order
   */
  public record Finding(String strategy, int members, String outcome, String mechanism,
      Run original, long index, int runs, Run shrunk, List<String> shrink, int shrinkRuns) {
    public String key() {
      return strategy + "|" + members + "|" + outcome + "|" + mechanism;
    }
  }

  /**
   * What a search found.
   *
   * @param runs the runs made by the search (shrinking not counted)
   * @param corpus the corpus's size at the end
   * @param features the distinct features reached
   * @param unconfirmed findings of the search that a whole-duration run (as {@code pdlab run}
   *     replays) did not show again, left out
   */
  public record Result(String strategy, int members, List<FaultKind> kinds, long seed, long runs,
      int corpus, int features, List<Finding> findings, List<Finding> unconfirmed) {}

  private final String strategy;
  private final int members;
  private final List<FaultKind> kinds;
  private final long seed;
  private final Generator gen;

  /**
   * @param kinds the fault kinds to use (null: {@link Generator#defaultKinds})
   * @throws IllegalArgumentException if a kind cannot be used with the strategy
   */
  public Explorer(String strategy, int members, List<FaultKind> kinds, long seed) {
    this(strategy, members, kinds, seed, null);
  }

  /**
   * A search of a deliberately broken operator ({@code mutant}: one of {@code
   * ClusterDef.MUTANTS}, written into every schedule's {@code timing}), for tests that the search
   * finds what it breaks.
   */
  public Explorer(String strategy, int members, List<FaultKind> kinds, long seed,
      String mutant) {
    this.strategy = strategy;
    this.members = members;
    this.kinds = kinds == null ? Generator.defaultKinds(strategy, members) : List.copyOf(kinds);
    for (FaultKind k : this.kinds) {
      if (!Generator.usable(strategy, members, k)) {
        throw new IllegalArgumentException("fault kind " + k + " cannot be used with strategy "
            + strategy + " at " + members + " member" + (members == 1 ? "" : "s"));
      }
    }
    if (this.kinds.isEmpty()) {
      throw new IllegalArgumentException("no fault kind to explore with");
    }
    this.seed = seed;
    this.gen = new Generator(strategy, members, this.kinds, mutant);
  }

  /** The default kinds for a strategy and size (what {@code --faults} defaults to). */
  public static List<FaultKind> defaultKinds(String strategy, int members) {
    return Generator.defaultKinds(strategy, members);
  }

  public List<FaultKind> kinds() {
    return kinds;
  }

  /**
   * Searches until {@code maxRuns} runs (rounded up to whole batches) or {@code stop} says so
   * (asked between batches: a wall-clock budget ends the search at a batch boundary), then
   * shrinks each finding with at most {@code shrinkRuns} runs.
   */
  public Result explore(long maxRuns, BooleanSupplier stop, Engine engine, Listener listener,
      int shrinkRuns) {
    SplittableRandom r = new SplittableRandom(seed);
    List<Schedule> corpus = new ArrayList<>();
    TreeSet<String> seen = new TreeSet<>();
    TreeMap<String, Integer> order = new TreeMap<>();
    List<Finding> findings = new ArrayList<>();
    long runs = 0;
    while (runs < maxRuns && !stop.getAsBoolean()) {
      List<Schedule> batch = new ArrayList<>();
      for (int i = 0; i < BATCH; i++) {
        batch.add(candidate(r, corpus, seed * 1_000_003L + runs + i));
      }
      List<Run> results = engine.map(batch, Run::of, k -> { });
      for (int i = 0; i < results.size(); i++) {
        Run run = results.get(i);
        long index = runs + i;
        boolean fresh = false;
        for (String f : run.features()) {
          fresh |= seen.add(f);
        }
        if (fresh) {
          corpus.add(run.schedule());
        }
        if (run.finding()) {
          Finding f = new Finding(strategy, members, run.outcome(), run.mechanism(), run, index,
              1, null, List.of(), 0);
          Integer at = order.get(f.key());
          if (at == null) {
            order.put(f.key(), findings.size());
            findings.add(f);
          } else {
            Finding old = findings.get(at);
            findings.set(at, new Finding(old.strategy(), old.members(), old.outcome(),
                old.mechanism(), old.original(), old.index(), old.runs() + 1, null, List.of(),
                0));
          }
        }
      }
      runs += results.size();
      listener.progress(runs, findings.size());
    }
    List<Schedule> originals = new ArrayList<>();
    findings.forEach(f -> originals.add(f.original().schedule()));
    List<Run> whole = originals.isEmpty() ? List.of() : engine.map(originals, Run::full,
        k -> { });
    List<Finding> shrunk = new ArrayList<>();
    List<Finding> unconfirmed = new ArrayList<>();
    for (int i = 0; i < findings.size(); i++) {
      Finding f = findings.get(i);
      if (Shrinker.same(f, whole.get(i))) {
        shrunk.add(new Shrinker(engine, shrinkRuns).shrink(f));
      } else {
        unconfirmed.add(f);
      }
    }
    return new Result(strategy, members, kinds, seed, runs, corpus.size(), seen.size(), shrunk,
        unconfirmed);
  }

  /** A schedule the parser takes: fresh, or a mutated corpus entry. */
  private Schedule candidate(SplittableRandom r, List<Schedule> corpus, long runSeed) {
    for (int attempt = 0; ; attempt++) {
      Schedule s;
      if (corpus.isEmpty() || r.nextInt(4) == 0) {
        s = gen.fresh(r, runSeed);
      } else {
        // later entries reached what earlier ones had not: favour them
        int n = corpus.size();
        int pick = Math.max(r.nextInt(n), r.nextInt(n));
        s = corpus.get(pick);
        int times = 1 + r.nextInt(3);
        for (int i = 0; i < times; i++) {
          s = gen.mutate(r, s, runSeed);
        }
      }
      if (s.valid() || attempt >= 20) {
        return s.valid() ? s : s.with(members, runSeed, List.<FaultDef>of());
      }
    }
  }
}
