package io.pdlab.real.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pdlab.real.node.Commands;
import io.pdlab.real.node.Mounts;
import io.pdlab.real.node.Reaper;
import io.pdlab.real.testing.ChildJvm;
import io.pdlab.real.testing.RealPrerequisites;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A kubelet node of a JVM killed with kill -9 leaves its kubelet, docker daemon, containerd,
 * shims and containers running, its overlays and namespaces mounted, its bridge and rules in
 * place; the next run's reaper removes all of it.
 */
class KubeletHygieneIT {
  @TempDir
  Path base;

  @BeforeEach
  void needsEverything() {
    RealPrerequisites.require("kubelet nodes", KubeletNodes.unavailableReason());
  }

  @Test
  void afterKillNineTheReaperRemovesTheKubeletNodesProcessesContainersMountsAndBridge()
      throws Exception {
    Ended e = runAndEnd("kill.err", true);
    Path run = e.run();
    long pid = e.pid();
    assertTrue(KubeHygieneIT.processesMentioning(run).size() >= 7, "control plane, kubelet,"
        + " dockerd, containerd, shims: " + KubeHygieneIT.processesMentioning(run));
    assertFalse(Mounts.under(run).isEmpty(), "the node's overlays and namespaces");
    assertTrue(links().contains("pdlb" + pid + "n0"), links());

    Reaper.Report report = Reaper.reapOrphanRuns(base);
    List<String> net = NodeNetwork.reapOrphans();

    assertEquals(List.of(run), report.runDirs(), report::toString);
    assertEquals(List.of(), KubeHygieneIT.processesMentioning(run));
    assertEquals(List.of(), Mounts.under(run));
    assertTrue(Files.notExists(run));
    assertFalse(links().contains("pdlb" + pid + "n"), "bridge removed: " + net);
    assertFalse(java.util.regex.Pattern.compile("pdlab:" + pid + "(?!\\d)").matcher(
        Commands.run(Duration.ofSeconds(10), null, List.of(NodeNetwork.bin("iptables"), "-S",
        "FORWARD")).output()).find(), "rules removed: " + net);
    try (var cgroups = Files.list(Path.of("/sys/fs/cgroup/pids"))) {
      assertEquals(List.of(), cgroups.map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith(KubeletNode.CGROUP_PREFIX + pid + "-")).toList(),
          "the containers' cgroups are gone");
    }
  }

  /**
   * SIGTERM (^C, or Maven stopping a forked test JVM): the shutdown hook closes the kubelet node
   * before the control plane, so nothing is left for a reaper. The hook used to close the control
   * plane only, whose directory removal then failed on the node's mounts after it had deleted
   * the owner marker, so not even the reaper could tell whose the node's daemons were.
   */
  @Test
  void afterSigtermTheShutdownHookLeavesNothing() throws Exception {
    Ended e = runAndEnd("term.err", false);
    Path run = e.run();
    long pid = e.pid();
    assertEquals(List.of(), KubeHygieneIT.processesMentioning(run));
    assertEquals(List.of(), Mounts.under(run));
    assertTrue(Files.notExists(run), run + " is gone");
    assertFalse(links().contains("pdlb" + pid + "n"), links());
  }

  /** A child JVM's run directory and pid, after it ended. */
  private record Ended(Path run, long pid) {}

  /**
   * Starts a {@link KubeletHygieneChild} and, once its pod runs, kills it (kill -9) or stops it
   * (SIGTERM, which runs its shutdown hook), and waits for it to end.
   */
  private Ended runAndEnd(String errFile, boolean killNine) throws Exception {
    ChildJvm.Child c = ChildJvm.launch(KubeletHygieneChild.class, base.resolve(errFile),
        Duration.ofSeconds(180), base.toString());
    Path run = Path.of(c.ready().get(0));
    if (killNine) {
      c.process().destroyForcibly();
    } else {
      c.process().destroy();
    }
    ChildJvm.awaitExit(c.process(), Duration.ofSeconds(120));
    return new Ended(run, c.process().pid());
  }

  private static String links() {
    return Commands.run(Duration.ofSeconds(10), null, List.of(NodeNetwork.bin("ip"), "-o", "link",
        "show")).output();
  }
}
