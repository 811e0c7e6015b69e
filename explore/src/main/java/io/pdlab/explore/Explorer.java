package io.pdlab.explore;

import io.pdlab.scenarios.engine.Engine;
import io.pdlab.scenarios.engine.ThreadEngine;
import io.pdlab.scenarios.model.FaultDef;
import io.pdlab.scenarios.model.FaultKind;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;

/**
 * The search: a deterministic function of (strategy, size, kinds, seed, long runs or not, mutant,
 * budget in runs), whatever runs the runs. It goes in batches of {@link #BATCH} candidates: each batch is drawn from the
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
   * A finding: the run of its kind it is shrunk from, how many runs showed it, and its shrunk
   * form.
   *
   * @param original the first run of its kind with the fewest faults: shrinking from the smallest
   *     schedule seen, as fuzzers keep the smallest input per crash, so that a finding first shown
   *     by a long schedule is not left larger than a short one of the same mechanism found later
   * @param index the run index (from 0) of {@code original}
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
   * @param longRuns whether the search drew long schedules too
   */
  public record Result(String strategy, int members, List<FaultKind> kinds, long seed, long runs,
      int corpus, int features, List<Finding> findings, List<Finding> unconfirmed,
      boolean longRuns) {
    /** The latest time a searched schedule's faults play out (a long one's, if drawn). */
    public long lastChangeUs() {
      return longRuns ? Generator.LONG_LAST_CHANGE_US : Generator.LAST_CHANGE_US;
    }
  }

  private final String strategy;
  private final int members;
  private final List<FaultKind> kinds;
  private final long seed;
  private final boolean longRuns;
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
    this(strategy, members, kinds, seed, mutant, false);
  }

  /**
   * A search that, with {@code longRuns}, draws long schedules too (one fresh schedule in {@link
   * Generator#LONG_ONE_IN}: faults until 15 minutes, liveness kills); without, only schedules
   * of 120 s runs, the unit of {@code ExploreBenchmark}.
   */
  public Explorer(String strategy, int members, List<FaultKind> kinds, long seed,
      String mutant, boolean longRuns) {
    this.strategy = strategy;
    this.members = members;
    this.longRuns = longRuns;
    this.kinds = kinds == null ? Generator.defaultKinds(strategy, members, longRuns)
        : List.copyOf(kinds);
    for (FaultKind k : this.kinds) {
      if (!Generator.usable(strategy, members, k, longRuns)) {
        throw new IllegalArgumentException("fault kind " + k + " cannot be used with strategy "
            + strategy + " at " + members + " member" + (members == 1 ? "" : "s")
            + (longRuns || !Generator.usable(strategy, members, k, true) ? ""
                : " in runs of 120 s (only long runs draw it)"));
      }
    }
    if (this.kinds.isEmpty()) {
      throw new IllegalArgumentException("no fault kind to explore with");
    }
    this.seed = seed;
    this.gen = new Generator(strategy, members, this.kinds, mutant, longRuns);
  }

  /** The default kinds for a strategy and size (what {@code --faults} defaults to). */
  public static List<FaultKind> defaultKinds(String strategy, int members, boolean longRuns) {
    return Generator.defaultKinds(strategy, members, longRuns);
  }

  public List<FaultKind> kinds() {
    return kinds;
  }

  /**
   * Searches until {@code maxRuns} runs (rounded up to whole batches) or {@code stop} says so
   * (asked between batches: a wall-clock budget ends the search at a batch boundary), then
   * shrinks each finding with at most {@code shrinkRuns} runs.
   *
   * <p>On a {@link ThreadEngine} the batches overlap: when a worker has no run of the batch left
   * to start, the next batch is drawn ahead, from a copy of the draws and the corpus as it will
   * be if the runs still going reach nothing new, and queued; once the batch is merged, the
   * drawn-ahead batch is kept if the corpus is that one (the draws are then the same as after
   * the batch), else dropped and drawn again. So the batches, and what is found, are the same as
   * on any other engine.
   */
  public Result explore(long maxRuns, BooleanSupplier stop, Engine engine, Listener listener,
      int shrinkRuns) {
    Search s = new Search();
    Draws r = new Draws(seed);
    if (engine instanceof ThreadEngine threads) {
      Flight next = null;
      try {
        while (s.runs < maxRuns && !stop.getAsBoolean()) {
          Flight now = next != null ? next : Flight.start(threads, draw(r, s.corpus, s.runs));
          next = null;
          boolean ahead = s.runs + BATCH < maxRuns;
          while (now.finished < BATCH) {
            now.awaitOne();
            if (ahead && next == null && BATCH - now.finished < threads.threads()) {
              List<Schedule> corpus = s.corpusIfTheRestReachNothingNew(now);
              Draws copy = r.copy();
              next = Flight.start(threads, draw(copy, corpus, s.runs + BATCH));
              next.corpus = corpus;
              next.draws = copy;
            }
          }
          s.merge(now.results());
          listener.progress(s.runs, s.findings.size());
          if (next != null && next.corpus.equals(s.corpus)) {
            r = next.draws;
          } else if (next != null) {
            next.cancel();
            next = null;
          }
        }
      } finally {
        if (next != null) {
          next.cancel();
        }
      }
    } else {
      while (s.runs < maxRuns && !stop.getAsBoolean()) {
        s.merge(engine.map(draw(r, s.corpus, s.runs), Run::of, k -> { }));
        listener.progress(s.runs, s.findings.size());
      }
    }
    List<Schedule> originals = new ArrayList<>();
    s.findings.forEach(f -> originals.add(f.original().schedule()));
    List<Run> whole = originals.isEmpty() ? List.of() : engine.map(originals, Run::full,
        k -> { });
    List<Finding> shrunk = new ArrayList<>();
    List<Finding> unconfirmed = new ArrayList<>();
    for (int i = 0; i < s.findings.size(); i++) {
      Finding f = s.findings.get(i);
      if (Shrinker.same(f, whole.get(i))) {
        shrunk.add(new Shrinker(engine, shrinkRuns).shrink(f));
      } else {
        unconfirmed.add(f);
      }
    }
    return new Result(strategy, members, kinds, seed, s.runs, s.corpus.size(), s.seen.size(),
        shrunk, unconfirmed, longRuns);
  }

  /** The batch of candidates after {@code runs} runs, drawn from {@code corpus}. */
  private List<Schedule> draw(Draws r, List<Schedule> corpus, long runs) {
    List<Schedule> batch = new ArrayList<>();
    for (int i = 0; i < BATCH; i++) {
      batch.add(candidate(r, corpus, seed * 1_000_003L + runs + i));
    }
    return batch;
  }

  /** The search's state: the corpus, the features reached, the findings and the runs made. */
  final class Search {
    final List<Schedule> corpus = new ArrayList<>();
    final TreeSet<String> seen = new TreeSet<>();
    final TreeMap<String, Integer> order = new TreeMap<>();
    final List<Finding> findings = new ArrayList<>();
    long runs;

    /**
     * Merges a batch's results in the batch's order: a run that reached a feature no earlier
     * run reached joins the corpus, and a finding joins the findings or counts for an earlier
     * one of its kind.
     */
    void merge(List<Run> results) {
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
            boolean smaller = run.schedule().faults().size()
                < old.original().schedule().faults().size();
            findings.set(at, new Finding(old.strategy(), old.members(), old.outcome(),
                old.mechanism(), smaller ? run : old.original(), smaller ? index : old.index(),
                old.runs() + 1, null, List.of(), 0));
          }
        }
      }
      runs += results.size();
    }

    /**
     * The corpus {@link #merge} would leave if the runs of {@code batch} not finished yet
     * reached nothing new (a guess: the caller checks it against the real one).
     */
    List<Schedule> corpusIfTheRestReachNothingNew(Flight batch) {
      List<Schedule> out = new ArrayList<>(corpus);
      TreeSet<String> reached = new TreeSet<>();
      for (java.util.concurrent.Future<Run> fu : batch.futures) {
        if (!fu.isDone() || fu.isCancelled()) {
          continue;
        }
        Run run;
        try {
          run = fu.get();
        } catch (java.util.concurrent.ExecutionException | InterruptedException e) {
          continue; // the merge reports it
        }
        boolean fresh = false;
        for (String f : run.features()) {
          fresh |= !seen.contains(f) && reached.add(f);
        }
        if (fresh) {
          out.add(run.schedule());
        }
      }
      return out;
    }
  }

  /** A batch queued on a {@link ThreadEngine}: its runs, and how many finished. */
  private static final class Flight {
    final List<java.util.concurrent.Future<Run>> futures = new ArrayList<>();
    final java.util.concurrent.Semaphore done = new java.util.concurrent.Semaphore(0);
    int finished;
    /** For a batch drawn ahead: the corpus and the draws it was drawn with. */
    List<Schedule> corpus;
    Draws draws;

    static Flight start(ThreadEngine engine, List<Schedule> batch) {
      Flight f = new Flight();
      for (Schedule s : batch) {
        f.futures.add(engine.submit(s, Run::of, f.done::release));
      }
      return f;
    }

    /** Waits until one more run finished. */
    void awaitOne() {
      try {
        done.acquire();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new io.pdlab.scenarios.engine.EngineException("interrupted", e);
      }
      finished++;
    }

    /** The results in the batch's order. */
    List<Run> results() {
      List<Run> out = new ArrayList<>();
      for (java.util.concurrent.Future<Run> fu : futures) {
        out.add(ThreadEngine.result(fu));
      }
      return out;
    }

    /** Drops the runs not started yet (those going finish unread). */
    void cancel() {
      futures.forEach(fu -> fu.cancel(false));
    }
  }

  /** A schedule the parser takes: fresh, or a mutated corpus entry. */
  private Schedule candidate(Draws r, List<Schedule> corpus, long runSeed) {
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
