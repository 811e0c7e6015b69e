package io.pdlab.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PercentilesTest {
  @Test
  void oneToHundredGivesThePercentileItself() {
    long[] v = new long[100];
    for (int i = 0; i < 100; i++) {
      v[i] = i + 1;
    }
    assertEquals(50, Percentiles.nearestRank(v, 50));
    assertEquals(95, Percentiles.nearestRank(v, 95));
    assertEquals(99, Percentiles.nearestRank(v, 99));
    assertEquals(100, Percentiles.nearestRank(v, 100));
    assertEquals(1, Percentiles.nearestRank(v, 1));
  }

  @Test
  void twentyValuesUseCeilingRanks() {
    List<Long> v = new ArrayList<>();
    for (long i = 20; i >= 1; i--) { // unsorted on purpose
      v.add(i * 10);
    }
    // ranks: ceil(0.50 * 20) = 10, ceil(0.95 * 20) = 19, ceil(0.99 * 20) = 20
    assertEquals(new TimeStats(100, 190, 200, 200), Percentiles.stats(v));
  }

  @Test
  void smallSamplesNeverInterpolate() {
    // sorted [1, 5, 9]: p50 rank ceil(1.5) = 2, p95 rank ceil(2.85) = 3
    assertEquals(new TimeStats(5, 9, 9, 9), Percentiles.stats(List.of(9L, 1L, 5L)));
    assertEquals(new TimeStats(7, 7, 7, 7), Percentiles.stats(List.of(7L)));
    // two values: p50 is the lower one (rank 1), p95 the upper
    assertEquals(new TimeStats(3, 8, 8, 8), Percentiles.stats(List.of(8L, 3L)));
  }

  @Test
  void noValuesGiveNoStats() {
    assertNull(Percentiles.stats(List.of()));
    assertThrows(IllegalArgumentException.class, () -> Percentiles.nearestRank(new long[0], 50));
    assertThrows(IllegalArgumentException.class,
        () -> Percentiles.nearestRank(new long[] {1}, 0));
    assertThrows(IllegalArgumentException.class,
        () -> Percentiles.nearestRank(new long[] {1}, 101));
  }

  /** The sign-test ranks of the median's 95% interval, against the published table values. */
  @Test
  void medianIntervalUsesSignTestRanks() {
    // n -> lower rank j (upper n + 1 - j): 6->1, 10->2, 20->6, 40->14, 100->40; the large ones
    // from exact binomial sums in integers (past n = 1074, 0.5^n underflows a double)
    int[][] table = {{6, 1}, {10, 2}, {20, 6}, {40, 14}, {100, 40}, {1000, 469}, {1074, 505},
        {1075, 505}, {2000, 956}, {5000, 2431}};
    for (int[] t : table) {
      long[] v = new long[t[0]];
      for (int i = 0; i < v.length; i++) {
        v[i] = i + 1;
      }
      long[] ci = Percentiles.medianInterval95(v);
      org.junit.jupiter.api.Assertions.assertArrayEquals(new long[] {t[1], t[0] + 1 - t[1]}, ci,
          "n=" + t[0]);
    }
    org.junit.jupiter.api.Assertions.assertNull(Percentiles.medianInterval95(new long[] {1, 2, 3,
        4, 5}), "5 values allow no 95% interval");
  }
}
