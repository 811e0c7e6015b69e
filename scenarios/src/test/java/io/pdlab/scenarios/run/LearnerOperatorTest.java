package io.pdlab.scenarios.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pdlab.k8s.operator.LearnerOperator;
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
   * controller-runtime's queue: a key added while its pass runs is handed out again once the pass
   * is Done, and an added key is ready at the earlier of its times. The pass that creates the
   * StatefulSet with 0 replicas ({@code bootstrapStatefulSet}) ends with a 10 s requeue, but the
   * set's ADDED event (Owns(&StatefulSet{})) runs the next, which scales it to 1, one watch hop
   * later; that pass ends when the seed's pod is Ready, and the events it saw meanwhile (its own
   * writes, the set's status as the pod turned Ready) run the pass that adds the first learner at
   * once, not 10 s later.
   */
  @Test
  void theOperatorsOwnWritesAndTheSetsStatusRunTheNextPassAtOnce() {
    List<String> log = operatorLog("");
    assertEquals(0.0, at(log, "creating StatefulSet with 0 replicas"), 0.0001, log.toString());
    assertEquals(0.001, at(log, "creating a new cluster with 1 member"), 0.0001, log.toString());
    double ready = at(log, "StatefulSet is ready: 1 of 1");
    double added = at(log, "added member basic-1 as learner");
    assertTrue(added >= ready && added < ready + 0.05, log.toString());
  }

  /**
   * An up-to-date pass returns {@code Result{}}: nothing is queued, so no pass runs until an event
   * (upstream's cmd/main.go sets no SyncPeriod: controller-runtime v0.23.1's cache resyncs after
   * 10 h). A member pod that stops being Ready changes the set's readyReplicas, and
   * that StatefulSet update runs a pass at once.
   */
  @Test
  void anUpToDateClusterWaitsForAnEventAndAPodThatStopsBeingReadyIsOne() {
    TraceBuffer trace = new TraceBuffer();
    // A crash without restartAfter: the container exits and the kubelet reports the pod not
    // Ready (and restarts it in place, restartPolicy Always).
    run("faults: [{at: 40s, kind: crash, member: 2}]", trace);
    List<Double> requests = trace.records().stream()
        .filter(t -> t.detail().startsWith("etcd-operator-basic->"))
        .map(t -> t.timeUs() / 1e6).toList();
    double upToDate = trace.records().stream().filter(t -> t.detail().equals(
        "operator: EtcdCluster is already up-to-date")).map(t -> t.timeUs() / 1e6).findFirst()
        .orElseThrow();
    assertTrue(upToDate < 20.0, "up to date at " + upToDate);
    assertTrue(requests.stream().noneMatch(t -> t > upToDate + 0.01 && t < 40.0),
        "no pass of an up-to-date cluster: " + requests);
    double first = requests.stream().filter(t -> t >= 40.0).findFirst().orElseThrow();
    assertTrue(first < 40.1, "the pass after the crash at " + first + ": " + requests);
  }

  /**
   * For(&EtcdCluster{}): a write to the cluster's spec.size runs a pass at once, which adds a
   * learner; no requeue of the up-to-date cluster was due.
   */
  @Test
  void aNewSizeRunsAPassAtOnce() {
    List<String> log = operatorLog("faults: [{at: 40s, kind: set-replicas, replicas: 4}]");
    double added = at(log, "added member basic-3 as learner");
    assertTrue(added >= 40.0 && added < 40.1, log.toString());
  }

  /**
   * waitForStatefulSetReady: a look at once, then after 3, 6, 12 and 24 s. A pod is not Ready the
   * moment it is created, so each wait ends at the 3 s look.
   */
  @Test
  void eachScaleWaitsForThePodsWithBackOff() {
    List<String> log = operatorLog("");
    assertEquals(at(log, "creating a new cluster with 1 member") + 3.0,
        at(log, "StatefulSet is ready: 1 of 1"), 0.001, log.toString());
    assertEquals(at(log, "added member basic-1 as learner") + 3.0,
        at(log, "StatefulSet is ready: 2 of 2"), 0.001, log.toString());
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
    assertEquals(at(log, "added member basic-1 as learner") + 45.0,
        at(log, "StatefulSet basic/basic did not become ready: 1 of 2 ready: requeue after 5 ms"),
        0.001, log.toString());
  }

  /**
   * reconcileClusterState: a learner that is promoted lets the same pass go on to add the next
   * learner. The pass runs as soon as the learner's pod is Ready, so the promoted member has been
   * connected for less than etcd's 5 s (etcd 3.5 server.go mayAddMember: isConnectedFullySince
   * HealthInterval, checked for learners too) and etcd refuses the add as an unhealthy cluster;
   * the rate limiter's retries (5 ms doubling) add it once the 5 s have passed.
   */
  @Test
  void aPromotionAndTheNextAddShareOnePass() {
    List<String> log = operatorLog("");
    double promoted = at(log, "promoted ");
    assertEquals(promoted, at(log, "fail to add learner member basic-2: etcdserver: unhealthy "
        + "cluster"), 0.005, log.toString());
    double added = at(log, "added member basic-2 as learner");
    assertTrue(added > promoted + 2.0 && added < promoted + 10.0, log.toString());
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
    int promote = requests.indexOf("basic-0 etcd-operator-basic->basic-0 Req("
        + "MemberPromote(" + requests.stream().filter(r -> r.contains("MemberPromote"))
        .findFirst().orElseThrow(() -> new AssertionError(requests.toString()))
        .replaceAll(".*MemberPromote\\((\\w+)\\).*", "$1") + "))");
    List<String> before = requests.subList(0, promote);
    assertTrue(before.contains("basic-0 etcd-operator-basic->basic-0 Req(Status())"),
        requests.toString());
    assertTrue(before.contains("basic-1 etcd-operator-basic->basic-1 Req(Status())"),
        requests.toString());
  }

  /** etcdutils.go IsLearnerReady: {@code float64(learnerRev)/float64(leaderRev) >= 0.9}. */
  @Test
  void aLearnerIsReadyAtNineTenthsOfTheLeadersRevision() {
    assertTrue(LearnerOperator.isLearnerReady(status(1, false), status(1, true)));
    assertTrue(LearnerOperator.isLearnerReady(status(10, false), status(9, true)));
    assertFalse(LearnerOperator.isLearnerReady(status(100, false), status(89, true)));
    assertFalse(LearnerOperator.isLearnerReady(status(4, false), status(2, true)));
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
    assertTrue(at(log, "StatefulSet is ready: 1 of 1") < 1.0, log.toString());
  }

  /**
   * The members are pods of a StatefulSet with restartPolicy Always (etcd-io/etcd-operator v0.2.0
   * utils.go {@code createOrPatchStatefulSet} sets none: the API's default): a member whose
   * container is killed is restarted in place by the kubelet (its first restart at once), on its
   * own disk, so the same etcd member comes back from its WAL; the operator adds no member and
   * removes none. (Under coreos etcd-operator's bare pods with RestartPolicy Never the pod failed,
   * the member was removed and a new one added.)
   */
  @Test
  void aCrashedMemberRestartsInPlaceWithItsData() {
    TraceBuffer trace = new TraceBuffer();
    ScenarioResult r = run("faults: [{at: 60s, kind: crash, member: 1}]", trace);
    List<String> joined = trace.records().stream().filter(t -> t.node().equals("basic-1")
        && t.detail().startsWith("etcd: joining existing cluster ")).map(TraceRecord::detail)
        .toList();
    assertEquals(1, joined.size(), joined.toString());
    String member = joined.get(0).substring(joined.get(0).indexOf(" as member ")
        + " as member ".length()).split(" ")[0];
    List<String> restarted = trace.records().stream().filter(t -> t.node().equals("basic-1")
        && t.timeUs() >= 60_000_000L && t.detail().startsWith("etcd: WAL exists, restarting"))
        .map(t -> TraceRecord.formatTime(t.timeUs()) + " " + t.detail()).toList();
    assertEquals(1, restarted.size(), restarted.toString());
    assertTrue(restarted.get(0).contains(member), restarted + " vs member " + member);
    // The kubelet's first restart comes at once (at the pod worker's next sync).
    assertTrue(Double.parseDouble(restarted.get(0).substring(0, restarted.get(0).indexOf(' ')))
        < 61.0, restarted.toString());
    long adds = trace.records().stream().filter(t -> t.detail().startsWith(
        "operator: added member ")).count();
    long addsAfterCrash = trace.records().stream().filter(t -> t.timeUs() >= 60_000_000L
        && t.detail().startsWith("etcd-operator-basic->") && t.detail().contains("MemberAdd("))
        .count();
    assertEquals(0, addsAfterCrash, "no MemberAdd after the crash");
    long removes = trace.records().stream().filter(t -> t.detail().startsWith(
        "etcd-operator-basic->") && t.detail().contains("MemberRemove(")).count();
    assertEquals(2, adds, "one MemberAdd per joiner, none after the crash");
    assertEquals(0, removes);
    List<io.pdlab.k8s.controllers.PodTimes.Life> lives = r.pods().stream()
        .filter(l -> l.pod().equals("basic-1")).toList();
    assertEquals(1, lives.size(), "the same pod, never re-created: " + lives);
    assertEquals(1, lives.get(0).restartsUs().size(), lives.toString());
  }

  /**
   * clientv3 waits for a connection (WaitForReady) under the call's 30 s context, dialling again
   * after gRPC's back-off (1 s, x1.6): a pass that finds the seed's container down (crashed at
   * 40 s and started again at 50 s by the fault itself, so its pod stays Ready) in the pass the new
   * size runs (4, written at 41 s) asks its status once it is back, and adds the learner soon
   * after (etcd's 5 s connected-since check after the seed's restart included), not after a 30 s
   * timeout at 71 s.
   */
  @Test
  void aCallWaitsForItsEndpointToComeBack() {
    List<String> log = operatorLog("faults: [{at: 40s, kind: crash, member: 0, restartAfter: 10s},"
        + " {at: 41s, kind: set-replicas, replicas: 4}]");
    double added = at(log, "added member basic-3 as learner");
    assertTrue(added > 50.0 && added < 60.0, log.toString());
  }
}
