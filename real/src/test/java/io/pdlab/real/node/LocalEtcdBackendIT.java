package io.pdlab.real.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pdlab.real.testing.RealPrerequisites;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Real etcd processes on loopback: bootstrap, kill -9 and restart, pause, port clash, exit at
 * start, wipe, close.
 */
class LocalEtcdBackendIT {

  private static final Duration HEALTHY = Duration.ofSeconds(20);

  @BeforeAll
  static void requireEtcd() {
    RealPrerequisites.requireBackend("etcd");
  }

  private static EtcdFlags single(EtcdNode n) {
    return EtcdFlags.defaults(n.name(), Map.of(n.name(), n.peerUrl()));
  }

  private static Map<String, String> cluster(List<EtcdNode> nodes) {
    Map<String, String> m = new LinkedHashMap<>();
    nodes.forEach(n -> m.put(n.name(), n.peerUrl()));
    return m;
  }

  /** Pids of processes whose command line mentions {@code dir}. */
  static List<Long> processesMentioning(Path dir) throws Exception {
    List<Long> pids = new ArrayList<>();
    try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
      for (Path p : procs) {
        try {
          String cmd = new String(Fs.readProc(p.resolve("cmdline")), StandardCharsets.UTF_8);
          if (cmd.contains(dir.toString()) && !Reaper.gone(Long.parseLong(
              p.getFileName().toString()))) {
            pids.add(Long.parseLong(p.getFileName().toString()));
          }
        } catch (java.io.IOException e) {
          // Exited while listing.
        }
      }
    }
    return pids;
  }

  @Test
  void oneMemberBecomesHealthyAndServes() throws Exception {
    try (LocalEtcdBackend backend = new LocalEtcdBackend()) {
      assertEquals("etcd", backend.kind());
      EtcdNode n = backend.node("basic-0");
      assertSame(n, backend.node("basic-0"));
      assertTrue(n.peerUrl().matches("http://127\\.0\\.\\d+\\.\\d+:\\d+"), n.peerUrl());
      assertEquals(n.clientUrl(), n.hostClientEndpoint());
      assertFalse(n.running());
      n.start(single(n));
      assertThrows(IllegalStateException.class, () -> n.start(single(n)));
      n.awaitHealthy(HEALTHY);
      assertTrue(n.running());
      EtcdHttp.put(n.hostClientEndpoint(), "k", "v");
      assertEquals(Optional.of("v"), EtcdHttp.get(n.hostClientEndpoint(), "k"));
      assertTrue(n.logTail(200).contains("serving client traffic"), n.logTail(200));
      assertTrue(backend.runDir().startsWith(RunDirectory.DEFAULT_BASE));
      assertTrue(Files.exists(backend.runDir().resolve("owner")));
    }
  }

  @Test
  void threeMemberStaticClusterBecomesHealthy() throws Exception {
    try (LocalEtcdBackend backend = new LocalEtcdBackend()) {
      List<EtcdNode> nodes = List.of(backend.node("basic-0"), backend.node("basic-1"),
          backend.node("basic-2"));
      assertEquals(3, nodes.stream().map(n -> URI.create(n.peerUrl()).getHost()).distinct()
          .count(), "each member has its own loopback address");
      Map<String, String> cluster = cluster(nodes);
      Instant begin = Instant.now();
      nodes.forEach(n -> n.start(EtcdFlags.defaults(n.name(), cluster)));
      for (EtcdNode n : nodes) {
        n.awaitHealthy(HEALTHY);
      }
      System.out.println("[timing] 3-member static bootstrap, processes: "
          + Duration.between(begin, Instant.now()).toMillis() + " ms");
      EtcdHttp.put(nodes.get(0).hostClientEndpoint(), "a", "1");
      assertEquals(Optional.of("1"), EtcdHttp.get(nodes.get(2).hostClientEndpoint(), "a"));
      assertEquals(nodes, backend.nodes());
    }
  }

  @Test
  void killNineAndRestartKeepsTheData() throws Exception {
    try (LocalEtcdBackend backend = new LocalEtcdBackend()) {
      LocalEtcdNode n = (LocalEtcdNode) backend.node("basic-0");
      List<Integer> exits = new CopyOnWriteArrayList<>();
      n.onExit(exits::add);
      String peer = n.peerUrl();
      String client = n.clientUrl();
      n.start(single(n));
      n.awaitHealthy(HEALTHY);
      EtcdHttp.put(n.hostClientEndpoint(), "kept", "yes");
      long firstPid = n.pid().orElseThrow();

      n.kill();
      assertFalse(n.running());
      assertEquals(137, n.exitCode().orElseThrow());
      await().atMost(Duration.ofSeconds(5)).until(() -> exits.equals(List.of(137)));
      assertFalse(ProcessHandle.of(firstPid).map(ProcessHandle::isAlive).orElse(false));
      n.kill();

      n.start(single(n));
      n.awaitHealthy(HEALTHY);
      assertEquals(peer, n.peerUrl());
      assertEquals(client, n.clientUrl());
      assertNotEquals(firstPid, n.pid().orElseThrow());
      assertEquals(Optional.of("yes"), EtcdHttp.get(n.hostClientEndpoint(), "kept"));
      String log = Files.readString(n.logFile());
      assertTrue(log.contains("start #1") && log.contains("start #2"), "log appended");
      assertFalse(n.logTail(100_000).contains("==== pdlab"), "logTail covers the current start");
    }
  }

  @Test
  void pauseMakesHealthTimeOutAndResumeBringsItBack() throws Exception {
    try (LocalEtcdBackend backend = new LocalEtcdBackend()) {
      LocalEtcdNode n = (LocalEtcdNode) backend.node("basic-0");
      n.start(single(n));
      n.awaitHealthy(HEALTHY);
      n.pause();
      assertTrue(n.paused());
      assertFalse(EtcdHttp.healthy(n.hostClientEndpoint()), "a stopped etcd does not answer");
      EtcdStartException e = assertThrows(EtcdStartException.class,
          () -> n.awaitHealthy(Duration.ofSeconds(2)));
      assertTrue(e.getMessage().contains("still running"), e.getMessage());
      n.resume();
      assertFalse(n.paused());
      n.awaitHealthy(HEALTHY);

      n.pause();
      long pid = n.pid().orElseThrow();
      n.kill();
      assertTrue(Reaper.gone(pid), "SIGKILL kills a stopped process");
      assertFalse(n.running());
    }
  }

  @Test
  void portClashFailsWithTheLogTail() throws Exception {
    try (LocalEtcdBackend backend = new LocalEtcdBackend()) {
      EtcdNode n = backend.node("basic-0");
      URI client = URI.create(n.clientUrl());
      try (ServerSocket squatter = new ServerSocket()) {
        squatter.bind(new InetSocketAddress(InetAddress.getByName(client.getHost()),
            client.getPort()));
        n.start(single(n));
        EtcdStartException e = assertThrows(EtcdStartException.class,
            () -> n.awaitHealthy(HEALTHY));
        assertEquals("basic-0", e.member());
        assertTrue(e.exitCode().isPresent(), e.getMessage());
        assertTrue(e.getMessage().contains("'basic-0'"), e.getMessage());
        assertTrue(e.getMessage().contains("exited with code " + e.exitCode().getAsInt()),
            e.getMessage());
        assertTrue(e.getMessage().contains("already in use"), e.getMessage());
        assertTrue(e.logTail().contains("address already in use"), e.logTail());
        assertTrue(e.getMessage().contains(e.logTail()), e.getMessage());
        EtcdStartException listening = assertThrows(EtcdStartException.class,
            () -> n.awaitListening(HEALTHY));
        assertTrue(listening.getMessage().contains("address already in use"),
            listening.getMessage());
        assertFalse(n.running());
      }
    }
  }

  @Test
  void aMemberThatExitsAtStartExplainsItselfAndReportsItsExit() throws Exception {
    try (LocalEtcdBackend backend = new LocalEtcdBackend()) {
      EtcdNode n = backend.node("joiner");
      List<Integer> exits = new CopyOnWriteArrayList<>();
      n.onExit(exits::add);
      n.start(single(n).withExisting(true));
      EtcdStartException e = assertThrows(EtcdStartException.class,
          () -> n.awaitHealthy(HEALTHY));
      assertEquals(1, e.exitCode().orElseThrow(), e.getMessage());
      assertTrue(e.getMessage().contains("'joiner'") && e.getMessage().contains("pid "),
          e.getMessage());
      assertTrue(e.logTail().contains("could not retrieve cluster information"), e.logTail());
      await().atMost(Duration.ofSeconds(5)).until(() -> exits.equals(List.of(1)));
      assertFalse(n.running());
    }
  }

  @Test
  void aLoneMemberOfAStaticClusterListensButIsNotHealthy() throws Exception {
    try (LocalEtcdBackend backend = new LocalEtcdBackend()) {
      List<EtcdNode> nodes = List.of(backend.node("tc-pd-0"), backend.node("tc-pd-1"),
          backend.node("tc-pd-2"));
      EtcdNode lone = nodes.get(0);
      lone.start(EtcdFlags.defaults(lone.name(), cluster(nodes)));
      lone.awaitListening(Duration.ofSeconds(10));
      EtcdStartException e = assertThrows(EtcdStartException.class,
          () -> lone.awaitHealthy(Duration.ofMillis(1500)));
      assertTrue(e.getMessage().contains("was not healthy within"), e.getMessage());
      assertTrue(e.exitCode().isEmpty());
      assertTrue(lone.running());
    }
  }

  @Test
  void wipeDeletesTheData() throws Exception {
    try (LocalEtcdBackend backend = new LocalEtcdBackend()) {
      LocalEtcdNode n = (LocalEtcdNode) backend.node("basic-0");
      n.start(single(n));
      n.awaitHealthy(HEALTHY);
      EtcdHttp.put(n.hostClientEndpoint(), "gone", "soon");
      assertThrows(IllegalStateException.class, n::wipe);
      n.kill();
      n.wipe();
      assertFalse(Files.exists(n.dataDir()));
      n.start(single(n));
      n.awaitHealthy(HEALTHY);
      assertEquals(Optional.empty(), EtcdHttp.get(n.hostClientEndpoint(), "gone"));
    }
  }

  @Test
  void closeLeavesNoProcessAndNoDirectory() throws Exception {
    LocalEtcdBackend backend = new LocalEtcdBackend();
    Path run = backend.runDir();
    List<EtcdNode> nodes = List.of(backend.node("basic-0"), backend.node("basic-1"));
    Map<String, String> cluster = cluster(nodes);
    nodes.forEach(n -> n.start(EtcdFlags.defaults(n.name(), cluster)));
    for (EtcdNode n : nodes) {
      n.awaitHealthy(HEALTHY);
    }
    nodes.get(1).pause();
    List<Long> pids = nodes.stream().map(n -> ((LocalEtcdNode) n).pid().orElseThrow()).toList();
    assertEquals(2, processesMentioning(run).size());
    assertFalse(backend.canPartition(List.of(List.of("basic-0"), List.of("basic-1"))));
    UnsupportedOperationException u = assertThrows(UnsupportedOperationException.class,
        () -> backend.partition(List.of(List.of("basic-0"), List.of("basic-1"))));
    assertTrue(u.getMessage().contains("ContainerEtcdBackend"), u.getMessage());

    backend.close();

    for (long pid : pids) {
      assertTrue(Reaper.gone(pid), "process " + pid + " is gone");
    }
    assertEquals(List.of(), processesMentioning(run));
    assertFalse(Files.exists(run), run + " is removed");
    backend.close();
    assertThrows(IllegalStateException.class, () -> backend.node("basic-2"));
  }
}
