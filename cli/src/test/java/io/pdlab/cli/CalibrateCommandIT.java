package io.pdlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pdlab.real.drive.Prerequisites;
import io.pdlab.real.testing.RealPrerequisites;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pdlab calibrate} end to end on real etcd processes: the table and the report. */
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
}
