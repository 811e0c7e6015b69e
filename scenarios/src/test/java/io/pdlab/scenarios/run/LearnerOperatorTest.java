package io.pdlab.scenarios.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pdlab.k8s.operator.SeedJoinOperator;
import io.pdlab.pd.etcd.EtcdMessages.StatusResult;
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
    TraceBuffer trace = new TraceBuffer();
    run(extraYaml, trace);
    return trace.records().stream().filter(t -> t.detail().startsWith("operator: "))
        .map(t -> TraceRecord.formatTime(t.timeUs()) + " "
            + t.detail().substring("operator: ".length()))
        .toList();
  }

  static ScenarioResult run(String extraYaml, TraceBuffer trace) {
    Scenario s = ScenarioParser.parse("""
        name: learner
        seed: 1
        clusters:
          - {name: basic, strategy: seed-join-learner, pd: {replicas: 3}}
        %s
        duration: 180s
        expect: {outcome: ok, clusterIds: 1}
        """.formatted(extraYaml), "learner.yaml");
    ScenarioResult r = ScenarioRunner.run(s, null, trace);
    assertEquals(Outcome.OK, r.measures().outcome(), r.measures().describe());
    return r;
  }

  /** When the operator first logged a line starting with {@code line}, in seconds. */
  static double at(List<String> log, String line) {
    return log.stream().filter(l -> l.substring(l.indexOf(' ') + 1).startsWith(line))
        .map(l -> Double.parseDouble(l.substring(0, l.indexOf(' ')))).findFirst()
        .orElseThrow(() -> new AssertionError("no '" + line + "' in " + log));
  }

  /**
   * {@code requeueDuration = 10 * time.Second}: the pass that created the seed ends when its pod
   * is Ready; the next, which adds the first learner, comes 10 s later.
   */
  @Test
  void theOperatorRequeuesEveryTenSeconds() {
    List<String> log = operatorLog("");
    assertEquals(at(log, "pods are ready [basic-0000]") + 10.0,
        at(log, "added member basic-0001 as learner"), 0.05, log.toString());
  }

  /**
   * waitForStatefulSetReady: a look at once, then after 3, 6, 12 and 24 s. A pod is not Ready the
   * moment it is created, so each wait ends at the 3 s look.
   */
  @Test
  void eachScaleWaitsForThePodsWithBackOff() {
    List<String> log = operatorLog("");
    assertEquals(3.0, at(log, "pods are ready [basic-0000]"), 0.001, log.toString());
    assertEquals(at(log, "added member basic-0001 as learner") + 3.0,
        at(log, "pods are ready [basic-0000, basic-0001]"), 0.001, log.toString());
  }

  /**
   * A learner whose pod never becomes Ready: the wait gives up after its fifth look, 3+6+12+24 =
   * 45 s after the add, and the pass ends in an error, requeued by the rate limiter 5 ms later.
   */
  @Test
  void aWaitForPodsThatNeverBecomeReadyEndsAfterFortyFiveSeconds() {
    Scenario s = ScenarioParser.parse("""
        name: learner-never-ready
        seed: 1
        clusters:
          - {name: basic, strategy: seed-join-learner, pd: {replicas: 3}}
        faults:
          - {at: 0s, kind: never-start, member: 1}
        duration: 120s
        expect: {outcome: degraded, clusterIds: 1}
        """, "never.yaml");
    TraceBuffer trace = new TraceBuffer();
    ScenarioResult r = ScenarioRunner.run(s, null, trace);
    assertEquals(Outcome.DEGRADED, r.measures().outcome(), r.measures().describe());
    List<String> log = trace.records().stream().filter(t -> t.detail().startsWith("operator: "))
        .map(t -> TraceRecord.formatTime(t.timeUs()) + " "
            + t.detail().substring("operator: ".length()))
        .toList();
    assertEquals(at(log, "added member basic-0001 as learner") + 45.0,
        at(log, "pods did not become ready [basic-0001]: requeue after 5 ms"), 0.001,
        log.toString());
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

  /**
   * healthCheck then IsLearnerReady: before each promotion the operator asks every member's
   * status (the seed and the learner), and promotes only with both answers in hand.
   */
  @Test
  void theOperatorReadsEveryMembersStatusBeforePromoting() {
    TraceBuffer trace = new TraceBuffer();
    run("", trace);
    List<String> requests = trace.records().stream()
        .filter(t -> t.detail().startsWith("etcd-operator-basic->"))
        .map(t -> t.node() + " " + t.detail().replaceAll("Req#\\d+", "Req"))
        .toList();
    int promote = requests.indexOf("basic-0000 etcd-operator-basic->basic-0000 Req("
        + "MemberPromote(" + requests.stream().filter(r -> r.contains("MemberPromote"))
        .findFirst().orElseThrow(() -> new AssertionError(requests.toString()))
        .replaceAll(".*MemberPromote\\((\\w+)\\).*", "$1") + "))");
    List<String> before = requests.subList(0, promote);
    assertTrue(before.contains("basic-0000 etcd-operator-basic->basic-0000 Req(Status())"),
        requests.toString());
    assertTrue(before.contains("basic-0001 etcd-operator-basic->basic-0001 Req(Status())"),
        requests.toString());
  }

  /** etcdutils.go IsLearnerReady: {@code float64(learnerRev)/float64(leaderRev) >= 0.9}. */
  @Test
  void aLearnerIsReadyAtNineTenthsOfTheLeadersRevision() {
    assertTrue(SeedJoinOperator.isLearnerReady(status(1, false), status(1, true)));
    assertTrue(SeedJoinOperator.isLearnerReady(status(10, false), status(9, true)));
    assertFalse(SeedJoinOperator.isLearnerReady(status(100, false), status(89, true)));
    assertFalse(SeedJoinOperator.isLearnerReady(status(4, false), status(2, true)));
  }

  private static StatusResult status(long revision, boolean learner) {
    return new StatusResult(learner ? 2 : 1, 1, revision, learner);
  }

  /**
   * {@code reconcileMs} sets the operator's own timing, the looks at the pods included: at 0 (its
   * 50 ms floor) a join costs what etcd and the pods cost, not 3 s looks.
   */
  @Test
  void reconcileMsAlsoSetsTheLooksAtThePods() {
    Scenario s = ScenarioParser.parse("""
        name: learner-fast
        seed: 1
        clusters:
          - {name: basic, strategy: seed-join-learner, pd: {replicas: 3},
             timing: {reconcileMs: 0, containerStartMs: 0}}
        duration: 60s
        expect: {outcome: ok, clusterIds: 1}
        """, "fast.yaml");
    TraceBuffer trace = new TraceBuffer();
    ScenarioResult r = ScenarioRunner.run(s, null, trace);
    assertEquals(Outcome.OK, r.measures().outcome(), r.measures().describe());
    List<String> log = trace.records().stream().filter(t -> t.detail().startsWith("operator: "))
        .map(t -> TraceRecord.formatTime(t.timeUs()) + " "
            + t.detail().substring("operator: ".length()))
        .toList();
    assertTrue(at(log, "pods are ready [basic-0000]") < 1.0, log.toString());
  }
}
