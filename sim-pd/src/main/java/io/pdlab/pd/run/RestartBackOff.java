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

  /** kubelet v1.20.2 pkg/kubelet/kubelet.go: {@code plegRelistPeriod = time.Second * 1}. */
  public static final long RELIST_MS = 1_000;
  /**
   * kubelet v1.20.2 pkg/kubelet/pod_workers.go: {@code workerBackOffPeriodJitterFactor = 0.5}:
   * a pod whose sync failed (a container in back-off) is synced again after {@code
   * wait.Jitter(backOffPeriod, 0.5)}, 10 to 15 s.
   */
  public static final double REQUEUE_JITTER = 0.5;

  /**
   * How long after its exit the kubelet really starts a container whose back-off is {@code
   * delayUs}: its pod worker learns of the exit at the next PLEG relist (within {@link
   * #RELIST_MS}) and syncs; a sync that finds the container still in back-off fails with
   * CrashLoopBackOff and requeues the pod after {@link #INITIAL_MS} jittered by up to {@link
   * #REQUEUE_JITTER} (pod_workers.go {@code wrapUp}); the first sync at or after the back-off's end
   * starts it. So a back-off of 10 s restarts after 10 to 16 s, one of 40 s after 40 to 61 s
   * (measured on real kubelets: 14.2, 27.3 and 54.3 s for 10, 20 and 40 s).
   */
  public static long restartAfterUs(long delayUs, io.pdlab.sim.Rng rng) {
    long t = rng.nextLong(RELIST_MS * 1_000 + 1);
    while (t < delayUs) {
      t += INITIAL_MS * 1_000 + (long) (rng.nextDouble() * REQUEUE_JITTER * INITIAL_MS * 1_000);
    }
    return t;
  }

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
