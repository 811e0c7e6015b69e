package io.pdlab.reports;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Two statistics that say how much a calibration row's ratio of medians can tell: whether the
 * simulator's and the real bootstrap times differ by more than chance ({@link #ksPValue}), and how
 * often a calibration of this size would find the row in band even if real etcd behaved exactly
 * like the model ({@link #chanceInBand}). Both are exact functions of their inputs (the second
 * draws from a fixed seed), so the same results always give the same report.
 */
public final class TwoSample {
  private TwoSample() {}

  /** Resamples {@link #chanceInBand} draws. */
  public static final int BAND_TRIALS = 2_000;

  /** The seed of {@link #chanceInBand}'s draws: fixed, so the figure is the same every time. */
  static final long BAND_SEED = 0x9d1c_5a7e_2b44_0f13L;

  /**
   * The exact p-value of the two-sided two-sample Kolmogorov-Smirnov test: the probability, if
   * both samples came from one continuous distribution, of an ECDF distance at least as large as
   * the one between {@code a} and {@code b}. Computed by counting the lattice paths from (0, 0) to
   * (m, n) that keep every |i/m - j/n| below the observed distance (Hodges 1958), in probabilities
   * rather than counts so that it stays finite for thousands of values. The distance is taken at
   * each distinct value after all its ties, so ties in the data (whole milliseconds) make the
   * p-value larger, never smaller: the test errs towards "no difference".
   *
   * @param a one sample, any order, at least one value
   * @param b the other, at least one value
   * @return the p-value in [0, 1]
   */
  public static double ksPValue(long[] a, long[] b) {
    if (a.length == 0 || b.length == 0) {
      throw new IllegalArgumentException("both samples need a value");
    }
    long[] x = a.clone();
    long[] y = b.clone();
    Arrays.sort(x);
    Arrays.sort(y);
    int m = x.length;
    int n = y.length;
    // The observed distance as an integer: max |i n - j m| over the points after each value.
    long d = 0;
    int i = 0;
    int j = 0;
    while (i < m || j < n) {
      long v = i < m && (j >= n || x[i] <= y[j]) ? x[i] : y[j];
      while (i < m && x[i] == v) {
        i++;
      }
      while (j < n && y[j] == v) {
        j++;
      }
      d = Math.max(d, Math.abs((long) i * n - (long) j * m));
    }
    // u[j] after row i: the share of the paths to (i, j) that stayed strictly inside.
    double[] u = new double[n + 1];
    for (int ii = 0; ii <= m; ii++) {
      for (int jj = 0; jj <= n; jj++) {
        boolean inside = Math.abs((long) ii * n - (long) jj * m) < d;
        if (!inside) {
          u[jj] = 0;
        } else if (ii == 0 && jj == 0) {
          u[jj] = 1;
        } else {
          double fromI = ii == 0 ? 0 : u[jj] * ii / (ii + jj);
          double fromJ = jj == 0 ? 0 : u[jj - 1] * jj / (ii + jj);
          u[jj] = fromI + fromJ;
        }
      }
    }
    return Math.min(1, Math.max(0, 1 - u[n]));
  }

  /**
   * How often a calibration row would be in band if the real runs came from the simulator's own
   * distribution: {@link #BAND_TRIALS} times, draw {@code simRuns} and {@code realRuns} values
   * with replacement from {@code sim}, take each draw's nearest-rank median as the report does,
   * and count the ratios within {@link Calibration#BAND_LOW}..{@link Calibration#BAND_HIGH}. A
   * low figure says that at this many runs even an exact model would often be reported out of
   * band: its time falls into a few widely spaced values (whole-second waits, election ticks), so
   * the median of a small sample jumps between them.
   *
   * @param sim the simulator's bootstrap times, at least one
   * @param simRuns size of the simulated draw, at least one
   * @param realRuns size of the real draw, at least one
   * @return the share in [0, 1]
   */
  public static double chanceInBand(long[] sim, int simRuns, int realRuns) {
    if (sim.length == 0 || simRuns < 1 || realRuns < 1) {
      throw new IllegalArgumentException("chanceInBand needs values and draw sizes of 1 or more");
    }
    long[] sorted = sim.clone();
    Arrays.sort(sorted);
    SplittableRandom rng = new SplittableRandom(BAND_SEED);
    int[] simDraw = new int[simRuns];
    int[] realDraw = new int[realRuns];
    int inBand = 0;
    for (int t = 0; t < BAND_TRIALS; t++) {
      long s = drawMedian(sorted, simDraw, rng);
      long r = drawMedian(sorted, realDraw, rng);
      if (Calibration.inBand(Calibration.ratio(s, r))) {
        inBand++;
      }
    }
    return (double) inBand / BAND_TRIALS;
  }

  /** The nearest-rank median of {@code draw.length} values drawn with replacement from sorted. */
  private static long drawMedian(long[] sorted, int[] draw, SplittableRandom rng) {
    for (int k = 0; k < draw.length; k++) {
      draw[k] = rng.nextInt(sorted.length);
    }
    Arrays.sort(draw); // indices into sorted order are in value order
    int rank = (int) ((50L * draw.length + 99) / 100); // as Percentiles.nearestRank(.., 50)
    return sorted[draw[Math.max(1, rank) - 1]];
  }
}
