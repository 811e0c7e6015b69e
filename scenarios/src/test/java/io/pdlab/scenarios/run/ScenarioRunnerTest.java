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
import io.pdlab.scenarios.yaml.ScenarioParser;
import io.pdlab.sim.trace.TraceBuffer;
import io.pdlab.sim.trace.TraceKind;
import io.pdlab.sim.trace.TraceRecord;
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
        Expect.of("ok", 1, 10_000_000L, 0L)), null, null);
    assertTrue(r.passed(), r.failures().toString());
    assertEquals(Outcome.OK, r.measures().outcome());
  }

  /**
   * Two clusters in one run are measured each on its own: two cluster IDs are not a
   * split-brain, each bootstraps to its own size, and an expectation is checked per cluster.
   */
  @Test
  void aRunOfTwoClustersIsMeasuredClusterByCluster() {
    String yaml = """
        name: two
        seed: 1
        clusters:
          - {name: small, strategy: static, pd: {replicas: 1}}
          - {name: big, strategy: discovery, pd: {replicas: 3}}
        %s
        duration: 120s
        expect: {outcome: ok, clusterIds: 1, bootstrapWithin: 60s}
        """;
    ScenarioResult ok = ScenarioRunner.run(ScenarioParser.parse(yaml.formatted(""), "two.yaml"),
        null, null);
    assertEquals(List.of(), ok.failures(), ok.measures().describe());
    assertEquals(List.of("big", "small"), List.copyOf(ok.clusters().keySet()));
    assertEquals(Outcome.OK, ok.measures().outcome());
    assertEquals(2, ok.measures().clusterIds().size());
    assertEquals(1, ok.clusters().get("big").pdClusterIds().size());
    assertEquals(0, ok.clusters().get("small").pdClusterIds().size());
    assertEquals(Math.max(ok.clusters().get("big").bootstrapUs(),
        ok.clusters().get("small").bootstrapUs()), ok.measures().bootstrapUs());

    ScenarioResult stuck = ScenarioRunner.run(ScenarioParser.parse(yaml.formatted(
        "faults: [{at: 0s, kind: never-start, cluster: small, member: 0}]"), "two.yaml"),
        null, null);
    assertEquals(Outcome.STUCK, stuck.clusters().get("small").outcome());
    assertEquals(Outcome.OK, stuck.clusters().get("big").outcome());
    assertEquals(Outcome.STUCK, stuck.measures().outcome(), "the worst of the clusters");
    assertEquals(-1, stuck.measures().bootstrapUs());
    assertEquals(List.of("cluster small: outcome: expected ok, got stuck",
        "cluster small: clusterIds: expected 1, got 0",
        "cluster small: bootstrapWithin: expected at most 60.000000s, got never"),
        stuck.failures());
  }

  /**
   * An add-timeout fault loses the first successful MemberAdd answer: etcd applied the add, the
   * client (etcd-operator; a joining PD) timed out, and the member it added never starts.
   */
  @Test
  void aLostMemberAddAnswerLeavesAMemberThatNeverStarts() {
    for (String strategy : List.of("seed-join", "discovery")) {
      TraceBuffer trace = new TraceBuffer();
      ScenarioResult r = ScenarioRunner.run(ScenarioParser.parse("""
          name: lost-add
          seed: 1
          clusters: [{name: basic, strategy: %s, pd: {replicas: 3}}]
          faults: [{at: 0s, kind: add-timeout}]
          duration: 120s
          """.formatted(strategy), "lost-add.yaml"), null, trace);
      assertEquals(Outcome.STUCK, r.measures().outcome(), strategy + ": "
          + r.measures().describe());
      List<String> notes = trace.records().stream().filter(t -> t.kind() == TraceKind.NOTE
          && t.detail().startsWith("add-timeout: a MemberAdd answer")).map(t -> t.detail())
          .toList();
      assertEquals(1, notes.size(), strategy + ": one answer lost: " + notes);
      String refusal = strategy.equals("seed-join")
          ? "re-configuration failed due to not enough started members"
          : "there is a member that has not joined successfully";
      assertTrue(trace.records().stream().anyMatch(t -> t.detail().contains(refusal)),
          strategy + ": later adds are refused with '" + refusal + "'");
    }
  }

  /**
   * A chart upgrade of a static cluster from 3 to 4 members re-renders {@code --initial-cluster}
   * for 4; the new member does what etcd 3.4.23 NewServer does with its flags: {@code existing}
   * without a MemberAdd fails ValidateClusterAndAssignIDs ("member count is unequal") and exits;
   * {@code new} passes isMemberBootstrapped (its ID is not in the running cluster) and
   * bootstraps a 4-member cluster of its own, whose cluster ID the others refuse; {@code
   * existing} after a MemberAdd joins. The old members are replaced by the rolling update and
   * restart from their WAL.
   */
  @Test
  void aReRenderedStaticScaleUpStartsTheNewMemberAsEtcdWould() {
    String yaml = """
        name: up
        seed: 1
        clusters: [{name: basic, strategy: static, pd: {replicas: 3}}]
        faults:
          - {at: 30s, kind: set-replicas, replicas: 4, initialClusterState: %s, memberAdd: %s}
        duration: 90s
        """;
    record Case(String state, boolean add, Outcome outcome, String line) {}
    for (Case c : List.of(
        new Case("existing", false, Outcome.DEGRADED,
            "basic-3 etcd: exit: error validating peerURLs"),
        new Case("new", false, Outcome.DEGRADED, "basic-3 etcd: bootstrapped new cluster"),
        new Case("existing", true, Outcome.OK, "basic-3 etcd: joining existing cluster"))) {
      TraceBuffer trace = new TraceBuffer();
      ScenarioResult r = ScenarioRunner.run(ScenarioParser.parse(yaml.formatted(c.state(),
          c.add()), "up.yaml"), null, trace);
      assertEquals(c.outcome(), r.measures().outcome(), c + ": " + r.measures().describe());
      assertTrue(trace.records().stream().anyMatch(t -> (t.node() + " " + t.detail())
          .startsWith(c.line())), c + ": " + c.line());
      if (c.state().equals("new")) {
        assertTrue(trace.records().stream().anyMatch(t -> t.node().equals("basic-0")
            && t.detail().startsWith("etcd: request cluster ID mismatch")), c
            + ": the old members refuse the new cluster");
      }
      for (String old : List.of("basic-0", "basic-1", "basic-2")) {
        assertTrue(trace.records().stream().anyMatch(t -> t.node().equals(old)
            && t.detail().startsWith("etcd: WAL exists")), c + ": " + old
            + " re-created by the rolling update, restarted from its WAL");
      }
    }
  }

  /**
   * A liveness-kill hangs a seed-join member: its liveness probe (coreos/etcd-operator v0.9.4:
   * every 60 s, 3 failures) fails three times in a row, each 5 s after its tick (etcdctl's
   * command timeout), the kubelet kills the stopped container after the 30 s grace period, and
   * under RestartPolicy Never the pod is Failed; etcd-operator then removes the dead member and
   * adds a new one, whose pod is a new name.
   */
  @Test
  void aLivenessKillFailsTheSeedJoinPodAndTheOperatorReplacesTheMember() {
    TraceBuffer trace = new TraceBuffer();
    ScenarioResult r = ScenarioRunner.run(ScenarioParser.parse("""
        name: lk
        seed: 1
        clusters: [{name: basic, strategy: seed-join, pd: {replicas: 3}}]
        faults: [{at: 60s, kind: liveness-kill, member: 1}]
        duration: 400s
        """, "lk.yaml"), null, trace);
    assertEquals(Outcome.OK, r.measures().outcome(), r.measures().describe());
    List<TraceRecord> failures = trace.records().stream().filter(t -> t.kind() == TraceKind.NOTE
        && t.node().equals("basic-0001") && t.detail().startsWith("liveness probe failed"))
        .toList();
    assertEquals(3, failures.size(), failures.toString());
    assertEquals(60_000_000L, failures.get(1).timeUs() - failures.get(0).timeUs());
    assertEquals(60_000_000L, failures.get(2).timeUs() - failures.get(1).timeUs());
    assertTrue(failures.get(0).timeUs() > 60_000_000L + 5_000_000L - 1
        && failures.get(0).timeUs() <= 120_000_000L + 5_000_000L, failures.get(0).toString());
    TraceRecord killed = trace.records().stream().filter(t -> t.node().equals("basic-0001")
        && t.kind() == TraceKind.STATE && t.detail().equals("crashed")).findFirst().orElseThrow();
    assertEquals(failures.get(2).timeUs() + 30_000_000L, killed.timeUs(),
        "SIGKILL at the end of the grace period: a stopped process ignores SIGTERM");
    List<String> ops = trace.records().stream().filter(t -> t.detail().startsWith("operator: "))
        .map(TraceRecord::detail).toList();
    assertTrue(ops.contains("operator: removed dead member basic-0001"), ops.toString());
    assertTrue(ops.contains("operator: added member basic-0003"), ops.toString());
  }

  /**
   * The same hang on a discovery or static cluster cannot be asked for: their pods declare no
   * liveness probe (the parser says so). Every backend that runs here carries out a liveness-kill
   * and a restore-snapshot: the etcd backends' and the k8s node agent's pods are the model
   * kubelet's, which runs the probe with the host's etcdctl; a k8s kubelet node's real kubelet
   * execs the probe the pod on its API server carries, and its pods' volumes are directories of
   * this host, where the host's etcdctl restores.
   */
  @Test
  void aLivenessKillAndARestoreRunOnEveryBackendHere() {
    Scenario s = ScenarioParser.parse("""
        name: lk
        backend: etcd
        clusters: [{name: basic, strategy: seed-join, pd: {replicas: 3}}]
        faults: [{at: 60s, kind: liveness-kill, member: 1}]
        duration: 400s
        """, "lk.yaml");
    for (Backend b : List.of(Backend.SIM, Backend.ETCD, Backend.ETCD_CONTAINERS, Backend.K8S)) {
      assertEquals(List.of(), ScenarioRunner.unsupported(s, b), b.label());
    }
    for (String nodes : List.of("agent", "kubelet")) {
      Scenario restore = ScenarioParser.parse("""
          name: lk
          backend: k8s
          infra: {nodes: %s}
          clusters: [{name: basic, strategy: static, pd: {replicas: 3}}]
          faults: [{at: 20s, kind: restore-snapshot, member: 1, snapshotAt: 10s}]
          duration: 40s
          """.formatted(nodes), "lk.yaml");
      assertEquals(List.of(), ScenarioRunner.unsupported(restore, Backend.K8S), nodes);
    }
    assertEquals(1, ScenarioRunner.unsupported(s, Backend.K3S).size());
  }

  /**
   * etcdVersion 3.5 takes etcd 3.5's defaults: pre-vote on (v3.5.0 embed/config.go), so a member
   * cut off for 20 s comes back without the term it ran up deposing the leader, and the cluster is
   * unavailable for less time than with 3.4's defaults. Real backends (etcd 3.4.23) refuse it.
   */
  @Test
  void etcd35sPreVoteKeepsARejoiningMemberFromDeposingTheLeader() {
    String yaml = """
        name: ev
        clusters:
          - {name: basic, strategy: static, pd: {replicas: 3}, timing: {etcdVersion: "%s"}}
        faults: [{at: 10s, kind: partition, groups: [[0], [1, 2]], for: 20s}]
        duration: 60s
        """;
    Scenario v34 = ScenarioParser.parse(yaml.formatted("3.4"), "ev.yaml");
    Scenario v35 = ScenarioParser.parse(yaml.formatted("3.5"), "ev.yaml");
    for (long seed = 1; seed <= 3; seed++) {
      long u34 = ScenarioRunner.run(v34, seed, null).measures().unavailableUs();
      long u35 = ScenarioRunner.run(v35, seed, null).measures().unavailableUs();
      assertTrue(u35 < u34, "seed " + seed + ": 3.5 " + u35 + " us, 3.4 " + u34 + " us");
    }
    assertEquals(List.of("clusters 'basic': timing.etcdVersion 3.5: the real backends run etcd"
        + " 3.4.23 (Debian's etcd-server); 3.5's defaults are the simulator's only"),
        ScenarioRunner.unsupported(v35, Backend.ETCD_CONTAINERS));
    assertEquals(List.of(), ScenarioRunner.unsupported(v34, Backend.ETCD_CONTAINERS));
  }

  /**
   * A client write load makes lost acknowledged writes visible for an etcd-only strategy: every
   * member of a static cluster loses its volume and bootstraps the same cluster ID again, empty.
   * Without writes of its own the run looks ok; with them it is data loss, each write named.
   */
  @Test
  void aClientWriteLoadShowsTheWritesAWipedStaticClusterLost() {
    String yaml = """
        name: wiped
        seed: 1
        clusters: [{name: basic, strategy: static, pd: {replicas: 3}%s}]
        faults:
          - {at: 30s, kind: crash, member: 0, wipe: true, restartAfter: 1s}
          - {at: 30s, kind: crash, member: 1, wipe: true, restartAfter: 1s}
          - {at: 30s, kind: crash, member: 2, wipe: true, restartAfter: 1s}
        duration: 60s
        """;
    ScenarioResult quiet = ScenarioRunner.run(ScenarioParser.parse(yaml.formatted(""),
        "wiped.yaml"), null, null);
    assertEquals(Outcome.OK, quiet.measures().outcome(), quiet.measures().describe());
    ScenarioResult loaded = ScenarioRunner.run(ScenarioParser.parse(yaml.formatted(
        ", timing: {clientWritesPerSecond: 10}"), "wiped.yaml"), null, null);
    assertEquals(Outcome.DATA_LOSS, loaded.measures().outcome(), loaded.measures().describe());
    assertEquals(1, loaded.measures().clusterIds().size());
    // about 10 a second until the wipe at 30 s; writes after the cluster came back survive
    int lost = loaded.measures().lostWrites().size();
    assertTrue(lost >= 250 && lost <= 300, lost + " lost: " + loaded.measures().lostWrites());
    assertTrue(loaded.measures().lostWrites().stream().allMatch(w -> w.startsWith(
        "/pdlab/load/basic/")), loaded.measures().lostWrites().toString());
  }

  /**
   * tidbOperatorVersion reaches the discovery pod through the cluster's timing: with "1.0" a PD
   * that lost its volume after a scale-out is told to join through every member's peer URL, its
   * own included (v1.0.0 pkg/discovery/discovery.go); v1.5.1 gives the others' client URLs. PD
   * takes its own URL in the list (its join-self check compares the whole --join with its client
   * URL, tikv/pd server/join.go), lists the members through the others and exits on finding its
   * own name, as with v1.5: the same outcome. Both versions run on every backend.
   */
  @Test
  void v10TellsAWipedPdToJoinThroughItsOwnPeerUrlAndPdStillRefusesTheDuplicate() {
    String yaml = """
        name: wiped
        seed: 1
        clusters:
          - {name: basic, strategy: discovery, pd: {replicas: 3}, timing: {%s}}
        faults:
          - {at: 40s, kind: set-replicas, replicas: 4}
          - {at: 80s, kind: crash, member: 3, wipe: true}
        duration: 200s
        """;
    java.util.Map<String, List<String>> lines = new TreeMap<>();
    for (String v : List.of("tidbOperatorVersion: \"1.0\"", "")) {
      Scenario s = ScenarioParser.parse(yaml.formatted(v), "wiped.yaml");
      List<String> pd3 = new java.util.ArrayList<>();
      ScenarioResult r = ScenarioRunner.run(s, null, t -> {
        String x = t.toString();
        if (x.contains("STATE basic-pd-3 pd: ") && t.timeUs() > 80_000_000L) {
          pd3.add(x.substring(x.indexOf("pd: ")));
        }
      });
      assertEquals(Outcome.DEGRADED, r.measures().outcome(), v + ": " + r.measures().describe());
      assertEquals(List.of(), ScenarioRunner.unsupported(s, Backend.ETCD), v);
      lines.put(v.isEmpty() ? "1.5" : "1.0", pd3);
    }
    String own = "http://basic-pd-3.basic-pd-peer.basic.svc:2380";
    List<String> v10 = lines.get("1.0");
    assertTrue(v10.size() >= 2 && v10.get(0).startsWith("pd: exec pd-server --join=")
        && v10.get(0).contains(own)
        && v10.get(0).contains("http://basic-pd-0.basic-pd-peer.basic.svc:2380"), v10.toString());
    assertEquals("pd: exit: missing data or join a duplicated pd", v10.get(1));
    List<String> v15 = lines.get("1.5");
    assertTrue(v15.size() >= 2 && !v15.get(0).contains("basic-pd-3.")
        && v15.get(0).contains("http://basic-pd-0.basic-pd-peer.basic.svc:2379"), v15.toString());
    assertEquals("pd: exit: missing data or join a duplicated pd", v15.get(1));
  }

  /**
   * A backup sidecar restores member 1 of a static cluster at 60 s from its snapshot of 30 s.
   * With the cluster's own list and token it keeps its IDs; the leader (here not the member)
   * still has its old match index and its heartbeat's commit is beyond the restored log: etcd
   * panics at every restart (raft/log.go commitTo), the cluster goes on degraded. With a list of
   * the member alone it is a second cluster that acknowledges writes the real one never sees.
   */
  @Test
  void aSnapshotRestoredIntoAWipedVolume() {
    String yaml = """
        name: restore
        seed: 1
        clusters:
          - {name: basic, strategy: static, pd: {replicas: 3}, timing: {clientWritesPerSecond: 10}}
        faults:
          - {at: 60s, kind: restore-snapshot, member: 1, snapshotAt: 30s%s}
        duration: 120s
        """;
    TraceBuffer trace = new TraceBuffer();
    ScenarioResult same = ScenarioRunner.run(ScenarioParser.parse(yaml.formatted(""),
        "restore.yaml"), null, trace);
    assertEquals(Outcome.DEGRADED, same.measures().outcome(), same.measures().describe());
    assertEquals(1, same.measures().clusterIds().size());
    assertEquals(List.of(), same.measures().lostWrites());
    List<String> notes = restoreNotes(trace);
    assertEquals(2, notes.size(), notes.toString());
    assertTrue(notes.get(0).startsWith("restore-snapshot: saved basic-1's store: "), notes.get(0));
    assertTrue(notes.get(1).contains("--initial-cluster=basic-0=http://basic-0.basic.basic.svc"
        + ":2380,basic-1=http://basic-1.basic.basic.svc:2380,basic-2=http://basic-2.basic.basic"
        + ".svc:2380 --initial-cluster-token=basic"), notes.get(1));
    assertTrue(trace.records().stream().anyMatch(t -> t.node().equals("basic-1")
        && t.detail().startsWith("exited: panic: tocommit(")
        && t.detail().contains("is out of range [lastIndex(3)]")), "the restored log has 3");

    ScenarioResult self = ScenarioRunner.run(ScenarioParser.parse(yaml.formatted(
        ", initialCluster: self"), "restore.yaml"), null, null);
    assertEquals(Outcome.DATA_LOSS, self.measures().outcome(), self.measures().describe());
    assertEquals(2, self.measures().clusterIds().size());
    assertTrue(self.measures().lostWrites().stream().allMatch(l -> l.contains("acked by"
        + " basic-1")), "the writes the second cluster acknowledged: "
        + self.measures().lostWrites());
  }

  /** The backup sidecar's notes of a run, in order. */
  private static List<String> restoreNotes(TraceBuffer trace) {
    return trace.records().stream().filter(t -> t.detail().startsWith("restore-snapshot: "))
        .map(TraceRecord::detail).toList();
  }

  /**
   * A member that runs from its WAL under a template re-rendered without it (a chart upgrade to
   * one replica, then a resize to two that keeps that template) is saved by its backup sidecar
   * with those flags; etcdctl snapshot restore then refuses them ("couldn't find local name"),
   * and the member starts from its empty volume. Found by explore: the model had thrown etcdctl's
   * refusal out of the run ("run failed at 55.600000s").
   */
  @Test
  void aRestoreWhoseFlagsLackTheMemberFailsAsEtcdctlDoes() {
    TraceBuffer trace = new TraceBuffer();
    ScenarioResult r = ScenarioRunner.run(ScenarioParser.parse("""
        name: restore-refused
        seed: 1177461
        clusters:
          - {name: basic, strategy: static, pd: {replicas: 3}, timing: {clientWritesPerSecond: 2}}
        faults:
          - {at: 3500ms, kind: set-replicas, replicas: 1, initialClusterState: new}
          - {at: 27s, kind: set-replicas, replicas: 2}
          - {at: 55600ms, kind: restore-snapshot, member: 1, snapshotAt: 45100ms}
        duration: 120s
        """, "restore-refused.yaml"), null, trace);
    List<String> notes = restoreNotes(trace);
    assertEquals(2, notes.size(), notes.toString());
    assertTrue(notes.get(0).startsWith("restore-snapshot: saved basic-1's store: "), notes.get(0));
    assertEquals("restore-snapshot: etcdctl snapshot restore failed: couldn't find local name"
        + " \"basic-1\" in the initial cluster configuration; basic-1 starts from an empty volume",
        notes.get(1));
    assertTrue(trace.records().stream().anyMatch(t -> t.node().equals("basic-1") && t.timeUs()
        > 55_600_000 && t.detail().contains("couldn't find local name")), "and then exits so");
    assertEquals(1, r.measures().clusterIds().size(), r.measures().describe());
  }

  /**
   * A snapshot taken before the member's pod exists (snapshotAt 0 s, which explore draws) saves
   * nothing, and the restore then starts the member from an empty volume (the search crashed
   * here with "unknown process 'basic-2'").
   */
  @Test
  void aSnapshotBeforeTheMembersPodExistsSavesNothing() {
    TraceBuffer trace = new TraceBuffer();
    ScenarioResult r = ScenarioRunner.run(ScenarioParser.parse("""
        name: restore-early
        seed: 1000040
        clusters:
          - {name: basic, strategy: static, pd: {replicas: 3}}
        faults:
          - {at: 2s, kind: crash, member: 0}
          - {at: 2s, kind: restore-snapshot, member: 2, snapshotAt: 0s, initialCluster: self}
        duration: 60s
        """, "restore-early.yaml"), null, trace);
    List<String> notes = restoreNotes(trace);
    assertEquals(List.of("restore-snapshot: snapshot save failed: basic-2 does not serve clients"
        + " now"), notes.subList(0, 1), notes.toString());
    assertEquals(1, r.measures().clusterIds().size(), r.measures().describe());
  }

  /**
   * A wrong advertised peer URL (wrong-peer-url) ends as etcd 3.4.23 and PD's join decide: a
   * member started as new exits in NewServer's VerifyBootstrap and its container crash-loops
   * (static, v2-static: degraded; a seed: stuck; discovery's bootstrap member: degraded, as
   * discovery, its count reset by the operator's status writes, later lets another PD bootstrap
   * and the crash-looping one never joins); etcd-operator's joiner was added under the right URL
   * and is never compared (ok); a PD joiner adds itself under the wrong URL (tikv/pd v7.1
   * join.go), so its peers count it disconnected and refuse the next voter (degraded). At seed 1
   * discovery lets basic-pd-2 bootstrap and basic-pd-0 join next.
   * The real backends refuse it.
   */
  @Test
  void aWrongAdvertisedPeerUrlEndsEachStrategyAsEtcdAndPdDecide() {
    record Case(String strategy, int member, Outcome outcome, String traced) {}
    String newMemberExit = "--initial-cluster has %1$s=http://%1$s.%2$s.basic.svc:2380 but"
        + " missing from --initial-advertise-peer-urls=http://%1$s-typo.%2$s.basic.svc:2380";
    List<Case> cases = List.of(
        new Case("static", 1, Outcome.DEGRADED, newMemberExit.formatted("basic-1", "basic")),
        new Case("v2-static", 1, Outcome.DEGRADED,
            newMemberExit.formatted("basic-pd-1", "basic-pd-peer")),
        new Case("seed-join", 0, Outcome.STUCK, newMemberExit.formatted("basic-0000", "basic")),
        new Case("seed-join", 1, Outcome.OK, "wrong-peer-url: basic-0001 will advertise"),
        new Case("discovery", 2, Outcome.DEGRADED,
            newMemberExit.formatted("basic-pd-2", "basic-pd-peer")),
        new Case("discovery", 0, Outcome.DEGRADED, "etcd: rejected MemberAdd(http://basic-pd-1"
            + ".basic-pd-peer.basic.svc:2380): etcdserver: unhealthy cluster"));
    for (Case c : cases) {
      TraceBuffer trace = new TraceBuffer();
      Scenario s = ScenarioParser.parse("""
          name: wrong-url
          seed: 1
          clusters: [{name: basic, strategy: %s, pd: {replicas: 3}}]
          faults: [{at: 0s, kind: wrong-peer-url, member: %d}]
          duration: 300s
          """.formatted(c.strategy(), c.member()), "wrong-url.yaml");
      ScenarioResult r = ScenarioRunner.run(s, null, trace);
      String what = c.strategy() + " member " + c.member() + ": " + r.measures().describe();
      assertEquals(c.outcome(), r.measures().outcome(), what);
      assertTrue(trace.records().stream().anyMatch(t -> t.detail().contains(c.traced())),
          what + ": traced '" + c.traced() + "'");
      assertEquals(List.of(), ScenarioRunner.unsupported(s, Backend.ETCD));
    }
  }

  /**
   * The model's side of RealBackendsIT#aDiscoveryPdRestartedOnItsVolumeStartsFromItsData: each
   * PD crashed in turn without a wipe, the bootstrap one among them, starts again from its data
   * (its member/wal: the start script runs pd-server with its old flags) and the cluster ends ok.
   */
  @Test
  void aDiscoveryPdRestartedOnItsVolumeStartsFromItsData() {
    TraceBuffer trace = new TraceBuffer();
    ScenarioResult r = ScenarioRunner.run(ScenarioParser.parse("""
        name: restarts
        seed: 1
        clusters:
          - name: basic
            strategy: discovery
            pd: {replicas: 3}
            timing: {reconcileMs: 0, containerStartMs: 0}
        faults:
          - {at: 60s, kind: crash, member: 0, restartAfter: 1s}
          - {at: 75s, kind: crash, member: 1, restartAfter: 1s}
          - {at: 90s, kind: crash, member: 2, restartAfter: 1s}
        duration: 120s
        expect: {outcome: ok, clusterIds: 1, pdClusterIds: 1}
        """, "restarts.yaml"), null, trace);
    assertTrue(r.passed(), r.failures() + " " + r.measures().describe());
    assertEquals(List.of(), trace.records().stream().map(TraceRecord::detail)
        .filter(d -> d.contains("missing data or join a duplicated pd")).toList());
  }

  /** Each expectation holds exactly on its side of its bound, and says what it got. */
  @Test
  void everyExpectationIsCheckedAgainstTheMeasures() {
    io.pdlab.pd.run.RunMeasures m = new io.pdlab.pd.run.RunMeasures(20_000_000L, 3_000_000L, 0,
        List.of(7L), List.of(1L, 2L), List.of(), List.of(), Outcome.DEGRADED, List.of());
    assertEquals(List.of(), ScenarioRunner.check(new Expect(List.of("stuck", "degraded"), 1, 2,
        20_000_000L, 20_000_000L, 3_000_000L, 3_000_000L), m));
    assertEquals(List.of("outcome: expected one of ok, stuck, got degraded",
        "clusterIds: expected 2, got 1", "pdClusterIds: expected 1, got 2",
        "bootstrapWithin: expected at most 19.999999s, got 20.000000s",
        "bootstrapAfter: expected a bootstrap at 20.000001s or later, got 20.000000s",
        "unavailableAtMost: expected at most 2.999999s, got 3.000000s",
        "unavailableAtLeast: expected at least 3.000001s, got 3.000000s"),
        ScenarioRunner.check(new Expect(List.of("ok", "stuck"), 2, 1, 19_999_999L, 20_000_001L,
            2_999_999L, 3_000_001L), m));
    io.pdlab.pd.run.RunMeasures never = new io.pdlab.pd.run.RunMeasures(-1, 0, 0, List.of(),
        List.of(), List.of(), List.of(), Outcome.STUCK, List.of());
    assertEquals(List.of("outcome: expected ok, got stuck",
        "bootstrapAfter: expected a bootstrap at 1.000000s or later, got never"),
        ScenarioRunner.check(new Expect(List.of("ok"), null, null, null, 1_000_000L, null, null),
            never));
  }

  @Test
  void aSeedJoinWhoseFirstJoinerNeverStartsIsStuckForGood() {
    ScenarioResult r = ScenarioRunner.run(scenario("seed-join", 3, List.of(neverStart(1)),
        Expect.of("ok", null, null, null)), null, null);
    assertEquals(Outcome.STUCK, r.measures().outcome(), r.measures().describe());
    assertEquals(List.of("outcome: expected ok, got stuck"), r.failures());
  }

  /**
   * With a 50 ms operator loop the first MemberAdd reaches the seed before it serves and is
   * refused; the retry must still name the joiner "member 1", so the fault still hits the first
   * joiner the operator starts (on the k8s backend the seed is often that slow).
   */
  @Test
  void aRefusedFirstAddDoesNotMoveTheNeverStartFaultToAnotherJoiner() {
    Scenario s = ScenarioParser.parse("""
        name: fast-operator
        clusters:
          - {name: basic, strategy: seed-join, pd: {replicas: 3},
             timing: {reconcileMs: 0, containerStartMs: 0}}
        faults:
          - {at: 0s, kind: never-start, member: 1}
        duration: 40s
        """, "fast.yaml");
    TraceBuffer trace = new TraceBuffer();
    ScenarioResult r = ScenarioRunner.run(s, null, trace);
    List<String> operator = details(trace, "operator: ");
    assertTrue(operator.stream().anyMatch(d -> d.startsWith(
        "operator: fail to add new member (basic-0001): connection refused")), operator.toString());
    assertTrue(operator.contains("operator: added member basic-0001"), operator.toString());
    assertEquals(Outcome.STUCK, r.measures().outcome(), r.measures().describe());
  }

  /**
   * An etcd-operator that restarts between two joins lists the members from etcd and goes on
   * with the next ordinal; it never seeds a second cluster. tidb-operator, level-triggered on
   * the TidbCluster, simply goes on.
   */
  @Test
  void aRestartedOperatorRecoversItsMembersInsteadOfSeedingAgain() {
    for (String strategy : List.of("seed-join", "seed-join-learner", "discovery", "v2-static")) {
      // between the first add and the next pass: coreos's 8 s loop, etcd-io's 10 s requeue
      String at = strategy.equals("seed-join-learner") ? "15s" : "10s";
      Scenario s = ScenarioParser.parse("""
          name: operator-restart
          clusters:
            - {name: basic, strategy: %s, pd: {replicas: 3}}
          faults:
            - {at: %s, kind: operator-restart, restartAfter: 5s}
          duration: 120s
          expect: {outcome: ok, clusterIds: 1}
          """.formatted(strategy, at), "restart.yaml");
      TraceBuffer trace = new TraceBuffer();
      ScenarioResult r = ScenarioRunner.run(s, null, trace);
      assertTrue(r.passed(), strategy + ": " + r.failures() + " " + r.measures().describe());
      List<String> operator = details(trace, "operator: ");
      if (strategy.equals("seed-join")) {
        assertEquals(1, operator.stream().filter(d -> d.startsWith("operator: created seed"))
            .count(), operator.toString());
        assertTrue(operator.contains("operator: restarted: members unknown until listed from"
            + " etcd"), operator.toString());
        assertTrue(operator.contains("operator: restored members [basic-0000, basic-0001]"),
            operator.toString());
        assertTrue(operator.stream().anyMatch(d -> d.startsWith(
            "operator: added member basic-0002")), operator.toString());
      } else if (strategy.equals("seed-join-learner")) {
        // etcd-io/etcd-operator v0.2.0 keeps nothing between passes: the StatefulSet exists, so
        // the restarted operator's first pass lists the members and goes on from them.
        assertEquals(1, operator.stream().filter(d -> d.startsWith(
            "operator: creating a new cluster")).count(), operator.toString());
        assertTrue(operator.contains("operator: added member basic-2 as learner"),
            operator.toString());
      }
    }
  }

  /**
   * tidb-operator v2.0.0: the API server refuses a PD group's replicas change while it is not
   * bootstrapped (pd_types.go: "replicas cannot be changed when bootstrapped is false"), so a
   * set-replicas at 1 s is refused and never acted on; one after bootstrap adds a PD that joins.
   */
  @Test
  void v2RefusesAReplicasChangeBeforeBootstrapAndJoinsOneAfter() {
    Scenario s = ScenarioParser.parse("""
        name: v2-resize
        clusters:
          - {name: basic, strategy: v2-static, pd: {replicas: 3}}
        faults:
          - {at: 1s, kind: set-replicas, replicas: 4}
          - {at: 60s, kind: set-replicas, replicas: 4}
        duration: 120s
        expect: {outcome: ok, clusterIds: 1}
        """, "v2-resize.yaml");
    TraceBuffer trace = new TraceBuffer();
    ScenarioResult r = ScenarioRunner.run(s, null, trace);
    assertTrue(r.passed(), r.failures() + " " + r.measures().describe());
    assertEquals(List.of("set-replicas 4 refused by the API server: replicas cannot be changed"
        + " when bootstrapped is false"), details(trace, "set-replicas"));
    List<String> pd3 = times(trace, "basic-pd-3", "started");
    assertEquals(1, pd3.size(), pd3.toString());
    assertTrue(Double.parseDouble(pd3.get(0)) >= 60, "the fourth PD only after 60 s: " + pd3);
    assertEquals(List.of("pd: exec pd-server --join=http://basic-pd.basic:2379"),
        details(trace, "pd: exec pd-server --join"));
  }

  /**
   * The catalog's v2-stamped-member-lost-after-scale-out for the right reason: two of three
   * bootstrap the group, the scale-out is accepted and its PD joins, and the lost stamped PD's
   * config is refused (its outcome alone, degraded, was also the old model's, which never
   * bootstrapped there).
   */
  @Test
  void v2sLostStampedMemberIsRefusedItsConfigAfterTheScaleOut() throws Exception {
    Scenario s = ScenarioParser.parse(java.nio.file.Files.readString(java.nio.file.Path.of(
        "catalog", "v2-stamped-member-lost-after-scale-out.yaml")), "catalog.yaml");
    TraceBuffer trace = new TraceBuffer();
    ScenarioResult r = ScenarioRunner.run(s, null, trace);
    assertTrue(r.passed(), r.failures() + " " + r.measures().describe());
    assertEquals(List.of("operator: PD client synced: 3 members", "operator: PD group bootstrapped",
        "operator: cannot generate pd config of basic-pd-2: unexpected number of replicas,"
        + " expected is 3, current is 4"), details(trace, "operator: "));
    assertEquals(List.of(), details(trace, "set-replicas"), "accepted after bootstrap");
    assertTrue(!times(trace, "basic-pd-3", "started").isEmpty(), "the fourth PD is created");
  }

  /** The etcd-operator is down when spec.size grows; started again, it reads the new size. */
  @Test
  void aSizeWrittenWhileTheOperatorIsDownIsReadWhenItComesBack() {
    Scenario s = ScenarioParser.parse("""
        name: resize-while-down
        clusters:
          - {name: basic, strategy: seed-join, pd: {replicas: 3}}
        faults:
          - {at: 30s, kind: operator-restart, restartAfter: 10s}
          - {at: 35s, kind: set-replicas, replicas: 5}
        duration: 120s
        """, "resize.yaml");
    TraceBuffer trace = new TraceBuffer();
    ScenarioRunner.run(s, null, trace);
    List<String> operator = details(trace, "operator: added member");
    assertEquals(List.of("operator: added member basic-0001", "operator: added member basic-0002",
        "operator: added member basic-0003", "operator: added member basic-0004"), operator);
  }

  /** A provisioned cluster's timing is applied, as an installed one's is (it was ignored). */
  @Test
  void aProvisionedClustersTimingIsApplied() {
    String yaml = """
        name: eks
        infra: {provision: true}
        clusters:
          - {name: demo, strategy: discovery, pd: {replicas: 3}, tikv: {replicas: 1},
             tidb: {replicas: 1}%s}
        duration: 40m
        """;
    ScenarioResult slow = ScenarioRunner.run(ScenarioParser.parse(yaml.formatted(
        ", timing: {containerStartMs: 30000}"), "slow.yaml"), null, null);
    ScenarioResult usual = ScenarioRunner.run(ScenarioParser.parse(yaml.formatted(""),
        "usual.yaml"), null, null);
    assertEquals(Outcome.OK, slow.measures().outcome(), slow.measures().describe());
    assertEquals(Outcome.OK, usual.measures().outcome(), usual.measures().describe());
    assertTrue(slow.measures().bootstrapUs() >= usual.measures().bootstrapUs() + 20_000_000L,
        "30 s container starts: " + slow.measures().bootstrapUs() + " us against "
        + usual.measures().bootstrapUs() + " us");
    assertTrue(usual.provisioning().get(usual.provisioning().size() - 1)
        .startsWith("makespan "), usual.provisioning().toString());
  }

  /**
   * tidb-operator is down while the TidbCluster is written and resized: the crashed incarnation
   * does not react (it used to, and the run failed setting a timer for a process that was down);
   * the restarted one reads the new size. Overlapping restarts keep it down until the later one.
   */
  @Test
  void aDownTidbOperatorDoesNothingUntilItsLastRestart() {
    Scenario s = ScenarioParser.parse("""
        name: down
        clusters:
          - {name: basic, strategy: discovery, pd: {replicas: 3}}
        faults:
          - {at: 60s, kind: operator-restart, restartAfter: 40s}
          - {at: 70s, kind: operator-restart, restartAfter: 5s}
          - {at: 80s, kind: set-replicas, replicas: 4}
          - {at: 85s, kind: tc-write, every: 1s, for: 5s}
        duration: 300s
        """, "down.yaml");
    TraceBuffer trace = new TraceBuffer();
    ScenarioResult r = ScenarioRunner.run(s, null, trace);
    assertEquals(List.of("0.000000", "100.000000"), times(trace, "tidb-operator-basic",
        "started"), "started, then only after the later fault's 40 s");
    assertEquals(List.of("60.000000"), times(trace, "tidb-operator-basic", "crashed"));
    assertEquals(Outcome.OK, r.measures().outcome(), r.measures().describe());
    assertTrue(trace.records().stream().anyMatch(t -> t.kind() == TraceKind.STATE
        && t.node().equals("basic-pd-3") && t.detail().startsWith("started")
        && t.timeUs() > 100_000_000L), "the fourth PD comes after the restart");
  }

  /** Provisioned: a restart before the release installs the operator has nothing to act on. */
  @Test
  void anOperatorRestartBeforeTheOperatorIsInstalledIsANote() {
    Scenario s = ScenarioParser.parse("""
        name: early
        infra: {provision: true}
        clusters:
          - {name: demo, strategy: discovery, pd: {replicas: 3}, tikv: {replicas: 1},
             tidb: {replicas: 1}}
        faults:
          - {at: 60s, kind: operator-restart}
        duration: 40m
        """, "early.yaml");
    TraceBuffer trace = new TraceBuffer();
    ScenarioResult r = ScenarioRunner.run(s, null, trace);
    assertEquals(Outcome.OK, r.measures().outcome(), r.measures().describe());
    assertTrue(trace.records().stream().anyMatch(t -> t.detail().equals(
        "operator-restart: no operator installed yet, nothing to restart")));
  }

  @Test
  void anOperatorRestartOnAStaticClusterIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ScenarioRunner.run(scenario("static", 3, List.of(new FaultDef.OperatorRestart(0,
            null, 0, 1)), null), null, null));
    assertTrue(e.getMessage().contains("strategy static has no operator"), e.getMessage());
  }

  /**
   * seed-join's member pods run coreos/etcd-operator's check-dns init container: accepted on
   * every kind of node, kubelet nodes included (there its container waits while the model's
   * CheckDns runs and exits with its code), and in the simulator.
   */
  @Test
  void seedJoinRunsItsInitContainerOnEveryKindOfNode() {
    String yaml = """
        name: k
        backend: %s
        seed: 1
        infra: {nodes: %s}
        clusters: [{name: basic, strategy: seed-join, pd: {replicas: 3}}]
        duration: 60s
        """;
    for (String nodes : List.of("kubelet", "agent")) {
      assertEquals(List.of(), ScenarioRunner.unsupported(ScenarioParser.parse(yaml.formatted(
          "k8s", nodes), "k.yaml"), Backend.K8S), nodes);
    }
    assertEquals(List.of(), ScenarioRunner.unsupported(ScenarioParser.parse(yaml.formatted("sim",
        "agent"), "k.yaml"), Backend.SIM));
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
      // etcd-operator adds one member per 8 s pass; the joiner's pod starts its check-dns init
      // container (2 s container start), whose loop sees the pod's DNS name at its second
      // lookup (1 s), and its etcd container a relist (up to 1 s) and a container start (2 s)
      // after that; then it catches up and publishes itself
      assertTrue(j.joinUs() >= 5_000_000 && j.joinUs() < 8_000_000,
          "the join includes both container starts and the DNS wait: " + j);
      assertEquals(j.totalUs(), j.waitUs() + j.joinUs());
    }
  }

  @Test
  void otherBackendsAreRefusedClearly() {
    Scenario s = new Scenario("x.yaml", "t", Backend.K3S, 1, Infra.DEFAULT, List.of(new ClusterDef(
        "basic", "static", 3, 0, 0, new TreeMap<>())), List.of(), 1_000_000, null);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ScenarioRunner.run(s, null, null));
    // What is missing (a Docker daemon, the k3s image in it, or the kubelet driver).
    assertTrue(e.getMessage().startsWith("x.yaml: backend 'k3s' cannot run here: "),
        e.getMessage());
    assertTrue(e.getMessage().contains("k3s"), e.getMessage());
  }

  /** The details of the trace's records that start with {@code prefix}, in order. */
  static List<String> details(TraceBuffer trace, String prefix) {
    return trace.records().stream().map(TraceRecord::detail).filter(d -> d.startsWith(prefix))
        .toList();
  }

  /** The times (as in traces) of the STATE records of {@code node} whose detail starts so. */
  private static List<String> times(TraceBuffer trace, String node, String detail) {
    return trace.records().stream().filter(r -> r.kind() == TraceKind.STATE
        && r.node().equals(node) && r.detail().startsWith(detail))
        .map(r -> TraceRecord.formatTime(r.timeUs())).toList();
  }

  @Test
  void eachFaultActsOnItsPodAtItsTime() {
    Scenario s = ScenarioParser.parse("""
        name: acts
        clusters:
          - {name: basic, strategy: static, pd: {replicas: 4}}
        faults:
          - {at: 0s, kind: never-start, member: 3}
          - {at: 0s, kind: late-start, member: 2, delay: 5s}
          - {at: 20s, kind: crash, member: 0, restartAfter: 2s}
          - {at: 30s, kind: pause, member: 1, for: 3s}
          - {at: 40s, kind: crash, member: 2, wipe: true}
        duration: 60s
        """, "acts.yaml");
    TraceBuffer trace = new TraceBuffer();
    ScenarioRunner.run(s, null, trace);
    assertEquals(List.of(), times(trace, "basic-3", "started"), "never started");
    List<String> first = times(trace, "basic-0", "started");
    assertEquals("22.000000", first.get(1), "restarted 2 s after its crash: " + first);
    assertEquals(List.of("20.000000"), times(trace, "basic-0", "crashed"));
    long late = Math.round(Double.parseDouble(times(trace, "basic-2", "started").get(0)));
    long onTime = Math.round(Double.parseDouble(first.get(0)));
    assertEquals(5, late - onTime, "basic-2 started 5 s after basic-0");
    assertEquals(List.of("30.000000"), times(trace, "basic-1", "paused"));
    assertEquals(List.of("33.000000"), times(trace, "basic-1", "resumed"));
    assertEquals(List.of("40.000000"), times(trace, "basic-2", "crashed"));
  }

  @Test
  void setReplicasGrowsTheCluster() {
    Scenario s = ScenarioParser.parse("""
        name: grows
        clusters:
          - {name: basic, strategy: seed-join, pd: {replicas: 1}}
        faults:
          - {at: 20s, kind: set-replicas, replicas: 3}
        duration: 120s
        """, "grows.yaml");
    ScenarioResult r = ScenarioRunner.run(s, null, null);
    assertEquals(List.of("basic-0001", "basic-0002"), r.measures().joins().stream()
        .map(j -> j.member()).toList(), r.measures().describe());
  }

  @Test
  void aScenarioIsRefusedForWhatItsBackendCannotDo() {
    Scenario parsed = ScenarioParser.parse("""
        name: cut
        infra: {provision: true}
        clusters:
          - {name: basic, strategy: discovery, pd: {replicas: 3}}
        faults:
          - {at: 1s, kind: crash, member: 0}
          - {at: 1.5s, kind: partition, groups: [[0], [1, 2]], for: 2s}
        """, "cut.yaml");
    String provision = "infra.provision: the EKS provisioning graph runs on the simulated"
        + " backend and on k8s (its steps after EKS against the real control plane)";
    String partition = "fault at 1500 ms: backend 'etcd' cannot partition members (local"
        + " processes share the host's loopback); use backend etcd-containers";
    assertEquals(List.of(), ScenarioRunner.unsupported(parsed, Backend.SIM));
    assertEquals(List.of(provision, partition), ScenarioRunner.unsupported(parsed,
        Backend.ETCD));
    assertEquals(List.of(provision), ScenarioRunner.unsupported(parsed,
        Backend.ETCD_CONTAINERS));
    assertEquals(List.of(partition.replace("'etcd'", "'k8s'").replace("local processes share",
        "the node agent's pods are local processes sharing")), ScenarioRunner.unsupported(parsed,
        Backend.K8S));

    Scenario s = new Scenario(parsed.source(), parsed.name(), Backend.ETCD, parsed.seed(),
        Infra.DEFAULT, parsed.clusters(), parsed.faults(), parsed.durationUs(), null);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ScenarioRunner.run(s, null, null));
    assertEquals("cut.yaml: backend 'etcd' cannot run this scenario: " + partition,
        e.getMessage(), "refused before anything starts (no etcd is needed to see it)");
  }
}
