package io.pdlab.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Kubernetes calibration: member pods' times side by side, and their Pending messages. */
class KubeCalibrationTest {
  private static RunRecord run(String backend, long seed, String fault, List<PodTime> pods) {
    RunRecord r = Fixtures.run(backend, "discovery", 3, seed, fault, "ok", 30_000L);
    return new RunRecord(r.scenario(), r.backend(), r.strategy(), r.members(), r.seed(),
        r.fault(), r.outcome(), r.bootstrapMs(), 0, 0, r.etcdClusterIds(), r.pdClusterIds(),
        r.events(), r.params(), List.of(), List.of(), new TreeMap<>(), pods);
  }

  private static PodTime pod(String name, long created, Long started, List<Long> restarts,
      String pending) {
    return new PodTime(name, created, started == null ? null : created + 1, started, started,
        restarts, pending);
  }

  @Test
  void eachPodsStagesRestartsAndSecondLivesAreCompared() {
    List<RunRecord> in = new ArrayList<>();
    for (long s = 1; s <= 10; s++) {
      // the simulator: containers start 2 s after binding; pd-1 restarts at 41, 55, 80 s
      in.add(run("sim", s, "events", List.of(
          pod("pd-0", 0, 2_000L, List.of(), ""),
          pod("pd-1", 0, 2_000L, List.of(41_000L, 55_000L, 80_000L), ""),
          pod("pd-0", 150_000, null, List.of(), "0/2 nodes are available: x."))));
    }
    for (long s = 1; s <= 3; s++) {
      // the real kubelets: 1 s; pd-1 restarts at 42, 56, 81 s; pd-0 comes back later
      in.add(run("k8s", s, "events", List.of(
          pod("pd-0", 0, 1_000L, List.of(), ""),
          pod("pd-1", 0, 1_000L, List.of(42_000L, 56_000L, 81_000L), ""),
          pod("pd-0", 160_000, null, List.of(), "0/2 nodes are available: x."))));
    }
    KubeCalibration k = KubeCalibration.of(Results.of("t", in));
    Map<String, KubeCalibration.Row> by = new TreeMap<>();
    k.rows().forEach(r -> by.put(r.measure(), r));
    assertEquals(List.of("pod 1 scheduled", "pod 1 started", "pod 1 ready", "pod 2 scheduled",
        "pod 2 started", "pod 2 ready", "restart 1", "restart 2", "restart 3",
        "pod 1 re-created"), k.rows().stream().map(KubeCalibration.Row::measure).toList());
    Calibration.Row started = by.get("pod 1 started").stats();
    assertEquals(2_000L, started.sim().medianMs());
    assertEquals(1_000L, started.real().medianMs());
    assertEquals(2.0, started.ratio());
    assertFalse(started.withinBand());
    assertEquals("k8s", started.realBackend());
    assertEquals("events", started.fault());
    // restart 1 is a time from the install; later ones the gap since the one before
    assertEquals(41_000L, by.get("restart 1").stats().sim().medianMs());
    assertEquals(14_000L, by.get("restart 2").stats().sim().medianMs());
    assertEquals(25_000L, by.get("restart 3").stats().real().medianMs());
    assertEquals(150_000L, by.get("pod 1 re-created").stats().sim().medianMs());
    assertEquals(160_000L, by.get("pod 1 re-created").stats().real().medianMs());
    assertEquals(1, k.messages().size());
    KubeCalibration.Message m = k.messages().get(0);
    assertEquals("pd-0", m.pod());
    assertEquals(Map.of("0/2 nodes are available: x.", 10), m.sim());
    assertEquals(Map.of("0/2 nodes are available: x.", 3), m.real());
    assertTrue(m.same());
  }

  @Test
  void aPodThatNeverStartsCountsInItsRunsButHasNoTime() {
    List<RunRecord> in = new ArrayList<>();
    in.add(run("sim", 1, "none", List.of(pod("pd-0", 0, null, List.of(), "why"))));
    in.add(run("k8s", 1, "none", List.of(pod("pd-0", 0, 900L, List.of(), "other"))));
    KubeCalibration k = KubeCalibration.of(Results.of("t", in));
    Calibration.Row started = k.rows().get(1).stats();
    assertEquals("pod 1 started", k.rows().get(1).measure());
    assertEquals(1, started.sim().runs());
    assertEquals(0, started.sim().bootstrapped());
    assertNull(started.ratio());
    assertFalse(k.messages().get(0).same());
  }

  @Test
  void runsWithoutPodTimesGiveNoRowsAndTheReportNoSection(@TempDir Path dir) throws Exception {
    List<RunRecord> in = List.of(Fixtures.run("sim", "static", 3, 1, "none", "ok", 1_000L),
        Fixtures.run("etcd", "static", 3, 1, "none", "ok", 1_000L));
    assertTrue(KubeCalibration.of(Results.of("t", in)).isEmpty());
    Report.write(dir, Results.of("t", in));
    assertFalse(Files.readString(dir.resolve("report.md"), StandardCharsets.UTF_8)
        .contains("against real kubelets"));
  }

  @Test
  void theReportShowsTheTableAndTheMessages(@TempDir Path dir) throws Exception {
    List<RunRecord> in = List.of(
        run("sim", 1, "none", List.of(pod("pd-0", 0, 2_000L, List.of(), "0/3 nodes: y."))),
        run("k8s", 1, "none", List.of(pod("pd-0", 0, 1_000L, List.of(), "0/3 nodes: y."))));
    Report.write(dir, Results.of("t", in));
    String md = Files.readString(dir.resolve("report.md"), StandardCharsets.UTF_8);
    assertTrue(md.contains("Calibration: the Kubernetes model against real kubelets"), md);
    assertTrue(md.contains("| discovery | 3 | none | pod 1 started | 2.00 | 2.00–2.00 | 1.00 |"), md);
    assertTrue(md.contains("| discovery | 3 | none | pd-0 | 0/3 nodes: y. (1) | 0/3 nodes: y. (1)"
        + " | yes |"), md);
  }
}
