package io.pdlab.scenarios.yaml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Invalid scenario files: each problem with its exact message, line and column. */
class ScenarioParserErrorTest {
  /** A valid start: faults appended after it begin on line 5. */
  private static final String HEAD = """
      name: t
      clusters:
        - {name: basic, strategy: discovery, pd: {replicas: 3}}
      faults:
      """;

  private static List<String> problems(String yaml) {
    ScenarioException e = assertThrows(ScenarioException.class,
        () -> ScenarioParser.parse(yaml, "s.yaml"));
    assertEquals(String.join("\n", e.problems()), e.getMessage());
    assertEquals("s.yaml", e.source());
    return e.problems();
  }

  private static void assertProblems(String yaml, String... expected) {
    assertEquals(List.of(expected), problems(yaml));
  }

  // ------------------------------------------------------------------ the examples of the issue

  @Test
  void unknownKeyNamesTheKnownOnes() {
    assertProblems("""
        name: t
        clusters:
        - name: basic
          strategy: static
          pd:
            replicas: 3
            replicaz: 4
        """, "s.yaml:7:5: unknown key 'replicaz' in clusters[0].pd (known: replicas)");
  }

  @Test
  void seedMustBeAnInteger() {
    assertProblems("""
        name: t
        backend: sim
        seed: abc
        clusters: [{name: c, strategy: static, pd: {replicas: 3}}]
        """, "s.yaml:3:7: seed must be an integer, got 'abc'");
  }

  @Test
  void backendMustBeKnown() {
    assertProblems("""
        name: t
        backend: simm
        clusters: [{name: c, strategy: static, pd: {replicas: 3}}]
        """, "s.yaml:2:10: backend must be one of sim, etcd, etcd-containers, k3s, k8s, got 'simm'");
  }

  @Test
  void memberOutOfRangeNamesTheCluster() {
    assertProblems("""
        name: t
        clusters:
          - name: basic
            strategy: static
            pd:
              replicas: 3
        duration: 1m
        faults:
          - at: 1s
            kind: never-start
            member: 2
          - {member: 5, at: 1s, kind: crash}
        """, "s.yaml:12:14: faults[1].member 5 is out of range: cluster 'basic' has 3 PD replicas by then");
  }

  // ------------------------------------------------------------------ the document

  @Test
  void emptyFileIsAnError() {
    String msg = "s.yaml:1:1: the file is empty: a scenario is a map with at least 'name' and "
        + "'clusters'";
    assertProblems("", msg);
    assertProblems("# only a comment\n\n", msg);
    assertProblems("---\n", msg);
  }

  @Test
  void documentMustBeAMap() {
    assertProblems("- name: t\n", "s.yaml:1:1: a scenario must be a map (name:, clusters:, ...), "
        + "got a list");
    assertProblems("\n  just text\n", "s.yaml:2:3: a scenario must be a map (name:, clusters:, "
        + "...), got 'just text'");
  }

  @Test
  void yamlSyntaxErrorsKeepTheirPosition() {
    assertProblems("""
        name: t
        clusters:
          - name: b
           strategy: x
        """, "s.yaml:4:4: YAML syntax: expected <block end>, but found '<block mapping start>' "
        + "(while parsing a block collection at 3:3)");
    assertProblems("name: [a\n", "s.yaml:2:1: YAML syntax: expected ',' or ']', but got "
        + "<stream end> (while parsing a flow sequence at 1:7)");
    assertProblems("name: a\n---\nname: b\n", "s.yaml:2:1: YAML syntax: expected a single "
        + "document in the stream at 1:1, but found another document");
    assertProblems("name: t\nseed: \"1\u0001\"\n",
        "s.yaml:2:9: YAML syntax: special character U+0001 is not allowed");
  }

  @Test
  void topLevelKeysAreChecked() {
    assertProblems("""
        seed: 3
        clusters: [{name: c, strategy: static, pd: {replicas: 3}}]
        faultz: []
        name: t
        name: u
        """,
        "s.yaml:3:1: unknown key 'faultz' at the top level (known: name, backend, seed, infra, "
            + "clusters, faults, duration, expect)",
        "s.yaml:5:1: duplicate key 'name' at the top level (first at line 4)");
    assertProblems("backend: k3s\n",
        "s.yaml:1:1: missing required key 'name' at the top level",
        "s.yaml:1:1: missing required key 'clusters' at the top level");
  }

  @Test
  void namesAreDnsLabels() {
    String rule = " must be a DNS label (lower-case letters, digits and '-', starting and ending "
        + "with a letter or digit, at most 63 characters), got ";
    String longName = "a".repeat(64);
    assertProblems("""
        name: %s
        clusters:
          - {name: Basic, strategy: static, pd: {replicas: 3}}
          - {name: -x, strategy: static, pd: {replicas: 3}}
          - {name: , strategy: static, pd: {replicas: 3}}
        """.formatted(longName),
        "s.yaml:1:7: name" + rule + "'" + longName + "'",
        "s.yaml:3:12: clusters[0].name" + rule + "'Basic'",
        "s.yaml:4:12: clusters[1].name" + rule + "'-x'",
        "s.yaml:5:11: clusters[2].name" + rule + "an empty value");
  }

  // ------------------------------------------------------------------ types

  @Test
  void wrongTypesNameTheExpectedType() {
    assertProblems("""
        name: [t]
        seed: {a: 1}
        infra: [x]
        clusters: {name: c}
        faults: 3
        duration: [1s]
        expect: ok
        """,
        "s.yaml:1:7: name must be a DNS label (lower-case letters, digits and '-', starting and "
            + "ending with a letter or digit, at most 63 characters), got a list",
        "s.yaml:2:7: seed must be an integer, got a map",
        "s.yaml:3:8: infra must be a map, got a list",
        "s.yaml:4:11: clusters must be a list, got a map",
        "s.yaml:5:9: faults must be a list, got '3'",
        "s.yaml:6:11: duration must be a duration such as '5s', got a list",
        "s.yaml:7:9: expect must be a map, got 'ok'");
  }

  @Test
  void clustersAreChecked() {
    assertProblems("""
        name: t
        clusters:
          - name: a
            strategy: discover
            pd: {replicas: 10}
            tikv: {replicas: 21}
            tidb: 2
          - name: a
            strategy: static
          - 7
        """,
        "s.yaml:4:15: clusters[0].strategy must be one of static, seed-join, seed-join-learner, "
            + "discovery, v2-static, got 'discover'",
        "s.yaml:5:20: clusters[0].pd.replicas must be between 1 and 9, got 10",
        "s.yaml:6:22: clusters[0].tikv.replicas must be between 0 and 20, got 21",
        "s.yaml:7:11: clusters[0].tidb must be a map, got '2'",
        "s.yaml:8:5: missing required key 'pd' in clusters[1]",
        "s.yaml:8:11: clusters[1].name 'a' is already used by clusters[0]",
        "s.yaml:10:5: clusters[2] must be a map, got '7'");
    assertProblems("name: t\nclusters: []\n",
        "s.yaml:2:11: clusters must not be empty: a scenario needs a cluster");
  }

  @Test
  void timingIsChecked() {
    assertProblems("""
        name: t
        clusters:
          - name: a
            strategy: static
            pd: {replicas: 3}
            timing: {tickMs: 100, electionMs: 250, preVote: yes, profile: raft, heartbeatMs: 1}
          - name: b
            strategy: static
            pd: {replicas: 3}
            timing:
              tickMs: 100
              electionMs: 200
              containerStartMs: -1
              strictReconfigCheck: [true]
              podManagementPolicy: Ordered
        """,
        "s.yaml:6:39: clusters[0].timing.electionMs 250 must be a multiple of tickMs 100",
        "s.yaml:6:53: clusters[0].timing.preVote must be true or false, got 'yes'",
        "s.yaml:6:67: clusters[0].timing.profile must be one of etcd, pd, got 'raft'",
        "s.yaml:6:73: unknown key 'heartbeatMs' in clusters[0].timing (known: tickMs, "
            + "electionMs, preVote, strictReconfigCheck, profile, containerStartMs, reconcileMs,"
            + " podManagementPolicy, etcdVersion, clientWritesPerSecond, tidbOperatorVersion,"
            + " mutant)",
        "s.yaml:12:19: clusters[1].timing.electionMs 200 must be at least 3 ticks (tickMs 100)",
        "s.yaml:13:25: clusters[1].timing.containerStartMs must be a non-negative integer, got -1",
        "s.yaml:14:28: clusters[1].timing.strictReconfigCheck must be true or false, got a list",
        "s.yaml:15:28: clusters[1].timing.podManagementPolicy must be one of Parallel,"
            + " OrderedReady, got 'Ordered'");
  }

  @Test
  void infraIsChecked() {
    assertProblems("""
        name: t
        infra:
          provision: yes
          nodes: 3
          workerGroups:
            - {name: pd, count: 0, taints: [x, "a=b:NoRun", "dedicated=pd:NoSchedule"]}
            - {name: pd, count: 1, instanceType: m5.large, labels: [a]}
            - {name: tikv, count: 1, instanceType: m5.large, labels: {tier: {x: 1}}}
        clusters: [{name: c, strategy: static, pd: {replicas: 3}}]
        """,
        "s.yaml:3:14: infra.provision must be true or false, got 'yes'",
        "s.yaml:4:10: infra.nodes must be one of kubelet, agent, got '3'",
        "s.yaml:6:7: missing required key 'instanceType' in infra.workerGroups[0]",
        "s.yaml:6:25: infra.workerGroups[0].count must be >= 1, got 0",
        "s.yaml:6:37: infra.workerGroups[0].taints[0] must be key=value:Effect with Effect one "
            + "of NoSchedule, PreferNoSchedule, NoExecute, got 'x'",
        "s.yaml:6:40: infra.workerGroups[0].taints[1] must be key=value:Effect with Effect one "
            + "of NoSchedule, PreferNoSchedule, NoExecute, got 'a=b:NoRun'",
        "s.yaml:7:14: infra.workerGroups[1].name 'pd' is already used by infra.workerGroups[0]",
        "s.yaml:7:60: infra.workerGroups[1].labels must be a map, got a list",
        "s.yaml:8:69: infra.workerGroups[2].labels.tier must be a string, got a map");
  }

  @Test
  void kubeletNodesAreNotForAProvisionedCluster() {
    assertProblems("""
        name: t
        infra: {provision: true, nodes: kubelet}
        clusters: [{name: c, strategy: static, pd: {replicas: 3}}]
        """,
        "s.yaml:2:33: infra.nodes: kubelet does not apply with infra.provision: true (the"
            + " provisioned cluster's nodes are run by pdlab's node agent); use nodes: agent, or"
            + " worker groups without provision");
  }

  @Test
  void durationsNeedUnitsAndARange() {
    assertProblems("""
        name: t
        clusters: [{name: c, strategy: static, pd: {replicas: 3}}]
        duration: 300
        """, "s.yaml:3:11: duration: '300' has no unit: a duration needs one, e.g. '300s' "
        + "(units: ms, s, m, h)");
    assertProblems("""
        name: t
        clusters: [{name: c, strategy: static, pd: {replicas: 3}}]
        duration: 25h
        """, "s.yaml:3:11: duration must be > 0 and at most 24h, got '25h'");
    assertProblems("""
        name: t
        clusters: [{name: c, strategy: static, pd: {replicas: 3}}]
        duration: 0s
        """, "s.yaml:3:11: duration must be > 0 and at most 24h, got '0s'");
    assertProblems("""
        name: t
        clusters: [{name: c, strategy: static, pd: {replicas: 3}}]
        duration: 5 min
        """, "s.yaml:3:11: duration: '5 min' has an unknown unit ' min' (units: ms, s, m, h)");
  }

  @Test
  void expectIsChecked() {
    assertProblems("""
        name: t
        clusters: [{name: c, strategy: static, pd: {replicas: 3}}]
        expect:
          outcome: fine
          clusterIds: -1
          bootstrapWithin: 0s
          unavailableAtMost: 5
          leaders: 1
        """,
        "s.yaml:4:12: expect.outcome must be one of ok, degraded, stuck, split-brain, "
            + "data-loss, got 'fine'",
        "s.yaml:5:15: expect.clusterIds must be >= 0, got -1",
        "s.yaml:6:20: expect.bootstrapWithin must be > 0, got '0s'",
        "s.yaml:7:22: expect.unavailableAtMost: '5' has no unit: a duration needs one, "
            + "e.g. '5s' (units: ms, s, m, h)",
        "s.yaml:8:3: unknown key 'leaders' in expect (known: outcome, clusterIds, "
            + "pdClusterIds, bootstrapWithin, bootstrapAfter, unavailableAtMost, "
            + "unavailableAtLeast)");
  }

  @Test
  void clientWritesPerSecondIsBounded() {
    assertProblems("""
        name: t
        clusters: [{name: basic, strategy: static, pd: {replicas: 3},
                    timing: {clientWritesPerSecond: 0}}]
        """, "s.yaml:3:45: clusters[0].timing.clientWritesPerSecond must be between 1 and 100, "
            + "got 0");
  }

  @Test
  void tidbOperatorVersionIsOneThatTheModelKnowsOnADiscoveryCluster() {
    assertProblems("""
        name: t
        clusters:
          - {name: a, strategy: discovery, pd: {replicas: 3}, timing: {tidbOperatorVersion: "1.1"}}
          - {name: b, strategy: static, pd: {replicas: 3}, timing: {tidbOperatorVersion: "1.0"}}
          - {name: c, strategy: discovery, pd: {replicas: 3}, timing: {tidbOperatorVersion: 1.0}}
        """,
        "s.yaml:3:85: clusters[0].timing.tidbOperatorVersion must be one of 1.0, 1.5, got '1.1'",
        "s.yaml:4:82: clusters[1].timing.tidbOperatorVersion chooses tidb-operator v1's discovery"
            + " service, so it needs strategy discovery, got 'static'");
  }

  @Test
  void aMutantIsOneThatTheModelHas() {
    assertProblems("""
        name: t
        clusters: [{name: basic, strategy: discovery, pd: {replicas: 3},
                    timing: {mutant: no-raft}}]
        """, "s.yaml:3:30: clusters[0].timing.mutant must be one of discovery-without-count,"
            + " discovery-fails-on-restart, got 'no-raft'");
  }

  @Test
  void etcdVersionIsOneThatTheModelKnows() {
    assertProblems("""
        name: t
        clusters: [{name: basic, strategy: static, pd: {replicas: 3},
                    timing: {etcdVersion: 3.6}}]
        """, "s.yaml:3:35: clusters[0].timing.etcdVersion must be one of 3.4, 3.5, got '3.6'");
  }

  @Test
  void aReRenderedResizeNeedsAStaticClusterAndAState() {
    assertProblems("""
        name: t
        clusters: [{name: basic, strategy: seed-join, pd: {replicas: 3}}]
        faults:
          - {at: 1s, kind: set-replicas, replicas: 4, initialClusterState: existing}
          - {at: 1s, kind: set-replicas, replicas: 4, initialClusterState: old}
          - {at: 1s, kind: set-replicas, replicas: 4, memberAdd: true}
        """, "s.yaml:4:68: faults[0]: initialClusterState and memberAdd re-render a static"
            + " cluster's StatefulSet, but cluster 'basic' uses seed-join (its operator decides"
            + " the new members' flags)",
        "s.yaml:5:68: faults[1].initialClusterState must be one of new, existing, got 'old'",
        "s.yaml:5:68: faults[1]: initialClusterState and memberAdd re-render a static"
            + " cluster's StatefulSet, but cluster 'basic' uses seed-join (its operator decides"
            + " the new members' flags)",
        "s.yaml:6:58: faults[2].memberAdd needs initialClusterState (the flags the added"
            + " members start with)",
        "s.yaml:6:58: faults[2]: initialClusterState and memberAdd re-render a static"
            + " cluster's StatefulSet, but cluster 'basic' uses seed-join (its operator decides"
            + " the new members' flags)");
  }

  @Test
  void aRestoreIsOfAStaticMemberFromAnEarlierSnapshot() {
    assertProblems("""
        name: t
        clusters: [{name: basic, strategy: discovery, pd: {replicas: 3}}]
        faults:
          - {at: 10s, kind: restore-snapshot, member: 1, snapshotAt: 10s, initialCluster: all}
          - {at: 10s, kind: restore-snapshot, member: 1}
        """, "s.yaml:4:21: faults[0]: restore-snapshot is modelled for static clusters (plain"
            + " etcd members, restored with their own flags), but cluster 'basic' uses discovery",
        "s.yaml:4:62: faults[0].snapshotAt must be before at (the snapshot is saved before"
            + " it is restored), got '10s'",
        "s.yaml:4:83: faults[0].initialCluster must be one of same, self, got 'all'",
        "s.yaml:5:5: missing required key 'snapshotAt' in faults[1] (kind restore-snapshot)",
        "s.yaml:5:21: faults[1]: restore-snapshot is modelled for static clusters (plain etcd"
            + " members, restored with their own flags), but cluster 'basic' uses discovery");
  }

  @Test
  void anAddTimeoutNeedsMembersAddedAtRuntime() {
    assertProblems("""
        name: t
        clusters: [{name: basic, strategy: static, pd: {replicas: 3}}]
        faults:
          - {at: 1s, kind: add-timeout, member: 1}
        """, "s.yaml:4:20: faults[0]: add-timeout needs a cluster whose members are added at "
            + "runtime (seed-join, seed-join-learner, discovery, v2-static), but cluster 'basic' "
            + "uses static (its members all start from one list)",
        "s.yaml:4:33: key 'member' does not apply to kind add-timeout in faults[0] "
            + "(add-timeout takes: at, kind, cluster)");
  }

  /**
   * A liveness-kill needs pods whose kubelet would kill a hung member: only seed-join's (coreos
   * etcd-operator's liveness probe) declare a probe; the other strategies' pods have none.
   */
  @Test
  void aLivenessKillNeedsPodsWithALivenessProbe() {
    for (String strategy : List.of("static", "seed-join-learner", "discovery", "v2-static")) {
      assertProblems("""
          name: t
          clusters: [{name: basic, strategy: %s, pd: {replicas: 3}}]
          faults:
            - {at: 1s, kind: liveness-kill, member: 1}
          """.formatted(strategy), "s.yaml:4:20: faults[0]: liveness-kill needs member pods"
              + " with a liveness probe, which only seed-join's declare (coreos/etcd-operator:"
              + " etcdctl endpoint status every 60 s), but cluster 'basic' uses " + strategy
              + ", whose pods have none, so a hung member would never be killed (a pause"
              + " without end is such a hang: use pause)");
    }
    assertProblems("""
        name: t
        clusters: [{name: basic, strategy: seed-join, pd: {replicas: 3}}]
        faults:
          - {at: 1s, kind: liveness-kill}
        """, "s.yaml:4:5: missing required key 'member' in faults[0] (kind liveness-kill)");
  }

  @Test
  void aWrongPeerUrlNamesAMemberInRange() {
    assertProblems("""
        name: t
        clusters: [{name: basic, strategy: discovery, pd: {replicas: 3}}]
        faults:
          - {at: 1s, kind: wrong-peer-url}
          - {at: 1s, kind: wrong-peer-url, member: 3}
          - {at: 1s, kind: wrong-peer-url, member: 1, url: "http://x:2380"}
        """, "s.yaml:4:5: missing required key 'member' in faults[0] (kind wrong-peer-url)",
        "s.yaml:5:44: faults[1].member 3 is out of range: cluster 'basic' has 3 PD replicas by"
            + " then",
        "s.yaml:6:47: unknown key 'url' for kind wrong-peer-url in faults[2] (wrong-peer-url"
            + " takes: at, kind, member, cluster)");
  }

  /** A member a set-replicas creates can be faulted from the resize's time on, not before. */
  @Test
  void aMemberIsInRangeFromTheResizeThatCreatesIt() {
    assertProblems("""
        name: t
        clusters: [{name: basic, strategy: discovery, pd: {replicas: 3}}]
        faults:
          - {at: 80s, kind: crash, member: 3, wipe: true}
          - {at: 10s, kind: pause, member: 3, for: 1s}
          - {at: 40s, kind: set-replicas, replicas: 4}
          - {at: 90s, kind: partition, groups: [[0, 1], [2, 3]], for: 5s}
          - {at: 90s, kind: crash, member: 4}
        duration: 120s
        """, "s.yaml:5:36: faults[1].member 3 is out of range: cluster 'basic' has 3 PD "
            + "replicas by then",
        "s.yaml:8:36: faults[4].member 4 is out of range: cluster 'basic' has 4 PD replicas "
            + "by then");
  }

  @Test
  void expectedOutcomeSetsAndBoundsThatCannotHoldAreRefused() {
    assertProblems("""
        name: t
        clusters: [{name: c, strategy: static, pd: {replicas: 3}}]
        expect:
          outcome: [stuck, fine, stuck]
          pdClusterIds: x
          bootstrapWithin: 10s
          bootstrapAfter: 20s
          unavailableAtMost: 1s
          unavailableAtLeast: 2s
        """,
        "s.yaml:4:20: expect.outcome[1] must be one of ok, degraded, stuck, split-brain, "
            + "data-loss, got 'fine'",
        "s.yaml:4:26: expect.outcome[2] 'stuck' is listed twice",
        "s.yaml:5:17: expect.pdClusterIds must be an integer, got 'x'",
        "s.yaml:7:19: expect.bootstrapAfter (20s) is later than expect.bootstrapWithin (10s): "
            + "no run can meet both",
        "s.yaml:9:23: expect.unavailableAtLeast (2s) is more than expect.unavailableAtMost "
            + "(1s): no run can meet both");
    assertProblems("""
        name: t
        clusters: [{name: c, strategy: static, pd: {replicas: 3}}]
        expect: {outcome: []}
        """, "s.yaml:3:19: expect.outcome must name at least one outcome (one of ok, degraded, "
            + "stuck, split-brain, data-loss), got an empty list");
  }

  // ------------------------------------------------------------------ faults

  @Test
  void faultKindIsRequiredAndKnown() {
    assertProblems(HEAD + """
          - {at: 1s, kind: explode, wipe: true, power: 9}
          - {at: 1s}
        """,
        "s.yaml:5:20: faults[0].kind must be one of never-start, late-start, crash, pause, "
            + "partition, set-replicas, discovery-restart, tc-write, node-loss, operator-restart, "
            + "add-timeout, liveness-kill, restore-snapshot, wrong-peer-url, got 'explode'",
        "s.yaml:5:41: unknown key 'power' in faults[0] (known: at, kind, cluster, member, wipe, "
            + "restartAfter, delay, for, groups, replicas, initialClusterState, memberAdd, every, "
            + "node, snapshotAt, initialCluster)",
        "s.yaml:6:5: missing required key 'kind' in faults[1]");
  }

  @Test
  void onlyTheKindsFieldsAreAllowed() {
    assertProblems(HEAD + """
          - {at: 5s, kind: pause, member: 2, wipe: false, for: 10s}
          - {at: 5s, kind: node-loss, node: pd-1, cluster: basic}
          - {at: 5s, kind: crash, member: 1, restartafter: 1s}
        """,
        "s.yaml:5:38: key 'wipe' does not apply to kind pause in faults[0] (pause takes: at, "
            + "kind, member, for, cluster)",
        "s.yaml:6:43: key 'cluster' does not apply to kind node-loss in faults[1] (node-loss "
            + "takes: at, kind, node)",
        "s.yaml:7:38: unknown key 'restartafter' for kind crash in faults[2] (crash takes: at, "
            + "kind, member, cluster, wipe, restartAfter)");
  }

  @Test
  void requiredFieldsPerKind() {
    assertProblems(HEAD + """
          - {at: 0s, kind: never-start}
          - {at: 0s, kind: late-start, member: 1}
          - {at: 0s, kind: crash}
          - {at: 0s, kind: pause, member: 1}
          - {at: 0s, kind: partition}
          - {at: 0s, kind: set-replicas}
          - {at: 0s, kind: discovery-restart}
          - {at: 0s, kind: tc-write}
          - {at: 0s, kind: node-loss}
          - {kind: crash, member: 0}
        """,
        "s.yaml:5:5: missing required key 'member' in faults[0] (kind never-start)",
        "s.yaml:6:5: missing required key 'delay' in faults[1] (kind late-start)",
        "s.yaml:7:5: missing required key 'member' in faults[2] (kind crash)",
        "s.yaml:8:5: missing required key 'for' in faults[3] (kind pause)",
        "s.yaml:9:5: missing required key 'groups' in faults[4] (kind partition)",
        "s.yaml:10:5: missing required key 'replicas' in faults[5] (kind set-replicas)",
        "s.yaml:12:5: missing required key 'every' in faults[7] (kind tc-write)",
        "s.yaml:13:5: missing required key 'node' in faults[8] (kind node-loss)",
        "s.yaml:14:5: missing required key 'at' in faults[9]");
  }

  @Test
  void faultTimesAreChecked() {
    assertProblems("""
        name: t
        clusters: [{name: basic, strategy: discovery, pd: {replicas: 3}}]
        duration: 1m
        faults:
          - {at: 60s, kind: crash, member: 0, restartAfter: -1s}
          - {at: -1s, kind: pause, member: 0, for: 0s}
          - {at: 5, kind: tc-write, every: 0ms, for: 2}
          - {at: 0s, kind: late-start, member: 0, delay: 1.5x}
        """,
        "s.yaml:5:10: faults[0].at must be before the end of the run (duration 1m), got '60s'",
        "s.yaml:5:53: faults[0].restartAfter must be >= 0, got '-1s'",
        "s.yaml:6:10: faults[1].at must be >= 0, got '-1s'",
        "s.yaml:6:44: faults[1].for must be > 0, got '0s'",
        "s.yaml:7:10: faults[2].at: '5' has no unit: a duration needs one, e.g. '5s' (units: "
            + "ms, s, m, h)",
        "s.yaml:7:36: faults[2].every must be > 0, got '0ms'",
        "s.yaml:7:46: faults[2].for: '2' has no unit: a duration needs one, e.g. '2s' (units: ms, "
            + "s, m, h)",
        "s.yaml:8:50: faults[3].delay: '1.5x' has an unknown unit 'x' (units: ms, s, m, h)");
  }

  @Test
  void atIsComparedWithTheDefaultDuration() {
    assertProblems(HEAD + "  - {at: 5m, kind: crash, member: 0}\n",
        "s.yaml:5:10: faults[0].at must be before the end of the run (duration 300s, the default), got '5m'");
  }

  @Test
  void faultValuesAreTyped() {
    assertProblems(HEAD + """
          - {at: 0s, kind: crash, member: one, wipe: 1}
          - {at: 0s, kind: set-replicas, replicas: 10}
          - {at: 0s, kind: set-replicas, replicas: 0}
          - {at: 0s, kind: never-start, member: -1}
          - {at: 0s, kind: node-loss, node: [pd-1]}
          - {at: 0s, kind: node-loss, node: ""}
          - not a map
        """,
        "s.yaml:5:35: faults[0].member must be an integer, got 'one'",
        "s.yaml:5:46: faults[0].wipe must be true or false, got '1'",
        "s.yaml:6:44: faults[1].replicas must be between 1 and 9, got 10",
        "s.yaml:7:44: faults[2].replicas must be between 1 and 9, got 0",
        "s.yaml:8:41: faults[3].member must be >= 0, got -1",
        "s.yaml:9:37: faults[4].node must be a string, got a list",
        "s.yaml:10:37: faults[5].node must name a node, got ''",
        "s.yaml:11:5: faults[6] must be a map, got 'not a map'");
  }

  @Test
  void partitionGroupsAreChecked() {
    assertProblems(HEAD + """
          - {at: 0s, kind: partition, groups: [[0, 1, 2]]}
          - {at: 0s, kind: partition, groups: [[0, 1], [1, 2]]}
          - {at: 0s, kind: partition, groups: [[0], [], 2]}
          - {at: 0s, kind: partition, groups: [[0], [3]], for: 10s}
          - {at: 0s, kind: partition, groups: {a: [0]}}
        """,
        "s.yaml:5:39: faults[0].groups must have at least 2 groups, got 1",
        "s.yaml:6:49: faults[1].groups[1][0]: member 1 is already in faults[1].groups[0]",
        "s.yaml:7:45: faults[2].groups[1] must not be empty: a group lists member ordinals",
        "s.yaml:7:49: faults[2].groups[2] must be a list, got '2'",
        "s.yaml:8:46: faults[3].groups[1][0] 3 is out of range: cluster 'basic' has 3 PD "
            + "replicas by then",
        "s.yaml:9:39: faults[4].groups must be a list, got a map");
  }

  @Test
  void provisioningBringsItsOwnWorkerGroups() {
    assertProblems("""
        name: t
        infra:
          provision: true
          workerGroups:
            - {name: pd, count: 3, instanceType: m5d.xlarge}
        clusters:
          - {name: basic, strategy: discovery, pd: {replicas: 3}}
        """,
        "s.yaml:5:5: infra.workerGroups does not apply with infra.provision: true (the EKS path"
            + " brings its own worker groups, provisioning.md section 2); give one or the other");
  }

  @Test
  void clusterReferencesAreChecked() {
    assertProblems("""
        name: t
        clusters:
          - {name: one, strategy: static, pd: {replicas: 1}}
          - {name: two, strategy: discovery, pd: {replicas: 5}}
        faults:
          - {at: 0s, kind: set-replicas, cluster: three, replicas: 3}
          - {at: 0s, kind: tc-write, cluster: three, every: 1s}
          - {at: 0s, kind: discovery-restart, cluster: three}
          - {at: 0s, kind: discovery-restart}
          - {at: 0s, kind: discovery-restart, cluster: two}
          - {at: 0s, kind: crash, member: 1}
          - {at: 0s, kind: crash, cluster: two, member: 4}
          - {at: 0s, kind: crash, cluster: two, member: 5}
          - {at: 0s, kind: operator-restart}
          - {at: 0s, kind: operator-restart, cluster: two, restartAfter: 5s}
        """,
        "s.yaml:6:43: faults[0].cluster 'three' is not a cluster of this scenario (clusters: one, "
            + "two)",
        "s.yaml:7:39: faults[1].cluster 'three' is not a cluster of this scenario (clusters: one, "
            + "two)",
        "s.yaml:8:48: faults[2].cluster 'three' is not a cluster of this scenario (clusters: one, "
            + "two)",
        "s.yaml:9:20: faults[3]: discovery-restart needs a cluster with strategy discovery, but "
            + "cluster 'one' uses static",
        "s.yaml:11:35: faults[5].member 1 is out of range: cluster 'one' has 1 PD replica by then",
        "s.yaml:13:49: faults[7].member 5 is out of range: cluster 'two' has 5 PD replicas by then",
        "s.yaml:14:20: faults[8]: operator-restart needs a cluster with an operator (seed-join, "
            + "seed-join-learner, discovery, v2-static), but cluster 'one' uses static");
  }

  @Test
  void ordinalsOfAnInvalidClusterAreStillBounded() {
    assertProblems("""
        name: t
        clusters: [{name: c, strategy: static, pd: {replicas: 30}}]
        faults:
          - {at: 0s, kind: crash, member: 2}
          - {at: 0s, kind: crash, member: 9}
        """,
        "s.yaml:2:55: clusters[0].pd.replicas must be between 1 and 9, got 30",
        "s.yaml:5:35: faults[1].member 9 is out of range: a cluster has at most 9 PD replicas");
  }

  // ------------------------------------------------------------------ many at once

  @Test
  void allProblemsAreReportedTogetherInFileOrder() {
    // Written out of the order the parser visits keys (faults before seed, expect first), so
    // the order of the report comes from sorting by position.
    ScenarioException e = assertThrows(ScenarioException.class, () -> ScenarioParser.parse("""
        expect: {outcome: maybe}
        faults:
          - {at: 1s, kind: crash, member: 3}
        name: t
        seed: 1.5
        clusters:
          - {name: basic, strategy: static, pd: {replicas: 3}, tikv: {replicas: -1}}
        duration: forever
        """, "s.yaml"));

    List<String> expected = List.of(
        "s.yaml:1:19: expect.outcome must be one of ok, degraded, stuck, split-brain, data-loss, "
            + "got 'maybe'",
        "s.yaml:3:35: faults[0].member 3 is out of range: cluster 'basic' has 3 PD replicas "
            + "by then",
        "s.yaml:5:7: seed must be an integer, got '1.5'",
        "s.yaml:7:73: clusters[0].tikv.replicas must be between 0 and 20, got -1",
        "s.yaml:8:11: duration: 'forever' is not a duration: write a number and a unit, "
            + "e.g. '1.5s' (units: ms, s, m, h)");
    assertEquals(expected, e.problems());
    assertEquals(String.join("\n", expected), e.getMessage());
  }

  @Test
  void aSharedNodeIsReportedForEachPathButADuplicateKeyOnce() {
    assertProblems("""
        name: t
        clusters:
          - &c {name: a, strategy: static, strategy: static, pd: {replicas: 0}}
          - {<<: *c, name: b}
        """,
        "s.yaml:3:36: duplicate key 'strategy' in clusters[0] (first at line 3)",
        "s.yaml:3:69: clusters[0].pd.replicas must be between 1 and 9, got 0",
        "s.yaml:3:69: clusters[1].pd.replicas must be between 1 and 9, got 0");
  }
}
