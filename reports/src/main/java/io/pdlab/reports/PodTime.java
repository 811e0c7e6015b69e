package io.pdlab.reports;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * One life of a member pod, as a watcher of the API saw it: when it was created, scheduled
 * (bound to a node), started (Running) and Ready, when its container restarted, and why it was
 * last Pending. Milliseconds from the strategy's install (its StatefulSet, TidbCluster or operator
 * created); {@code null} where it did not happen within the run. A pod deleted and created again
 * under its name has a second entry. {@code pdlab calibrate --backend k8s} compares these between
 * the simulator and real kubelets ({@link KubeCalibration}).
 *
 * @param pod the pod's name
 * @param createdMs when it appeared
 * @param scheduledMs when it was first seen bound to a node
 * @param startedMs when it was first seen Running
 * @param readyMs when it was first seen Ready
 * @param restartsMs when its restart count went up, once per restart
 * @param pendingReason the last reason it was Pending with (the scheduler's message), or empty
 */
@JsonPropertyOrder({"pod", "createdMs", "scheduledMs", "startedMs", "readyMs", "restartsMs",
    "pendingReason"})
@JsonInclude(JsonInclude.Include.ALWAYS)
public record PodTime(
    @JsonProperty(value = "pod", required = true) String pod,
    @JsonProperty(value = "createdMs", required = true) long createdMs,
    @JsonProperty(value = "scheduledMs", required = true) Long scheduledMs,
    @JsonProperty(value = "startedMs", required = true) Long startedMs,
    @JsonProperty(value = "readyMs", required = true) Long readyMs,
    @JsonProperty(value = "restartsMs", required = true) List<Long> restartsMs,
    @JsonProperty(value = "pendingReason", required = true) String pendingReason)
    implements java.io.Serializable {

  /** Checks the fields; a bad value names the field. */
  public PodTime {
    Check.notBlank("pod", pod);
    Check.nonNegative("createdMs", createdMs);
    for (Long t : new Long[] {scheduledMs, startedMs, readyMs}) {
      if (t != null) {
        Check.nonNegative("pod times", t);
      }
    }
    Check.notNull("restartsMs", restartsMs);
    restartsMs.forEach(t -> Check.nonNegative("restartsMs", Check.notNull("restartsMs", t)));
    restartsMs = List.copyOf(restartsMs);
    Check.notNull("pendingReason", pendingReason);
  }
}
