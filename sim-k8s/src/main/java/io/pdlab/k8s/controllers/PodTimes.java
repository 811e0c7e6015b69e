package io.pdlab.k8s.controllers;

import io.pdlab.k8s.api.Pod;
import io.pdlab.k8s.store.WatchEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * When each member pod (its container's role {@code etcd} or {@code pd}) was created, scheduled,
 * started and Ready, when its container restarts counted up, and why it was last Pending, as a
 * watcher of the API sees them. It watches the store the operators write to, so the same code
 * times the model's scheduler and kubelet (on the model's store) and the real ones (on a real API
 * server): what {@code pdlab calibrate --backend k8s} puts side by side.
 *
 * <p>Times are microseconds since {@link #startAt} (the strategy's install: its StatefulSet,
 * TidbCluster or operator created), -1 until it happens. A pod deleted and created again under the
 * same name (a node lost, a failover) is a new {@link Life}.
 */
public final class PodTimes {
  /**
   * One life of a member pod.
   *
   * @param pod its name
   * @param createdUs when it appeared in the API
   * @param scheduledUs when it was first seen bound to a node
   * @param startedUs when it was first seen Running (its container started)
   * @param readyUs when it was first seen Ready
   * @param restartsUs when its restart count went up, once per restart
   * @param pendingReason the last reason it was seen Pending with (the scheduler's message, an
   *     image pull back-off), empty if none
   */
  public record Life(String pod, long createdUs, long scheduledUs, long startedUs, long readyUs,
      List<Long> restartsUs, String pendingReason) {
    public Life {
      restartsUs = List.copyOf(restartsUs);
    }
  }

  private static final class Seen {
    final String pod;
    final long createdUs;
    long scheduledUs = -1;
    long startedUs = -1;
    long readyUs = -1;
    int restarts;
    final List<Long> restartsUs = new ArrayList<>();
    String pendingReason = "";

    Seen(String pod, long createdUs) {
      this.pod = pod;
      this.createdUs = createdUs;
    }

    Life life(long origin) {
      List<Long> r = new ArrayList<>();
      restartsUs.forEach(t -> r.add(t - origin));
      return new Life(pod, createdUs - origin, rel(scheduledUs, origin), rel(startedUs, origin),
          rel(readyUs, origin), r, pendingReason);
    }

    private static long rel(long t, long origin) {
      return t < 0 ? -1 : t - origin;
    }
  }

  private final LongSupplier nowUs;
  private final List<Seen> lives = new ArrayList<>();
  private final TreeMap<String, Seen> current = new TreeMap<>();
  private long originUs;

  /** Times by {@code nowUs} (the world's clock: virtual on the simulator, the run's on real). */
  public PodTimes(LongSupplier nowUs) {
    this.nowUs = nowUs;
  }

  /** Times count from now on; lives seen before are dropped. */
  public void startAt() {
    originUs = nowUs.getAsLong();
    lives.clear();
    current.clear();
  }

  /** A pod watch event: notes what changed of a member pod. */
  public void onPod(WatchEvent e) {
    Pod p = (Pod) e.object();
    if (p.spec().containers().isEmpty()) {
      return;
    }
    String role = p.spec().containers().get(0).role();
    if (!role.equals("etcd") && !role.equals("pd")) {
      return;
    }
    String name = p.meta().namespace() + "/" + p.meta().name();
    if (e.type() == WatchEvent.Type.DELETED) {
      current.remove(name);
      return;
    }
    long now = nowUs.getAsLong();
    Seen s = current.get(name);
    if (s == null) {
      s = new Seen(p.meta().name(), now);
      current.put(name, s);
      lives.add(s);
    }
    if (s.scheduledUs < 0 && p.scheduled()) {
      s.scheduledUs = now;
    }
    if (s.startedUs < 0 && p.status().phase().equals("Running")) {
      s.startedUs = now;
    }
    if (s.readyUs < 0 && p.status().ready()) {
      s.readyUs = now;
    }
    while (s.restarts < p.status().restarts()) {
      s.restarts++;
      s.restartsUs.add(now);
    }
    if (p.status().phase().equals("Pending") && !p.status().reason().isEmpty()) {
      s.pendingReason = p.status().reason();
    }
  }

  /** Every life seen since {@link #startAt}, in the order the pods appeared. */
  public List<Life> lives() {
    List<Life> out = new ArrayList<>();
    lives.forEach(s -> out.add(s.life(originUs)));
    return out;
  }
}
