package io.pdlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pdlab.reports.PodTime;
import io.pdlab.reports.RunRecord;
import io.pdlab.scenarios.model.Backend;
import io.pdlab.scenarios.model.Scenario;
import io.pdlab.scenarios.run.ScenarioRunner;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The simulator's side of {@code calibrate --backend k8s}: what each case's runs record. */
class CalibrateKubeTest {
  private static RunRecord run(String strategy, int n, String kase) {
    CalibrateCommand.KubeCase c = new CalibrateCommand.KubeCase(strategy, n, kase);
    Scenario s = CalibrateCommand.kubeScenario(Backend.SIM, c, 1, 120_000_000L, new TreeMap<>());
    return Records.of(ScenarioRunner.run(s, null, null, !kase.equals("events")), strategy, n,
        kase, true);
  }

  @Test
  void aPlainStartRecordsEachMemberPodScheduledStartedAndReadyInOrder() {
    RunRecord r = run("discovery", 3, "none");
    assertEquals(List.of("basic-pd-0", "basic-pd-1", "basic-pd-2"),
        r.pods().stream().map(PodTime::pod).sorted().toList());
    for (PodTime p : r.pods()) {
      assertTrue(p.scheduledMs() != null && p.startedMs() != null && p.readyMs() != null,
          p.toString());
      assertTrue(p.createdMs() <= p.scheduledMs() && p.scheduledMs() <= p.startedMs(),
          p.toString());
      // No readiness probe on a PD (tidb-operator v1.5 sets none by default): Ready when Running.
      assertEquals(p.startedMs(), p.readyMs(), p.toString());
      // Its local volume is bound first, and the scheduler's PreBind polls for that every 1 s.
      assertTrue(p.scheduledMs() - p.createdMs() >= 1_000, p.toString());
      // Bound, the kubelet says ContainerCreating until the container runs.
      assertEquals("ContainerCreating", p.pendingReason(), p.toString());
    }
    for (PodTime p : run("static", 3, "none").pods()) {
      assertTrue(p.scheduledMs() - p.createdMs() < 100, "no volume to bind: " + p);
    }
  }

  @Test
  void orderedReadyCreatesEachPodAfterTheOneBeforeIsReady() {
    RunRecord r = run("static", 3, "ordered-ready");
    assertEquals("OrderedReady", r.params().get("podManagementPolicy"));
    assertEquals("ok", r.outcome());
    assertEquals(List.of("basic-0", "basic-1", "basic-2"), r.pods().stream().map(PodTime::pod)
        .toList());
    for (int k = 1; k < 3; k++) {
      assertTrue(r.pods().get(k).createdMs() >= r.pods().get(k - 1).readyMs(), r.pods()
          .toString());
    }
  }

  @Test
  void theEventsCaseCrashLoopsAPdLeavesAFourthPendingAndRecreatesALostOne() {
    RunRecord r = run("discovery", 3, "events");
    PodTime fourth = r.pods().stream().filter(p -> p.pod().equals("basic-pd-3")).findFirst()
        .orElseThrow();
    // Created once the operator scales out, which needs Synced (pd_scaler.go): the crash at
    // 40 s changed the PD StatefulSet's status, whose event made the operator sync; from then on
    // the Service sends some PD API calls to the restarting basic-pd-1 (refused), so Synced
    // flips with each sync (each a write, each write a TidbCluster event and another sync), and
    // the set grows at the first reconcile after 45 s that sees Synced, within a sync's time.
    assertTrue(fourth.createdMs() >= 45_000 && fourth.createdMs() < 50_000, fourth.toString());
    assertEquals(null, fourth.scheduledMs());
    // the lost pd node deleted by then: three nodes left
    assertTrue(fourth.pendingReason().startsWith("0/3 nodes are available: "), fourth.toString());
    PodTime wiped = r.pods().stream().filter(p -> p.pod().equals("basic-pd-1")).findFirst()
        .orElseThrow();
    assertTrue(wiped.restartsMs().stream().anyMatch(t -> t > 40_000), wiped.toString());
    // Restart counts go up when the kubelet starts the next container, never at the crash.
    assertTrue(wiped.restartsMs().stream().noneMatch(t -> t == 40_000), wiped.toString());
    // The PD on the lost node pd-0 is collected and created again within the run.
    assertTrue(r.pods().stream().collect(java.util.stream.Collectors.groupingBy(PodTime::pod))
        .values().stream().anyMatch(lives -> lives.size() == 2), r.pods().toString());
  }
}
