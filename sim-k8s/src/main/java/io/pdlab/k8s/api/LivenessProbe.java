package io.pdlab.k8s.api;

import java.util.List;

/**
 * An exec liveness probe (core/v1 {@code Probe} with an {@code ExecAction}): the kubelet runs
 * {@code command} in the container every {@code periodSeconds}, from {@code initialDelaySeconds}
 * after the container started; {@code failureThreshold} failures in a row (a non-zero exit, or
 * no exit within {@code timeoutSeconds}) and the kubelet kills the container, which its pod's
 * restart policy then restarts or leaves dead.
 */
public record LivenessProbe(List<String> command, int initialDelaySeconds, int timeoutSeconds,
    int periodSeconds, int failureThreshold) {
  public LivenessProbe {
    command = List.copyOf(command);
    if (initialDelaySeconds < 0 || timeoutSeconds < 1 || periodSeconds < 1
        || failureThreshold < 1) {
      throw new IllegalArgumentException("a probe needs initialDelaySeconds >= 0 and timeout,"
          + " period and failureThreshold >= 1, got " + initialDelaySeconds + "/"
          + timeoutSeconds + "/" + periodSeconds + "/" + failureThreshold);
    }
  }
}
