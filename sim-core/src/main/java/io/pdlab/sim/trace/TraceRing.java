package io.pdlab.sim.trace;

import java.util.ArrayList;
import java.util.List;

/** Keeps the last {@code capacity} records: the excerpt shown with a violation or a budget stop. */
public final class TraceRing implements TraceSink {
  private final TraceRecord[] ring;
  private long count;

  public TraceRing(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("ring capacity must be at least 1, got " + capacity);
    }
    ring = new TraceRecord[capacity];
  }

  @Override
  public void accept(TraceRecord record) {
    ring[(int) (count % ring.length)] = record;
    count++;
  }

  /** The kept records, oldest first. */
  public List<TraceRecord> snapshot() {
    int n = (int) Math.min(count, ring.length);
    List<TraceRecord> out = new ArrayList<>(n);
    for (long i = count - n; i < count; i++) {
      out.add(ring[(int) (i % ring.length)]);
    }
    return out;
  }
}
