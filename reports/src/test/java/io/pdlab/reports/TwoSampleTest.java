package io.pdlab.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class TwoSampleTest {
  @Test
  void ksPValuesOfSmallSamplesAreTheExactPathCounts() {
    // all of one below all of the other: 2 of the C(6,3) = 20 orders are that far apart
    assertEquals(2.0 / 20, TwoSample.ksPValue(new long[] {3, 1, 2}, new long[] {6, 4, 5}), 1e-12);
    // interleaved: the smallest possible distance, which every order reaches
    assertEquals(1.0, TwoSample.ksPValue(new long[] {1, 3, 5}, new long[] {2, 4, 6}), 1e-12);
    // one value against two: D = 1 unless it lies between them, 2 orders of 3
    assertEquals(2.0 / 3, TwoSample.ksPValue(new long[] {0}, new long[] {1, 2}), 1e-12);
    // D = 4/5 with five each: 2 * C(10, 1) / C(10, 5) = 20 / 252
    assertEquals(20.0 / 252, TwoSample.ksPValue(new long[] {1, 2, 3, 4, 6},
        new long[] {5, 7, 8, 9, 10}), 1e-12);
  }

  @Test
  void equalSizesAgreeWithTheClosedForm() {
    // For m = n the exact tail is P(D >= k/n) = 2 sum_{j>=1} (-1)^(j+1) C(2n, n - jk) / C(2n, n).
    int n = 40;
    for (int k = 1; k <= n; k++) {
      long[] a = new long[n];
      long[] b = new long[n];
      // a's first k values lie below all of b, the rest each just after one of b's: D = k/n
      for (int i = 0; i < n; i++) {
        a[i] = i < k ? i : 10L * (i - k) + 1005;
        b[i] = 10L * i + 1000;
      }
      double d = distance(a, b);
      assertEquals((double) k / n, d, 1e-12, "distance for k=" + k);
      assertEquals(closedForm(n, k), TwoSample.ksPValue(a, b), 1e-9, "k=" + k);
    }
  }

  @Test
  void tiesNeverMakeADifference() {
    assertEquals(1.0, TwoSample.ksPValue(new long[] {5, 5, 5}, new long[] {5, 5}), 0);
    assertEquals(1.0, TwoSample.ksPValue(new long[] {7}, new long[] {7}), 0);
    // identical samples of many values: nothing to tell apart
    long[] a = {1, 2, 2, 3, 9, 9, 9, 20};
    assertEquals(1.0, TwoSample.ksPValue(a, a.clone()), 0);
    assertThrows(IllegalArgumentException.class,
        () -> TwoSample.ksPValue(new long[0], new long[] {1}));
  }

  @Test
  void largeSamplesStayFinite() {
    long[] a = new long[4000];
    long[] b = new long[400];
    for (int i = 0; i < a.length; i++) {
      a[i] = i * 7L % 4001;
    }
    for (int i = 0; i < b.length; i++) {
      b[i] = i * 13L % 401 * 10 + 3; // the same range, spread alike
    }
    double p = TwoSample.ksPValue(a, b);
    assertTrue(p > 0.5 && p <= 1, "alike: " + p);
    for (int i = 0; i < b.length; i++) {
      b[i] += 3000; // shifted by three quarters of the range
    }
    assertTrue(TwoSample.ksPValue(a, b) < 1e-9, "shifted");
  }

  @Test
  void chanceInBandOfOneValueIsCertain() {
    assertEquals(1.0, TwoSample.chanceInBand(new long[] {1200, 1200, 1200}, 100, 10));
  }

  @Test
  void chanceInBandOfTwoFarValuesIsTheChanceBothMediansFallOnOne() {
    long[] half = new long[100];
    for (int i = 0; i < half.length; i++) {
      half[i] = i % 2 == 0 ? 1000 : 3000;
    }
    // one run a side: in band exactly when both draws are the same value, half the time
    double one = TwoSample.chanceInBand(half, 1, 1);
    assertEquals(0.5, one, 0.04, "2000 draws: within 3.6 standard deviations");
    assertEquals(one, TwoSample.chanceInBand(half, 1, 1), "fixed seed: the same figure");
    // more runs do not help when the median sits between the two values
    assertTrue(TwoSample.chanceInBand(half, 100, 10) < 0.7);
    // a sample that is 90% one value: its median settles with enough runs
    long[] mostly = new long[100];
    for (int i = 0; i < mostly.length; i++) {
      mostly[i] = i < 90 ? 1000 : 3000;
    }
    assertTrue(TwoSample.chanceInBand(mostly, 100, 30) > 0.99);
    assertThrows(IllegalArgumentException.class,
        () -> TwoSample.chanceInBand(new long[] {1}, 0, 1));
  }

  private static double distance(long[] a, long[] b) {
    long[] all = new long[a.length + b.length];
    System.arraycopy(a, 0, all, 0, a.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    double d = 0;
    for (long v : all) {
      d = Math.max(d, Math.abs(below(a, v) - below(b, v)));
    }
    return d;
  }

  private static double below(long[] s, long v) {
    return (double) Arrays.stream(s).filter(x -> x <= v).count() / s.length;
  }

  private static double closedForm(int n, int k) {
    BigInteger total = choose(2 * n, n);
    BigInteger sum = BigInteger.ZERO;
    for (int j = 1; n - j * k >= 0; j++) {
      BigInteger term = choose(2 * n, n - j * k);
      sum = j % 2 == 1 ? sum.add(term) : sum.subtract(term);
    }
    return Math.min(1.0, 2 * new java.math.BigDecimal(sum).divide(new java.math.BigDecimal(total),
        java.math.MathContext.DECIMAL64).doubleValue());
  }

  private static BigInteger choose(int n, int k) {
    BigInteger r = BigInteger.ONE;
    for (int i = 0; i < k; i++) {
      r = r.multiply(BigInteger.valueOf(n - i)).divide(BigInteger.valueOf(i + 1));
    }
    return r;
  }
}
