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

  private final io.pdlab.real.node.Etcdctl etcdctl;

  /**
   * @throws IllegalStateException when the host has no etcdctl (its probes and backups run it)
   */
  public RealContainerRuntime(K8sWorld world, RealContext rc) {
    this.world = world;
    this.rc = rc;
    this.etcdctl = io.pdlab.real.node.Etcdctl.locate();
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

  /**
   * The model's kubelet runs the pods of the etcd and etcd-containers backends (and the k8s
   * backend's node-agent pods): their exec liveness probes run on this host, against the real
   * member.
   */
  @Override
  public boolean runsLivenessProbes() {
    return true;
  }

  /**
   * Runs the probe's command ({@code ETCDCTL_API=3 etcdctl endpoint status} for coreos's pods)
   * with the host's etcdctl against the real member's client endpoint, within the probe's
   * timeout, off the world's thread; a process with no real etcd (a model process) passes, as a
   * command that does not concern it would. The answer is posted back: 0 (failed by now) or -1.
   */
  @Override
  public void probeLiveness(Container c, Process p, boolean hung,
      io.pdlab.k8s.api.LivenessProbe probe, java.util.function.LongConsumer failsAfterUs) {
    RealEtcd etcd = etcdOf(p);
    String endpoint = etcd == null ? null : rc.endpointOf(etcd.name());
    if (etcd == null || endpoint == null) {
      failsAfterUs.accept(etcd == null ? -1 : 0); // a member with no address yet: refused
      return;
    }
    java.time.Duration timeout = java.time.Duration.ofSeconds(probe.timeoutSeconds());
    java.util.concurrent.CompletableFuture.runAsync(() -> {
      boolean passed = etcdctl.probe(probe.command(), endpoint, timeout);
      rc.post(() -> failsAfterUs.accept(passed ? -1 : 0));
    }, TOOLS);
  }

  /**
   * {@code etcdctl snapshot save} against the real member's client endpoint, into the run
   * directory, off the world's thread; etcdctl's error when it fails.
   */
  @Override
  public void saveSnapshot(String pod, Process p,
      java.util.function.BiConsumer<Backup, String> done) {
    RealEtcd etcd = etcdOf(p);
    String endpoint = etcd == null ? null : rc.endpointOf(etcd.name());
    if (etcd == null || endpoint == null) {
      done.accept(null, pod + " does not serve clients now");
      return;
    }
    java.nio.file.Path file = rc.backend().runDir().resolve("snapshot-" + pod + "-"
        + SNAPSHOTS.incrementAndGet() + ".db");
    io.pdlab.pd.etcd.EtcdConfig flags = etcd.config();
    java.util.concurrent.CompletableFuture.runAsync(() -> {
      try {
        etcdctl.snapshotSave(endpoint, file);
        long bytes = java.nio.file.Files.size(file);
        rc.post(() -> done.accept(new Backup(flags, bytes + " bytes (etcdctl snapshot save, "
            + file.getFileName() + ")", file), null));
      } catch (RuntimeException | java.io.IOException e) {
        rc.post(() -> done.accept(null, "etcdctl snapshot save: " + e.getMessage()));
      }
    }, TOOLS);
  }

  /**
   * {@code etcdctl snapshot restore} into the real member's data directory, on its node's I/O
   * thread: after the wipe the kill asked for, before the start that follows (the order that
   * thread keeps). The list's URLs are made real, as the member's own flags are ({@link
   * RealEtcd#flags}).
   */
  @Override
  public void restoreSnapshot(String pod, io.pdlab.sim.process.Disk disk, Backup backup,
      String name, java.util.Map<String, String> initialCluster, String token,
      java.util.function.Consumer<String> done) {
    java.util.Map<String, String> real = new java.util.LinkedHashMap<>();
    initialCluster.forEach((n, url) -> {
      if (url != null) { // (the member alone, when its flags' list lacks it: etcdctl refuses)
        real.put(n, rc.toReal(url));
      }
    });
    rc.io(name, () -> {
      java.nio.file.Path dir = rc.node(name).hostDataDir().orElse(null);
      if (dir == null) {
        rc.post(() -> done.accept("the " + rc.backend().kind() + " backend's member " + name
            + " has no data directory on this host"));
        return;
      }
      String error = null;
      try {
        etcdctl.snapshotRestore((java.nio.file.Path) backup.data(), name, real, token, dir);
      } catch (IllegalArgumentException refused) {
        error = refused.getMessage();
      }
      String e = error;
      rc.post(() -> done.accept(e));
    });
  }

  /** The real etcd of a process: an etcd container's, or the one a PD embeds; else null. */
  private static RealEtcd etcdOf(Process p) {
    if (p instanceof RealEtcd e) {
      return e;
    }
    return p instanceof PdPod pd && pd.engine() instanceof RealEtcd e ? e : null;
  }

  /** Runs the tools (probes, snapshot saves), which wait on etcdctl, off the world's thread. */
  private static final java.util.concurrent.ExecutorService TOOLS =
      java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "pdlab-real-etcdctl");
        t.setDaemon(true);
        return t;
      });

  /** Numbers the snapshot files of this JVM, so that none overwrites another. */
  private static final java.util.concurrent.atomic.AtomicLong SNAPSHOTS =
      new java.util.concurrent.atomic.AtomicLong();
}
