package io.pdlab.scenarios.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pdlab.pd.run.Outcome;
import io.pdlab.scenarios.model.Scenario;
import io.pdlab.scenarios.yaml.ScenarioParser;
import io.pdlab.sim.trace.TraceBuffer;
import io.pdlab.sim.trace.TraceRecord;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The learner operator (strategy {@code seed-join-learner}) against etcd-io/etcd-operator v0.2.0
 * (internal/controller/etcdcluster_controller.go, utils.go, internal/etcdutils/etcdutils.go):
 * when it acts, and in which order, on a healthy three-member bootstrap.
 */
class LearnerOperatorTest {
  /** The operator's log lines of a healthy 3-member run, each as "{@code <seconds> <line>}". */
  static List<String> operatorLog(String extraYaml) {
    Scenario s = ScenarioParser.parse("""
        name: learner
        seed: 1
        clusters:
          - {name: basic, strategy: seed-join-learner, pd: {replicas: 3}}
        %s
        duration: 180s
        expect: {outcome: ok, clusterIds: 1}
        """.formatted(extraYaml), "learner.yaml");
    TraceBuffer trace = new TraceBuffer();
    ScenarioResult r = ScenarioRunner.run(s, null, trace);
    assertEquals(Outcome.OK, r.measures().outcome(), r.measures().describe());
    return trace.records().stream().filter(t -> t.detail().startsWith("operator: "))
        .map(t -> TraceRecord.formatTime(t.timeUs()) + " "
            + t.detail().substring("operator: ".length()))
        .toList();
  }

  /** When the operator first logged a line starting with {@code line}, in seconds. */
  static double at(List<String> log, String line) {
    return log.stream().filter(l -> l.substring(l.indexOf(' ') + 1).startsWith(line))
        .map(l -> Double.parseDouble(l.substring(0, l.indexOf(' ')))).findFirst()
        .orElseThrow(() -> new AssertionError("no '" + line + "' in " + log));
  }

  /** {@code requeueDuration = 10 * time.Second}: the first learner is added 10 s after the seed. */
  @Test
  void theOperatorRequeuesEveryTenSeconds() {
    List<String> log = operatorLog("");
    assertEquals(10.0, at(log, "added member basic-0001 as learner"), 0.05, log.toString());
  }

  /**
   * reconcileClusterState: a learner that is promoted lets the same pass go on to add the next
   * learner, so promotion and the next add happen together, one requeue apart from the add before.
   */
  @Test
  void aPromotionAndTheNextAddShareOnePass() {
    List<String> log = operatorLog("");
    double promoted = at(log, "promoted basic-0001");
    assertEquals(promoted, at(log, "added member basic-0002 as learner"), 0.05, log.toString());
  }
}
