package io.pdlab.real.client;

import io.pdlab.real.testing.RealPrerequisites;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;

/**
 * Test-only launcher of real etcd 3.4 processes, each on its own loopback address with free ports
 * and a data directory under the test's temporary directory. {@link #close} kills every process it
 * started (forcibly), so tests call it in {@code @AfterEach} and a failing test leaves nothing
 * behind. Never touches etcd processes it did not start.
 */
final class LocalEtcd implements AutoCloseable {
  static final Path ETCD = Path.of("/usr/bin/etcd");

  /** One member's name and addresses. */
  record Node(String name, String ip, int clientPort, int peerPort) {
    String clientUrl() {
      return "http://" + ip + ":" + clientPort;
    }

    String peerUrl() {
      return "http://" + ip + ":" + peerPort;
    }
  }

  private final Path root;
  private final String token;
  private final Map<String, Process> running = new LinkedHashMap<>();
  private final List<Process> all = new ArrayList<>();

  LocalEtcd(Path root, String token) {
    this.root = root;
    this.token = token;
  }

  /** Skips the calling test when etcd is not installed. */
  static void assumeEtcd() {
    RealPrerequisites.require("etcd at " + ETCD, Files.isExecutable(ETCD) ? Optional.empty()
        : Optional.of("not found: apt-get install -y etcd-server"));
  }

  /** A free port on {@code ip} (bound to port 0 and released). */
  static int freePort(String ip) throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(ip))) {
      return s.getLocalPort();
    }
  }

  static Node node(String name, String ip) throws IOException {
    int client = freePort(ip);
    int peer = freePort(ip);
    while (peer == client) {
      peer = freePort(ip);
    }
    return new Node(name, ip, client, peer);
  }

  static String initialCluster(List<Node> nodes) {
    StringJoiner j = new StringJoiner(",");
    for (Node n : nodes) {
      j.add(n.name() + "=" + n.peerUrl());
    }
    return j.toString();
  }

  /** Starts {@code n} in a cluster of {@code initial}, state {@code new} or {@code existing}. */
  Process start(Node n, List<Node> initial, String state) throws IOException {
    Path dir = root.resolve(n.name());
    Files.createDirectories(dir);
    List<String> cmd = List.of(ETCD.toString(),
        "--name", n.name(),
        "--data-dir", dir.resolve("data").toString(),
        "--listen-client-urls", n.clientUrl(),
        "--advertise-client-urls", n.clientUrl(),
        "--listen-peer-urls", n.peerUrl(),
        "--initial-advertise-peer-urls", n.peerUrl(),
        "--initial-cluster", initialCluster(initial),
        "--initial-cluster-state", state,
        "--initial-cluster-token", token,
        "--heartbeat-interval", "50",
        "--election-timeout", "500",
        "--logger", "zap",
        "--log-outputs", "stderr");
    Process p = new ProcessBuilder(cmd)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("etcd.log").toFile()))
        .start();
    synchronized (this) {
      running.put(n.name(), p);
      all.add(p);
    }
    return p;
  }

  /** Kills {@code name}'s process (SIGKILL) and waits for it. */
  void kill(String name) throws InterruptedException {
    Process p;
    synchronized (this) {
      p = running.remove(name);
    }
    if (p != null) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
  }

  synchronized boolean alive(String name) {
    Process p = running.get(name);
    return p != null && p.isAlive();
  }

  /** The end of a member's log, for failure messages. */
  String logTail(String name) {
    Path log = root.resolve(name).resolve("etcd.log");
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() {
    List<Process> ps;
    synchronized (this) {
      ps = new ArrayList<>(all);
      running.clear();
    }
    for (Process p : ps) {
      p.destroyForcibly();
    }
    for (Process p : ps) {
      try {
        p.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
