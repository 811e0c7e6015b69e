package io.pdlab.real.node;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.Ports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An etcd member as a container on the backend's network, reachable by its peers as
 * {@code <name>} (network alias) at a fixed address, with its data directory bind-mounted from
 * the run directory so it survives kills, restarts and container re-creation.
 */
final class ContainerEtcdNode extends AbstractEtcdNode {

  static final int CLIENT_PORT = 2379;
  static final int PEER_PORT = 2380;
  static final String DATA_IN_CONTAINER = "/data";

  private static final Duration KILL_WAIT = Duration.ofSeconds(10);
  private static final Duration LOG_WAIT = Duration.ofSeconds(10);
  private static final Duration POLL = Duration.ofMillis(50);

  /** One start of the container. */
  private static final class Run {
    final int number;
    final String containerId;
    final Instant startedAt;
    final AtomicBoolean exited = new AtomicBoolean();
    volatile int exitCode;

    Run(int number, String containerId, Instant startedAt) {
      this.number = number;
      this.containerId = containerId;
      this.startedAt = startedAt;
    }
  }

  private final ContainerEtcdBackend backend;
  private final String ip;
  private final Path dataDir;
  private final String containerName;
  private final String peerUrl;
  private final String clientUrl;
  private volatile String containerId;
  private volatile Run run;
  private volatile String hostEndpoint;
  /** The host port mapped to the peer port, as {@code http://host:port}; null until started. */
  private volatile String hostPeerEndpoint;
  private volatile boolean paused;
  private int starts;

  ContainerEtcdNode(ContainerEtcdBackend backend, String name, String ip, Path memberDir,
      String containerName) {
    super(name);
    this.backend = backend;
    this.ip = ip;
    this.dataDir = memberDir.resolve("data");
    this.containerName = containerName;
    this.peerUrl = "http://" + name + ":" + PEER_PORT;
    this.clientUrl = "http://" + name + ":" + CLIENT_PORT;
  }

  @Override
  public String peerUrl() {
    return peerUrl;
  }

  @Override
  public String clientUrl() {
    return clientUrl;
  }

  @Override
  public String hostClientEndpoint() {
    String ep = hostEndpoint;
    if (ep == null) {
      throw new IllegalStateException("etcd container member '" + name() + "' was never started:"
          + " no host port is mapped yet");
    }
    return ep;
  }

  @Override
  public String hostPeerEndpoint() {
    String ep = hostPeerEndpoint;
    if (ep == null) {
      throw new IllegalStateException("etcd container member '" + name() + "' was never started:"
          + " no host port is mapped yet");
    }
    return ep;
  }

  /** The member's fixed address on the backend's network. */
  String ip() {
    return ip;
  }

  /** The host directory mounted as the member's data directory. */
  Path dataDir() {
    return dataDir;
  }

  @Override
  public java.util.Optional<Path> hostDataDir() {
    return java.util.Optional.of(dataDir);
  }

  /** The docker container's name. */
  String containerName() {
    return containerName;
  }

  /** The current container's id, or null before the first start / after removal. */
  String containerId() {
    return containerId;
  }

  @Override
  public synchronized void start(EtcdFlags flags) {
    EtcdArgs.checkFor(name(), peerUrl, flags);
    pollExit();
    if (running()) {
      throw new IllegalStateException("etcd container member '" + name() + "' is already running"
          + " (container " + containerName + "); kill it before starting it again");
    }
    backend.checkOpen();
    try {
      Files.createDirectories(dataDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the data directory " + dataDir + " of '"
          + name() + "': " + e, e);
    }
    List<String> command = EtcdArgs.render(flags, DATA_IN_CONTAINER,
        "http://0.0.0.0:" + PEER_PORT, peerUrl, "http://0.0.0.0:" + CLIENT_PORT, clientUrl);
    DockerClient docker = backend.docker();
    String id = containerId;
    if (id != null) {
      try {
        InspectContainerResponse existing = docker.inspectContainerCmd(id).exec();
        String[] cmd = existing.getConfig().getCmd();
        if (cmd != null && Arrays.asList(cmd).equals(command)) {
          docker.startContainerCmd(id).exec();
        } else {
          docker.removeContainerCmd(id).withForce(true).exec();
          id = null;
        }
      } catch (NotFoundException e) {
        id = null;
      }
    }
    if (id == null) {
      containerId = null;
      id = backend.createAndStart(this, command);
    }
    containerId = id;
    InspectContainerResponse info = docker.inspectContainerCmd(id).exec();
    Run r = new Run(++starts, id, parseInstant(info.getState().getStartedAt()));
    run = r;
    paused = false;
    readHostPort(info);
    if (!Boolean.TRUE.equals(info.getState().getRunning())) {
      exited(r, exitCodeOf(info));
      return;
    }
    backend.afterStart(this);
  }

  /** Reads the mapped client port from a fresh inspection (after a reconnect). */
  void refreshHostPort() {
    String id = containerId;
    if (id == null) {
      return;
    }
    try {
      readHostPort(backend.docker().inspectContainerCmd(id).exec());
    } catch (NotFoundException e) {
      // Gone: keep the last endpoint.
    }
  }

  private void readHostPort(InspectContainerResponse info) {
    if (info.getNetworkSettings() == null || info.getNetworkSettings().getPorts() == null) {
      return;
    }
    Map<ExposedPort, Ports.Binding[]> bindings =
        info.getNetworkSettings().getPorts().getBindings();
    String client = mapped(bindings, CLIENT_PORT);
    if (client != null) {
      hostEndpoint = client;
    }
    String peer = mapped(bindings, PEER_PORT);
    if (peer != null) {
      hostPeerEndpoint = peer;
    }
  }

  /** Where the host reaches container port {@code port}, or null when it is not mapped. */
  private String mapped(Map<ExposedPort, Ports.Binding[]> bindings, int port) {
    Ports.Binding[] bound = bindings == null ? null : bindings.get(ExposedPort.tcp(port));
    if (bound == null) {
      return null;
    }
    for (Ports.Binding b : bound) {
      String hostPort = b.getHostPortSpec();
      if (hostPort != null && !hostPort.isBlank()) {
        return "http://" + backend.endpointHost() + ":" + hostPort;
      }
    }
    return null;
  }

  /** The pid of the container's etcd in the host's pid namespace, or 0 when not running. */
  long containerPid() {
    String id = containerId;
    if (id == null) {
      return 0;
    }
    try {
      InspectContainerResponse info = backend.docker().inspectContainerCmd(id).exec();
      Long pid = info.getState().getPidLong();
      return Boolean.TRUE.equals(info.getState().getRunning()) && pid != null ? pid : 0;
    } catch (NotFoundException e) {
      return 0;
    }
  }

  private static int exitCodeOf(InspectContainerResponse info) {
    Long code = info.getState().getExitCodeLong();
    return code == null ? -1 : code.intValue();
  }

  private static Instant parseInstant(String s) {
    try {
      return s == null ? Instant.now() : Instant.parse(s);
    } catch (DateTimeParseException e) {
      return Instant.now();
    }
  }

  private void exited(Run r, int code) {
    if (!r.exited.compareAndSet(false, true)) {
      return;
    }
    r.exitCode = code;
    if (run == r) {
      paused = false;
    }
    fireExit(code);
  }

  /** Checks whether the current run has exited, firing the exit listeners if so. */
  void pollExit() {
    Run r = run;
    if (r == null || r.exited.get()) {
      return;
    }
    try {
      InspectContainerResponse info = backend.docker().inspectContainerCmd(r.containerId).exec();
      if (!Boolean.TRUE.equals(info.getState().getRunning())
          || !r.startedAt.equals(parseInstant(info.getState().getStartedAt()))) {
        exited(r, exitCodeOf(info));
      }
    } catch (NotFoundException e) {
      exited(r, -1);
    }
  }

  /** Whether the current run is running, as of the last check (at most ~200 ms old). */
  @Override
  public boolean running() {
    Run r = run;
    return r != null && !r.exited.get();
  }

  @Override
  public boolean paused() {
    return running() && paused;
  }

  @Override
  public void kill() {
    Run r = run;
    if (r == null || r.exited.get()) {
      return;
    }
    DockerClient docker = backend.docker();
    try {
      docker.killContainerCmd(r.containerId).exec();
    } catch (NotFoundException e) {
      exited(r, -1);
      return;
    } catch (ConflictException e) {
      // Not running any more: fall through to read its exit code.
    }
    Instant deadline = Instant.now().plus(KILL_WAIT);
    while (true) {
      InspectContainerResponse info;
      try {
        info = docker.inspectContainerCmd(r.containerId).exec();
      } catch (NotFoundException e) {
        exited(r, -1);
        return;
      }
      if (!Boolean.TRUE.equals(info.getState().getRunning())) {
        exited(r, exitCodeOf(info));
        return;
      }
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException("etcd container member '" + name() + "' (" + containerName
            + ") still runs " + KILL_WAIT + " after docker kill");
      }
      sleep(POLL);
    }
  }

  @Override
  public synchronized void pause() {
    Run r = run;
    if (!running()) {
      throw new IllegalStateException("cannot pause etcd container member '" + name()
          + "': not running");
    }
    if (!paused) {
      try {
        backend.docker().pauseContainerCmd(r.containerId).exec();
      } catch (ConflictException | NotFoundException e) {
        pollExit();
        throw new IllegalStateException("cannot pause etcd container member '" + name() + "': "
            + e.getMessage(), e);
      }
      paused = true;
    }
  }

  @Override
  public synchronized void resume() {
    Run r = run;
    if (!running() || !paused) {
      return;
    }
    backend.docker().unpauseContainerCmd(r.containerId).exec();
    paused = false;
  }

  @Override
  public synchronized void wipe() {
    pollExit();
    if (running()) {
      throw new IllegalStateException("cannot wipe etcd container member '" + name()
          + "': it is running (kill it first)");
    }
    Fs.deleteTree(dataDir);
    try {
      Files.createDirectories(dataDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot recreate " + dataDir + ": " + e, e);
    }
  }

  /** Removes the container (killing it first if needed). */
  void removeContainer() {
    kill();
    String id = containerId;
    if (id == null) {
      return;
    }
    try {
      backend.docker().removeContainerCmd(id).withForce(true).withRemoveVolumes(true).exec();
    } catch (NotFoundException e) {
      // Already gone.
    } catch (ConflictException e) {
      if (!String.valueOf(e.getMessage()).contains("already in progress")) {
        throw e;
      }
      // Testcontainers' own JVM exit hook is removing it at the same time.
    }
    containerId = null;
  }

  @Override
  public String logTail(int lines) {
    Run r = run;
    if (r == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder();
    ResultCallback.Adapter<Frame> callback = new ResultCallback.Adapter<>() {
      @Override
      public void onNext(Frame frame) {
        if (frame != null && frame.getPayload() != null) {
          synchronized (sb) {
            sb.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
          }
        }
      }
    };
    try {
      backend.docker().logContainerCmd(r.containerId).withStdOut(true).withStdErr(true)
          .withTimestamps(true).withSince((int) r.startedAt.getEpochSecond()).exec(callback)
          .awaitCompletion(LOG_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (NotFoundException e) {
      return "(container " + containerName + " is gone)";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "(interrupted while reading the log of " + containerName + ")";
    } finally {
      try {
        callback.close();
      } catch (IOException e) {
        // Closing a finished log stream: nothing to do.
      }
    }
    StringBuilder out = new StringBuilder();
    String text;
    synchronized (sb) {
      text = sb.toString();
    }
    for (String line : text.split("\n")) {
      int sp = line.indexOf(' ');
      if (sp > 0) {
        try {
          Instant at = Instant.parse(line.substring(0, sp));
          if (at.isBefore(r.startedAt)) {
            continue;
          }
          line = line.substring(sp + 1);
        } catch (DateTimeParseException e) {
          // A continuation of a long line: keep it as is.
        }
      }
      out.append(line).append('\n');
    }
    return lastLines(out.toString(), lines);
  }

  @Override
  public OptionalInt exitCode() {
    Run r = run;
    return r != null && r.exited.get() ? OptionalInt.of(r.exitCode) : OptionalInt.empty();
  }

  @Override
  boolean started() {
    return run != null;
  }

  @Override
  OptionalInt exitedNow() {
    pollExit();
    return exitCode();
  }

  @Override
  String startProblem() {
    return null;
  }

  /**
   * Docker's port proxy accepts a connection even when nothing listens in the container, and
   * then closes it; etcd keeps it open, waiting for a request. So: connected and not closed
   * within a short read timeout means etcd listens.
   */
  @Override
  boolean probeListening(Duration timeout) {
    String ep = hostEndpoint;
    if (ep == null) {
      return false;
    }
    URI u = URI.create(ep);
    try (Socket s = new Socket()) {
      try {
        s.connect(new InetSocketAddress(u.getHost(), u.getPort()), (int) timeout.toMillis());
      } catch (IOException e) {
        return false;
      }
      s.setSoTimeout(300);
      try {
        s.getInputStream().read();
        return false;
      } catch (SocketTimeoutException e) {
        return running();
      }
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  String where() {
    Run r = run;
    return "container " + containerName + (r == null ? ", never started" : ", start #" + r.number)
        + ", address " + ip + ", host endpoint " + hostEndpoint;
  }
}
