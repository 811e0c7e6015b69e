package io.pdlab.real.node;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An etcd member as a local process on its own loopback address, with a data directory and a log
 * file (appended across restarts) in the backend's run directory.
 */
final class LocalEtcdNode extends AbstractEtcdNode {

  private static final Duration KILL_WAIT = Duration.ofSeconds(10);
  private static final Duration SIGNAL_WAIT = Duration.ofSeconds(5);

  /** One start of the process. */
  private static final class Run {
    final int number;
    final Process process;
    final long logOffset;
    final String startProblem;
    final AtomicBoolean exited = new AtomicBoolean();
    volatile int exitCode;

    Run(int number, Process process, long logOffset, String startProblem) {
      this.number = number;
      this.process = process;
      this.logOffset = logOffset;
      this.startProblem = startProblem;
    }
  }

  private final EtcdBinary binary;
  private final InetAddress address;
  private final int peerPort;
  private final int clientPort;
  private final Path dataDir;
  private final Path logFile;
  private final String peerUrl;
  private final String clientUrl;
  private volatile Run run;
  private volatile boolean paused;
  private int starts;

  LocalEtcdNode(String name, EtcdBinary binary, InetAddress address, int peerPort, int clientPort,
      Path memberDir) {
    super(name);
    this.binary = binary;
    this.address = address;
    this.peerPort = peerPort;
    this.clientPort = clientPort;
    this.dataDir = memberDir.resolve("data");
    this.logFile = memberDir.resolve("etcd.log");
    String host = address.getHostAddress();
    this.peerUrl = "http://" + host + ":" + peerPort;
    this.clientUrl = "http://" + host + ":" + clientPort;
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
    return clientUrl;
  }

  @Override
  public String hostPeerEndpoint() {
    return peerUrl;
  }

  /** The member's data directory ({@code --data-dir}). */
  Path dataDir() {
    return dataDir;
  }

  @Override
  public java.util.Optional<Path> hostDataDir() {
    return java.util.Optional.of(dataDir);
  }

  /** The member's log file. */
  Path logFile() {
    return logFile;
  }

  /** The pid of the current or last process, if it was ever started. */
  OptionalLong pid() {
    Run r = run;
    return r == null ? OptionalLong.empty() : OptionalLong.of(r.process.pid());
  }

  @Override
  public synchronized void start(EtcdFlags flags) {
    EtcdArgs.checkFor(name(), peerUrl, flags);
    if (running()) {
      throw new IllegalStateException("etcd member '" + name() + "' is already running (pid "
          + run.process.pid() + "); kill it before starting it again");
    }
    List<String> command = new ArrayList<>();
    command.add(binary.path().toString());
    command.addAll(EtcdArgs.render(flags, dataDir.toString(), peerUrl, peerUrl, clientUrl,
        clientUrl));
    String problem = busyPorts();
    int number = ++starts;
    long offset;
    try {
      Files.writeString(logFile, "==== pdlab: start #" + number + " of '" + name() + "' at "
              + Instant.now() + ": " + String.join(" ", command) + "\n",
          StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      offset = Files.size(logFile);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the log of etcd member '" + name() + "' at "
          + logFile + ": " + e, e);
    }
    ProcessBuilder pb = new ProcessBuilder(command)
        .directory(logFile.getParent().toFile())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("ETCD_"));
    unsupportedArch().ifPresent(arch -> env.put("ETCD_UNSUPPORTED_ARCH", arch));
    Process process;
    try {
      process = pb.start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot launch etcd member '" + name() + "' with "
          + binary + ": " + e.getMessage(), e);
    }
    Run r = new Run(number, process, offset, problem);
    run = r;
    paused = false;
    process.onExit().thenAccept(p -> exited(r, p.exitValue()));
  }

  private static java.util.Optional<String> unsupportedArch() {
    String arch = System.getProperty("os.arch", "");
    if (arch.equals("amd64") || arch.equals("x86_64")) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(arch.equals("aarch64") ? "arm64" : arch);
  }

  /** Null when both ports can be bound now, else which one is taken (etcd will fail on it). */
  private String busyPorts() {
    for (int port : new int[] {peerPort, clientPort}) {
      try (ServerSocket s = new ServerSocket()) {
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(address, port), 1);
      } catch (BindException e) {
        return address.getHostAddress() + ":" + port + " was already in use when it was started";
      } catch (IOException e) {
        return "cannot check " + address.getHostAddress() + ":" + port + ": " + e.getMessage();
      }
    }
    return null;
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

  @Override
  public boolean running() {
    Run r = run;
    return r != null && !r.exited.get() && r.process.isAlive();
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
    r.process.destroyForcibly();
    try {
      if (!r.process.waitFor(KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException("etcd member '" + name() + "' (pid " + r.process.pid()
            + ") did not die within " + KILL_WAIT + " of SIGKILL");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while killing etcd member '" + name() + "'", e);
    }
    exited(r, r.process.exitValue());
  }

  @Override
  public synchronized void pause() {
    Run r = run;
    if (!running()) {
      throw new IllegalStateException("cannot pause etcd member '" + name() + "': not running");
    }
    signal(r, "STOP");
    paused = true;
  }

  @Override
  public synchronized void resume() {
    Run r = run;
    if (!running() || !paused) {
      return;
    }
    signal(r, "CONT");
    paused = false;
  }

  private void signal(Run r, String signal) {
    String kill = Commands.which("kill").map(Path::toString).orElse("/bin/kill");
    Commands.check(SIGNAL_WAIT, List.of(kill, "-" + signal, Long.toString(r.process.pid())));
  }

  @Override
  public synchronized void wipe() {
    if (running()) {
      throw new IllegalStateException("cannot wipe etcd member '" + name() + "': it is running"
          + " (kill it first)");
    }
    Fs.deleteTree(dataDir);
  }

  @Override
  public String logTail(int lines) {
    Run r = run;
    if (r == null || !Files.exists(logFile)) {
      return "";
    }
    try (RandomAccessFile f = new RandomAccessFile(logFile.toFile(), "r")) {
      long size = f.length();
      long from = Math.max(r.logOffset, size - 256L * 1024);
      byte[] buf = new byte[(int) Math.max(0, size - from)];
      f.seek(from);
      f.readFully(buf);
      return lastLines(new String(buf, StandardCharsets.UTF_8), lines);
    } catch (IOException e) {
      return "(cannot read " + logFile + ": " + e.getMessage() + ")";
    }
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
    Run r = run;
    if (r == null) {
      return OptionalInt.empty();
    }
    if (!r.exited.get() && !r.process.isAlive()) {
      exited(r, r.process.exitValue());
    }
    return exitCode();
  }

  @Override
  String startProblem() {
    Run r = run;
    return r == null ? null : r.startProblem;
  }

  @Override
  boolean probeListening(Duration timeout) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(address, clientPort), (int) timeout.toMillis());
      return running();
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  String where() {
    Run r = run;
    return (r == null ? "never started" : "pid " + r.process.pid() + ", start #" + r.number)
        + ", client " + clientUrl + ", peer " + peerUrl + ", log " + logFile;
  }
}
