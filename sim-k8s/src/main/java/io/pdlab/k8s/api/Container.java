package io.pdlab.k8s.api;

/**
 * A container of a pod template. {@code role} says which simulated process the kubelet runs for
 * it (the model's stand-in for the image's entrypoint); {@code args} are its flags.
 * {@code readinessProbe} is {@link #NO_PROBE} (the container is Ready once it runs, as kubelet
 * 1.20 {@code prober_manager.go} {@code UpdatePodStatus} has it for a container without a probe:
 * none of the operators' PD and etcd pods declares one) or {@link #ETCD_HEALTH}. {@code envFrom}
 * names a ConfigMap whose keys are the container's environment ({@code envFrom.configMapRef}),
 * read when the container starts, so that a flag {@code --x=$(KEY)} takes the value the
 * ConfigMap has at each start (Kubernetes expands {@code $(VAR)} in args from the environment);
 * {@link #NO_ENV} for none. {@code liveness} is its liveness probe, or null for none (then the
 * kubelet never kills it for not answering).
 */
public record Container(String name, String image, String role, java.util.List<String> args,
    String readinessProbe, String envFrom, LivenessProbe liveness) {
  /** No readiness probe. */
  public static final String NO_PROBE = "";

  /**
   * An HTTP GET of etcd's {@code /health} on its client port 2379, every 10 s: 200 only while
   * the member knows a leader (etcd 3.4 {@code etcdserver/api/etcdhttp/metrics.go}
   * {@code checkHealth}), so a quorum-gated readiness probe.
   */
  public static final String ETCD_HEALTH = "etcd-health";

  /** No ConfigMap environment. */
  public static final String NO_ENV = "";

  public Container {
    args = java.util.List.copyOf(args);
    java.util.Objects.requireNonNull(envFrom, "envFrom");
    if (!readinessProbe.equals(NO_PROBE) && !readinessProbe.equals(ETCD_HEALTH)) {
      throw new IllegalArgumentException("readinessProbe must be none or " + ETCD_HEALTH
          + ", got " + readinessProbe);
    }
  }

  /** A container without a readiness probe. */
  public Container(String name, String image, String role, java.util.List<String> args) {
    this(name, image, role, args, NO_PROBE);
  }

  /** A container without a ConfigMap environment or a liveness probe. */
  public Container(String name, String image, String role, java.util.List<String> args,
      String readinessProbe) {
    this(name, image, role, args, readinessProbe, NO_ENV, null);
  }

  /** A container with a ConfigMap environment and no liveness probe. */
  public Container(String name, String image, String role, java.util.List<String> args,
      String readinessProbe, String envFrom) {
    this(name, image, role, args, readinessProbe, envFrom, null);
  }

  /** A container with a liveness probe and no ConfigMap environment. */
  public Container(String name, String image, String role, java.util.List<String> args,
      String readinessProbe, LivenessProbe liveness) {
    this(name, image, role, args, readinessProbe, NO_ENV, liveness);
  }

  /** Whether it declares a readiness probe (else it is Ready whenever it runs). */
  public boolean probed() {
    return !readinessProbe.equals(NO_PROBE);
  }
}
