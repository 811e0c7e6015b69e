package io.pdlab.reports;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The simulator checked against real etcd: for every (strategy, members, fault) that ran on the
 * simulator ({@code sim}) and on at least one real backend (any other backend, e.g. {@code etcd}
 * or {@code etcd-containers}), one {@link Row} per real backend with the bootstrap times of both
 * sides and the ratio of their medians. {@code pdlab calibrate} writes such results and the report
 * shows them in its calibration section: the ratio says whether the simulator's timing can stand
 * in for real etcd, and {@link #BAND_LOW}..{@link #BAND_HIGH} is how close it must be.
 *
 * <p>Times are nearest-rank percentiles ({@link Percentiles}, as everywhere in the report) over
 * the runs that bootstrapped; a run that never bootstrapped counts in {@link Side#runs} only.
 * Rows are in {@link Ordering} order: strategy, members, fault, then real backend. Everything is
 * computed from the records, so the same results always give the same rows.
 */
public final class Calibration {
  /**
   * The acceptance band for {@link Row#ratio}, lower edge, inclusive: the simulator's
   * median bootstrap time may be at most 20% below the real one.
   */
  public static final double BAND_LOW = 0.8;

  /**
   * The acceptance band for {@link Row#ratio}, upper edge, inclusive: {@code 1 /}
   * {@link #BAND_LOW}, so the band is as wide above 1 as below it (on a log scale).
   */
  public static final double BAND_HIGH = 1.25;

  /**
   * Bootstrap times of one side of a row: the simulator's runs or one real backend's runs.
   *
   * @param backend the backend that ran them
   * @param runs runs of the (strategy, members, fault) on this backend
   * @param bootstrapped of those, the runs with {@code bootstrapMs} not null
   * @param medianMs nearest-rank p50 of bootstrapMs; {@code null} if no run bootstrapped
   * @param p10Ms nearest-rank p10 of bootstrapMs; {@code null} if no run bootstrapped
   * @param p90Ms nearest-rank p90 of bootstrapMs; {@code null} if no run bootstrapped
   * @param medianLowMs lower end of the median's 95% confidence interval
   *     ({@link Percentiles#medianInterval95}); {@code null} with fewer than 6 bootstrapped runs
   * @param medianHighMs upper end of that interval; {@code null} likewise
   * @param perSecond bootstrapped runs by whole seconds of bootstrap time: entry k counts the
   *     runs in [k s, k+1 s), the last entry ({@link #SECOND_BUCKETS} - 1) those at that many
   *     seconds or more. Where the time is a few fixed waits (etcd's 1 s isMemberBootstrapped per
   *     peer), it shows how the runs split between them, which the median alone hides
   */
  public record Side(String backend, int runs, int bootstrapped, Long medianMs, Long p10Ms,
      Long p90Ms, Long medianLowMs, Long medianHighMs, List<Integer> perSecond) {
    /** Takes an immutable copy of {@code perSecond}. */
    public Side {
      perSecond = List.copyOf(perSecond);
      if (perSecond.size() != SECOND_BUCKETS) {
        throw new IllegalArgumentException("perSecond needs " + SECOND_BUCKETS + " entries, got "
            + perSecond.size());
      }
    }

    /** The side of {@code runs}, all of them on {@code backend}. */
    static Side of(String backend, List<RunRecord> runs) {
      return of(backend, runs.size(), Analysis.bootstrapTimes(runs));
    }

    /** The side of {@code runs} runs on {@code backend}, of which {@code times} happened. */
    static Side of(String backend, int runs, List<Long> times) {
      Integer[] counts = new Integer[SECOND_BUCKETS];
      java.util.Arrays.fill(counts, 0);
      for (long ms : times) {
        int k = (int) Math.min(SECOND_BUCKETS - 1, ms / 1_000);
        counts[k]++;
      }
      if (times.isEmpty()) {
        return new Side(backend, runs, 0, null, null, null, null, null,
            List.of(counts));
      }
      long[] sorted = Percentiles.sorted(times);
      long[] ci = Percentiles.medianInterval95(sorted);
      return new Side(backend, runs, sorted.length, Percentiles.nearestRank(sorted, 50),
          Percentiles.nearestRank(sorted, 10), Percentiles.nearestRank(sorted, 90),
          ci == null ? null : ci[0], ci == null ? null : ci[1], List.of(counts));
    }

    /**
     * {@link #perSecond} as shares of the bootstrapped runs, the empty seconds left out: {@code
     * "0 s 22% · 1 s 13% · 4 s 34%"}, the last bucket as {@code "10+ s"}; {@code "-"} when no
     * run bootstrapped.
     */
    public String perSecondText() {
      if (bootstrapped == 0) {
        return "-";
      }
      List<String> parts = new ArrayList<>();
      for (int k = 0; k < SECOND_BUCKETS; k++) {
        int c = perSecond.get(k);
        if (c > 0) {
          parts.add((k == SECOND_BUCKETS - 1 ? k + "+" : String.valueOf(k)) + " s "
              + Math.round(100.0 * c / bootstrapped) + "%");
        }
      }
      return String.join(" · ", parts);
    }
  }

  /** Buckets of {@link Side#perSecond}: 0 to 9 s one second each, then 10 s and more. */
  public static final int SECOND_BUCKETS = 11;

  /**
   * Whether a row's times all lie within the whole-second buckets on both sides (p90 under
   * {@code SECOND_BUCKETS - 1} seconds), so that {@link Side#perSecondText} tells its modes.
   */
  public static boolean decidedInSeconds(Row r) {
    long limit = (SECOND_BUCKETS - 1) * 1_000L;
    return r.sim().p90Ms() != null && r.real().p90Ms() != null && r.sim().p90Ms() < limit
        && r.real().p90Ms() < limit;
  }

  /**
   * One (strategy, members, fault) on the simulator against one real backend.
   *
   * @param strategy bootstrap strategy
   * @param members cluster size N
   * @param fault injected fault, {@code none} for a clean run
   * @param realBackend the real backend of {@code real}
   * @param sim the simulator's runs
   * @param real the real backend's runs
   * @param ratio sim median / real median; {@code null} if either median is missing (a side
   *     never bootstrapped) or the real median is 0
   * @param withinBand {@code ratio} is not null and {@link #BAND_LOW} &lt;= ratio &lt;=
   *     {@link #BAND_HIGH}
   * @param paramsDiffer parameter keys whose values differ between the simulator's and the real
   *     runs (a key one side sets and the other does not included), sorted; empty when both
   *     sides ran with the same parameters
   * @param ratioLow the lowest ratio both medians' 95% intervals allow (sim low / real high);
   *     {@code null} where a side has no interval. With {@code ratioHigh} it says how far the
   *     ratio itself can be trusted: a bimodal cell run a few times gives a wide range
   * @param ratioHigh the highest such ratio (sim high / real low); {@code null} likewise
   * @param ksP the two-sample Kolmogorov-Smirnov p-value of the two sides' bootstrap times
   *     ({@link TwoSample#ksPValue}): small (below 0.05, say) when they differ by more than the
   *     runs' own scatter explains; {@code null} where a side never bootstrapped
   * @param chanceInBand how often a row of this many runs would be in band if the real runs came
   *     from the simulator's own distribution ({@link TwoSample#chanceInBand}); low where the
   *     time falls into a few widely spaced values and the median of few runs jumps between
   *     them; {@code null} where a side never bootstrapped
   */
  public record Row(String strategy, int members, String fault, String realBackend, Side sim,
      Side real, Double ratio, boolean withinBand, List<String> paramsDiffer, Double ratioLow,
      Double ratioHigh, Double ksP, Double chanceInBand) {
    /** Takes an immutable copy of {@code paramsDiffer}. */
    public Row {
      paramsDiffer = List.copyOf(paramsDiffer);
    }

    /** Whether both sides ran with the same parameters ({@link #paramsDiffer} is empty). */
    public boolean paramsMatch() {
      return paramsDiffer.isEmpty();
    }
  }

  private final List<Row> rows;

  private Calibration(List<Row> rows) {
    this.rows = List.copyOf(rows);
  }

  /** The calibration rows of {@code results}; empty unless it has sim and real records alike. */
  public static Calibration of(Results results) {
    List<Row> out = new ArrayList<>();
    eachSimAndReal(results.records(), r -> true, (k, backend, simRuns, realRuns) ->
        out.add(compare(k.strategy(), k.members(), k.fault(), backend, simRuns,
            Analysis.bootstrapTimes(simRuns), realRuns, Analysis.bootstrapTimes(realRuns))));
    return new Calibration(out);
  }

  /** What {@link #eachSimAndReal} hands over: a group, a real backend and both sides' runs. */
  interface SimAndReal {
    void accept(Ordering.Group group, String realBackend, List<RunRecord> simRuns,
        List<RunRecord> realRuns);
  }

  /**
   * For every (strategy, members, fault) in {@link Ordering} order whose {@code keep} runs ran on
   * the simulator, each real backend that ran it too, in backend order, with both sides' runs.
   */
  static void eachSimAndReal(List<RunRecord> records,
      java.util.function.Predicate<RunRecord> keep, SimAndReal then) {
    Analysis.group(records, r -> Analysis.key("", r.strategy(), r.members(), r.fault()))
        .forEach((k, runs) -> {
          Map<String, List<RunRecord>> byBackend = new TreeMap<>(Ordering.BACKEND);
          for (RunRecord r : runs) {
            if (keep.test(r)) {
              byBackend.computeIfAbsent(r.backend(), b -> new ArrayList<>()).add(r);
            }
          }
          List<RunRecord> simRuns = byBackend.get(Ordering.SIM);
          if (simRuns == null) {
            return;
          }
          byBackend.forEach((backend, realRuns) -> {
            if (!backend.equals(Ordering.SIM)) {
              then.accept(k, backend, simRuns, realRuns);
            }
          });
        });
  }

  /**
   * One row: the simulator's {@code simRuns}, of which {@code simTimes} are the times that
   * happened, against {@code realRuns} on {@code backend} with {@code realTimes}. The same
   * statistics for any time a run measures (the bootstrap here, a pod's start in
   * {@link KubeCalibration}).
   */
  static Row compare(String strategy, int members, String fault, String backend,
      List<RunRecord> simRuns, List<Long> simTimes, List<RunRecord> realRuns,
      List<Long> realTimes) {
    Side sim = Side.of(Ordering.SIM, simRuns.size(), simTimes);
    Side real = Side.of(backend, realRuns.size(), realTimes);
    long[] simSorted = Percentiles.sorted(simTimes);
    long[] realSorted = Percentiles.sorted(realTimes);
    boolean both = simSorted.length > 0 && realSorted.length > 0;
    Double ratio = ratio(sim.medianMs(), real.medianMs());
    return new Row(strategy, members, fault, backend, sim, real, ratio, inBand(ratio),
        paramsDiffer(simRuns, realRuns), ratio(sim.medianLowMs(), real.medianHighMs()),
        ratio(sim.medianHighMs(), real.medianLowMs()),
        both ? TwoSample.ksPValue(simSorted, realSorted) : null,
        both ? TwoSample.chanceInBand(simSorted, simSorted.length, realSorted.length) : null);
  }

  /**
   * {@code simMs / realMs}; {@code null} if either is null or {@code realMs} is 0. Division of
   * doubles is correctly rounded, so an exact 4:5 or 5:4 lands on {@link #BAND_LOW} or
   * {@link #BAND_HIGH} itself and counts as in band.
   */
  public static Double ratio(Long simMs, Long realMs) {
    if (simMs == null || realMs == null || realMs == 0) {
      return null;
    }
    return (double) simMs / realMs;
  }

  /** Whether {@code ratio} is in the acceptance band, edges included; {@code null} is not. */
  public static boolean inBand(Double ratio) {
    return ratio != null && ratio >= BAND_LOW && ratio <= BAND_HIGH;
  }

  /** One row per (strategy, members, fault, real backend), in {@link Ordering} order. */
  public List<Row> rows() {
    return rows;
  }

  /** Whether no (strategy, members, fault) ran on both the simulator and a real backend. */
  public boolean isEmpty() {
    return rows.isEmpty();
  }

  /**
   * Whether every row is within the band. {@code false} when there are no rows: nothing was
   * compared, so nothing was shown to be within the band.
   */
  public boolean allWithinBand() {
    return !rows.isEmpty() && rows.stream().allMatch(Row::withinBand);
  }

  /**
   * Keys, sorted, whose values on the simulator's runs differ from those on the real runs: per
   * key, the set of values the runs of a side have (unset being a value of its own) is compared.
   */
  static List<String> paramsDiffer(List<RunRecord> sim, List<RunRecord> real) {
    TreeSet<String> keys = new TreeSet<>();
    sim.forEach(r -> keys.addAll(r.params().keySet()));
    real.forEach(r -> keys.addAll(r.params().keySet()));
    List<String> out = new ArrayList<>();
    for (String key : keys) {
      if (!values(sim, key).equals(values(real, key))) {
        out.add(key);
      }
    }
    return out;
  }

  /** The values of {@code key} over {@code runs}: {@code "=value"}, or {@code "unset"}. */
  private static TreeSet<String> values(List<RunRecord> runs, String key) {
    TreeSet<String> out = new TreeSet<>();
    for (RunRecord r : runs) {
      String v = r.params().get(key);
      out.add(v == null ? "unset" : "=" + v);
    }
    return out;
  }
}
