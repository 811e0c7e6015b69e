package io.pdlab.scenarios.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The typed fault model: kinds, their keys, the backends that can carry them out, dispatch. */
class FaultDefTest {
  private static final OptionalLong NONE = OptionalLong.empty();

  /** One fault of each kind, in {@link FaultKind} order. */
  static final List<FaultDef> ONE_OF_EACH = List.of(
      new FaultDef.NeverStart(0, null, 1, 1),
      new FaultDef.LateStart(0, "c", 2, 20_000_000, 2),
      new FaultDef.Crash(5_000_000, null, 0, true, OptionalLong.of(10_000_000), 3),
      new FaultDef.Pause(5_000_000, null, 2, 10_000_000, 4),
      new FaultDef.Partition(0, null, List.of(List.of(0), List.of(1, 2)), NONE, 5),
      new FaultDef.SetReplicas(3_000_000, "c", 2, 6),
      new FaultDef.DiscoveryRestart(2_000_000, "c", 7),
      new FaultDef.TcWrite(0, "c", 1_000_000, OptionalLong.of(20_000_000), 8),
      new FaultDef.NodeLoss(0, "pd-1", 9),
      new FaultDef.OperatorRestart(4_000_000, "c", 6_000_000, 10),
      new FaultDef.AddTimeout(1_000_000, "c", 11),
      new FaultDef.LivenessKill(60_000_000, "c", 1, 12),
      new FaultDef.RestoreSnapshot(60_000_000, "c", 1, 30_000_000, true, 12),
      new FaultDef.WrongPeerUrl(0, "c", 1, 12));

  /** Names the kind by the visitor method that was called, not by the fault's own kind(). */
  private static final FaultDef.Visitor<FaultKind> CALLED = new FaultDef.Visitor<>() {
    @Override
    public FaultKind neverStart(FaultDef.NeverStart f) {
      return FaultKind.NEVER_START;
    }

    @Override
    public FaultKind lateStart(FaultDef.LateStart f) {
      return FaultKind.LATE_START;
    }

    @Override
    public FaultKind crash(FaultDef.Crash f) {
      return FaultKind.CRASH;
    }

    @Override
    public FaultKind pause(FaultDef.Pause f) {
      return FaultKind.PAUSE;
    }

    @Override
    public FaultKind partition(FaultDef.Partition f) {
      return FaultKind.PARTITION;
    }

    @Override
    public FaultKind setReplicas(FaultDef.SetReplicas f) {
      return FaultKind.SET_REPLICAS;
    }

    @Override
    public FaultKind wrongPeerUrl(FaultDef.WrongPeerUrl f) {
      return FaultKind.WRONG_PEER_URL;
    }

    @Override
    public FaultKind addTimeout(FaultDef.AddTimeout f) {
      return FaultKind.ADD_TIMEOUT;
    }

    @Override
    public FaultKind restoreSnapshot(FaultDef.RestoreSnapshot f) {
      return FaultKind.RESTORE_SNAPSHOT;
    }

    @Override
    public FaultKind operatorRestart(FaultDef.OperatorRestart f) {
      return FaultKind.OPERATOR_RESTART;
    }

    @Override
    public FaultKind discoveryRestart(FaultDef.DiscoveryRestart f) {
      return FaultKind.DISCOVERY_RESTART;
    }

    @Override
    public FaultKind tcWrite(FaultDef.TcWrite f) {
      return FaultKind.TC_WRITE;
    }

    @Override
    public FaultKind nodeLoss(FaultDef.NodeLoss f) {
      return FaultKind.NODE_LOSS;
    }

    @Override
    public FaultKind livenessKill(FaultDef.LivenessKill f) {
      return FaultKind.LIVENESS_KILL;
    }
  };

  @Test
  void everyKindIsOneRecordDispatchedToItsOwnVisitorMethod() {
    assertEquals(Arrays.asList(FaultKind.values()), ONE_OF_EACH.stream().map(FaultDef::kind)
        .toList(), "one sample per kind, in kind order");
    Set<Class<?>> records = new LinkedHashSet<>();
    for (FaultDef f : ONE_OF_EACH) {
      records.add(f.getClass());
      assertEquals(f.kind(), f.accept(CALLED), f.toString());
    }
    assertEquals(Set.of(FaultDef.class.getPermittedSubclasses()), records,
        "every record of FaultDef has a sample here, and no two samples share a record");
  }

  @Test
  void kindsAreNamedAsInScenarioFiles() {
    assertEquals(List.of("never-start", "late-start", "crash", "pause", "partition",
        "set-replicas", "discovery-restart", "tc-write", "node-loss", "operator-restart",
        "add-timeout", "liveness-kill", "restore-snapshot", "wrong-peer-url"),
        FaultKind.labels());
    for (FaultKind k : FaultKind.values()) {
      assertEquals(Optional.of(k), FaultKind.of(k.label()));
      assertEquals(k.label(), k.toString());
    }
    assertEquals(Optional.empty(), FaultKind.of("explode"));
    assertEquals(Optional.empty(), FaultKind.of("NEVER_START"));
  }

  @Test
  void eachKindTakesItsOwnKeys() {
    Map<FaultKind, List<String>> takes = new TreeMap<>();
    takes.put(FaultKind.NEVER_START, List.of("at", "kind", "member", "cluster"));
    takes.put(FaultKind.LATE_START, List.of("at", "kind", "member", "delay", "cluster"));
    takes.put(FaultKind.CRASH, List.of("at", "kind", "member", "cluster", "wipe",
        "restartAfter"));
    takes.put(FaultKind.PAUSE, List.of("at", "kind", "member", "for", "cluster"));
    takes.put(FaultKind.PARTITION, List.of("at", "kind", "groups", "cluster", "for"));
    takes.put(FaultKind.SET_REPLICAS, List.of("at", "kind", "replicas", "cluster",
        "initialClusterState", "memberAdd"));
    takes.put(FaultKind.DISCOVERY_RESTART, List.of("at", "kind", "cluster"));
    takes.put(FaultKind.TC_WRITE, List.of("at", "kind", "every", "cluster", "for"));
    takes.put(FaultKind.NODE_LOSS, List.of("at", "kind", "node"));
    takes.put(FaultKind.OPERATOR_RESTART, List.of("at", "kind", "cluster", "restartAfter"));
    takes.put(FaultKind.ADD_TIMEOUT, List.of("at", "kind", "cluster"));
    takes.put(FaultKind.LIVENESS_KILL, List.of("at", "kind", "member", "cluster"));
    takes.put(FaultKind.RESTORE_SNAPSHOT, List.of("at", "kind", "member", "snapshotAt",
        "cluster", "initialCluster"));
    takes.put(FaultKind.WRONG_PEER_URL, List.of("at", "kind", "member", "cluster"));
    for (FaultKind k : FaultKind.values()) {
      assertEquals(takes.get(k), k.takes(), k.label());
    }
  }

  @Test
  void theListOfAllKeysHoldsExactlyTheKeysOfTheKinds() {
    Set<String> union = new LinkedHashSet<>();
    for (FaultKind k : FaultKind.values()) {
      union.addAll(k.takes());
    }
    assertEquals(union, Set.copyOf(FaultKind.KEYS));
    assertEquals(FaultKind.KEYS.size(), Set.copyOf(FaultKind.KEYS).size(), "no key twice");
  }

  @Test
  void eachKindSaysWhichBackendsCarryItOut() {
    Set<Backend> model = EnumSet.of(Backend.SIM, Backend.ETCD, Backend.ETCD_CONTAINERS,
        Backend.K8S);
    Map<FaultKind, Set<Backend>> expected = new TreeMap<>();
    expected.put(FaultKind.NEVER_START, model);
    expected.put(FaultKind.LATE_START, model);
    expected.put(FaultKind.CRASH, model);
    expected.put(FaultKind.PAUSE, model);
    expected.put(FaultKind.PARTITION, EnumSet.of(Backend.SIM, Backend.ETCD_CONTAINERS));
    expected.put(FaultKind.SET_REPLICAS, model);
    expected.put(FaultKind.DISCOVERY_RESTART, model);
    expected.put(FaultKind.TC_WRITE, model);
    expected.put(FaultKind.NODE_LOSS, model);
    expected.put(FaultKind.OPERATOR_RESTART, model);
    expected.put(FaultKind.ADD_TIMEOUT, model);
    // the model's kubelet (or a real one) runs the probes, and the host's etcdctl restores
    // into data dirs that are all on this host
    expected.put(FaultKind.LIVENESS_KILL, model);
    expected.put(FaultKind.RESTORE_SNAPSHOT, model);
    expected.put(FaultKind.WRONG_PEER_URL, EnumSet.of(Backend.SIM, Backend.ETCD,
        Backend.ETCD_CONTAINERS, Backend.K8S));
    for (FaultKind k : FaultKind.values()) {
      assertEquals(expected.get(k), k.backends(), k.label());
      for (Backend b : Backend.values()) {
        assertEquals(expected.get(k).contains(b), k.refusal(b) == null, k + " on " + b);
      }
    }
  }

  @Test
  void refusalsSayWhyAndWhatToUseInstead() {
    FaultKind.Refusal r = FaultKind.PARTITION.refusal(Backend.ETCD);
    assertNotNull(r);
    assertEquals(Backend.ETCD_CONTAINERS, r.instead());
    assertEquals("backend 'etcd' cannot partition members (local processes share the host's"
        + " loopback); use backend etcd-containers", r.message("backend"));
    assertEquals("backend 'etcd' cannot partition members (local processes share the host's"
        + " loopback); use --backend etcd-containers", r.message("--backend"));
    assertEquals("backend 'k3s' cannot crash members (no k3s driver exists yet)",
        FaultKind.CRASH.refusal(Backend.K3S).message("backend"));
    assertNull(FaultKind.PARTITION.refusal(Backend.ETCD_CONTAINERS));
    assertEquals("backend 'k8s' cannot partition members (the node agent's pods are local"
        + " processes sharing the host's loopback); use backend etcd-containers",
        FaultKind.PARTITION.refusal(Backend.K8S).message("backend"));
    for (Backend b : List.of(Backend.SIM, Backend.ETCD, Backend.ETCD_CONTAINERS, Backend.K8S)) {
      assertEquals(null, FaultKind.WRONG_PEER_URL.refusal(b), b.label());
      assertEquals(null, FaultKind.LIVENESS_KILL.refusal(b), b.label());
      assertEquals(null, FaultKind.RESTORE_SNAPSHOT.refusal(b), b.label());
    }
  }

  @Test
  void backendsAreNamedAsInScenarioFilesAndOnlyK3sCannotRunHere() {
    assertEquals(List.of("sim", "etcd", "etcd-containers", "k3s", "k8s"), Backend.labels());
    List<Backend> unavailable = new ArrayList<>();
    for (Backend b : Backend.values()) {
      assertEquals(Optional.of(b), Backend.of(b.label()));
      assertEquals(b.label(), b.toString());
      if (b.unavailable() != null) {
        unavailable.add(b);
      }
    }
    assertEquals(List.of(Backend.K3S), unavailable);
    assertEquals(Optional.empty(), Backend.of("ETCD"));
  }

  @Test
  void playingOutCountsTheLastScheduledChange() {
    List<Long> expected = List.of(0L, 20_000_000L, 10_000_000L, 10_000_000L, 0L, 0L, 0L,
        20_000_000L, 0L, 6_000_000L, 0L, 215_000_000L, 0L, 0L);
    for (int i = 0; i < ONE_OF_EACH.size(); i++) {
      assertEquals(expected.get(i), ONE_OF_EACH.get(i).playsOutAfterUs(),
          ONE_OF_EACH.get(i).toString());
    }
    assertEquals(0, new FaultDef.Crash(0, null, 0, false, NONE, 0).playsOutAfterUs(),
        "a crash without restart makes no change after its time");
    assertEquals(4_000_000, new FaultDef.Partition(0, null, List.of(List.of(0), List.of(1)),
        OptionalLong.of(4_000_000), 0).playsOutAfterUs());
  }

  @Test
  void recordsRefuseValuesNoScenarioFileCouldHold() {
    List<Runnable> bad = List.of(
        () -> new FaultDef.NeverStart(-1, null, 0, 0),
        () -> new FaultDef.NeverStart(0, null, -1, 0),
        () -> new FaultDef.LateStart(0, null, 0, -1, 0),
        () -> new FaultDef.Crash(0, null, 0, false, OptionalLong.of(-1), 0),
        () -> new FaultDef.Pause(0, null, 0, 0, 0),
        () -> new FaultDef.RestoreSnapshot(10, null, 0, 10, false, 0),
        () -> new FaultDef.RestoreSnapshot(10, null, 0, -1, false, 0),
        () -> new FaultDef.Partition(0, null, List.of(List.of(0, 1, 2)), NONE, 0),
        () -> new FaultDef.Partition(0, null, List.of(List.of(0), List.of()), NONE, 0),
        () -> new FaultDef.Partition(0, null, List.of(List.of(0), List.of(1)),
            OptionalLong.of(0), 0),
        () -> new FaultDef.SetReplicas(0, null, 0, 0),
        () -> new FaultDef.SetReplicas(0, null, 4, "old", false, 0),
        () -> new FaultDef.SetReplicas(0, null, 4, null, true, 0),
        () -> new FaultDef.TcWrite(0, null, 0, NONE, 0),
        () -> new FaultDef.TcWrite(0, null, 1, OptionalLong.of(0), 0),
        () -> new FaultDef.NodeLoss(0, " ", 0),
        () -> new FaultDef.LivenessKill(0, null, -1, 0),
        () -> new FaultDef.WrongPeerUrl(0, null, -1, 0));
    for (int i = 0; i < bad.size(); i++) {
      assertThrows(IllegalArgumentException.class, bad.get(i)::run, "case " + i);
    }
    assertThrows(NullPointerException.class, () -> new FaultDef.Crash(0, null, 0, false, null,
        0));
  }

  /** The explore search's edits, as each kind answers them; a copy is not from a file (line 0). */
  @Test
  void eachKindAnswersTheSearchsEdits() {
    List<FaultDef> f = ONE_OF_EACH;
    OptionalLong ten = OptionalLong.of(10_000_000);
    List<List<Integer>> groups = List.of(List.of(2), List.of(0, 1));
    assertEquals(List.of(f.get(0), f.get(1),
        new FaultDef.Crash(7_000_000, null, 0, true, ten, 0),
        new FaultDef.Pause(7_000_000, null, 2, 10_000_000, 0),
        new FaultDef.Partition(7_000_000, null, List.of(List.of(0), List.of(1, 2)), NONE, 0),
        new FaultDef.SetReplicas(7_000_000, "c", 2, 0),
        new FaultDef.DiscoveryRestart(7_000_000, "c", 0),
        new FaultDef.TcWrite(7_000_000, "c", 1_000_000, OptionalLong.of(20_000_000), 0),
        new FaultDef.NodeLoss(7_000_000, "pd-1", 0),
        new FaultDef.OperatorRestart(7_000_000, "c", 6_000_000, 0),
        new FaultDef.AddTimeout(7_000_000, "c", 0),
        new FaultDef.LivenessKill(7_000_000, "c", 1, 0),
        new FaultDef.RestoreSnapshot(7_000_000, "c", 1, 0, true, 0),
        new FaultDef.WrongPeerUrl(7_000_000, "c", 1, 0)),
        f.stream().map(d -> d.withAt(7_000_000)).toList(), "withAt");
    assertEquals(List.of(new FaultDef.NeverStart(0, null, 3, 0),
        new FaultDef.LateStart(0, "c", 3, 20_000_000, 0),
        new FaultDef.Crash(5_000_000, null, 3, true, ten, 0),
        new FaultDef.Pause(5_000_000, null, 3, 10_000_000, 0),
        new FaultDef.Partition(0, null, groups, NONE, 0), f.get(5), f.get(6), f.get(7),
        new FaultDef.NodeLoss(0, "node-3", 0), f.get(9), f.get(10),
        new FaultDef.LivenessKill(60_000_000, "c", 3, 0),
        new FaultDef.RestoreSnapshot(60_000_000, "c", 3, 30_000_000, true, 0),
        new FaultDef.WrongPeerUrl(0, "c", 3, 0)),
        f.stream().map(d -> d.withMember(3, groups)).toList(), "withMember");
    assertEquals(f.get(4), f.get(4).withMember(1, null), "a partition without other groups");
    assertEquals(List.of(-1L, 20_000_000L, 10_000_000L, 10_000_000L, -1L, -1L, -1L, 20_000_000L,
        -1L, 6_000_000L, -1L, -1L, 30_000_000L, -1L), f.stream().map(FaultDef::lengthUs)
        .toList());
    assertEquals(List.of(f.get(0), new FaultDef.LateStart(0, "c", 2, 3_000_000, 0),
        new FaultDef.Crash(5_000_000, null, 0, true, OptionalLong.of(3_000_000), 0),
        new FaultDef.Pause(5_000_000, null, 2, 3_000_000, 0), f.get(4), f.get(5), f.get(6),
        new FaultDef.TcWrite(0, "c", 1_000_000, OptionalLong.of(3_000_000), 0), f.get(8),
        new FaultDef.OperatorRestart(4_000_000, "c", 3_000_000, 0), f.get(10), f.get(11),
        new FaultDef.RestoreSnapshot(60_000_000, "c", 1, 57_000_000, true, 0), f.get(13)),
        f.stream().map(d -> d.withLengthUs(3_000_000)).toList(),
        "withLengthUs(3s)");
    List<FaultDef> zero = new ArrayList<>(f);
    zero.set(1, new FaultDef.LateStart(0, "c", 2, 0, 0));
    zero.set(2, new FaultDef.Crash(5_000_000, null, 0, true, OptionalLong.of(0), 0));
    zero.set(9, new FaultDef.OperatorRestart(4_000_000, "c", 0, 0));
    assertEquals(zero, f.stream().map(d -> d.withLengthUs(0)).toList(), "withLengthUs(0)");
    List<FaultDef> two = new ArrayList<>(f);
    two.set(1, null);
    two.set(3, null);
    two.set(4, new FaultDef.Partition(0, null, List.of(List.of(0), List.of(1)), NONE, 0));
    assertEquals(two, f.stream().map(d -> d.within(2)).toList(), "within(2)");
    assertNull(f.get(4).within(1), "a partition with one group left");
    assertNull(f.get(8).within(1), "node pd-1 beyond 1 member");
    List<FaultDef> one = new ArrayList<>(two);
    for (int i : List.of(0, 11, 12, 13)) {
      one.set(i, null);
    }
    one.set(4, null);
    one.set(8, null);
    assertEquals(one, f.stream().map(d -> d.within(1)).toList(), "within(1): member 1 is gone");
    FaultDef worker = new FaultDef.NodeLoss(0, "worker", 0);
    assertEquals(worker, worker.within(1), "a node named by no number is no member's");
    assertNull(new FaultDef.NodeLoss(0, "rack1-node-12", 0).within(3), "its last number");
  }

  /**
   * A restore-snapshot moves with its snapshot as long before it as it was, saved at 0 at the
   * earliest (so it always comes before the restore), and cannot move to 0 or lose its gap.
   */
  @Test
  void aRestoreKeepsItsSnapshotBeforeItWhereverItMoves() {
    FaultDef.RestoreSnapshot r = new FaultDef.RestoreSnapshot(60_000_000, null, 2, 50_000_000,
        false, 3);
    assertEquals(new FaultDef.RestoreSnapshot(15_000_000, null, 2, 5_000_000, false, 0),
        r.withAt(15_000_000));
    assertEquals(new FaultDef.RestoreSnapshot(80_000_000, null, 2, 70_000_000, false, 0),
        r.withAt(80_000_000));
    assertEquals(new FaultDef.RestoreSnapshot(4_000_000, null, 2, 0, false, 0),
        r.withAt(4_000_000), "a snapshot before 0 is saved at 0");
    assertEquals(new FaultDef.RestoreSnapshot(1, null, 2, 0, false, 0), r.withAt(1));
    assertEquals(r, r.withAt(0), "no snapshot comes before a restore at 0");
    assertEquals(new FaultDef.RestoreSnapshot(60_000_000, null, 2, 0, false, 0),
        r.withLengthUs(90_000_000), "a snapshot more than at before is saved at 0");
    assertEquals(new FaultDef.RestoreSnapshot(60_000_000, null, 2, 59_999_999, false, 0),
        r.withLengthUs(1));
    assertEquals(r, r.withLengthUs(0), "the snapshot cannot be saved at the restore");
  }

  /** Which member each kind acts on: those with {@code member:}; the others name none. */
  @Test
  void eachKindSaysWhichMemberItActsOn() {
    OptionalInt none = OptionalInt.empty();
    assertEquals(List.of(OptionalInt.of(1), OptionalInt.of(2), OptionalInt.of(0),
        OptionalInt.of(2), none, none, none, none, none, none, none, OptionalInt.of(1),
        OptionalInt.of(1), OptionalInt.of(1)), ONE_OF_EACH.stream().map(FaultDef::onMember)
        .toList());
    for (FaultDef f : ONE_OF_EACH) {
      assertEquals(f.kind().takes().contains("member"), f.onMember().isPresent(), f.toString());
    }
  }

  /**
   * What each kind takes from a cluster for good, as explore judges an outcome by it: a member
   * that never starts or crashes with no restart, one whose data a crash wipes, a node, or the
   * members outside the largest group of a partition never healed; nothing for the others.
   */
  @Test
  void eachKindSaysWhatItTakesAwayForGood() {
    FaultDef.TakenAway nothing = FaultDef.TakenAway.NOTHING;
    List<FaultDef.TakenAway> expected = new ArrayList<>(java.util.Collections.nCopies(
        ONE_OF_EACH.size(), nothing));
    expected.set(0, new FaultDef.TakenAway(List.of(1), List.of(), 0));
    expected.set(2, new FaultDef.TakenAway(List.of(), List.of(0), 0));
    expected.set(4, new FaultDef.TakenAway(List.of(0), List.of(), 0));
    expected.set(8, new FaultDef.TakenAway(List.of(), List.of(), 1));
    assertEquals(expected, ONE_OF_EACH.stream().map(f -> f.takenAway(3)).toList());
    assertEquals(new FaultDef.TakenAway(List.of(2), List.of(), 0),
        new FaultDef.Crash(0, null, 2, false, NONE, 0).takenAway(3), "no restart");
    assertEquals(new FaultDef.TakenAway(List.of(1, 2, 3), List.of(), 0),
        new FaultDef.Partition(0, null, List.of(List.of(0), List.of(1), List.of(2)), NONE, 0)
            .takenAway(4), "the first largest group stays, the members in no group are out");
    assertEquals(nothing, new FaultDef.Partition(0, null, List.of(List.of(0), List.of(1, 2)),
        OptionalLong.of(1), 0).takenAway(3), "a healed partition");
    assertThrows(IllegalArgumentException.class, () -> new FaultDef.TakenAway(List.of(),
        List.of(), -1));
  }

  @Test
  void partitionGroupsAreCopied() {
    List<Integer> rest = new ArrayList<>(List.of(1, 2));
    FaultDef.Partition p = new FaultDef.Partition(0, null, List.of(List.of(0), rest), NONE, 0);
    rest.add(3);
    assertEquals(List.of(List.of(0), List.of(1, 2)), p.groups());
  }
}
