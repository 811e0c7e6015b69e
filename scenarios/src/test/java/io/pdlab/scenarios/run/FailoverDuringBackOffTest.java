package io.pdlab.scenarios.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pdlab.scenarios.model.Scenario;
import io.pdlab.scenarios.yaml.ScenarioParser;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Regression: tidb-operator's PD failover deletes and re-creates a PD pod while the kubelet's
 * back-off restart of its old container is pending; that restart used to start the new pod's
 * process with no pod behind it (NullPointerException at 360 s). The run that showed it (7 PDs,
 * seed 58, a PD unready for 5 minutes) no longer fails over after later model fixes; here PD 1
 * loses its disk at 60 s, exits at every start ("missing data or join a duplicated pd") with a
 * growing back-off, and is failed over at 390 s with its next restart still pending.
 */
class FailoverDuringBackOffTest {
  @Test
  void aBackOffRestartDoesNotOutliveItsPod() {
    Scenario s = ScenarioParser.parse("""
        name: failover-during-backoff
        seed: 58
        clusters:
          - name: basic
            strategy: discovery
            pd: {replicas: 3}
        faults:
          - {at: 60s, kind: crash, member: 1, wipe: true, restartAfter: 1s}
        duration: 600s
        """, "failover-during-backoff.yaml");
    List<String> lines = new ArrayList<>();
    long[] lastUs = {0};
    ScenarioResult r = ScenarioRunner.run(s, null, t -> {
      lastUs[0] = t.timeUs();
      String x = t.toString();
      if (x.contains("basic-pd-1")
          && (x.contains("operator: PD failover") || x.contains("exited:"))) {
        lines.add(x);
      }
    });
    assertTrue(lastUs[0] > 590_000_000L, "the run went the whole 600 s: its last record at "
        + lastUs[0] + " us");
    int delete = -1;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains("PD failover: delete member basic-pd-1")) {
        delete = i;
        break;
      }
    }
    assertTrue(delete > 3, "failed over after several exits (so in back-off): " + lines);
    assertEquals(List.of(), r.failures(), r.measures().describe());
  }
}
