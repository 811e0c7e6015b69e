package io.pdlab.pd.run;

import java.util.TreeMap;

/**
 * The kubelet's container restart back-off, per container: the one rule the model's kubelets
 * ({@code PdWorld}'s stand-in and sim-k8s's {@code K8sWorld}) follow.
 *
 * <p>kubelet v1.20.2 {@code pkg/kubelet/kuberuntime/kuberuntime_manager.go} {@code doBackOff}:
 * when a container has exited, the pod sync asks {@code backOff.IsInBackOffSince(key,
 * finishedAt)}; if not, it calls {@code backOff.Next(key, finishedAt)} and starts the container.
 * client-go v0.20 {@code util/flowcontrol/backoff.go}: a key without an entry is not in back-off
 * (so the first restart is immediate); {@code Next} creates the entry at the initial duration, or
 * doubles it up to the maximum; an entry whose last update is more than twice the maximum before
 * the exit has expired (a container that ran 10 minutes starts over at once). So a container that
 * keeps exiting is restarted at once, then after 10, 20, 40, 80, 160, 300, 300 ... s.
 *
 * <p>Times are the caller's clock in microseconds (virtual in the simulator).
 */
public final class RestartBackOff {
  /** kubelet v1.20.2 pkg/kubelet/kubelet.go: {@code backOffPeriod = time.Second * 10}. */
  public static final long INITIAL_MS = 10_000;
  /** kubelet v1.20.2 pkg/kubelet/kubelet.go: {@code MaxContainerBackOff = 300 * time.Second}. */
  public static final long MAX_MS = 300_000;

  /** Per container: {backoff, lastUpdate} in microseconds. */
  private final TreeMap<String, long[]> entries = new TreeMap<>();

  /**
   * How long after its exit at {@code exitUs} the container {@code key} waits before the kubelet
   * starts it again: 0 when it is not in back-off (never restarted, or its entry expired).
   */
  public long delayUs(String key, long exitUs) {
    long[] e = entries.get(key);
    if (e == null || expired(e, exitUs)) {
      return 0;
    }
    return e[0];
  }

  /**
   * The kubelet starts container {@code key} again at {@code nowUs} after its exit at {@code
   * exitUs} ({@code backOff.Next}): the next exit waits the initial duration, or twice this one.
   */
  public void restarted(String key, long exitUs, long nowUs) {
    long[] e = entries.get(key);
    if (e == null || expired(e, exitUs)) {
      entries.put(key, new long[] {INITIAL_MS * 1_000, nowUs});
    } else {
      e[0] = Math.min(e[0] * 2, MAX_MS * 1_000);
      e[1] = nowUs;
    }
  }

  /** Forgets {@code key} (its pod is gone; a new pod of that name starts afresh). */
  public void forget(String key) {
    entries.remove(key);
  }

  private static boolean expired(long[] e, long exitUs) {
    return exitUs - e[1] > 2 * MAX_MS * 1_000;
  }
}
