package io.pdlab.k8s.provision;

/**
 * The kubectl check of wait-tidb-ready, answered by the Kubernetes model: provisioning does not
 * know about pods. What "ready" means depends on the {@link ReadinessVariant} the caller chose:
 * pd, tikv and tidb pods ready, or some TiDB pod Running. Called once per poll, in virtual time.
 */
@FunctionalInterface
public interface ReadinessProbe {
  /** Whether the check passes now for TiDB cluster {@code cluster}. */
  boolean ready(String cluster);
}
