package io.pdlab.explore;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DrawsTest {
  /**
   * The same values as the JDK's SplittableRandom, call for call, over bounds that are powers of
   * two, small, and large enough that values are rejected and drawn again; a copy goes on alike.
   */
  @Test
  void drawsAsSplittableRandomDoesAndACopyGoesOnAlike() {
    int[] bounds = {1, 2, 3, 4, 6, 7, 10, 41, 64, 100, 1 << 20, (1 << 30) + 1, Integer.MAX_VALUE};
    for (long seed : new long[] {0, 1, 7, -1, 1_000_003L * 17, Long.MIN_VALUE}) {
      SplittableRandom jdk = new SplittableRandom(seed);
      Draws d = new Draws(seed);
      for (int i = 0; i < 20_000; i++) {
        int b = bounds[i % bounds.length];
        switch (i % 5) {
          case 0 -> assertEquals(jdk.nextInt(b), d.nextInt(b), "nextInt(" + b + ") #" + i);
          case 1 -> assertEquals(jdk.nextBoolean(), d.nextBoolean(), "nextBoolean #" + i);
          case 2 -> assertEquals(jdk.nextInt(), d.nextInt(), "nextInt #" + i);
          case 3 -> assertEquals(jdk.nextLong(), d.nextLong(), "nextLong #" + i);
          default -> assertEquals(jdk.nextInt(b), d.nextInt(b), "nextInt(" + b + ") #" + i);
        }
      }
      Draws c = d.copy();
      for (int i = 0; i < 1_000; i++) {
        int v = jdk.nextInt(41);
        assertEquals(v, d.nextInt(41));
        assertEquals(v, c.nextInt(41));
      }
    }
  }
}
