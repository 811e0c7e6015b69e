package io.pdlab.scenarios.yaml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pdlab.scenarios.model.Backend;
import io.pdlab.scenarios.model.ClusterDef;
import io.pdlab.scenarios.model.Expect;
import io.pdlab.scenarios.model.FaultDef;
import io.pdlab.scenarios.model.Infra;
import io.pdlab.scenarios.model.Scenario;
import io.pdlab.scenarios.model.WorkerGroupDef;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Valid scenario files and what they become. */
class ScenarioParserTest {
  /** The example of the issue "Scenario files", comments included. */
  static final String FULL_EXAMPLE = """
      name: discovery-with-late-member   # required, DNS label style, <= 63 chars
      backend: sim                  # sim | etcd | etcd-containers | k3s ; default sim
      seed: 42                      # integer, default 1
      infra:                        # optional
        provision: false            # boolean
        workerGroups:               # list
          - {name: pd, count: 3, instanceType: m5d.xlarge, taints: ["dedicated=pd:NoSchedule"], labels: {dedicated: pd}}
      clusters:                     # required, non-empty list
        - name: basic               # required, DNS label, unique among clusters
          strategy: discovery       # required
          pd: {replicas: 3}         # required; replicas 1..9
          tikv: {replicas: 3}       # optional, default 0; 0..20
          tidb: {replicas: 2}       # optional, default 0; 0..20
          timing: {}                # optional map
      faults:                       # optional list
        - {at: 0s, kind: never-start, member: 1}
        - {at: 5s, kind: crash, member: 0, wipe: false, restartAfter: 10s}
        - {at: 5s, kind: pause, member: 2, for: 10s}
        - {at: 0s, kind: partition, groups: [[0], [1, 2]], for: 30s}
        - {at: 3s, kind: set-replicas, cluster: basic, replicas: 2}
        - {at: 2s, kind: discovery-restart, cluster: basic}
        - {at: 0s, kind: tc-write, cluster: basic, every: 1s, for: 20s}
        - {at: 0s, kind: late-start, member: 2, delay: 20s}
        - {at: 0s, kind: node-loss, node: pd-1}
      duration: 300s               # virtual-time budget
      expect:                      # optional
        outcome: ok
        clusterIds: 1
        bootstrapWithin: 60s
        unavailableAtMost: 5s
      """;

  private static final long S = 1_000_000L;

  private static OptionalLong us(long us) {
    return OptionalLong.of(us);
  }

  private static final OptionalLong NONE = OptionalLong.empty();

  @Test
  void fullExampleParsesToExactRecords() {
    Scenario s = ScenarioParser.parse(FULL_EXAMPLE, "full.yaml");

    assertEquals("full.yaml", s.source());
    assertEquals("discovery-with-late-member", s.name());
    assertEquals(Backend.SIM, s.backend());
    assertEquals(42L, s.seed());
    TreeMap<String, String> labels = new TreeMap<>();
    labels.put("dedicated", "pd");
    assertEquals(new Infra(false, List.of(new WorkerGroupDef("pd", 3, "m5d.xlarge",
        List.of("dedicated=pd:NoSchedule"), labels))), s.infra());
    assertEquals(List.of(new ClusterDef("basic", "discovery", 3, 3, 2, new TreeMap<>())),
        s.clusters());
    List<FaultDef> expected = List.of(
        new FaultDef.NeverStart(0, null, 1, 16),
        new FaultDef.Crash(5 * S, null, 0, false, us(10 * S), 17),
        new FaultDef.Pause(5 * S, null, 2, 10 * S, 18),
        new FaultDef.Partition(0, null, List.of(List.of(0), List.of(1, 2)), us(30 * S), 19),
        new FaultDef.SetReplicas(3 * S, "basic", 2, 20),
        new FaultDef.DiscoveryRestart(2 * S, "basic", 21),
        new FaultDef.TcWrite(0, "basic", 1 * S, us(20 * S), 22),
        new FaultDef.LateStart(0, null, 2, 20 * S, 23),
        new FaultDef.NodeLoss(0, "pd-1", 24));
    for (int i = 0; i < expected.size(); i++) {
      assertEquals(expected.get(i), s.faults().get(i), "faults[" + i + "]");
    }
    assertEquals(expected.size(), s.faults().size());
    assertEquals(300 * S, s.durationUs());
    assertEquals(Expect.of("ok", 1, 60 * S, 5 * S), s.expect());
    Scenario all = ScenarioParser.parse("""
        name: t
        clusters: [{name: c, strategy: static, pd: {replicas: 3}}]
        expect: {outcome: [stuck, degraded], pdClusterIds: 2, bootstrapWithin: 60s,
                 bootstrapAfter: 30s, unavailableAtMost: 10s, unavailableAtLeast: 1s}
        """, "s.yaml");
    assertEquals(new Expect(List.of("stuck", "degraded"), null, 2, 60 * S, 30 * S, 10 * S, S),
        all.expect());
  }

  @Test
  void absentKeysTakeTheirDefaults() {
    Scenario s = ScenarioParser.parse("""
        name: minimal
        clusters:
          - {name: c, strategy: static, pd: {replicas: 1}}
        """, "min.yaml");

    assertEquals(new Scenario("min.yaml", "minimal", Backend.SIM, 1L, Infra.DEFAULT,
        List.of(new ClusterDef("c", "static", 1, 0, 0, new TreeMap<>())), List.of(),
        300 * S, null), s);
    assertEquals(ScenarioParser.DEFAULT_SEED, s.seed());
    assertEquals(ScenarioParser.DEFAULT_DURATION_US, s.durationUs());
  }

  @Test
  void emptyValuesOfOptionalKeysMeanTheDefault() {
    Scenario s = ScenarioParser.parse("""
        name: empties
        backend:
        seed: ~
        infra:
        clusters:
          - {name: c, strategy: v2-static, pd: {replicas: 3}, tikv: null, timing: }
        faults:
        duration:
        expect:
        """, "e.yaml");

    assertEquals(Backend.SIM, s.backend());
    assertEquals(1L, s.seed());
    assertEquals(Infra.DEFAULT, s.infra());
    assertEquals(0, s.clusters().get(0).tikvReplicas());
    assertTrue(s.clusters().get(0).timing().isEmpty());
    assertEquals(List.of(), s.faults());
    assertEquals(300 * S, s.durationUs());
    assertNull(s.expect());
  }

  @Test
  void emptyInfraAndExpectMapsAreKept() {
    Scenario s = ScenarioParser.parse("""
        name: maps
        infra: {provision: true}
        clusters: [{name: c, strategy: seed-join, pd: {replicas: 3}}]
        expect: {}
        """, "m.yaml");

    assertEquals(new Infra(true, List.of()), s.infra());
    assertEquals(Expect.of(null, null, null, null), s.expect());
  }

  @Test
  void timingValuesAreCheckedAndKeptAsCanonicalStrings() {
    Scenario s = ScenarioParser.parse("""
        name: timing
        clusters:
          - name: c
            strategy: seed-join-learner
            pd: {replicas: 5}
            timing:
              tickMs: 0100
              electionMs: 1000
              preVote: True
              strictReconfigCheck: false
              profile: pd
              containerStartMs: 2500
        """, "t.yaml");

    TreeMap<String, String> expected = new TreeMap<>();
    expected.put("tickMs", "100");
    expected.put("electionMs", "1000");
    expected.put("preVote", "true");
    expected.put("strictReconfigCheck", "false");
    expected.put("profile", "pd");
    expected.put("containerStartMs", "2500");
    assertEquals(expected, s.clusters().get(0).timing());
  }

  @Test
  void faultsTargetTheirNamedClusterElseTheFirst() {
    Scenario s = ScenarioParser.parse("""
        name: two
        backend: etcd-containers
        seed: -7
        clusters:
          - {name: small, strategy: static, pd: {replicas: 1}}
          - {name: big, strategy: discovery, pd: {replicas: 5}, tikv: {replicas: 20}}
        faults:
          - {at: 1s, kind: crash, cluster: big, member: 4, wipe: true}
          - {at: 1s, kind: pause, member: 0, for: 1.5s}
          - {at: 1m30s, kind: discovery-restart, cluster: big}
          - {at: 0s, kind: partition, cluster: big, groups: [[0, 1], [2], [3, 4]]}
        duration: 2h
        """, "two.yaml");

    assertEquals(Backend.ETCD_CONTAINERS, s.backend());
    assertEquals(-7L, s.seed());
    assertEquals(20, s.clusters().get(1).tikvReplicas());
    assertEquals(new FaultDef.Crash(S, "big", 4, true, NONE, 8), s.faults().get(0));
    assertEquals(new FaultDef.Pause(S, null, 0, 1_500_000, 9), s.faults().get(1));
    assertEquals(new FaultDef.DiscoveryRestart(90 * S, "big", 10), s.faults().get(2));
    assertEquals(new FaultDef.Partition(0, "big", List.of(List.of(0, 1), List.of(2),
        List.of(3, 4)), NONE, 11), s.faults().get(3));
    assertEquals(2 * 3600 * S, s.durationUs());
  }

  @Test
  void anchorsAliasesAndMergeKeysWork() {
    Scenario s = ScenarioParser.parse("""
        name: merged
        clusters:
          - &base {name: a, strategy: static, pd: &three {replicas: 3}, tidb: *three}
          - {<<: *base, name: b}
        """, "merge.yaml");

    assertEquals(List.of(new ClusterDef("a", "static", 3, 0, 3, new TreeMap<>()),
        new ClusterDef("b", "static", 3, 0, 3, new TreeMap<>())), s.clusters());
  }

  @Test
  void blockStyleFaultsRecordTheLineWhereTheyStart() {
    Scenario s = ScenarioParser.parse("""
        name: lines
        clusters:
          - {name: c, strategy: static, pd: {replicas: 3}}
        faults:
          # the first fault
          - at: 10ms
            kind: crash
            member: 2
            restartAfter: 0s
          - kind: node-loss
            at: 0.25s
            node: pd-0
        """, "lines.yaml");

    assertEquals(new FaultDef.Crash(10_000, null, 2, false, us(0), 6), s.faults().get(0));
    assertEquals(new FaultDef.NodeLoss(250_000, "pd-0", 10), s.faults().get(1));
  }

  @Test
  void parsesAFileAndNamesItInMessages(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("full.yaml");
    Files.writeString(file, "\uFEFF" + FULL_EXAMPLE, StandardCharsets.UTF_8);
    Scenario s = ScenarioParser.parse(file);
    assertEquals(file.toString(), s.source());
    assertEquals(ScenarioParser.parse(FULL_EXAMPLE, file.toString()), s);

    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, "name: x\nseed: abc\nclusters: [{name: c, strategy: static, pd: "
        + "{replicas: 1}}]\n", StandardCharsets.UTF_8);
    ScenarioException e = assertThrows(ScenarioException.class, () -> ScenarioParser.parse(bad));
    assertEquals(bad.toString(), e.source());
    assertEquals(List.of(bad + ":2:7: seed must be an integer, got 'abc'"), e.problems());

    assertThrows(UncheckedIOException.class,
        () -> ScenarioParser.parse(dir.resolve("missing.yaml")));
  }
}
