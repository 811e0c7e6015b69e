package io.pdlab.real.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import io.pdlab.real.testing.ChildJvm;
import io.pdlab.real.testing.RealPrerequisites;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cleanup when the JVM ends: System.exit and SIGTERM (^C) run the shutdown hook, which closes
 * the backends; after kill -9 the leftovers (etcd processes, containers, network, image, run
 * directory) are found and removed by {@link Reaper} in the next JVM.
 */
class HygieneIT {

  @TempDir
  Path base;

  /** A running child JVM and what it printed when ready. */
  private record Child(Process process, Path runDir, String member) {
  }

  private Child launch(String kind, String mode) {
    ChildJvm.Child c = ChildJvm.launch(HygieneChild.class, base.resolve("child-" + kind + "-"
        + mode + ".err"), Duration.ofSeconds(90), kind, base.toString(), mode);
    return new Child(c.process(), Path.of(c.ready().get(0)), c.ready().get(1));
  }

  private static void awaitExit(Process p) {
    ChildJvm.awaitExit(p, Duration.ofSeconds(60));
  }

  private static void assertNoLocalLeftovers(Child c) throws Exception {
    assertTrue(Reaper.gone(Long.parseLong(c.member())), "etcd " + c.member() + " is gone");
    assertEquals(List.of(), LocalEtcdBackendIT.processesMentioning(c.runDir()));
    assertFalse(Files.exists(c.runDir()), c.runDir() + " is removed");
  }

  private static List<?> containersOf(Child c) {
    return DockerSupport.client().listContainersCmd().withShowAll(true)
        .withLabelFilter(Map.of(Owner.RUN_LABEL, c.runDir().getFileName().toString())).exec();
  }

  private static List<?> networksOf(Child c) {
    return DockerSupport.client().listNetworksCmd().withFilter("label",
        List.of(Owner.RUN_LABEL + "=" + c.runDir().getFileName().toString())).exec();
  }

  @Test
  void systemExitKillsLocalMembersAndRemovesTheRunDirectory() throws Exception {
    RealPrerequisites.requireBackend("etcd");
    Child c = launch("local", "exit");
    awaitExit(c.process());
    assertNoLocalLeftovers(c);
  }

  @Test
  void sigtermKillsLocalMembersAndRemovesTheRunDirectory() throws Exception {
    RealPrerequisites.requireBackend("etcd");
    Child c = launch("local", "wait");
    c.process().destroy();
    awaitExit(c.process());
    assertNoLocalLeftovers(c);
  }

  /**
   * SIGTERM while another thread keeps starting runs (as a compare sweep does): a backend that
   * registers after the shutdown hook closed the open ones is closed and refused, so no run
   * directory outlives the JVM.
   */
  @Test
  void sigtermDuringASweepLeavesNoRunDirectory() throws Exception {
    RealPrerequisites.requireBackend("etcd");
    Child c = launch("local", "churn");
    Thread.sleep(300); // the sweep is creating and removing run directories
    c.process().destroy();
    awaitExit(c.process());
    assertNoLocalLeftovers(c);
    try (var runs = Files.list(base)) {
      assertEquals(List.of(), runs.filter(p -> p.getFileName().toString().startsWith("run-"))
          .toList());
    }
  }

  @Test
  void afterKillNineTheReaperRemovesOrphanProcessesAndTheRunDirectory() throws Exception {
    RealPrerequisites.requireBackend("etcd");
    Child c = launch("local", "wait");
    c.process().destroyForcibly();
    awaitExit(c.process());
    long etcd = Long.parseLong(c.member());
    assertFalse(Reaper.gone(etcd), "kill -9 of the JVM leaves its etcd running");
    assertTrue(Files.exists(c.runDir()));

    Reaper.Report report = Reaper.reapOrphans(base, false);

    assertEquals(List.of(etcd), report.processes(), report::toString);
    assertEquals(List.of(c.runDir()), report.runDirs(), report::toString);
    assertNoLocalLeftovers(c);
  }

  @Test
  void containersSystemExitAndKillNine() throws Exception {
    RealPrerequisites.requireBackend("etcd-containers");
    DockerClient docker = DockerSupport.client();

    Child exited = launch("containers", "exit");
    awaitExit(exited.process());
    assertEquals(List.of(), containersOf(exited));
    assertEquals(List.of(), networksOf(exited));
    assertFalse(Files.exists(exited.runDir()));
    long exitedPid = exited.process().pid();
    assertEquals(0, docker.listImagesCmd().withLabelFilter(Owner.OWNER_LABEL).exec().stream()
        .filter(i -> i.getLabels().get(Owner.OWNER_LABEL).startsWith(exitedPid + "@")).count(),
        "the shutdown hook removes the child's image");

    Child killed = launch("containers", "wait");
    long childPid = killed.process().pid();
    killed.process().destroyForcibly();
    awaitExit(killed.process());
    assertEquals(1, containersOf(killed).size(), "kill -9 leaves the container");
    assertEquals(1, networksOf(killed).size(), "kill -9 leaves the network");
    long childImages = docker.listImagesCmd().withLabelFilter(Owner.OWNER_LABEL).exec().stream()
        .filter(i -> i.getLabels().get(Owner.OWNER_LABEL).startsWith(childPid + "@")).count();
    assertEquals(1, childImages, "kill -9 leaves the image");

    Reaper.Report report = Reaper.reapOrphans(base, true);

    assertEquals(1, report.containers().size(), report::toString);
    assertEquals(1, report.networks().size(), report::toString);
    assertEquals(1, report.images().size(), report::toString);
    assertEquals(List.of(), containersOf(killed));
    assertEquals(List.of(), networksOf(killed));
    assertFalse(Files.exists(killed.runDir()));
    assertEquals(0, docker.listImagesCmd().withLabelFilter(Owner.OWNER_LABEL).exec().stream()
        .filter(i -> i.getLabels().get(Owner.OWNER_LABEL).startsWith(childPid + "@")).count());
  }
}
