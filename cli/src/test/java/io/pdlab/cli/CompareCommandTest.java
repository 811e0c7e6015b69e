package io.pdlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.pdlab.scenarios.model.Backend;
import io.pdlab.scenarios.model.FaultDef;
import io.pdlab.scenarios.yaml.ScenarioParser;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** compare's fault presets as typed faults. */
class CompareCommandTest {
  @Test
  void presetsAreTheTypedFaultsTheyName() {
    assertEquals(List.of(), CompareCommand.preset("none", 3));
    assertEquals(List.of(new FaultDef.LateStart(0, null, 2, 20_000_000, 0)),
        CompareCommand.preset("late-member", 3));
    assertEquals(List.of(new FaultDef.NeverStart(0, null, 1, 0)),
        CompareCommand.preset("never-member", 3));
    assertEquals(List.of(new FaultDef.Crash(5_000_000, null, 0, false,
        OptionalLong.of(10_000_000), 0)), CompareCommand.preset("crash-member", 3));
    assertEquals(List.of(new FaultDef.Partition(3_000_000, null, List.of(List.of(0),
        List.of(1, 2, 3, 4)), OptionalLong.of(20_000_000), 0)),
        CompareCommand.preset("partition-member", 5));
    assertEquals(List.of(), CompareCommand.preset("partition-member", 1), "no one to cut off");
    assertEquals(List.of(new FaultDef.NeverStart(0, null, 0, 0)),
        CompareCommand.preset("never-member", 1));
  }

  @Test
  void everyPresetButNoneHasItsFaultOnTheLargestCluster() {
    // what --backend is checked against, whatever --members says
    for (String f : CompareCommand.FAULTS) {
      assertEquals(f.equals("none"), CompareCommand.preset(f, ScenarioParser.MAX_PD_REPLICAS)
          .isEmpty(), f);
    }
  }

  @Test
  void aRunCarriesItsPresetOnItsBackend() {
    var s = CompareCommand.scenario(Backend.ETCD_CONTAINERS, "static", 3, "partition-member", 4,
        60_000_000, Map.of());
    assertEquals(Backend.ETCD_CONTAINERS, s.backend());
    assertEquals("static-3-partition-member", s.name());
    assertEquals(CompareCommand.preset("partition-member", 3), s.faults());
    assertFalse(CompareCommand.BACKENDS.contains(Backend.K3S), "k3s cannot run here");
  }

  @Test
  void aFailedRealRunIsReportedAndLeftOutAndTheOthersGoOn() throws Exception {
    io.pdlab.reports.RunRecord ok = new io.pdlab.reports.RunRecord("s", "etcd", "static", 1, 1,
        "none", "ok", 100L, 0, 0, List.of(), List.of(), 1, new java.util.TreeMap<>(), List.of(),
        List.of());
    java.util.List<java.util.concurrent.Callable<io.pdlab.reports.RunRecord>> work = List.of(
        () -> ok, () -> {
          throw new IllegalStateException("s.yaml: the run failed on backend 'k8s': boom");
        }, () -> ok);
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    java.io.PrintStream err = new java.io.PrintStream(bytes, true,
        java.nio.charset.StandardCharsets.UTF_8);
    List<String> failed = new java.util.ArrayList<>();
    assertEquals(List.of(ok, ok), CompareCommand.executeReal(work, err, failed));
    assertEquals(List.of("s.yaml: the run failed on backend 'k8s': boom"), failed);
    assertEquals(1, CompareCommand.reportFailures(failed, 3, err));
    String text = bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
    org.junit.jupiter.api.Assertions.assertTrue(text.contains("1 of 3 real runs failed and are"
        + " not in the results:\n  s.yaml: the run failed on backend 'k8s': boom"), text);
    assertEquals(0, CompareCommand.reportFailures(List.of(), 3, err));
  }
}
