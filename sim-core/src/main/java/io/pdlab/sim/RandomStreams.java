package io.pdlab.sim;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The random streams of one run: one {@code long} seed, one independent {@link Rng} per named
 * component. A component's stream is derived from the seed and the component's name alone, so it
 * does not change when other components are added, removed or created in another order: drawing
 * more from the network's stream never shifts a process's draws. Each name may be taken once, so two
 * components cannot share a stream by accident.
 */
public final class RandomStreams {
  private final long seed;
  private final Map<String, Rng> byName = new TreeMap<>();
  private final List<String> creationOrder = new ArrayList<>();

  public RandomStreams(long seed) {
    this.seed = seed;
  }

  public long seed() {
    return seed;
  }

  /**
   * The stream of {@code component}.
   *
   * @throws IllegalStateException if the name was already taken in this run
   */
  public Rng stream(String component) {
    if (byName.containsKey(component)) {
      throw new IllegalStateException("random stream '" + component + "' is already taken");
    }
    Rng rng = new Rng(streamSeed(seed, component));
    byName.put(component, rng);
    creationOrder.add(component);
    return rng;
  }

  /** Names of the streams taken so far, in the order they were taken. */
  public List<String> names() {
    return Collections.unmodifiableList(creationOrder);
  }

  /** The seed of {@code component}'s stream under run seed {@code seed} (FNV-1a, then SplitMix). */
  static long streamSeed(long seed, String component) {
    long h = 0xcbf29ce484222325L;
    for (byte b : component.getBytes(StandardCharsets.UTF_8)) {
      h ^= (b & 0xff);
      h *= 0x100000001b3L;
    }
    return Rng.mix64(Rng.mix64(seed) ^ h);
  }
}
