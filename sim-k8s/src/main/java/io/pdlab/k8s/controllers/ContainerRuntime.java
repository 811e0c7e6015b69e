package io.pdlab.k8s.controllers;

import io.pdlab.k8s.api.Container;
import io.pdlab.k8s.api.Pod;
import io.pdlab.sim.process.Process;

/**
 * What the kubelet runs for a container, and how its readiness probe answers. The simulator runs
 * model processes ({@link SimContainerRuntime}); a real backend runs processes that stand for real
 * etcd processes or containers.
 */
public interface ContainerRuntime {
  /** The process behind container {@code c} of {@code pod} (called at each start). */
  Process create(Pod pod, Container c);

  /** The readiness probe of a running container. */
  boolean ready(Container c, Process p);

  /**
   * Whether this runtime can judge liveness probes ({@link #livenessFailsAfterUs}); the
   * kubelet runs a container's liveness probe only where it can.
   */
  default boolean runsLivenessProbes() {
    return false;
  }

  /**
   * The liveness probe of container {@code c}, whose process {@code p} runs ({@code hung}: it is
   * stopped and answers nothing): -1 when it passes, else how long after it started it fails
   * (at most {@code timeoutUs}, the probe's timeout).
   */
  default long livenessFailsAfterUs(Container c, Process p, boolean hung, long timeoutUs) {
    throw new UnsupportedOperationException("this runtime does not run liveness probes");
  }
}
