package io.pdlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pdlab.real.drive.Prerequisites;
import io.pdlab.real.testing.RealPrerequisites;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pdlab calibrate} end to end on real etcd processes, and on a real control plane with a
 * kubelet node: the tables and the report.
 */
class CalibrateCommandIT {
  @Test
  void calibrateWritesTheTableIntoTheReport(@TempDir Path dir) throws Exception {
    RealPrerequisites.requireBackend("etcd");
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
    java.io.PrintStream oldErr = System.err;
    System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      assertEquals(0, Main.execute("calibrate", "--strategies", "static", "--members", "1",
          "--runs", "1", "--out", dir.toString()));
    } finally {
      System.setErr(oldErr);
    }
    // one real run before the measured ones warms the JVM's gRPC code and is not recorded
    assertTrue(err.toString(java.nio.charset.StandardCharsets.UTF_8)
        .contains("etcd: one warm-up run first, not counted"), err::toString);
    String md = Files.readString(dir.resolve("report.md"));
    assertTrue(md.contains("Calibration: simulator against real etcd"), md);
    java.util.List<io.pdlab.reports.RunRecord> records =
        io.pdlab.reports.ResultsJson.read(dir.resolve("results.json")).records();
    assertEquals(10, records.stream().filter(r -> r.backend().equals("sim")).count());
    assertEquals(1, records.stream().filter(r -> r.backend().equals("etcd")).count());
    assertTrue(md.contains("| static | 1 | none | etcd |"), md);
    assertEquals(java.util.List.of(), Prerequisites.leftovers());
  }

  @Test
  void calibrateOnK8sComparesThePodsTimesWithRealKubelets(@TempDir Path dir) throws Exception {
    RealPrerequisites.requireBackend("etcd");
    RealPrerequisites.requireBackend("k8s");
    RealPrerequisites.require("kubelet nodes",
        io.pdlab.real.kube.KubeletNodes.unavailableReason());
    assertEquals(0, Main.execute("calibrate", "--backend", "k8s", "--strategies", "static",
        "--members", "1", "--runs", "1", "--cases", "none", "--out", dir.toString()));
    java.util.List<io.pdlab.reports.RunRecord> records =
        io.pdlab.reports.ResultsJson.read(dir.resolve("results.json")).records();
    assertEquals(10, records.stream().filter(r -> r.backend().equals("sim")).count());
    io.pdlab.reports.RunRecord real = records.stream().filter(r -> r.backend().equals("k8s"))
        .findFirst().orElseThrow();
    assertEquals(java.util.Map.of("kubelet", 1, "agent", 1), real.nodes());
    // --timing model by default on k8s: the model's container start is what is calibrated
    assertTrue(!real.params().containsKey("containerStartMs"), real.params().toString());
    io.pdlab.reports.PodTime pod = real.pods().get(0);
    assertEquals("basic-0", pod.pod());
    assertTrue(pod.scheduledMs() != null && pod.startedMs() != null && pod.readyMs() != null
        && pod.scheduledMs() <= pod.startedMs() && pod.startedMs() <= pod.readyMs(),
        pod.toString());
    String md = Files.readString(dir.resolve("report.md"));
    assertTrue(md.contains("Calibration: the Kubernetes model against real kubelets"), md);
    assertTrue(md.contains("| static | 1 | none | pod 1 started |"), md);
    assertEquals(java.util.List.of(), Prerequisites.leftovers());
  }
}
