package io.pdlab.scenarios.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pdlab.scenarios.model.Scenario;
import io.pdlab.scenarios.yaml.ScenarioParser;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A member added long after bootstrap does not move the bootstrap time (issue 16: a failover
 * member added at 450 s moved one run's bootstrap from 29.6 s to 473.6 s). Here a pd node is lost
 * at 60 s; tidb-operator's PD failover adds a fourth PD minutes later.
 */
class LateMemberBootstrapTest {
  @Test
  void aFailoverMemberAddedMinutesLaterLeavesTheBootstrapTimeAlone() {
    Scenario s = ScenarioParser.parse("""
        name: failover-after-bootstrap
        seed: 1
        infra:
          workerGroups:
            - {name: pd, count: 4, instanceType: m5d.xlarge, labels: {dedicated: pd}, taints: ["dedicated=pd:NoSchedule"]}
            - {name: other, count: 1, instanceType: m5.xlarge}
        clusters:
          - name: basic
            strategy: discovery
            pd: {replicas: 3}
        faults:
          - {at: 60s, kind: node-loss, node: pd-0}
        duration: 600s
        expect: {bootstrapWithin: 60s}
        """, "failover-after-bootstrap.yaml");
    ScenarioResult r = ScenarioRunner.run(s, null, null);
    List<String> pods = r.pods().stream().map(p -> p.pod()).toList();
    assertTrue(pods.stream().anyMatch(p -> p.endsWith("basic-pd-3")),
        "the failover added a fourth PD: " + pods);
    assertEquals(List.of(), r.failures(), r.measures().describe());
  }
}
