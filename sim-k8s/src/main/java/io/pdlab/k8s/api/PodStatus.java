package io.pdlab.k8s.api;

/**
 * A pod's observed state.
 *
 * @param phase Pending, Running, Succeeded or Failed
 * @param reason why it is Pending (e.g. the scheduler's "0/9 nodes are available: ...") or
 *     waiting (CrashLoopBackOff), or empty
 */
public record PodStatus(String phase, boolean ready, String reason, int restarts) {
  public static final PodStatus PENDING = new PodStatus("Pending", false, "", 0);

  public PodStatus withPhase(String p, String why) {
    return new PodStatus(p, ready, why, restarts);
  }

  public PodStatus withReady(boolean r) {
    return new PodStatus(phase, r, reason, restarts);
  }

  public PodStatus withRestarts(int n) {
    return new PodStatus(phase, ready, reason, n);
  }
}
