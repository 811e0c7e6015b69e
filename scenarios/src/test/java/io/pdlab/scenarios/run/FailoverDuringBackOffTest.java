package io.pdlab.scenarios.run;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pdlab.scenarios.model.Backend;
import io.pdlab.scenarios.model.ClusterDef;
import io.pdlab.scenarios.model.Infra;
import io.pdlab.scenarios.model.Scenario;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Regression: with 7 PD members, seed 58, one PD stays unready long enough for tidb-operator's
 * 5-minute failover to delete and re-create its pod while the kubelet's back-off restart of the
 * old container was pending; that restart used to start the new pod's process with no pod
 * behind it (NullPointerException at 360 s).
 */
class FailoverDuringBackOffTest {
  @Test
  void aBackOffRestartDoesNotOutliveItsPod() {
    Scenario s = new Scenario("regression", "failover-during-backoff", Backend.SIM, 58,
        Infra.DEFAULT, List.of(new ClusterDef("basic", "discovery", 7, 0, 0, new TreeMap<>())),
        List.of(), 600_000_000L, null);
    ScenarioResult r = ScenarioRunner.run(s, null, null);
    assertTrue(r.events() > 100_000, "the run went the whole 600 s: " + r.events());
  }
}
