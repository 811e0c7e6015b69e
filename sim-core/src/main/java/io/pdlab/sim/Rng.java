package io.pdlab.sim;

/**
 * A seeded pseudo-random stream (SplitMix64, Steele, Lea and Flood, OOPSLA 2014). Written out here
 * rather than taken from {@code java.util} so that every draw, bounded ones included, is the same
 * on every JDK: traces must be byte-identical for one seed. Not thread-safe: one stream per
 * component.
 */
public final class Rng {
  private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;
  private long state;

  public Rng(long seed) {
    this.state = seed;
  }

  /** SplitMix64's output mix (Stafford variant 13); also a good 64-bit hash. */
  static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  public long nextLong() {
    state += GOLDEN_GAMMA;
    return mix64(state);
  }

  /** Uniform in [0, bound), without modulo bias (Lemire's method). */
  public long nextLong(long bound) {
    if (bound <= 0) {
      throw new IllegalArgumentException("bound must be positive, got " + bound);
    }
    long threshold = Long.remainderUnsigned(-bound, bound);
    while (true) {
      long x = nextLong();
      long lo = x * bound;
      if (Long.compareUnsigned(lo, threshold) >= 0) {
        return Math.multiplyHigh(x, bound) + ((x >> 63) & bound);
      }
    }
  }

  /** Uniform in [0, bound). */
  public int nextInt(int bound) {
    return (int) nextLong(bound);
  }

  /** Uniform in [lo, hi]; both inclusive. */
  public long between(long lo, long hi) {
    if (hi < lo) {
      throw new IllegalArgumentException("empty range [" + lo + ", " + hi + "]");
    }
    if (hi == lo) {
      return lo;
    }
    return lo + nextLong(hi - lo + 1);
  }

  /** Uniform in [0, 1), 53 random bits. */
  public double nextDouble() {
    return (nextLong() >>> 11) * 0x1.0p-53;
  }

  /** True with probability {@code p}; draws nothing when p is 0 or 1. */
  public boolean chance(double p) {
    if (p <= 0) {
      return false;
    }
    if (p >= 1) {
      return true;
    }
    return nextDouble() < p;
  }

  /** A standard normal draw (Box-Muller, one value per call). */
  public double nextGaussian() {
    double u1 = 1.0 - nextDouble();
    double u2 = nextDouble();
    return StrictMath.sqrt(-2.0 * StrictMath.log(u1)) * StrictMath.cos(2 * StrictMath.PI * u2);
  }

  /** An independent stream whose seed is drawn from this one. */
  public Rng split() {
    return new Rng(mix64(nextLong()) ^ nextLong());
  }
}
