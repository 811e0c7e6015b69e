package io.pdlab.real.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pdlab.real.testing.RealPrerequisites;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reaper on fake run directories (no docker): a run whose owner is dead loses its etcd and
 * its directory; a run of a live owner keeps both.
 */
class ReaperTest {

  @TempDir
  Path base;

  private static Path deadRun(Path base, Owner owner) throws Exception {
    Path dir = Files.createDirectories(base.resolve("run-" + owner.pid() + "-1-test"));
    Files.writeString(dir.resolve(RunDirectory.OWNER_FILE), owner.toMarker());
    return dir;
  }

  @Test
  void reapsTheOrphanEtcdOfADeadRunAndLeavesALiveRunAlone() throws Exception {
    RealPrerequisites.requireBackend("etcd");
    Owner me = Owner.current();
    Path dead = deadRun(base, new Owner(OwnerTest.deadPid(), Instant.now().minusSeconds(60),
        me.bootId(), me.pidNamespace()));
    InetAddress lo = InetAddress.getLoopbackAddress();
    int peerPort;
    int clientPort;
    try (ServerSocket a = new ServerSocket(0, 1, lo); ServerSocket b = new ServerSocket(0, 1, lo)) {
      peerPort = a.getLocalPort();
      clientPort = b.getLocalPort();
    }
    String peer = "http://127.0.0.1:" + peerPort;
    String client = "http://127.0.0.1:" + clientPort;
    List<String> cmd = new ArrayList<>();
    cmd.add(EtcdBinary.locate().path().toString());
    cmd.addAll(EtcdArgs.render(EtcdFlags.defaults("orphan", Map.of("orphan", peer)),
        dead.resolve("orphan/data").toString(), peer, peer, client, client));
    Process orphan = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(dead.resolve("orphan.log").toFile()).start();

    RunDirectory live = RunDirectory.create(base, me);
    Process liveMember = new ProcessBuilder("sh", "-c", "sleep 60", "sh",
        "--data-dir=" + live.path() + "/m/data").start();
    try {
      await().atMost(Duration.ofSeconds(15))
          .until(() -> Files.isDirectory(dead.resolve("orphan/data/member")));
      assertTrue(orphan.isAlive());

      Reaper.Report report = Reaper.reapOrphans(base, false);

      assertEquals(List.of(orphan.pid()), report.processes(), report::toString);
      assertEquals(List.of(dead), report.runDirs(), report::toString);
      await().atMost(Duration.ofSeconds(5)).until(() -> !orphan.isAlive());
      assertFalse(Files.exists(dead), "the dead run's directory is removed");
      assertTrue(Files.exists(live.path().resolve(RunDirectory.OWNER_FILE)),
          "the live run's directory stays");
      assertTrue(liveMember.isAlive(), "the live run's process stays");
      assertTrue(Reaper.reapOrphans(base, false).isEmpty(), "nothing left on a second pass");
    } finally {
      orphan.destroyForcibly();
      liveMember.destroyForcibly();
    }
  }

  @Test
  void aRunWhosePidWasReusedIsDeadAndStaleSetupDirsGo() throws Exception {
    Owner me = Owner.current();
    Path reused = deadRun(base, new Owner(me.pid(), me.start().minusSeconds(7200), me.bootId(),
        me.pidNamespace()));
    Path unknown = deadRun(base.resolve("other"), new Owner(1, Instant.EPOCH, me.bootId(),
        "pid:[12345]"));
    Files.move(unknown, base.resolve("run-1-1-otherns"));
    Path staleSetup = Files.createDirectories(base.resolve(".creating-run-1-2-x"));
    Files.setLastModifiedTime(staleSetup, FileTime.from(Instant.now().minusSeconds(3600)));
    Path freshSetup = Files.createDirectories(base.resolve(".creating-run-1-3-y"));
    Path noMarker = Files.createDirectories(base.resolve("run-1-4-nomarker"));

    Reaper.Report report = Reaper.reapOrphans(base, false);

    assertEquals(List.of(reused), report.runDirs(), report::toString);
    assertFalse(Files.exists(reused));
    assertTrue(Files.exists(base.resolve("run-1-1-otherns")), "another pid namespace: untouched");
    assertFalse(Files.exists(staleSetup));
    assertTrue(Files.exists(freshSetup));
    assertTrue(Files.exists(noMarker), "without a marker the owner is unknown: untouched");
  }

  @Test
  void runDirectoryHasAnOwnerMarker() throws Exception {
    RunDirectory run = RunDirectory.create(base, Owner.current());
    assertTrue(run.name().startsWith("run-" + ProcessHandle.current().pid() + "-"), run.name());
    String marker = Files.readString(run.path().resolve("owner"));
    assertTrue(marker.contains("pid=" + ProcessHandle.current().pid()), marker);
    assertTrue(marker.contains("start="
        + ProcessHandle.current().info().startInstant().orElseThrow()), marker);
    assertEquals(Owner.current(), RunDirectory.ownerOf(run.path()).orElseThrow());
    run.delete();
    assertFalse(Files.exists(run.path()));
  }
}
