package io.pdlab.real.kube;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.Container;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

/**
 * A real Kubernetes for the {@code k3s} backend: a k3s server ({@link K3sContainer}) and one k3s
 * agent container per worker-group node of the scenario, on a Docker network of their own, with
 * pdlab's etcd image imported into every node's containerd (no registry is reachable, so pods
 * must find it there: use {@code imagePullPolicy: IfNotPresent} or {@code Never}). The agents get
 * the labels and taints the seed's EKS worker groups give their kubelets
 * ({@code --node-labels}, {@code --register-with-taints}); the server node is tainted so that no
 * workload lands on it.
 *
 * <p><b>This has never run on this machine</b>: no registry is reachable and no k3s image is
 * here, so {@link #start} refuses with {@link #unavailableReason} before creating anything. What
 * is tested (K3sClusterTest) is what crosses the Testcontainers boundary: the exact server and
 * agent commands and environment, the image import (copy, then {@code ctr -n k8s.io images
 * import}) through a seam, the Node readiness check on fabric8 objects, the refusal and its
 * message. Untested here: k3s 1.20 actually starting in these containers (several kubelets share
 * the host's cgroup tree through {@code cgroupns=host}, as {@link K3sContainer} sets it up), and
 * the time it takes.
 *
 * <p>Testcontainers must run with Ryuk off ({@code ../shared/docs/containers.md}), so
 * {@link #close()} removes the containers, the network and the saved image tar itself, also when
 * {@link #start} fails part-way. Every container and the network carry the label
 * {@value #LABEL} (value: this cluster's id).
 */
public final class K3sCluster implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(K3sCluster.class.getName());

  /**
   * rancher/k3s's last Kubernetes 1.20 release (k3s v1.20.15+k3s1, Jan 2022), the minor version
   * the process backend's control plane runs (1.20.2). Overridden by {@value #IMAGE_ENV}.
   */
  public static final String DEFAULT_IMAGE = "rancher/k3s:v1.20.15-k3s1";
  /** The environment variable naming another k3s image. */
  public static final String IMAGE_ENV = "K3S_IMAGE";
  /** Docker label on every container and network of a cluster; its value is the cluster id. */
  public static final String LABEL = "io.pdlab.k3s";
  /** How long all agents' Nodes get to become Ready after the containers started. */
  public static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

  /** The server's name on the cluster's network, in the agents' {@code K3S_URL} and its cert. */
  static final String SERVER_ALIAS = "k3s-server";
  /** The server's Node name. */
  static final String SERVER_NODE = "pdlab-k3s-server";
  /** k3s's supervisor and API port. */
  static final int SERVER_PORT = 6443;
  /**
   * The join token. Fixed: the cluster lives on a private network for one run, and a fixed token
   * keeps the commands deterministic.
   */
  static final String TOKEN = "pdlab-k3s-token";
  /** What k3s server disables: the ingress, load balancer, metrics and storage add-ons. */
  static final String DISABLED = "traefik,servicelb,metrics-server,local-storage";
  /**
   * The server node's taint: k3s's documented way to keep workloads off a server node ("Dedicated
   * server nodes", docs.k3s.io); CoreDNS tolerates CriticalAddonsOnly, the etcd pods do not.
   */
  static final String SERVER_TAINT = "CriticalAddonsOnly=true:NoExecute";
  /** Where the etcd image tar is copied to in each node. */
  static final String NODE_TAR_DIR = "/tmp/";
  private static final Duration POLL = Duration.ofSeconds(1);

  private static final List<String> EFFECTS = List.of("NoSchedule", "PreferNoSchedule", "NoExecute");
  /** Kubernetes qualified name: optional DNS-subdomain prefix and '/', then a name of 63. */
  private static final String NAME = "[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?";
  private static final String KEY = "([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?/)?" + NAME;
  /** {@code key=value:Effect}, {@code key=:Effect} or {@code key:Effect} (kubelet, k3s). */
  private static final Pattern TAINT =
      Pattern.compile(KEY + "(=(" + NAME + ")?)?:(" + String.join("|", EFFECTS) + ")");
  private static final Pattern LABEL_KEY = Pattern.compile(KEY);
  private static final Pattern LABEL_VALUE = Pattern.compile("(" + NAME + ")?");
  /** RFC 1123 label, as a Node name that is also a network alias. */
  private static final Pattern NODE_NAME = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

  /**
   * One k3s agent: a worker-group node of the scenario.
   *
   * @param name the Node name (an RFC 1123 label)
   * @param labels node labels, passed as {@code --node-label k=v} in key order
   * @param taints {@code key=value:Effect} (or {@code key:Effect}) strings, as in the scenario
   *     files, passed as {@code --node-taint} in this order
   */
  public record Agent(String name, SortedMap<String, String> labels, List<String> taints) {
    public Agent {
      Objects.requireNonNull(name, "name");
      if (!NODE_NAME.matcher(name).matches() || name.equals(SERVER_NODE)) {
        throw new IllegalArgumentException("agent '" + name + "': the name must be an RFC 1123"
            + " label (lower case letters, digits, '-', at most 63) other than " + SERVER_NODE);
      }
      labels = Collections.unmodifiableSortedMap(new TreeMap<>(labels));
      taints = List.copyOf(taints);
      for (Map.Entry<String, String> l : labels.entrySet()) {
        if (!LABEL_KEY.matcher(l.getKey()).matches()
            || !LABEL_VALUE.matcher(l.getValue()).matches()) {
          throw new IllegalArgumentException("agent '" + name + "': label '" + l.getKey() + "="
              + l.getValue() + "' is not a Kubernetes label (qualified key, value of at most 63"
              + " letters, digits, '-', '_', '.')");
        }
      }
      for (String t : taints) {
        if (!TAINT.matcher(t).matches()) {
          throw new IllegalArgumentException("agent '" + name + "': taint '" + t + "' is not"
              + " key=value:Effect or key:Effect with Effect one of " + String.join(", ", EFFECTS));
        }
      }
    }
  }

  /** What the local Docker daemon says about an image. */
  enum ImageState { PRESENT, ABSENT, NO_DAEMON }

  /**
   * The answer of an {@link ImageProbe}.
   *
   * @param detail why no daemon answers (for {@link ImageState#NO_DAEMON}), otherwise empty
   */
  record ProbeResult(ImageState state, String detail) {
    static ProbeResult present() {
      return new ProbeResult(ImageState.PRESENT, "");
    }

    static ProbeResult absent() {
      return new ProbeResult(ImageState.ABSENT, "");
    }

    static ProbeResult noDaemon(String detail) {
      return new ProbeResult(ImageState.NO_DAEMON, detail);
    }
  }

  /** Asks the local Docker daemon whether it has an image, never pulling it. */
  @FunctionalInterface
  interface ImageProbe {
    ProbeResult probe(String image);
  }

  /** Copies a host file into a node at a path. */
  @FunctionalInterface
  interface NodeCopy {
    void copy(Path hostFile, String nodePath);
  }

  /** Runs a command in a node and waits for it. */
  @FunctionalInterface
  interface NodeExec {
    ExecResult exec(List<String> command) throws IOException, InterruptedException;
  }

  /** A command's exit code and output. */
  record ExecResult(int exitCode, String stdout, String stderr) {}

  private final String id;
  private final Path tempDir;
  private final Network network;
  private final List<GenericContainer<?>> containers = new ArrayList<>();
  private K3sContainer server;
  private Path tar;
  private KubernetesClient client;
  private String kubeconfigYaml;
  private boolean closed;

  private K3sCluster(String id, Path tempDir, Network network) {
    this.id = id;
    this.tempDir = tempDir;
    this.network = network;
  }

  /** The k3s image to use: {@value #IMAGE_ENV} when set and not blank, else the default. */
  public static String image(Map<String, String> env) {
    String v = env.get(IMAGE_ENV);
    return v == null || v.isBlank() ? DEFAULT_IMAGE : v.trim();
  }

  /**
   * Why {@code image} cannot be run here, in one line that says what is missing and how to get
   * it; null when a Docker daemon answers and has the image locally. Never pulls.
   */
  public static String unavailableReason(String image) {
    return unavailableReason(image, K3sCluster::dockerProbe);
  }

  static String unavailableReason(String image, ImageProbe probe) {
    ProbeResult r = probe.probe(image);
    switch (r.state()) {
      case PRESENT:
        return null;
      case ABSENT:
        return "no k3s image '" + image + "' in the local Docker daemon and no registry is"
            + " reachable: " + howToGet(image);
      default:
        return "no Docker daemon answers (" + r.detail() + "): start one (as root,"
            + " scripts/ensure-real does), then load a k3s image into it: " + howToGet(image);
    }
  }

  private static String howToGet(String image) {
    return "on a machine that can pull, `docker pull " + image + "` and `docker save " + image
        + " | gzip > k3s.tar.gz`; here `docker load -i k3s.tar.gz`, or set " + IMAGE_ENV
        + " to a rancher/k3s image you have";
  }

  /** The real probe: Testcontainers' docker client and {@code inspectImageCmd}. */
  static ProbeResult dockerProbe(String image) {
    // ../shared/docs/containers.md: without these Testcontainers pulls images (Ryuk, alpine) and
    // retries for minutes; no registry is reachable here.
    if (!"true".equalsIgnoreCase(System.getenv("TESTCONTAINERS_RYUK_DISABLED"))) {
      return ProbeResult.noDaemon("TESTCONTAINERS_RYUK_DISABLED=true is not set, and"
          + " Testcontainers would pull its Ryuk image; set it and"
          + " TESTCONTAINERS_HOST_OVERRIDE=localhost before starting the JVM");
    }
    String hostOverride = System.getenv("TESTCONTAINERS_HOST_OVERRIDE");
    if ((hostOverride == null || hostOverride.isBlank()) && Files.exists(Path.of("/.dockerenv"))) {
      return ProbeResult.noDaemon("/.dockerenv exists and TESTCONTAINERS_HOST_OVERRIDE is not set,"
          + " and Testcontainers would pull an image to find the docker host; set it to localhost");
    }
    String dockerHost = System.getenv("DOCKER_HOST");
    if ((dockerHost == null || dockerHost.isBlank())
        && !Files.exists(Path.of("/var/run/docker.sock"))) {
      return ProbeResult.noDaemon("/var/run/docker.sock does not exist and DOCKER_HOST is not set");
    }
    try {
      if (!DockerClientFactory.instance().isDockerAvailable()) {
        return ProbeResult.noDaemon("Testcontainers found no working Docker environment");
      }
      DockerClientFactory.instance().client().inspectImageCmd(image).exec();
      return ProbeResult.present();
    } catch (NotFoundException e) {
      return ProbeResult.absent();
    } catch (RuntimeException | LinkageError e) {
      return ProbeResult.noDaemon(e.toString());
    }
  }

  /**
   * The k3s server's command: small (no ingress, load balancer, metrics, storage or network
   * policy controller), a fixed token and Node name, a taint that keeps workloads off it, and
   * certificate names for the agents ({@value #SERVER_ALIAS}) and for the host's client.
   */
  static List<String> serverCommand(String hostAddress) {
    return List.of("server",
        "--disable", DISABLED,
        "--disable-network-policy",
        "--token", TOKEN,
        "--node-name", SERVER_NODE,
        "--node-taint", SERVER_TAINT,
        "--tls-san", SERVER_ALIAS,
        "--tls-san", hostAddress);
  }

  /** An agent's command: its Node name, then its labels in key order, then its taints. */
  static List<String> agentCommand(Agent agent) {
    List<String> c = new ArrayList<>(List.of("agent", "--node-name", agent.name()));
    agent.labels().forEach((k, v) -> {
      c.add("--node-label");
      c.add(k + "=" + v);
    });
    for (String t : agent.taints()) {
      c.add("--node-taint");
      c.add(t);
    }
    return List.copyOf(c);
  }

  /** Every agent's environment: where the server is and the token to join with. */
  static SortedMap<String, String> agentEnv() {
    SortedMap<String, String> env = new TreeMap<>();
    env.put("K3S_URL", "https://" + SERVER_ALIAS + ":" + SERVER_PORT);
    env.put("K3S_TOKEN", TOKEN);
    return Collections.unmodifiableSortedMap(env);
  }

  /** The command importing a tar copied to {@code nodePath} into the kubelet's containerd. */
  static List<String> importCommand(String nodePath) {
    return List.of("ctr", "-n", "k8s.io", "images", "import", nodePath);
  }

  /**
   * Imports the image tar {@code tar} into node {@code node}: copies it to
   * {@value #NODE_TAR_DIR}{@code <file name>}, then runs {@link #importCommand}.
   *
   * @throws IllegalStateException with the command's stderr when it exits non-zero
   */
  static void importImage(String node, Path tar, NodeCopy copy, NodeExec exec) {
    String nodePath = NODE_TAR_DIR + tar.getFileName();
    copy.copy(tar, nodePath);
    List<String> command = importCommand(nodePath);
    ExecResult r;
    try {
      r = exec.exec(command);
    } catch (IOException e) {
      throw new UncheckedIOException("node " + node + ": " + String.join(" ", command), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: node " + node + ": "
          + String.join(" ", command), e);
    }
    if (r.exitCode() != 0) {
      throw new IllegalStateException("node " + node + ": `" + String.join(" ", command)
          + "` exited with " + r.exitCode() + ": " + r.stderr().strip());
    }
  }

  /** Saves {@code image} from the local Docker daemon to {@code tar} ({@code docker save}). */
  static void saveImage(DockerClient docker, String image, Path tar) {
    try (InputStream in = docker.saveImageCmd(image).exec()) {
      Files.copy(in, tar, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("saving image " + image + " to " + tar, e);
    }
  }

  /** The names of {@code wanted} that are not among the Ready Nodes of {@code nodes}. */
  static List<String> notReady(List<Node> nodes, List<String> wanted) {
    Set<String> ready = new HashSet<>();
    for (Node n : nodes) {
      List<NodeCondition> conditions = n.getStatus() == null ? null : n.getStatus().getConditions();
      if (conditions != null && conditions.stream().anyMatch(
          c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()))) {
        ready.add(n.getMetadata().getName());
      }
    }
    return wanted.stream().filter(w -> !ready.contains(w)).toList();
  }

  /**
   * Starts a k3s server and {@code agents}, waits until every agent's Node is Ready (at most
   * {@link #READY_TIMEOUT}), then imports {@code etcdImage} from the local Docker daemon into
   * every node. Importing after Ready: containerd's socket exists by then.
   *
   * @param workDir where the image tar is written (in a temporary directory removed by close)
   * @throws IllegalStateException with {@link #unavailableReason} before anything is created
   *     when the image cannot be had; otherwise what failed, after removing what was started
   */
  public static K3sCluster start(String image, List<Agent> agents, String etcdImage,
      Path workDir) {
    return start(image, agents, etcdImage, workDir, K3sCluster::dockerProbe);
  }

  static K3sCluster start(String image, List<Agent> agents, String etcdImage, Path workDir,
      ImageProbe probe) {
    String why = unavailableReason(image, probe);
    if (why != null) {
      throw new IllegalStateException("backend k3s cannot start: " + why);
    }
    Set<String> names = new HashSet<>();
    for (Agent a : agents) {
      if (!names.add(a.name())) {
        throw new IllegalArgumentException("two agents are named '" + a.name() + "'");
      }
    }
    String id = UUID.randomUUID().toString();
    Map<String, String> labels = Map.of(LABEL, id);
    Path tempDir;
    try {
      Files.createDirectories(workDir);
      tempDir = Files.createTempDirectory(workDir, "k3s-");
    } catch (IOException e) {
      throw new UncheckedIOException("creating a temporary directory in " + workDir, e);
    }
    Network network = Network.builder()
        .createNetworkCmdModifier(cmd -> cmd.withLabels(labels)).build();
    K3sCluster cluster = new K3sCluster(id, tempDir, network);
    try {
      cluster.run(image, agents, etcdImage, labels);
      return cluster;
    } catch (RuntimeException | Error e) {
      try {
        cluster.close();
      } catch (RuntimeException c) {
        e.addSuppressed(c);
      }
      throw e;
    }
  }

  private void run(String image, List<Agent> agents, String etcdImage,
      Map<String, String> labels) {
    DockerImageName k3s = DockerImageName.parse(image).asCompatibleSubstituteFor("rancher/k3s");
    server = new K3sContainer(k3s);
    server.withNetwork(network)
        .withNetworkAliases(SERVER_ALIAS)
        .withLabels(labels)
        .withCommand(serverCommand(server.getHost()).toArray(String[]::new));
    containers.add(server);
    LOG.log(System.Logger.Level.INFO, "k3s {0}: starting server {1}", id, image);
    server.start();
    for (Agent a : agents) {
      GenericContainer<?> c = new GenericContainer<>(k3s);
      c.withNetwork(network)
          .withNetworkAliases(a.name())
          .withPrivilegedMode(true)
          // As K3sContainer sets up its server: the host's cgroup namespace and tree.
          .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig().withCgroupnsMode("host"))
          .withTmpFs(Map.of("/run", "", "/var/run", ""))
          .withEnv(agentEnv())
          .withLabels(labels)
          .withCommand(agentCommand(a).toArray(String[]::new));
      c.addFileSystemBind("/sys/fs/cgroup", "/sys/fs/cgroup", BindMode.READ_WRITE);
      containers.add(c);
      LOG.log(System.Logger.Level.INFO, "k3s {0}: starting agent {1}", id, a.name());
      c.start();
    }
    kubeconfigYaml = server.getKubeConfigYaml();
    client = new KubernetesClientBuilder()
        .withConfig(Config.fromKubeconfig(kubeconfigYaml)).build();
    awaitReady(agents.stream().map(Agent::name).toList());

    tar = tempDir.resolve("pdlab-etcd-image.tar");
    saveImage(DockerClientFactory.instance().client(), etcdImage, tar);
    for (int i = 0; i < containers.size(); i++) {
      GenericContainer<?> c = containers.get(i);
      String node = i == 0 ? SERVER_NODE : agents.get(i - 1).name();
      importImage(node, tar, (file, path) -> c.copyFileToContainer(
          MountableFile.forHostPath(file), path), command -> execResult(c, command));
    }
  }

  private static ExecResult execResult(GenericContainer<?> c, List<String> command)
      throws IOException, InterruptedException {
    Container.ExecResult r = c.execInContainer(command.toArray(String[]::new));
    return new ExecResult(r.getExitCode(), r.getStdout(), r.getStderr());
  }

  private void awaitReady(List<String> names) {
    Instant deadline = Instant.now().plus(READY_TIMEOUT);
    List<String> missing = names;
    while (true) {
      try {
        missing = notReady(client.nodes().list().getItems(), names);
        if (missing.isEmpty()) {
          return;
        }
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.DEBUG, "k3s {0}: listing nodes: {1}", id, e);
      }
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException("k3s " + id + ": nodes " + missing + " not Ready within "
            + READY_TIMEOUT.toSeconds() + " s");
      }
      try {
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted waiting for nodes " + missing, e);
      }
    }
  }

  /** A client of the cluster's API server, as cluster admin. */
  public KubernetesClient client() {
    return client;
  }

  /** The kubeconfig of the cluster's admin, for the API server's port mapped on this host. */
  public String kubeconfigYaml() {
    return kubeconfigYaml;
  }

  /** Stops every container (agents first) and the network, and deletes the image tar. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    RuntimeException failure = null;
    if (client != null) {
      client.close();
    }
    for (int i = containers.size() - 1; i >= 0; i--) {
      try {
        containers.get(i).stop();
      } catch (RuntimeException e) {
        failure = add(failure, e);
      }
    }
    try {
      network.close();
    } catch (RuntimeException e) {
      failure = add(failure, e);
    }
    try {
      if (tar != null) {
        Files.deleteIfExists(tar);
      }
      Files.deleteIfExists(tempDir);
    } catch (IOException e) {
      failure = add(failure, new UncheckedIOException(e));
    }
    if (failure != null) {
      throw failure;
    }
  }

  private static RuntimeException add(RuntimeException first, RuntimeException next) {
    if (first == null) {
      return next;
    }
    first.addSuppressed(next);
    return first;
  }
}
