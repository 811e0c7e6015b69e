package io.pdlab.real.drive;

import io.pdlab.k8s.api.Container;
import io.pdlab.k8s.api.Pod;
import io.pdlab.k8s.controllers.CheckDns;
import io.pdlab.k8s.controllers.ContainerRuntime;
import io.pdlab.k8s.controllers.K8sWorld;
import io.pdlab.k8s.controllers.SimContainerRuntime;
import io.pdlab.pd.pod.DiscoveryPod;
import io.pdlab.pd.pod.PdPod;
import io.pdlab.pd.tidb.TidbOperatorVersion;
import io.pdlab.sim.process.Process;

/**
 * The local kubelet's container runtime on a real backend: an etcd container is a real etcd
 * ({@link RealEtcd}); a PD container runs the same start script, join logic and PD cluster-ID
 * compare-and-set as in the simulator ({@link PdPod}) with a real etcd embedded; the discovery
 * container is the same discovery state machine, served over real HTTP on loopback
 * ({@link RealDiscovery}); other containers have no protocol.
 */
public final class RealContainerRuntime implements ContainerRuntime {
  private final K8sWorld world;
  private final RealContext rc;

  public RealContainerRuntime(K8sWorld world, RealContext rc) {
    this.world = world;
    this.rc = rc;
  }

  @Override
  public Process create(Pod pod, Container c) {
    String ns = pod.meta().namespace();
    String name = pod.meta().name();
    return switch (c.role()) {
      case "etcd" -> new RealEtcd(SimContainerRuntime.memberConfig(world, pod, c), rc);
      case "pd" -> new PdPod(name, ns, pod.meta().labels().getOrDefault(
          "app.kubernetes.io/instance", ""), SimContainerRuntime.timing(c,
          world.timingOverrides(ns)), world, world.tracker().observer(),
          c.args().contains("--direct") ? c.args() : null, (cfg, observer) -> new RealEtcd(cfg, rc));
      case "discovery" -> new RealDiscovery(new DiscoveryPod(ns, world,
          TidbOperatorVersion.of(world.timingOverrides(ns))), rc);
      case "simple" -> new SimContainerRuntime.Simple();
      // the same loop as in the simulator, on the wall clock, asking the model's DNS (the agent
      // nodes' pods reach each other by the addresses pdlab maps their names to, not by DNS; on
      // a kubelet node its container waits while this runs and exits with its code: RealWorld)
      case CheckDns.NAME -> CheckDns.of(pod, world);
      default -> throw new IllegalArgumentException("pod " + pod.meta().key() + " container "
          + c.name() + ": unknown role '" + c.role() + "' (etcd, pd, discovery, simple, "
          + CheckDns.NAME + ")");
    };
  }

  /**
   * The address pod {@code pod} is reached at when this runtime runs it: an etcd or PD member's
   * own (its client URL's host, a loopback address of its own on the etcd backend), the host's
   * loopback for the others (discovery serves on 127.0.0.1).
   */
  public static String address(Pod pod, RealContext rc) {
    String role = pod.spec().containers().get(0).role();
    if (!role.equals("etcd") && !role.equals("pd")) {
      return "127.0.0.1";
    }
    return java.net.URI.create(rc.node(pod.meta().name()).clientUrl()).getHost();
  }

  @Override
  public boolean ready(Container c, Process p) {
    return switch (c.role()) {
      case "etcd" -> ((RealEtcd) p).ready();
      case "pd" -> true; // no readiness probe (as SimContainerRuntime says)
      default -> true;
    };
  }
}
