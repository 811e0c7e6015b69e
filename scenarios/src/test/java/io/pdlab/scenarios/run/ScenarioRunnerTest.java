package io.pdlab.scenarios.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pdlab.pd.run.Outcome;
import io.pdlab.scenarios.model.Backend;
import io.pdlab.scenarios.model.ClusterDef;
import io.pdlab.scenarios.model.Expect;
import io.pdlab.scenarios.model.FaultDef;
import io.pdlab.scenarios.model.Infra;
import io.pdlab.scenarios.model.Scenario;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ScenarioRunnerTest {
  static Scenario scenario(String strategy, int pd, List<FaultDef> faults, Expect expect) {
    return new Scenario("test.yaml", "t", Backend.SIM, 7, Infra.DEFAULT, List.of(new ClusterDef(
        "basic", strategy, pd, 0, 0, new TreeMap<>())), faults, 300_000_000L, expect);
  }

  static FaultDef neverStart(int member) {
    return new FaultDef.NeverStart(0, null, member, 1);
  }

  @Test
  void aHealthyStaticClusterMeetsItsExpectations() {
    ScenarioResult r = ScenarioRunner.run(scenario("static", 3, List.of(),
        new Expect("ok", 1, 10_000_000L, 0L)), null, null);
    assertTrue(r.passed(), r.failures().toString());
    assertEquals(Outcome.OK, r.measures().outcome());
  }

  @Test
  void aSeedJoinWhoseFirstJoinerNeverStartsIsStuckForGood() {
    ScenarioResult r = ScenarioRunner.run(scenario("seed-join", 3, List.of(neverStart(1)),
        new Expect("ok", null, null, null)), null, null);
    assertEquals(Outcome.STUCK, r.measures().outcome(), r.measures().describe());
    assertEquals(List.of("outcome: expected ok, got stuck"), r.failures());
  }

  @Test
  void joinsAreMeasuredAndSplitIntoWaitingAndJoining() {
    ScenarioResult st = ScenarioRunner.run(scenario("static", 3, List.of(), null), null, null);
    assertEquals(List.of(), st.measures().joins(), "a static bootstrap has no runtime joins");
    ScenarioResult sj = ScenarioRunner.run(scenario("seed-join", 3, List.of(), null), null, null);
    var joins = sj.measures().joins();
    assertEquals(List.of("basic-0001", "basic-0002"), joins.stream().map(j -> j.member())
        .toList());
    for (var j : joins) {
      // etcd-operator adds one member per 8 s pass; the joiner's container takes 2 s to start
      assertTrue(j.totalUs() > 6_000_000 && j.totalUs() < 10_000_000, j.toString());
      assertTrue(j.joinUs() >= 2_000_000, "the join includes the container start: " + j);
      assertEquals(j.totalUs(), j.waitUs() + j.joinUs());
    }
  }

  @Test
  void otherBackendsAreRefusedClearly() {
    Scenario s = new Scenario("x.yaml", "t", Backend.K3S, 1, Infra.DEFAULT, List.of(new ClusterDef(
        "basic", "static", 3, 0, 0, new TreeMap<>())), List.of(), 1_000_000, null);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ScenarioRunner.run(s, null, null));
    assertTrue(e.getMessage().startsWith("x.yaml: backend 'k3s' cannot run here: the k3s backend"
        + " needs a k3s container image"), e.getMessage());
  }
}
