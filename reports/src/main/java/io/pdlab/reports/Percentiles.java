package io.pdlab.reports;

import java.util.Arrays;
import java.util.Collection;

/**
 * Nearest-rank percentiles: the p-th percentile of n sorted values is the value at rank
 * {@code ceil(p / 100 * n)} (1-based). It always returns a value that was measured (no
 * interpolation), so a p99 of 20 runs is simply the slowest run and the numbers in the report can
 * be found in {@code records}. Ranks are computed in integer arithmetic, so no rounding error can
 * move a rank.
 */
public final class Percentiles {
  private Percentiles() {}

  /**
   * The p-th nearest-rank percentile of {@code sorted}.
   *
   * @param sorted values in ascending order, at least one
   * @param p percentile in 1..100
   */
  public static long nearestRank(long[] sorted, int p) {
    if (sorted.length == 0) {
      throw new IllegalArgumentException("no values");
    }
    if (p < 1 || p > 100) {
      throw new IllegalArgumentException("percentile out of 1..100: " + p);
    }
    long n = sorted.length;
    long rank = (p * n + 99) / 100; // ceil(p * n / 100)
    return sorted[(int) Math.max(1, rank) - 1];
  }

  /**
   * A distribution-free confidence interval of the median, at least 95%: the values at ranks
   * {@code j} and {@code n + 1 - j}, with {@code j} the largest rank such that a Binomial(n, 1/2)
   * falls below {@code j} with probability at most 2.5% (the sign-test interval). It assumes
   * nothing about the shape, so it is honest for bimodal times too, where it is wide.
   *
   * @param sorted values in ascending order
   * @return {@code {low, high}}, or {@code null} when fewer than 6 values allow no such interval
   */
  public static long[] medianInterval95(long[] sorted) {
    int n = sorted.length;
    // P(Binomial(n, 1/2) <= k), each term from its logarithm: 0.5^n itself underflows to 0 past
    // n = 1074 (pooled calibrations reach that), and a product started at 0 would stay 0.
    double logP = n * Math.log(0.5);
    double cumulative = 0;
    int j = 0;
    for (int k = 0; k < n; k++) {
      cumulative += Math.exp(logP);
      if (cumulative > 0.025) {
        break;
      }
      j = k + 1; // P(X < k + 1) = P(X <= k) <= 2.5%
      logP += Math.log((double) (n - k) / (k + 1));
    }
    if (j == 0) {
      return null;
    }
    return new long[] {sorted[j - 1], sorted[n - j]};
  }

  /** {@code values} as an ascending array, ready for {@link #nearestRank}. */
  public static long[] sorted(Collection<Long> values) {
    long[] sorted = values.stream().mapToLong(Long::longValue).toArray();
    Arrays.sort(sorted);
    return sorted;
  }

  /** p50, p95, p99 and max of {@code values}; {@code null} when there are none. */
  public static TimeStats stats(Collection<Long> values) {
    if (values.isEmpty()) {
      return null;
    }
    long[] sorted = sorted(values);
    return new TimeStats(nearestRank(sorted, 50), nearestRank(sorted, 95),
        nearestRank(sorted, 99), sorted[sorted.length - 1]);
  }
}
