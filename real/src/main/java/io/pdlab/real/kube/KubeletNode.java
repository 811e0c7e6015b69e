package io.pdlab.real.kube;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.pdlab.real.node.Commands;
import io.pdlab.real.node.Mounts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * One Kubernetes node run by a real kubelet (1.20.2, dockershim) over a docker daemon of its own,
 * as {@code ../shared/docs/kubernetes.md} ("Real kubelets") found to work here:
 * <ul>
 *   <li>the daemon has its own data root, exec root, socket, pid file and bridge ({@link
 *       NodeNetwork}); several kubelets on one daemon remove each other's pods. It never touches
 *       the machine's own daemon, and makes no iptables rules or NAT of its own;
 *   <li>where this machine refuses a negative OOM score (dockershim asks -998 for every sandbox,
 *       and runc then fails with "can't get final child's PID from pipe: EOF"), the daemon's
 *       default runtime is a wrapper that raises a negative {@code process.oomScoreAdj} in the
 *       bundle's config.json to 0 before calling runc ({@link #OOM_WRAPPER});
 *   <li>the daemon holds the pause image (build/pause/linux/pause.c of the same source, built by
 *       scripts/ensure-kube, {@code FROM scratch}, tagged {@value #PAUSE_IMAGE}) and pdlab's member
 *       image ({@link MemberImage}), tagged as every image the model's pods name: nothing is ever
 *       pulled;
 *   <li>the kubelet: token kubeconfig, cgroupfs, swap allowed, its own ports on 127.0.0.1, its own
 *       root, dockershim root and socket, the node's gateway as its address, the run's pod DNS
 *       ({@link PodDns}) as cluster DNS. It adopts the Node the model created (labels, taints),
 *       and from then on its heartbeats and pod statuses are the kubelet's.
 * </ul>
 * {@link #close()} stops the kubelet, removes the containers, stops the daemon, unmounts what
 * they mounted and removes the node's directory, bridge and rules.
 */
public final class KubeletNode implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(KubeletNode.class.getName());
  /** The sandbox image dockershim runs for every pod (the kubelet's 1.20 default name). */
  public static final String PAUSE_IMAGE = "k8s.gcr.io/pause:3.2";
  /** The tag of pdlab's member image in each node's daemon. */
  static final String MEMBER_IMAGE = "pdlab/member:local";
  /**
   * How long systemd waits before starting an exited kubelet again: {@code RestartSec=10} with
   * {@code Restart=always} in kubernetes/release
   * {@code cmd/kubepkg/templates/latest/deb/kubelet/lib/systemd/system/kubelet.service}, the unit
   * the kubeadm packages install.
   */
  static final Duration KUBELET_RESTART_SEC = Duration.ofSeconds(10);
  /** Starts of a kubelet that keeps exiting before its node is Ready, before the node fails. */
  static final int KUBELET_STARTS = 3;

  /** How long the node's daemon gets to answer, and its kubelet to report the node Ready. */
  public static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration DOCKER_CMD = Duration.ofSeconds(60);

  /**
   * The runc wrapper for machines that refuse a negative OOM score: finds {@code --bundle DIR}
   * (or {@code -b DIR}) among runc's arguments and sets a negative {@code oomScoreAdj} in
   * {@code DIR/config.json} to 0, then execs runc with the same arguments.
   */
  static final String OOM_WRAPPER = """
      #!/bin/sh
      # pdlab: raises a negative process.oomScoreAdj to 0 (this machine refuses lowering it).
      bundle=""
      prev=""
      for a in "$@"; do
        case "$prev" in --bundle|-b) bundle="$a" ;; esac
        case "$a" in --bundle=*) bundle="${a#--bundle=}" ;; esac
        prev="$a"
      done
      if [ -n "$bundle" ] && [ -f "$bundle/config.json" ]; then
        sed -i -E 's/"oomScoreAdj":[[:space:]]*-[0-9]+/"oomScoreAdj":0/' "$bundle/config.json"
      fi
      exec RUNC "$@"
      """;

  private final String name;
  private final Path dir;
  private final NodeNetwork net;
  private final String socket;
  private final List<KubeProcess> processes = new ArrayList<>();
  private final LaunchServer launches;
  private final PodDns dns;
  private KubeProcess dockerd;
  private KubeProcess kubelet;
  private volatile boolean lost;
  private boolean closed;
  private Duration readyAfter;

  private KubeletNode(String name, Path dir, NodeNetwork net, LaunchServer launches, PodDns dns) {
    this.name = name;
    this.dir = dir;
    this.net = net;
    this.launches = launches;
    this.dns = dns;
    this.socket = "unix://" + dir.resolve("docker.sock");
  }

  /**
   * Starts node {@code name} (number {@code index} of this run) under {@code dir}: its bridge, its
   * docker daemon with the images, its kubelet; returns once the kubelet reported it Ready.
   *
   * @param images every image name the model's pods may name (tagged to the member image)
   * @throws IllegalStateException when something does not start, with the tail of its log;
   *     nothing of the node is left then
   */
  static KubeletNode start(KubeControlPlane cp, KubeBinaries bin, Path dir, String name,
      int index, MemberImage image, Collection<String> images, PodDns.Resolver resolver) {
    Instant begin = Instant.now();
    NodeNetwork net = NodeNetwork.create(index);
    LaunchServer launches = null;
    PodDns dns = null;
    KubeletNode n = null;
    try {
      launches = new LaunchServer(name, net.gateway(), cp.client());
      dns = new PodDns(net.gateway(), resolver);
      n = new KubeletNode(name, dir, net, launches, dns);
      n.startDaemon();
      n.loadImages(image, images);
      n.startKubelet(cp, bin);
      n.superviseUntilReady(cp);
      n.readyAfter = Duration.between(begin, Instant.now());
      LOG.log(System.Logger.Level.INFO, "kubelet node " + name + " Ready in "
          + n.readyAfter.toMillis() + " ms (" + net + ")");
      return n;
    } catch (RuntimeException e) {
      if (n != null) {
        try {
          n.close();
        } catch (RuntimeException s) {
          e.addSuppressed(s);
        }
      } else {
        if (dns != null) {
          dns.close();
        }
        if (launches != null) {
          launches.close();
        }
        net.close();
      }
      throw e;
    }
  }

  public String name() {
    return name;
  }

  public NodeNetwork network() {
    return net;
  }

  LaunchServer launches() {
    return launches;
  }

  /** From the start of {@link #start} to the node Ready. */
  public Duration readyAfter() {
    return readyAfter;
  }

  /** Whether this machine refuses a process lowering its OOM score (then the wrapper is used). */
  static boolean machineRefusesNegativeOomScore() {
    Commands.Result r = Commands.run(Duration.ofSeconds(10), null,
        List.of("/bin/sh", "-c", "echo -998 > /proc/self/oom_score_adj"));
    return r.exitCode() != 0;
  }

  private void startDaemon() {
    Path runc = Commands.which("runc").orElseThrow(() -> new IllegalStateException(
        "kubelet nodes need runc (as root: apt-get install -y runc)"));
    Path dockerdBin = Commands.which("dockerd").orElseThrow(() -> new IllegalStateException(
        "kubelet nodes need dockerd (as root: apt-get install -y docker.io)"));
    StringBuilder config = new StringBuilder("{");
    if (machineRefusesNegativeOomScore()) {
      Path wrapper = write(dir.resolve("runc-oom-wrapper"), OOM_WRAPPER.replace("RUNC",
          runc.toString()));
      wrapper.toFile().setExecutable(true);
      config.append("\"runtimes\":{\"pdlab-runc\":{\"path\":\"").append(wrapper)
          .append("\"}},\"default-runtime\":\"pdlab-runc\"");
    }
    config.append('}');
    Path daemonJson = write(dir.resolve("daemon.json"), config.toString());
    dockerd = new KubeProcess("dockerd", List.of(dockerdBin.toString(),
        "--config-file=" + daemonJson, "--data-root=" + dir.resolve("docker"),
        "--exec-root=" + dir.resolve("dx"), "--host=" + socket,
        "--pidfile=" + dir.resolve("docker.pid"), "--bridge=" + net.bridge(),
        "--iptables=false", "--ip-masq=false", "--userland-proxy=false",
        "--cgroup-parent=" + cgroupParent()),
        dir.resolve("dockerd.log"), () -> {
          Commands.Result r = Commands.run(Duration.ofSeconds(10), null, docker("info",
              "--format", "{{.ServerVersion}}"));
          return r.exitCode() == 0 ? null : r.output().strip();
        });
    spawn(dockerd);
    dockerd.awaitHealthy(START_TIMEOUT);
  }

  /**
   * The cgroup its containers live under, named after this JVM ({@code /pdlab-<pid>-<node>}), so
   * that a killed run's containers can be found and killed ({@code Reaper}).
   */
  String cgroupParent() {
    return "/" + CGROUP_PREFIX + ProcessHandle.current().pid() + "-" + name;
  }

  /** The prefix of kubelet nodes' cgroup parents. */
  public static final String CGROUP_PREFIX = "pdlab-";

  private void loadImages(MemberImage image, Collection<String> images) {
    image.buildInto(this::docker, dir.resolve("images"), launches.address());
    for (String tag : images) {
      tag(tag);
    }
  }

  /** Tags the member image as {@code image} (a name a pod asks for), so nothing is pulled. */
  public void tag(String image) {
    if (!image.equals(MEMBER_IMAGE) && !image.equals(PAUSE_IMAGE)) {
      Commands.check(DOCKER_CMD, docker("tag", MEMBER_IMAGE, image));
    }
  }

  private void startKubelet(KubeControlPlane cp, KubeBinaries bin) {
    int port = freePort();
    int healthz = freePort();
    Path root = dir.resolve("kubelet");
    Path config = write(dir.resolve("kubelet-config.yaml"), """
        apiVersion: kubelet.config.k8s.io/v1beta1
        kind: KubeletConfiguration
        address: 127.0.0.1
        port: %d
        readOnlyPort: 0
        healthzBindAddress: 127.0.0.1
        healthzPort: %d
        cgroupDriver: cgroupfs
        cgroupsPerQOS: false
        enforceNodeAllocatable: []
        failSwapOn: false
        oomScoreAdj: 0
        clusterDomain: cluster.local
        clusterDNS: [%s]
        resolvConf: %s
        authentication:
          anonymous: {enabled: true}
          webhook: {enabled: false}
        authorization: {mode: AlwaysAllow}
        evictionHard: {memory.available: "1Mi", nodefs.available: "1%%", imagefs.available: "1%%", nodefs.inodesFree: "1%%"}
        imageGCHighThresholdPercent: 100
        imageGCLowThresholdPercent: 99
        """.formatted(port, healthz, net.gateway(), write(dir.resolve("resolv.conf"),
            "nameserver " + net.gateway() + "\n")));
    kubelet = new KubeProcess("kubelet", List.of(bin.path("kubelet").toString(),
        "--kubeconfig=" + cp.kubeconfig(), "--config=" + config, "--root-dir=" + root,
        "--hostname-override=" + name, "--node-ip=" + net.gateway(),
        "--container-runtime=docker", "--docker-endpoint=" + socket,
        "--container-runtime-endpoint=unix://" + dir.resolve("dockershim.sock"),
        "--experimental-dockershim-root-directory=" + dir.resolve("dockershim"),
        "--pod-infra-container-image=" + PAUSE_IMAGE,
        "--seccomp-profile-root=" + root.resolve("seccomp"),
        "--volume-plugin-dir=" + root.resolve("volume-plugins"),
        "--cert-dir=" + root.resolve("pki")),
        dir.resolve("kubelet.log"),
        KubeProcess.Probe.http("http://127.0.0.1:" + healthz + "/healthz", null, "ok"));
    spawn(kubelet);
  }

  /**
   * Waits until the kubelet is healthy and has reported the node Ready, starting it again, as its
   * systemd unit does, when it exits first. The 1.20.2 kubelet exits with {@code klog.Fatalf} when
   * a module that starts once the runtime is up fails ("rely on the babysitter to retry starting
   * kubelet", {@code pkg/kubelet/kubelet.go} {@code initializeRuntimeDependentModules}); a fresh CI
   * machine saw it do so once. The restarts are bounded: {@link #KUBELET_STARTS} starts in all.
   */
  private void superviseUntilReady(KubeControlPlane cp) {
    for (int start = 1; ; start++) {
      try {
        kubelet.awaitHealthy(START_TIMEOUT);
        awaitReady(cp);
        return;
      } catch (IllegalStateException e) {
        if (kubelet.alive() || start >= KUBELET_STARTS) {
          throw e;
        }
        LOG.log(System.Logger.Level.WARNING, "the kubelet of node " + name + " exited ("
            + kubelet.fatalLine() + "); starting it again in " + KUBELET_RESTART_SEC.toSeconds()
            + " s, as its systemd unit does (start " + (start + 1) + " of " + KUBELET_STARTS
            + ")");
        pause(KUBELET_RESTART_SEC);
        synchronized (this) {
          if (closed) {
            throw new IllegalStateException("node " + name + " was closed while it started", e);
          }
          kubelet.start();
        }
      }
    }
  }

  /** Waits until the kubelet has reported the node (its version set) and Ready. */
  private void awaitReady(KubeControlPlane cp) {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    String seen = "no Node yet";
    while (System.nanoTime() < deadline) {
      try {
        Node n = cp.client().nodes().withName(name).get();
        if (n != null && n.getStatus() != null && n.getStatus().getNodeInfo() != null
            && n.getStatus().getNodeInfo().getKubeletVersion() != null
            && !n.getStatus().getNodeInfo().getKubeletVersion().isEmpty()) {
          boolean ready = n.getStatus().getConditions().stream().anyMatch(c -> c.getType()
              .equals("Ready") && c.getStatus().equals("True"));
          boolean tainted = n.getSpec().getTaints() != null && n.getSpec().getTaints().stream()
              .anyMatch(t -> t.getKey().startsWith("node.kubernetes.io/not-ready"));
          if (ready && !tainted) {
            return;
          }
          seen = "kubelet " + n.getStatus().getNodeInfo().getKubeletVersion() + ", ready "
              + ready + ", not-ready taint " + tainted;
        }
      } catch (KubernetesClientException e) {
        seen = e.getMessage();
      }
      if (!kubelet.alive()) {
        break;
      }
      pause(Duration.ofMillis(200));
    }
    throw new IllegalStateException("the kubelet of node " + name + " did not make it Ready"
        + " within " + START_TIMEOUT.toSeconds() + " s (" + seen + "); the end of its log ("
        + dir.resolve("kubelet.log") + "):\n" + kubelet.logTail(20));
  }

  /** A docker CLI command against this node's daemon. */
  List<String> docker(String... args) {
    List<String> c = new ArrayList<>();
    c.add(Commands.which("docker").map(Path::toString).orElse("docker"));
    c.add("-H");
    c.add(socket);
    c.addAll(List.of(args));
    return c;
  }

  /** The newest container (not sandbox) of pod {@code ns/pod}, or null. */
  String containerOf(String ns, String pod) {
    Commands.Result r = Commands.run(DOCKER_CMD, null, docker("ps", "-a", "--latest",
        "--filter", "label=io.kubernetes.pod.namespace=" + ns,
        "--filter", "label=io.kubernetes.pod.name=" + pod,
        "--filter", "label=io.kubernetes.docker.type=container", "--format", "{{.ID}}"));
    String id = r.output().strip();
    return r.exitCode() == 0 && !id.isEmpty() ? id : null;
  }

  /** {@code docker kill} of the pod's container (a crash, an OOM kill); no-op when none runs. */
  public void kill(String ns, String pod) {
    String id = containerOf(ns, pod);
    if (id != null) {
      Commands.run(DOCKER_CMD, null, docker("kill", id));
    }
  }

  /**
   * Stops the pod's container's process with SIGSTOP, sent from the host to its init (the
   * container's etcd, which {@code pdlab-launch} execs): a hung member, as the etcd backend's
   * pause is. Not {@code docker pause}: the cgroup freezer makes docker refuse the exec of a
   * liveness probe at once ("container ... is paused") and thaw the container when the kubelet
   * stops it, so its SIGTERM ends it at once; a stopped process lets the probe's etcdctl time out
   * and dies only of the SIGKILL after the grace period, as a hung etcd does.
   */
  public void pause(String ns, String pod) {
    signal(ns, pod, "STOP");
  }

  /** SIGCONT of the pod's container's process. */
  public void resume(String ns, String pod) {
    signal(ns, pod, "CONT");
  }

  private void signal(String ns, String pod, String signal) {
    String id = containerOf(ns, pod);
    if (id == null) {
      return;
    }
    Commands.Result r = Commands.run(DOCKER_CMD, null, docker("inspect", "--format",
        "{{.State.Pid}}", id));
    String pid = r.output().strip();
    if (r.exitCode() == 0 && pid.matches("[1-9][0-9]*")) {
      Commands.run(DOCKER_CMD, null, List.of(Commands.which("kill").map(Path::toString)
          .orElse("kill"), "-" + signal, pid));
    }
  }

  /**
   * Where {@code dataDir} (a path inside the pod's containers) is on the host: under the source
   * of the volume mounted over it (a local PV's directory, an emptyDir under the kubelet's
   * root), where a wipe deletes it and a restore writes it; empty when the pod has no container
   * or the path is on no volume (then it is in the container's own layer).
   */
  public Optional<Path> hostPath(String ns, String pod, String dataDir) {
    String id = containerOf(ns, pod);
    if (id == null) {
      return Optional.empty();
    }
    Commands.Result r = Commands.run(DOCKER_CMD, null, docker("inspect", "--format",
        "{{range .Mounts}}{{.Destination}}={{.Source}}\n{{end}}", id));
    for (String line : r.output().split("\n")) {
      int eq = line.indexOf('=');
      if (eq <= 0) {
        continue;
      }
      String dest = line.substring(0, eq);
      if (dataDir.equals(dest) || dataDir.startsWith(dest + "/")) {
        return Optional.of(Path.of(line.substring(eq + 1) + dataDir.substring(dest.length())));
      }
    }
    return Optional.empty();
  }

  /** The last lines of the pod's container's output. */
  public String logTail(String ns, String pod, int lines) {
    String id = containerOf(ns, pod);
    if (id == null) {
      return "";
    }
    return Commands.run(DOCKER_CMD, null, docker("logs", "--tail", Integer.toString(lines), id))
        .output();
  }

  /** The exit code of the pod's newest container, or -1 while it runs or when there is none. */
  public int exitCode(String ns, String pod) {
    String id = containerOf(ns, pod);
    if (id == null) {
      return -1;
    }
    Commands.Result r = Commands.run(DOCKER_CMD, null, docker("inspect", "--format",
        "{{.State.Running}} {{.State.ExitCode}}", id));
    String[] w = r.output().strip().split(" ");
    return r.exitCode() != 0 || w.length != 2 || w[0].equals("true") ? -1
        : Integer.parseInt(w[1]);
  }

  /**
   * The machine is gone: every container killed, the kubelet and the daemon stopped. The Node
   * stays in the API until the cloud's node lifecycle deletes it ({@link KubeCluster}).
   */
  public synchronized void lose() {
    if (lost || closed) {
      return;
    }
    lost = true;
    stopAll();
  }

  public boolean lost() {
    return lost;
  }

  /**
   * Stops the kubelet, removes the containers, stops the daemon and the DNS: each step whatever
   * the others did, then whatever still runs under the node's directory (the daemon's
   * containerd and shims) is killed.
   */
  private void stopAll() {
    runEach(List.<Runnable>of(
        () -> {
          if (kubelet != null) {
            kubelet.stop();
          }
        },
        launches::close,
        () -> {
          if (dockerd != null && dockerd.alive()) {
            Commands.Result ids = Commands.run(DOCKER_CMD, null, docker("ps", "-aq"));
            List<String> rm = new ArrayList<>(List.of("rm", "-f"));
            for (String id : ids.output().split("\\s+")) {
              if (!id.isBlank()) {
                rm.add(id);
              }
            }
            if (rm.size() > 2) {
              Commands.run(DOCKER_CMD, null, docker(rm.toArray(String[]::new)));
            }
          }
        },
        () -> {
          if (dockerd != null) {
            dockerd.stop();
          }
        },
        dns::close,
        () -> io.pdlab.real.node.Reaper.killProcessesUnder(dir)));
  }

  /**
   * Runs every step, whatever the others did; then throws the first failure, the later ones
   * suppressed in it.
   */
  static void runEach(List<Runnable> steps) {
    RuntimeException first = null;
    for (Runnable step : steps) {
      try {
        step.run();
      } catch (RuntimeException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  /**
   * Stops everything of the node, unmounts what it mounted and removes its bridge, rules, cgroup
   * and pod logs (its directory goes with the run's, which the control plane removes).
   * Idempotent.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    runEach(List.of(
        this::stopAll, // again after a loss: whatever that left
        // the cgroup parent, left empty by dockerd
        () -> io.pdlab.real.node.Reaper.killCgroups(cgroupParent().substring(1)),
        () -> Mounts.unmountUnder(dir),
        () -> io.pdlab.real.node.PodLogs.removeFor(dir.resolve("kubelet").resolve("pods")),
        net::close));
  }

  private synchronized void spawn(KubeProcess p) {
    if (closed) {
      throw new IllegalStateException("node " + name + " was closed while it started");
    }
    processes.add(p);
    p.start();
  }

  private static Path write(Path p, String text) {
    try {
      Files.createDirectories(p.getParent());
      Files.writeString(p, text, StandardCharsets.UTF_8);
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + p + ": " + e, e);
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port: " + e, e);
    }
  }

  private static void pause(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting a kubelet node", e);
    }
  }

  @Override
  public String toString() {
    return "kubelet node " + name + " (" + net + ", " + dir + ")";
  }
}
