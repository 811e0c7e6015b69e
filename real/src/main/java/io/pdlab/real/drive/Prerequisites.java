package io.pdlab.real.drive;

import io.pdlab.real.node.ContainerEtcdBackend;
import io.pdlab.real.node.EtcdBinary;
import io.pdlab.real.node.Leftovers;
import java.util.List;

/** What the real backends need, and whether a run left anything behind. */
public final class Prerequisites {
  private Prerequisites() {}

  /**
   * Why {@code backend} ({@code etcd}, {@code etcd-containers} or {@code k8s}) cannot run here,
   * saying how to get what is missing; null when it can.
   */
  public static String missing(String backend) {
    String why = switch (backend) {
      case "etcd" -> EtcdBinary.unavailableReason().orElse(null);
      case "etcd-containers" -> ContainerEtcdBackend.unavailableReason().orElse(null);
      case "k8s" -> io.pdlab.real.kube.KubeCluster.unavailableReason();
      default -> "'" + backend + "' is not a real backend (etcd, etcd-containers, k8s)";
    };
    return why != null ? why : etcdctlMissing();
  }

  /**
   * Why the host's etcdctl, which every real run's pods use (liveness probes, backup sidecars:
   * {@link RealContainerRuntime}), cannot be found; null when it can.
   */
  static String etcdctlMissing() {
    try {
      io.pdlab.real.node.Etcdctl.locate();
      return null;
    } catch (IllegalStateException e) {
      return e.getMessage();
    }
  }

  /** Processes, run directories, containers and networks of this JVM still there (none: empty). */
  public static List<String> leftovers() {
    return Leftovers.ofThisJvm();
  }
}
