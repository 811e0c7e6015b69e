package io.pdlab.real.node;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateNetworkResponse;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Network;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.Volume;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.startupcheck.StartupCheckStrategy;
import org.testcontainers.containers.wait.strategy.AbstractWaitStrategy;

/**
 * Real etcd members as docker containers, built locally from the host's etcd binary (no registry
 * is reachable). Each backend has its own docker network; each member is a container on it with
 * the member name as network alias and a fixed address, so peer URL {@code http://<name>:2380}
 * and client URL {@code http://<name>:2379} hold across restarts. The JVM reaches members through
 * ports published on 127.0.0.1 ({@link EtcdNode#hostClientEndpoint()}, re-read after every start
 * and reconnect).
 *
 * <p>Data directories are bind-mounted from the run directory, so a killed member restarts on
 * its data, even when its container must be re-created with other flags, and {@code wipe()}
 * is a directory deletion. Partitions use a {@link PartitionMethod}. Containers, network, image
 * and run directory are labelled with their owner; {@link #close()} removes them.
 *
 * <p>Testcontainers must be configured for this machine: environment variables
 * {@code TESTCONTAINERS_RYUK_DISABLED=true} and {@code TESTCONTAINERS_HOST_OVERRIDE=localhost}.
 */
public final class ContainerEtcdBackend implements EtcdBackend {

  private static final System.Logger LOG = System.getLogger(ContainerEtcdBackend.class.getName());
  /** The iptables chain holding a member's partition rules in its network namespace. */
  static final String CHAIN = "PDLAB";
  private static final String SUBNET_PREFIX = "10.213.";
  private static final int FIRST_HOST = 10;
  private static final int LAST_HOST = 250;
  private static final int MAX_NETWORK_TRIES = 20;
  private static final Duration WATCH_PERIOD = Duration.ofMillis(200);
  private static final Duration NSENTER_WAIT = Duration.ofSeconds(10);

  private final DockerClient docker;
  private final EtcdBinary binary;
  private final PartitionMethod method;
  private final String image;
  private final RunDirectory run;
  private final String host;
  private final boolean loopbackHost;
  private final Map<String, ContainerEtcdNode> nodes = new LinkedHashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Object partitionLock = new Object();
  private final String networkName;
  private volatile String networkId;
  private volatile String subnetBase;
  private volatile ScheduledExecutorService watcher;
  /** The partition in force; guarded by partitionLock. */
  private List<List<String>> partition = List.of();
  /** Members cut off by NETWORK_DISCONNECT; guarded by partitionLock. */
  private final Set<String> disconnected = new HashSet<>();

  /**
   * Why this backend cannot be used here (no etcd binary, no docker, Testcontainers not
   * configured), or empty when it can; for tests that must be skipped.
   */
  public static Optional<String> unavailableReason() {
    Optional<String> etcd = EtcdBinary.unavailableReason();
    return etcd.isPresent() ? etcd : DockerSupport.unavailableReason();
  }

  /**
   * A backend with the best partition method this machine allows ({@link PartitionMethod#detect}).
   *
   * @throws IllegalStateException when docker or the etcd binary cannot be used (the message
   *     says how to fix it)
   */
  public ContainerEtcdBackend() {
    this(PartitionMethod.detect());
  }

  /**
   * A backend with this partition method.
   *
   * @throws IllegalStateException when docker or the etcd binary cannot be used, or the method
   *     is not possible here
   */
  public ContainerEtcdBackend(PartitionMethod method) {
    this(EtcdBinary.locate(), method, RunDirectory.DEFAULT_BASE);
  }

  ContainerEtcdBackend(EtcdBinary binary, PartitionMethod method, Path base) {
    if (method == PartitionMethod.NETNS_IPTABLES) {
      PartitionMethod.netnsUnavailableReason().ifPresent(why -> {
        throw new IllegalStateException("partition method NETNS_IPTABLES is not possible here: "
            + why);
      });
    }
    this.docker = DockerSupport.client();
    this.binary = binary;
    this.method = method;
    Reaper.reapOrphansOnce();
    this.image = EtcdImage.ensure(docker, binary);
    this.host = DockerSupport.hostAddress();
    this.loopbackHost = host.equals("localhost") || host.startsWith("127.");
    this.run = RunDirectory.create(base, Owner.current());
    this.networkName = "pdlab-" + run.name();
    Hygiene.register(this);
    try {
      createNetwork();
    } catch (RuntimeException e) {
      close();
      throw e;
    }
    ScheduledExecutorService w = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "pdlab-etcd-watch-" + run.name());
      t.setDaemon(true);
      return t;
    });
    w.scheduleWithFixedDelay(this::watch, WATCH_PERIOD.toMillis(), WATCH_PERIOD.toMillis(),
        TimeUnit.MILLISECONDS);
    this.watcher = w;
  }

  @Override
  public String kind() {
    return "etcd-containers";
  }

  /** How this backend partitions members. */
  public PartitionMethod partitionMethod() {
    return method;
  }

  /** The etcd image's tag. */
  public String image() {
    return image;
  }

  /** The docker network's name. */
  public String networkName() {
    return networkName;
  }

  /** How long building the etcd image took in this JVM, if it built it. */
  public static Optional<Duration> imageBuildTime() {
    return EtcdImage.buildTime();
  }

  @Override
  public synchronized EtcdNode node(String name) {
    AbstractEtcdNode.checkName(name);
    checkOpen();
    ContainerEtcdNode node = nodes.get(name);
    if (node == null) {
      int hostPart = FIRST_HOST + nodes.size();
      if (hostPart > LAST_HOST) {
        throw new IllegalStateException("ContainerEtcdBackend " + run + " holds at most "
            + (LAST_HOST - FIRST_HOST + 1) + " members");
      }
      node = new ContainerEtcdNode(this, name, subnetBase + hostPart, run.memberDir(name),
          networkName + "-" + name);
      nodes.put(name, node);
    }
    return node;
  }

  /** A member's peer URL is its network alias: known without allocating it. */
  @Override
  public String peerUrlOf(String name) {
    return "http://" + name + ":" + ContainerEtcdNode.PEER_PORT;
  }

  @Override
  public String clientUrlOf(String name) {
    return "http://" + name + ":" + ContainerEtcdNode.CLIENT_PORT;
  }

  @Override
  public synchronized List<EtcdNode> nodes() {
    return List.copyOf(nodes.values());
  }

  private synchronized List<ContainerEtcdNode> allNodes() {
    return new ArrayList<>(nodes.values());
  }

  private synchronized ContainerEtcdNode known(String name) {
    return nodes.get(name);
  }

  @Override
  public Path runDir() {
    return run.path();
  }

  DockerClient docker() {
    return docker;
  }

  /**
   * The host in {@link EtcdNode#hostClientEndpoint()}: 127.0.0.1 when the daemon is local (ports
   * are published on 127.0.0.1 only, so "localhost" resolving to ::1 cannot miss them), else the
   * docker host.
   */
  String endpointHost() {
    return loopbackHost ? "127.0.0.1" : host;
  }

  /** The etcd binary the image was built from. */
  public EtcdBinary binary() {
    return binary;
  }

  void checkOpen() {
    if (closed.get()) {
      throw new IllegalStateException("ContainerEtcdBackend " + run + " is closed");
    }
  }

  // ---- containers -------------------------------------------------------------------------

  /** A GenericContainer whose creation can be hooked (to disconnect it before it starts). */
  private static final class EtcdContainer extends GenericContainer<EtcdContainer> {
    private final Consumer<String> onCreated;

    EtcdContainer(String image, Consumer<String> onCreated) {
      super(CompletableFuture.completedFuture(image));
      this.onCreated = onCreated;
    }

    @Override
    protected void containerIsCreated(String containerId) {
      onCreated.accept(containerId);
    }
  }

  /** Testcontainers' startup check, made a no-op: a member that exits is reported by awaits. */
  private static final class NoStartupCheck extends StartupCheckStrategy {
    @Override
    public StartupStatus checkStartupState(DockerClient dockerClient, String containerId) {
      return StartupStatus.SUCCESSFUL;
    }
  }

  /** No wait strategy: the scratch image has no shell; callers poll /health themselves. */
  private static final class NoWait extends AbstractWaitStrategy {
    @Override
    protected void waitUntilReady() {
      // start() is non-blocking by contract.
    }
  }

  /** Creates and starts the member's container; returns its id. */
  String createAndStart(ContainerEtcdNode node, List<String> command) {
    Map<String, String> labels = new HashMap<>(Owner.current().labels(run.name()));
    labels.put("io.pdlab.member", node.name());
    String user = PartitionMethod.effectiveUid() >= 0 && PartitionMethod.effectiveGid() >= 0
        ? PartitionMethod.effectiveUid() + ":" + PartitionMethod.effectiveGid() : null;
    String bindIp = loopbackHost ? "127.0.0.1" : "";
    ExposedPort client = ExposedPort.tcp(ContainerEtcdNode.CLIENT_PORT);
    ExposedPort peer = ExposedPort.tcp(ContainerEtcdNode.PEER_PORT);
    EtcdContainer c = new EtcdContainer(image, id -> beforeFirstStart(node, id));
    c.withCommand(command.toArray(String[]::new))
        .withNetworkMode(networkName)
        .withLabels(labels)
        .withStartupCheckStrategy(new NoStartupCheck())
        .waitingFor(new NoWait())
        .withCreateContainerCmdModifier(cmd -> {
          cmd.withName(node.containerName());
          cmd.withAliases(node.name());
          cmd.withIpv4Address(node.ip());
          if (user != null) {
            cmd.withUser(user);
          }
          cmd.withExposedPorts(client, peer);
          cmd.getHostConfig()
              .withPortBindings(new PortBinding(Ports.Binding.bindIp(bindIp), client),
                  new PortBinding(Ports.Binding.bindIp(bindIp), peer))
              .withBinds(new Bind(node.dataDir().toString(),
                  new Volume(ContainerEtcdNode.DATA_IN_CONTAINER)));
        });
    try {
      c.start();
    } catch (RuntimeException e) {
      String id = c.getContainerId();
      if (id != null) {
        try {
          docker.removeContainerCmd(id).withForce(true).exec();
        } catch (NotFoundException gone) {
          // Nothing to clean.
        }
      }
      throw new IllegalStateException("cannot create the container of etcd member '"
          + node.name() + "' (" + node.containerName() + ", image " + image + "): "
          + e.getMessage(), e);
    }
    return c.getContainerId();
  }

  private void watch() {
    for (ContainerEtcdNode n : allNodes()) {
      try {
        n.pollExit();
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.DEBUG, "cannot inspect the container of " + n.name(), e);
      }
    }
  }

  // ---- network ----------------------------------------------------------------------------

  /** An IPv4 CIDR block. */
  private record Cidr(long base, int prefix) {
    static Optional<Cidr> parse(String s) {
      try {
        String[] parts = s.split("/");
        String[] o = parts[0].split("\\.");
        if (o.length != 4) {
          return Optional.empty();
        }
        long a = 0;
        for (String x : o) {
          a = (a << 8) | Integer.parseInt(x);
        }
        int p = parts.length > 1 ? Integer.parseInt(parts[1]) : 32;
        return Optional.of(new Cidr(a & mask(p), p));
      } catch (RuntimeException e) {
        return Optional.empty();
      }
    }

    static long mask(int prefix) {
      return prefix == 0 ? 0 : (0xffffffffL << (32 - prefix)) & 0xffffffffL;
    }

    boolean overlaps(Cidr o) {
      int p = Math.min(prefix, o.prefix);
      return (base & mask(p)) == (o.base & mask(p));
    }
  }

  /** IPv4 blocks in use: docker networks' subnets and this machine's interface networks. */
  private List<Cidr> takenBlocks() {
    List<Cidr> taken = new ArrayList<>();
    for (Network n : docker.listNetworksCmd().exec()) {
      if (n.getIpam() != null && n.getIpam().getConfig() != null) {
        for (Network.Ipam.Config c : n.getIpam().getConfig()) {
          if (c.getSubnet() != null) {
            Cidr.parse(c.getSubnet()).ifPresent(taken::add);
          }
        }
      }
    }
    try {
      for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        for (InterfaceAddress ia : ni.getInterfaceAddresses()) {
          if (ia.getAddress() instanceof Inet4Address a && !a.isLoopbackAddress()) {
            Cidr.parse(a.getHostAddress() + "/" + ia.getNetworkPrefixLength())
                .ifPresent(taken::add);
          }
        }
      }
    } catch (SocketException e) {
      LOG.log(System.Logger.Level.DEBUG, "cannot list network interfaces", e);
    }
    return taken;
  }

  /**
   * Creates the backend's bridge network with a /24 of its own in 10.213.0.0/16 (a user-defined
   * subnet is what lets docker give members fixed addresses), skipping blocks in use.
   */
  private void createNetwork() {
    List<Cidr> taken = takenBlocks();
    int first = ThreadLocalRandom.current().nextInt(256);
    int tries = 0;
    List<String> errors = new ArrayList<>();
    for (int k = 0; k < 256 && tries < MAX_NETWORK_TRIES; k++) {
      int third = (first + k) % 256;
      String base = SUBNET_PREFIX + third + ".";
      Cidr block = Cidr.parse(base + "0/24").orElseThrow();
      if (taken.stream().anyMatch(block::overlaps)) {
        continue;
      }
      tries++;
      try {
        CreateNetworkResponse r = docker.createNetworkCmd()
            .withName(networkName)
            .withDriver("bridge")
            .withCheckDuplicate(true)
            .withLabels(Owner.current().labels(run.name()))
            .withIpam(new Network.Ipam().withConfig(new Network.Ipam.Config()
                .withSubnet(base + "0/24").withGateway(base + "1")))
            .exec();
        networkId = r.getId();
        subnetBase = base;
        return;
      } catch (DockerException e) {
        String msg = String.valueOf(e.getMessage());
        if (!msg.toLowerCase().contains("overlap")) {
          throw new IllegalStateException("cannot create docker network " + networkName + ": "
              + msg, e);
        }
        errors.add(base + "0/24: " + msg.strip());
      }
    }
    throw new IllegalStateException("cannot create docker network " + networkName
        + ": no free /24 in " + SUBNET_PREFIX + "0.0/16 after " + tries + " tries " + errors);
  }

  // ---- partitions -------------------------------------------------------------------------

  /** Why {@code groups} is not a valid partition of this backend's members, or null. */
  private synchronized String invalid(List<List<String>> groups) {
    if (groups == null || groups.isEmpty()) {
      return "no groups given";
    }
    Set<String> seen = new HashSet<>();
    for (List<String> g : groups) {
      if (g == null || g.isEmpty()) {
        return "a group is empty: " + groups;
      }
      for (String name : g) {
        if (!seen.add(name)) {
          return "member '" + name + "' is in two groups: " + groups;
        }
        if (!nodes.containsKey(name)) {
          return "member '" + name + "' was never allocated with node(name); known: "
              + nodes.keySet();
        }
      }
    }
    return null;
  }

  /** Why this backend's method cannot cut {@code groups}, or null. */
  private synchronized String unsupported(List<List<String>> groups) {
    if (method == PartitionMethod.NETNS_IPTABLES) {
      return null;
    }
    long large = groups.stream().filter(g -> g.size() > 1).count();
    if (large > 1) {
      return "NETWORK_DISCONNECT can only cut single members off (disconnecting a member isolates"
          + " it from everyone), but " + large + " groups have several members";
    }
    Set<String> grouped = new HashSet<>();
    groups.forEach(grouped::addAll);
    List<String> outside = nodes.keySet().stream().filter(n -> !grouped.contains(n)).toList();
    if (!outside.isEmpty()) {
      return "NETWORK_DISCONNECT cannot leave members " + outside + " unaffected (a disconnected"
          + " member is cut off from them too); put every member in a group";
    }
    return null;
  }

  @Override
  public boolean canPartition(List<List<String>> groups) {
    return !closed.get() && invalid(groups) == null && unsupported(groups) == null;
  }

  @Override
  public void partition(List<List<String>> groups) {
    checkOpen();
    String bad = invalid(groups);
    if (bad != null) {
      throw new IllegalArgumentException("cannot partition " + groups + ": " + bad);
    }
    String why = unsupported(groups);
    if (why != null) {
      throw new UnsupportedOperationException("ContainerEtcdBackend cannot partition " + groups
          + " with method " + method + ": " + why
          + (method == PartitionMethod.NETWORK_DISCONNECT
              ? " (NETNS_IPTABLES could: " + PartitionMethod.netnsUnavailableReason()
                  .orElse("it is available, use new ContainerEtcdBackend("
                      + "PartitionMethod.NETNS_IPTABLES)") + ")"
              : ""));
    }
    List<List<String>> copy = groups.stream().map(List::copyOf).toList();
    synchronized (partitionLock) {
      partition = copy;
      if (method == PartitionMethod.NETNS_IPTABLES) {
        for (ContainerEtcdNode n : allNodes()) {
          applyRules(n);
        }
      } else {
        applyDisconnects();
      }
    }
  }

  @Override
  public void healAll() {
    if (closed.get()) {
      return;
    }
    synchronized (partitionLock) {
      partition = List.of();
      if (method == PartitionMethod.NETNS_IPTABLES) {
        for (ContainerEtcdNode n : allNodes()) {
          applyRules(n);
        }
      } else {
        applyDisconnects();
      }
    }
  }

  /** The partition in force (empty when healed). */
  public List<List<String>> currentPartition() {
    synchronized (partitionLock) {
      return partition;
    }
  }

  /** Called by a node once its container runs: its own rules for the partition in force. */
  void afterStart(ContainerEtcdNode node) {
    if (method != PartitionMethod.NETNS_IPTABLES) {
      return;
    }
    synchronized (partitionLock) {
      if (!partition.isEmpty()) {
        applyRules(node);
      }
    }
  }

  /** Called when a member's container is created, before it starts. */
  private void beforeFirstStart(ContainerEtcdNode node, String containerId) {
    if (method != PartitionMethod.NETWORK_DISCONNECT) {
      return;
    }
    synchronized (partitionLock) {
      if (disconnected.contains(node.name())) {
        docker.disconnectFromNetworkCmd().withNetworkId(networkId).withContainerId(containerId)
            .withForce(true).exec();
      }
    }
  }

  /** The addresses {@code name} must not hear from under the partition in force. */
  private List<String> blockedFor(String name) {
    List<String> blocked = new ArrayList<>();
    List<String> own = partition.stream().filter(g -> g.contains(name)).findFirst().orElse(null);
    if (own == null) {
      return blocked;
    }
    for (List<String> g : partition) {
      if (g != own) {
        for (String other : g) {
          ContainerEtcdNode o = known(other);
          if (o != null) {
            blocked.add(o.ip());
          }
        }
      }
    }
    return blocked;
  }

  /**
   * Sets a running member's partition rules: in its network namespace, chain PDLAB (jumped to
   * from INPUT) drops packets from every member of another group. Members that are not running
   * get theirs when they start.
   */
  private void applyRules(ContainerEtcdNode node) {
    long pid = node.containerPid();
    if (pid <= 0) {
      return;
    }
    String iptables = Commands.which("iptables").map(Path::toString).orElse("iptables");
    StringBuilder script = new StringBuilder("set -e\n")
        .append(iptables).append(" -w -N ").append(CHAIN).append(" 2>/dev/null || true\n")
        .append(iptables).append(" -w -C INPUT -j ").append(CHAIN).append(" 2>/dev/null || ")
        .append(iptables).append(" -w -I INPUT 1 -j ").append(CHAIN).append('\n')
        .append(iptables).append(" -w -F ").append(CHAIN).append('\n');
    for (String ip : blockedFor(node.name())) {
      script.append(iptables).append(" -w -A ").append(CHAIN).append(" -s ").append(ip)
          .append("/32 -j DROP\n");
    }
    String nsenter = Commands.which("nsenter").map(Path::toString).orElse("nsenter");
    Commands.Result r = Commands.run(NSENTER_WAIT, null,
        List.of(nsenter, "-t", Long.toString(pid), "-n", "--", "sh", "-c", script.toString()));
    if (r.exitCode() != 0 && node.containerPid() > 0) {
      throw new IllegalStateException("cannot set the partition rules of etcd member '"
          + node.name() + "' (container " + node.containerName() + ", pid " + pid + "): "
          + r.output().strip());
    }
  }

  /** Brings docker network membership in line with the partition in force (NETWORK_DISCONNECT). */
  private void applyDisconnects() {
    Set<String> isolate = new HashSet<>();
    if (!partition.isEmpty()) {
      List<String> main = partition.stream().filter(g -> g.size() > 1).findFirst()
          .orElse(partition.get(0));
      for (List<String> g : partition) {
        if (g != main) {
          isolate.addAll(g);
        }
      }
    }
    for (ContainerEtcdNode n : allNodes()) {
      boolean want = isolate.contains(n.name());
      boolean have = disconnected.contains(n.name());
      String id = n.containerId();
      if (want && !have) {
        if (id != null) {
          docker.disconnectFromNetworkCmd().withNetworkId(networkId).withContainerId(id)
              .withForce(true).exec();
        }
        disconnected.add(n.name());
      } else if (!want && have) {
        if (id != null) {
          docker.connectToNetworkCmd().withNetworkId(networkId).withContainerId(id)
              .withContainerNetwork(new ContainerNetwork().withAliases(n.name())
                  .withIpamConfig(new ContainerNetwork.Ipam().withIpv4Address(n.ip())))
              .exec();
          n.refreshHostPort();
        }
        disconnected.remove(n.name());
      }
    }
  }

  // ---- close ------------------------------------------------------------------------------

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (watcher != null) {
      watcher.shutdownNow();
    }
    List<RuntimeException> failures = new ArrayList<>();
    for (ContainerEtcdNode n : allNodes()) {
      try {
        n.removeContainer();
      } catch (RuntimeException e) {
        failures.add(e);
      }
    }
    String id = networkId;
    if (id != null) {
      removeNetwork(id, failures);
    }
    try {
      run.delete();
    } catch (UncheckedIOException e) {
      failures.add(e);
    }
    Hygiene.unregister(this);
    if (!failures.isEmpty()) {
      IllegalStateException e = new IllegalStateException("closing ContainerEtcdBackend " + run
          + " left something behind: " + failures);
      failures.forEach(e::addSuppressed);
      throw e;
    }
  }

  private void removeNetwork(String id, List<RuntimeException> failures) {
    RuntimeException last = null;
    for (int attempt = 0; attempt < 10; attempt++) {
      try {
        docker.removeNetworkCmd(id).exec();
        return;
      } catch (NotFoundException e) {
        return;
      } catch (DockerException e) {
        last = e;
        AbstractEtcdNode.sleep(Duration.ofMillis(200));
      }
    }
    failures.add(new IllegalStateException("cannot remove docker network " + networkName, last));
  }

  @Override
  public String toString() {
    return "ContainerEtcdBackend[" + run + ", network " + networkName + ", " + method + "]";
  }
}
