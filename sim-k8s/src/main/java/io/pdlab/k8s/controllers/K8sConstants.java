package io.pdlab.k8s.controllers;

/** Kubernetes numbers the model uses; each names its source. */
public final class K8sConstants {
  private K8sConstants() {}

  /** Readiness probe period default: periodSeconds = 10 (core/v1 Probe). */
  public static final long READINESS_PERIOD_MS = 10_000;

  /**
   * Image pull and container start: an assumption for a cached image on EKS (no source in
   * provisioning.md); scenarios override it.
   */
  public static final long CONTAINER_START_MS = 2_000;

  /** Watch delivery delay from the API server to controllers (assumption: same-zone). */
  public static final long WATCH_DELAY_US = 1_000;

  /**
   * A pod's DNS record appears this long after its Endpoints change (CoreDNS cache TTL 30 s is the
   * upper bound; an assumption of 1 s for the record to be served).
   */
  public static final long DNS_PROPAGATION_MS = 1_000;

  /**
   * How long the kubelet waits after the stop signal before it kills a container it stops (a
   * liveness-probe kill among others): the pod's terminationGracePeriodSeconds, defaulted to 30
   * (core/v1 {@code DefaultTerminationGracePeriodSeconds}); etcd-operator v0.9.4's member pods do
   * not set it.
   */
  public static final long TERMINATION_GRACE_MS = 30_000;
}
