package io.pdlab.sim.process;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * A process's durable storage: a sorted key-value map that keeps what was written across crashes
 * and loses everything on {@link #wipe()}. Every write is durable at once (an fsync per write, as
 * etcd's WAL does before it acknowledges). Values should be immutable.
 */
public final class Disk {
  private final TreeMap<String, Object> data = new TreeMap<>();
  private long writes;

  public void put(String key, Object value) {
    data.put(key, value);
    writes++;
  }

  @SuppressWarnings("unchecked")
  public <T> T get(String key) {
    return (T) data.get(key);
  }

  public <T> T getOrDefault(String key, T fallback) {
    T v = get(key);
    return v == null ? fallback : v;
  }

  public boolean contains(String key) {
    return data.containsKey(key);
  }

  public void remove(String key) {
    data.remove(key);
    writes++;
  }

  public boolean isEmpty() {
    return data.isEmpty();
  }

  /** Read-only view in key order. */
  public Map<String, Object> view() {
    return Collections.unmodifiableMap(data);
  }

  /** Writes since the disk was created (wipes do not reset it). */
  public long writes() {
    return writes;
  }

  /** Loses everything, as a replaced volume would. */
  public void wipe() {
    data.clear();
  }
}
