package io.pdlab.real.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pdlab.real.node.Reaper;
import io.pdlab.real.testing.ChildJvm;
import io.pdlab.real.testing.RealPrerequisites;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A control plane leaves nothing behind when its JVM ends: System.exit runs the shutdown hook,
 * which stops etcd, the API server, the controller-manager and the scheduler and removes the run
 * directory; after kill -9 the {@link Reaper} of the next JVM finds them by the run directory on
 * their command lines.
 */
class KubeHygieneIT {
  @TempDir
  Path base;

  @BeforeEach
  void needsTheBinaries() {
    RealPrerequisites.require("a Kubernetes control plane",
        Optional.ofNullable(KubeControlPlane.unavailableReason()));
  }

  /** Live processes whose command line names a path in {@code dir}. */
  static List<Long> processesMentioning(Path dir) throws IOException {
    List<Long> pids = new ArrayList<>();
    try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
      for (Path p : procs) {
        try {
          String cmd = new String(Files.readAllBytes(p.resolve("cmdline")),
              StandardCharsets.UTF_8);
          long pid = Long.parseLong(p.getFileName().toString());
          if (cmd.contains(dir + "/") && !Reaper.gone(pid)) {
            pids.add(pid);
          }
        } catch (IOException e) {
          // Exited while listing.
        }
      }
    }
    return pids;
  }

  @Test
  void systemExitStopsEveryComponentAndRemovesTheRunDirectory() throws Exception {
    ChildJvm.Child c = ChildJvm.launch(KubeHygieneChild.class, base.resolve("exit.err"),
        Duration.ofSeconds(120), base.toString(), "exit");
    Path dir = Path.of(c.ready().get(0));
    ChildJvm.awaitExit(c.process(), Duration.ofSeconds(60));
    assertEquals(List.of(), processesMentioning(dir.getParent()));
    assertFalse(Files.exists(dir.getParent()), dir.getParent() + " is removed");
  }

  @Test
  void afterKillNineTheReaperStopsTheOrphansAndRemovesTheRunDirectory() throws Exception {
    ChildJvm.Child c = ChildJvm.launch(KubeHygieneChild.class, base.resolve("kill.err"),
        Duration.ofSeconds(120), base.toString(), "wait");
    Path run = Path.of(c.ready().get(0)).getParent();
    c.process().destroyForcibly();
    ChildJvm.awaitExit(c.process(), Duration.ofSeconds(60));
    List<Long> orphans = processesMentioning(run);
    assertEquals(4, orphans.size(), "etcd, apiserver, controller-manager, scheduler: " + orphans);

    Reaper.Report report = Reaper.reapOrphanRuns(base);

    assertEquals(orphans.stream().sorted().toList(),
        report.processes().stream().sorted().toList(), report::toString);
    assertEquals(List.of(run), report.runDirs(), report::toString);
    assertEquals(List.of(), processesMentioning(run));
    assertTrue(Files.notExists(run));
  }
}
