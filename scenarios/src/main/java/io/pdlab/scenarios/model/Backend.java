package io.pdlab.scenarios.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where a scenario runs: {@code backend:} in a scenario file, {@code --backend} on the command
 * line, {@code backend} in results. The one list of backends: the parser, the runners and the
 * commands take their names, and whether one runs here, from it.
 *
 * <p>The runners dispatch on it, and each fault kind says through its {@link FaultKind.Means}
 * whether it can be carried out on it, with switches that name every constant; so a new backend is
 * a constant here and the compiler
 * then names every place that has to say what happens on it.
 */
public enum Backend {
  /** The simulator, in virtual time. */
  SIM("sim", null),
  /** Real etcd 3.4 processes on loopback addresses, driven by the model on the wall clock. */
  ETCD("etcd", null),
  /** Real etcd in containers on a docker network of the run's own. */
  ETCD_CONTAINERS("etcd-containers", null),
  /** k3s: a scenario may name it, and is refused with {@link #unavailable()}. */
  K3S("k3s", "the k3s backend needs a k3s container image, and no image can be pulled on this"
      + " machine (no registry is reachable); its members would run under k3s's own kubelets,"
      + " which comes with the real-kubelet work"),
  /**
   * A private Kubernetes 1.20 control plane (etcd, apiserver, controller-manager, scheduler, built
   * from Debian's sources): the model's operators, discovery and start script on its API, its
   * pods run by pdlab's node agent as real etcd processes on loopback.
   */
  K8S("k8s", null);

  private final String label;
  private final String unavailable;

  Backend(String label, String unavailable) {
    this.label = label;
    this.unavailable = unavailable;
  }

  /** Its name in scenario files, options and results, e.g. {@code etcd-containers}. */
  public String label() {
    return label;
  }

  /** Why it cannot run on this machine, or null when it can. */
  public String unavailable() {
    return unavailable;
  }

  /** {@link #label()}, so that messages read as the files and options are written. */
  @Override
  public String toString() {
    return label;
  }

  /** Every backend's label, in declaration order (as messages list them). */
  public static List<String> labels() {
    List<String> out = new ArrayList<>();
    for (Backend b : values()) {
      out.add(b.label);
    }
    return List.copyOf(out);
  }

  /** The backend of that label, if there is one. */
  public static Optional<Backend> of(String label) {
    for (Backend b : values()) {
      if (b.label.equals(label)) {
        return Optional.of(b);
      }
    }
    return Optional.empty();
  }
}
