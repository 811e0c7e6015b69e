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
}
