package io.pdlab.real.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pdlab.real.testing.RealPrerequisites;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The host's etcdctl against real etcd processes: coreos/etcd-operator's liveness probe command
 * passes on a serving member and fails on a stopped one after etcdctl's 5 s command timeout (the
 * simulator's {@code SimContainerRuntime.ETCDCTL_COMMAND_TIMEOUT_MS}); a snapshot saved from one
 * member and restored into a wiped data dir brings its keys back; a restore under a name the list
 * lacks is refused with etcdctl's own error and leaves the data dir alone.
 */
class EtcdctlIT {
  private static final Duration HEALTHY = Duration.ofSeconds(20);
  /** coreos/etcd-operator v0.9.4's probe command (the model's EtcdPods.COREOS_LIVENESS). */
  private static final List<String> PROBE = List.of("/bin/sh", "-ec",
      "ETCDCTL_API=3 etcdctl endpoint status");

  @BeforeAll
  static void requireEtcd() {
    RealPrerequisites.requireBackend("etcd");
  }

  private static EtcdFlags single(EtcdNode n) {
    return EtcdFlags.defaults(n.name(), Map.of(n.name(), n.peerUrl()));
  }

  /** A one-member cluster started on {@code backend} and serving. */
  private static LocalEtcdNode serving(LocalEtcdBackend backend) {
    LocalEtcdNode n = (LocalEtcdNode) backend.node("basic-0");
    n.start(single(n));
    n.awaitHealthy(HEALTHY);
    return n;
  }

  @Test
  void theLivenessCommandPassesOnAServingMemberAndFailsOnAStoppedOne() throws Exception {
    Etcdctl etcdctl = Etcdctl.locate();
    try (LocalEtcdBackend backend = new LocalEtcdBackend()) {
      LocalEtcdNode n = serving(backend);
      assertTrue(etcdctl.probe(PROBE, n.hostClientEndpoint(), Duration.ofSeconds(10)));
      n.pause();
      Instant begin = Instant.now();
      assertFalse(etcdctl.probe(PROBE, n.hostClientEndpoint(), Duration.ofSeconds(10)));
      long ms = Duration.between(begin, Instant.now()).toMillis();
      System.out.println("[timing] etcdctl endpoint status against a stopped member: " + ms
          + " ms");
      assertTrue(ms >= 4_500 && ms < 9_000, "etcdctl's 5 s command timeout ends it: " + ms);
      // The probe's own timeout, when shorter, ends it first.
      begin = Instant.now();
      assertFalse(etcdctl.probe(PROBE, n.hostClientEndpoint(), Duration.ofSeconds(1)));
      assertTrue(Duration.between(begin, Instant.now()).toMillis() < 4_000);
      n.resume();
      n.awaitHealthy(HEALTHY);
      assertTrue(etcdctl.probe(PROBE, n.hostClientEndpoint(), Duration.ofSeconds(10)));
    }
  }

  @Test
  void aSnapshotRestoredIntoAWipedDataDirBringsTheKeysBack() throws Exception {
    Etcdctl etcdctl = Etcdctl.locate();
    try (LocalEtcdBackend backend = new LocalEtcdBackend()) {
      LocalEtcdNode n = serving(backend);
      EtcdHttp.put(n.hostClientEndpoint(), "saved", "yes");
      Path file = backend.runDir().resolve("basic-0.db");
      etcdctl.snapshotSave(n.hostClientEndpoint(), file);
      assertTrue(Files.size(file) > 0);
      EtcdHttp.put(n.hostClientEndpoint(), "after", "lost");
      n.kill();
      n.wipe();

      IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
          () -> etcdctl.snapshotRestore(file, "basic-0", Map.of("other", n.peerUrl()), "t",
              n.dataDir()));
      assertEquals("couldn't find local name \"basic-0\" in the initial cluster configuration",
          refused.getMessage());
      assertFalse(Files.exists(n.dataDir().resolve("member")), "a refused restore writes none");

      etcdctl.snapshotRestore(file, "basic-0", Map.of("basic-0", n.peerUrl()),
          "etcd-cluster", n.dataDir());
      assertTrue(Files.isDirectory(n.dataDir().resolve("member/wal")));
      assertFalse(Files.exists(n.dataDir().resolveSibling("data.restore")), "nothing beside");
      n.start(single(n));
      n.awaitHealthy(HEALTHY);
      assertEquals(Optional.of("yes"), EtcdHttp.get(n.hostClientEndpoint(), "saved"));
      assertEquals(Optional.empty(), EtcdHttp.get(n.hostClientEndpoint(), "after"));
    }
  }

  @Test
  void aSaveFromAStoppedMemberFailsWithEtcdctlsError() {
    Etcdctl etcdctl = Etcdctl.locate();
    try (LocalEtcdBackend backend = new LocalEtcdBackend()) {
      LocalEtcdNode n = (LocalEtcdNode) backend.node("basic-0");
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> etcdctl.snapshotSave(n.hostClientEndpoint(), backend.runDir().resolve("x.db")));
      assertFalse(e.getMessage().isBlank());
    }
  }

  @Test
  void etcdctlsErrorLineIsWhatIsKept() {
    assertEquals("data-dir \"x\" exists", Etcdctl.lastError("{\"level\":\"info\"}\n"
        + "Error: data-dir \"x\" exists\n"));
    assertEquals("last", Etcdctl.lastError("first\nlast\n\n"));
  }
}
