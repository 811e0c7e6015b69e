package io.pdlab.explore;

import java.util.random.RandomGenerator;

/**
 * The search's random draws: {@link java.util.SplittableRandom}'s sequence (same seed, same
 * values from {@link #nextInt()}, {@link #nextInt(int)}, {@link #nextBoolean()} and {@link
 * #nextLong()}, the calls the search makes), in a generator that can be copied, so that the
 * search can draw a batch ahead on a copy and keep it only if the corpus it drew from turns out
 * right ({@link Explorer}). Algorithm: SplittableRandom of OpenJDK 17 (a Weyl sequence with the
 * golden gamma, mixed by {@code mix64}/{@code mix32}; bounded ints by {@code
 * RandomSupport.boundedNextInt}); DrawsTest checks it against the JDK's class.
 */
final class Draws implements RandomGenerator {
  private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;
  private long seed;

  Draws(long seed) {
    this.seed = seed;
  }

  /** A generator that draws the same values as this one from here on. */
  Draws copy() {
    return new Draws(seed);
  }

  @Override
  public long nextLong() {
    seed += GOLDEN_GAMMA;
    long z = seed;
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  @Override
  public int nextInt() {
    seed += GOLDEN_GAMMA;
    long z = seed;
    z = (z ^ (z >>> 33)) * 0x62a9d9ed799705f5L;
    return (int) (((z ^ (z >>> 28)) * 0xcb24d0a5c88c35b3L) >>> 32);
  }

  @Override
  public int nextInt(int bound) {
    if (bound <= 0) {
      throw new IllegalArgumentException("bound must be positive, got " + bound);
    }
    int r = nextInt();
    int m = bound - 1;
    if ((bound & m) == 0) {
      return r & m; // a power of two
    }
    // rejects the over-represented values, as the JDK does
    for (int u = r >>> 1; u + m - (r = u % bound) < 0; u = nextInt() >>> 1) {
      // draws again
    }
    return r;
  }

  @Override
  public boolean nextBoolean() {
    return nextInt() < 0;
  }
}
