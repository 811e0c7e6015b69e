package io.pdlab.scenarios.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pdlab.pd.run.Outcome;
import io.pdlab.scenarios.model.Scenario;
import io.pdlab.scenarios.yaml.ScenarioParser;
import org.junit.jupiter.api.Test;

/**
 * A schedule {@code pdlab explore} stopped on (v2-static, 3 members): basic-pd-1 loses its disk
 * at 18.2 s and is back at 30.4 s with its old member ID; the leader sends it the log again,
 * proposals its etcd made before the wipe among them. Its new etcd had numbered its proposals
 * from 1 again, so applying an old entry (PD's leader key, "basic-pd-1") answered the new PD's
 * cluster-ID request, and PD failed to parse a name as a cluster ID: the run crashed at 36.804 s.
 * Proposal and request IDs are now of their incarnation ({@code ProcessContext.requestIdBase}),
 * as etcd's time-based request IDs are; the run goes to its end, and two wiped members of three
 * lose the writes only they held.
 */
class WipedMemberOldProposalsTest {
  @Test
  void aMemberBackFromAWipeIsNotAnsweredWithItsOldProposals() {
    Scenario s = ScenarioParser.parse("""
        name: model-failure
        seed: 1005816
        clusters:
          - name: basic
            strategy: v2-static
            pd: {replicas: 3}
            timing: {clientWritesPerSecond: 2}
        faults:
          - {at: 11s, kind: pause, member: 2, for: 21800ms}
          - {at: 18200ms, kind: crash, member: 1, wipe: true, restartAfter: 12200ms}
          - {at: 23700ms, kind: crash, member: 0, wipe: true}
          - {at: 32500ms, kind: node-loss, node: node-0}
        duration: 120s
        """, "wiped-member-old-proposals.yaml");
    ScenarioResult r = ScenarioRunner.run(s, null, null);
    assertEquals(Outcome.DATA_LOSS, r.measures().outcome(), r.measures().describe());
    assertEquals(1, r.measures().clusterIds().size(), r.measures().describe());
  }
}
