package io.pdlab.real.node;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Function;

/**
 * etcd members in the containers real kubelets run ({@code k8s} backend with kubelet nodes): a
 * member starts when its pod's container, started by its kubelet, asks what to run ({@link
 * #attach}) and the model's process then starts etcd ({@link EtcdNode#start}): the container
 * execs etcd with the model's flags. The members advertise the model's own URLs (pod DNS names
 * under the headless service), which the nodes' cluster DNS resolves to the pods' current
 * addresses; this JVM reaches a member at its pod's address. Kills and pauses go to the
 * container through its node's docker daemon, wipes to its volume's directory on this host;
 * partitions cut the forwarding between nodes.
 */
public final class KubeletEtcdBackend implements EtcdBackend {
  /** Where etcd is inside the member image (the kube package's MemberImage.ETCD). */
  public static final String ETCD_IN_IMAGE = "/usr/local/bin/etcd";
  /** How long a kill waits for the container to be gone. */
  private static final Duration KILL_WAIT = Duration.ofSeconds(15);
  /** How long an exit waits for docker to report the container's exit code. */
  private static final Duration EXIT_CODE_WAIT = Duration.ofSeconds(3);

  private volatile KubeletOps ops;
  private final Path runDir;
  private final Map<String, Node> nodes = new LinkedHashMap<>();
  private volatile Function<String, String> modelPeerUrl = n -> null;
  private volatile Function<String, String> modelClientUrl = n -> null;
  private boolean closed;

  /**
   * @param runDir the run's directory (the kubelet nodes' and the control plane's)
   */
  public KubeletEtcdBackend(Path runDir) {
    this.runDir = runDir;
  }

  /** The kubelet nodes, once started (before any member's container asks). */
  public void bind(KubeletOps ops) {
    this.ops = ops;
  }

  /** Where the model's URLs of each member come from (the run's URL registry). */
  public void bindModelUrls(Function<String, String> peer, Function<String, String> client) {
    this.modelPeerUrl = peer;
    this.modelClientUrl = client;
  }

  /** A container of pod {@code l.pod()} asks what to run: it is that member's container now. */
  public void attach(PodLaunch l) {
    ((Node) node(l.pod())).attach(l);
  }

  @Override
  public String kind() {
    return "k8s-kubelet";
  }

  @Override
  public synchronized EtcdNode node(String name) {
    if (closed) {
      throw new IllegalStateException("the kubelet backend is closed");
    }
    return nodes.computeIfAbsent(AbstractEtcdNode.checkName(name), Node::new);
  }

  @Override
  public synchronized List<EtcdNode> nodes() {
    return new ArrayList<>(nodes.values());
  }

  @Override
  public Path runDir() {
    return runDir;
  }

  @Override
  public String peerUrlOf(String name) {
    String u = modelPeerUrl.apply(name);
    if (u == null) {
      throw new IllegalStateException("member '" + name + "' has no URL yet (the model names it"
          + " first)");
    }
    return u;
  }

  @Override
  public String clientUrlOf(String name) {
    String u = modelClientUrl.apply(name);
    return u != null ? u : peerUrlOf(name).replace(":2380", ":2379");
  }

  @Override
  public synchronized boolean canPartition(List<List<String>> groups) {
    try {
      nodeGroups(groups);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** The members' groups as groups of their kubelet nodes (disjoint, or refused). */
  private List<List<String>> nodeGroups(List<List<String>> groups) {
    List<List<String>> out = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    for (List<String> g : groups) {
      if (g.isEmpty()) {
        throw new IllegalArgumentException("an empty group in partition " + groups);
      }
      Set<String> ng = new LinkedHashSet<>();
      for (String m : g) {
        Node n = nodes.get(m);
        if (n == null || n.launch == null) {
          throw new IllegalArgumentException("member '" + m + "' has no container on a kubelet"
              + " node yet: a partition cuts between nodes, and its node is not known");
        }
        ng.add(n.launch.node());
      }
      for (String node : ng) {
        if (!seen.add(node)) {
          throw new IllegalArgumentException("node " + node + " holds members of two groups of "
              + groups + ": a partition between nodes cannot separate them");
        }
      }
      out.add(List.copyOf(ng));
    }
    return out;
  }

  @Override
  public synchronized void partition(List<List<String>> groups) {
    ops.partition(nodeGroups(groups));
  }

  @Override
  public void healAll() {
    ops.healAll();
  }

  /** The kubelet nodes (and their containers) belong to the run's cluster, which closes them. */
  @Override
  public synchronized void close() {
    closed = true;
  }

  /** One member: the container of its pod that asked last. */
  private final class Node extends AbstractEtcdNode {
    private volatile PodLaunch launch;
    private volatile PodLaunch running;
    private volatile boolean paused;
    private volatile Integer lastExit;

    Node(String name) {
      super(name);
    }

    /** The container that asked and was not answered yet. */
    private PodLaunch pending;

    synchronized void attach(PodLaunch l) {
      if (running != null && running != l) {
        running = null; // a pod runs one container at a time: the last one is gone
        paused = false;
      }
      launch = l;
      pending = l;
    }

    @Override
    public String peerUrl() {
      return peerUrlOf(name());
    }

    @Override
    public String clientUrl() {
      return clientUrlOf(name());
    }

    @Override
    public String hostClientEndpoint() {
      PodLaunch l = launch;
      if (l == null) {
        throw new IllegalStateException("member '" + name() + "' has no container yet");
      }
      return "http://" + l.podIp() + ":2379";
    }

    @Override
    public String hostPeerEndpoint() {
      PodLaunch l = launch;
      if (l == null) {
        throw new IllegalStateException("member '" + name() + "' has no container yet");
      }
      return "http://" + l.podIp() + ":2380";
    }

    @Override
    public synchronized void start(EtcdFlags flags) {
      EtcdArgs.checkFor(name(), peerUrl(), flags);
      if (running()) {
        throw new IllegalStateException("etcd member '" + name() + "' is already running in "
            + running);
      }
      PodLaunch l = launch;
      if (l == null || l.ended()) {
        throw new IllegalStateException("member '" + name() + "': no container of its pod is"
            + " waiting to start (" + (l == null ? "its pod never ran on a kubelet node; in a"
            + " run with kubelet nodes, members run on kubelet nodes only" : "its last container"
            + " ended") + ")");
      }
      List<String> argv = new ArrayList<>();
      argv.add(ETCD_IN_IMAGE);
      argv.addAll(EtcdArgs.render(flags, l.dataDir(), "http://0.0.0.0:2380", peerUrl(),
          "http://0.0.0.0:2379", clientUrl()));
      running = l;
      pending = null;
      paused = false;
      lastExit = null;
      l.onEnd(() -> ended(l));
      l.exec(argv);
    }

    private void ended(PodLaunch l) {
      int code = -1;
      long deadline = System.nanoTime() + EXIT_CODE_WAIT.toNanos();
      while (code < 0 && System.nanoTime() < deadline) {
        code = ops.exitCode(l.node(), l.namespace(), l.pod());
        if (code < 0) {
          sleep(Duration.ofMillis(100));
        }
      }
      synchronized (this) {
        if (running != l) {
          return;
        }
        lastExit = code < 0 ? 137 : code;
        running = null;
        paused = false;
      }
      fireExit(lastExit);
    }

    @Override
    public boolean running() {
      PodLaunch r = running;
      return r != null && !r.ended();
    }

    @Override
    public boolean paused() {
      return running() && paused;
    }

    @Override
    public void kill() {
      PodLaunch r = running;
      if (r == null || r.ended()) {
        PodLaunch p;
        synchronized (this) {
          p = pending;
          pending = null;
        }
        if (p != null) {
          p.hangUp(); // the model's process ended before it started etcd: so does the container
        }
        return;
      }
      ops.kill(r.node(), r.namespace(), r.pod());
      long deadline = System.nanoTime() + KILL_WAIT.toNanos();
      while (!r.ended() && System.nanoTime() < deadline) {
        sleep(Duration.ofMillis(50));
      }
      if (!r.ended()) {
        throw new IllegalStateException("etcd member '" + name() + "' (" + r + ") did not end"
            + " within " + KILL_WAIT + " of docker kill");
      }
    }

    @Override
    public void pause() {
      PodLaunch r = running;
      if (r == null || r.ended()) {
        throw new IllegalStateException("etcd member '" + name() + "' is not running");
      }
      ops.pause(r.node(), r.namespace(), r.pod());
      paused = true;
    }

    @Override
    public void resume() {
      PodLaunch r = running;
      if (r != null && paused) {
        ops.resume(r.node(), r.namespace(), r.pod());
        paused = false;
      }
    }

    /** The data directory found for a container that asked: {@code path} on the host, if any. */
    private record HostDir(PodLaunch of, Optional<Path> path) {}

    /** The last {@link HostDir} looked up (null: none yet). */
    private volatile HostDir hostDir;

    /**
     * The data directory on the host: under the source of the pod's volume ({@link
     * KubeletOps#hostPath}), looked up once per container that asked (its volumes stay: one
     * {@code docker inspect}); empty while no container asked, or when the data is in the
     * container's own layer.
     */
    @Override
    public Optional<Path> hostDataDir() {
      PodLaunch l = launch;
      if (l == null) {
        return Optional.empty();
      }
      HostDir h = hostDir;
      if (h == null || h.of() != l) {
        h = new HostDir(l, ops.hostPath(l.node(), l.namespace(), l.pod(), l.dataDir()));
        hostDir = h;
      }
      return h.path();
    }

    /**
     * Deletes the data directory where it is on the host ({@link #hostDataDir}): the pod's next
     * container starts without data. Nothing when it was in the ended container's own layer.
     */
    @Override
    public void wipe() {
      if (running()) {
        throw new IllegalStateException("etcd member '" + name() + "' is running; kill it"
            + " before wiping its data");
      }
      hostDataDir().ifPresent(Fs::deleteTree);
    }

    @Override
    public String logTail(int lines) {
      PodLaunch l = launch;
      return l == null ? "" : lastLines(ops.logTail(l.node(), l.namespace(), l.pod(), lines),
          lines);
    }

    @Override
    public OptionalInt exitCode() {
      Integer e = lastExit;
      return e == null ? OptionalInt.empty() : OptionalInt.of(e);
    }

    @Override
    boolean started() {
      return running != null || lastExit != null;
    }

    @Override
    OptionalInt exitedNow() {
      return running() ? OptionalInt.empty() : exitCode().isPresent() ? exitCode()
          : OptionalInt.of(137);
    }

    @Override
    String startProblem() {
      return null;
    }

    @Override
    boolean probeListening(Duration timeout) {
      PodLaunch l = launch;
      if (l == null) {
        return false;
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(l.podIp(), 2379), (int) timeout.toMillis());
        return true;
      } catch (IOException e) {
        return false;
      }
    }

    @Override
    String where() {
      PodLaunch l = launch;
      return l == null ? "no container yet" : l.toString();
    }
  }
}
