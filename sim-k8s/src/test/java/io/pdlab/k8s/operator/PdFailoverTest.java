package io.pdlab.k8s.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pdlab.k8s.api.Kind;
import io.pdlab.k8s.api.ObjectMeta;
import io.pdlab.k8s.api.Pod;
import io.pdlab.k8s.api.PodStatus;
import io.pdlab.k8s.api.StatefulSet;
import io.pdlab.k8s.api.TidbCluster;
import io.pdlab.k8s.api.TidbCluster.PdFailureMember;
import io.pdlab.k8s.api.TidbCluster.PdMember;
import io.pdlab.k8s.controllers.K8sWorld;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * tidb-operator v1.5.1's PD failover ({@code pd_failover.go}, {@code pd_member_manager.go}
 * 246-253): only members in Status.PD.Members that PD's health API has found unhealthy for 5
 * minutes, only with a healthy quorum, only when all pods started and not all members are ready,
 * at most MaxFailoverCount (3) deleted, in two phases (mark, then delete member, pod and PVC; the
 * StatefulSet grows by the deleted count); Recover clears the list once the spec's pods are all
 * ready and healthy, and the StatefulSet scales back in.
 */
class PdFailoverTest {
  private static final long MIN_US = 60_000_000L;

  // ------------------------------------------------------------------ the rule, case by case

  private static TidbCluster tc(int replicas, List<PdMember> members,
      List<PdFailureMember> failures) {
    TidbCluster tc = TidbClusters.tidbCluster(ClusterSpec.of("ns", "basic", replicas, "pd"), 0,
        0);
    return tc.withStatus(new TidbCluster.Status(true, members, "", failures, 0, 0, "Normal"));
  }

  private static Pod pod(String name, boolean ready) {
    return new Pod(ObjectMeta.of("ns", name), null,
        new PodStatus(ready ? "Running" : "Pending", ready, "", 0));
  }

  /** Pods basic-pd-0 .. n-1, Ready unless named in {@code notReady}. */
  private static List<Pod> pods(int n, String... notReady) {
    List<Pod> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String name = "basic-pd-" + i;
      out.add(pod(name, !List.of(notReady).contains(name)));
    }
    return out;
  }

  private static PdMember ok(int ordinal) {
    return new PdMember("basic-pd-" + ordinal, 100 + ordinal, true, 0);
  }

  /** Unhealthy since t = 0. */
  private static PdMember down(int ordinal) {
    return new PdMember("basic-pd-" + ordinal, 100 + ordinal, false, 0);
  }

  @Test
  void aMemberUnhealthyForFiveMinutesIsMarkedFirstNotDeleted() {
    TidbCluster t = tc(3, List.of(ok(0), down(1), ok(2)), List.of());
    assertInstanceOf(PdFailover.Step.None.class, PdFailover.decide(t, pods(3, "basic-pd-1"),
        5 * MIN_US - 1), "not before the period");
    // phase 1: the failure member is recorded, not deleted
    assertEquals(new PdFailover.Step.Mark(new PdFailureMember("basic-pd-1", 101, false,
        5 * MIN_US)), PdFailover.decide(t, pods(3, "basic-pd-1"), 5 * MIN_US));
    // phase 2, at the next sync: delete it
    PdFailureMember marked = new PdFailureMember("basic-pd-1", 101, false, 5 * MIN_US);
    TidbCluster t2 = tc(3, List.of(ok(0), down(1), ok(2)), List.of(marked));
    assertEquals(new PdFailover.Step.Delete(marked),
        PdFailover.decide(t2, pods(3, "basic-pd-1"), 5 * MIN_US + 1));
    // a marked member that is healthy again is not deleted
    TidbCluster t3 = tc(3, List.of(ok(0), ok(1), ok(2)), List.of(marked));
    assertInstanceOf(PdFailover.Step.None.class,
        PdFailover.decide(t3, pods(3, "basic-pd-1"), 6 * MIN_US));
  }

  @Test
  void noFailoverWithoutAHealthyQuorum() {
    TidbCluster t = tc(3, List.of(ok(0), down(1), down(2)), List.of());
    PdFailover.Step s = PdFailover.decide(t, pods(3, "basic-pd-1", "basic-pd-2"), 10 * MIN_US);
    assertEquals(new PdFailover.Step.None("not in quorum: healthy 1 / 3"), s);
    // PD's members count, not the spec: 2 healthy of 4 members is no quorum either
    TidbCluster t4 = tc(3, List.of(ok(0), down(1), ok(2), down(3)),
        List.of(new PdFailureMember("basic-pd-9", 109, true, 0)));
    assertEquals(new PdFailover.Step.None("not in quorum: healthy 2 / 4"),
        PdFailover.decide(t4, pods(4, "basic-pd-1", "basic-pd-3"), 10 * MIN_US));
  }

  @Test
  void noFailoverWhileNotAllPodsStarted() {
    // spec 3 plus one deleted failure member: four pods desired, three exist
    PdFailureMember gone = new PdFailureMember("basic-pd-0", 100, true, MIN_US);
    TidbCluster t = tc(3, List.of(ok(1), down(2), ok(3)), List.of(gone));
    List<Pod> three = List.of(pod("basic-pd-1", true), pod("basic-pd-2", false),
        pod("basic-pd-3", true));
    assertEquals(new PdFailover.Step.None("not all pods started (3 of 4)"),
        PdFailover.decide(t, three, 10 * MIN_US));
    List<Pod> four = new ArrayList<>(three);
    four.add(pod("basic-pd-0", false));
    assertInstanceOf(PdFailover.Step.Mark.class, PdFailover.decide(t, four, 10 * MIN_US));
    // and none when all members are ready
    TidbCluster healthy = tc(3, List.of(ok(0), ok(1), ok(2)), List.of());
    assertEquals(new PdFailover.Step.None("all members ready"),
        PdFailover.decide(healthy, pods(3), 10 * MIN_US));
  }

  @Test
  void onlyMembersInStatusAndOfTheSpecsOrdinalsAreCandidates() {
    // a PD pod that never became a member (not in Status.PD.Members) is never failed over
    TidbCluster t = tc(3, List.of(ok(0), ok(1)), List.of());
    assertEquals(new PdFailover.Step.None("no member unhealthy for 300 s"),
        PdFailover.decide(t, pods(3, "basic-pd-2"), 60 * MIN_US));
    // a failover pod (ordinal >= spec replicas) is not either (isPodDesired)
    PdFailureMember gone = new PdFailureMember("basic-pd-0", 100, true, MIN_US);
    TidbCluster t2 = tc(3, List.of(ok(1), ok(2), down(3)), List.of(gone));
    List<Pod> four = pods(4, "basic-pd-0", "basic-pd-3");
    assertEquals(new PdFailover.Step.None("no member unhealthy for 300 s"),
        PdFailover.decide(t2, four, 60 * MIN_US));
  }

  @Test
  void atMostMaxFailoverCountMembersAreDeleted() {
    assertEquals(3, PdFailover.MAX_FAILOVER_COUNT);
    List<PdFailureMember> three = List.of(
        new PdFailureMember("basic-pd-0", 100, true, MIN_US),
        new PdFailureMember("basic-pd-1", 101, true, 7 * MIN_US),
        new PdFailureMember("basic-pd-2", 102, true, 14 * MIN_US));
    TidbCluster t = tc(5, List.of(down(3), ok(4), ok(5), ok(6), ok(7)), three);
    assertEquals(new PdFailover.Step.None("failover replicas (3) reach the limit (3)"),
        PdFailover.decide(t, pods(8, "basic-pd-0", "basic-pd-1", "basic-pd-2", "basic-pd-3"),
            60 * MIN_US));
    // with two deleted, pd-3 is marked
    TidbCluster two = tc(5, List.of(ok(2), down(3), ok(4), ok(5), ok(6)), three.subList(0, 2));
    assertInstanceOf(PdFailover.Step.Mark.class, PdFailover.decide(two,
        pods(7, "basic-pd-0", "basic-pd-1", "basic-pd-3"), 60 * MIN_US));
  }

  @Test
  void recoverOnceTheSpecsPodsAreReadyAndHealthy() {
    PdFailureMember gone = new PdFailureMember("basic-pd-1", 101, true, MIN_US);
    TidbCluster t = tc(3, List.of(ok(0), ok(1), ok(2), ok(3)), List.of(gone));
    assertEquals(new PdFailover.Step.Recover(), PdFailover.decide(t, pods(4), 20 * MIN_US));
    // not while the re-created pd-1 is not Ready, nor while it is not a healthy member
    assertInstanceOf(PdFailover.Step.None.class,
        PdFailover.decide(t, pods(4, "basic-pd-1"), 20 * MIN_US));
    TidbCluster notMember = tc(3, List.of(ok(0), ok(2), ok(3)), List.of(gone));
    assertInstanceOf(PdFailover.Step.None.class,
        PdFailover.decide(notMember, pods(4), 20 * MIN_US));
  }

  // ------------------------------------------------------------------ whole runs

  @Test
  void aPdLostForFiveMinutesIsMarkedThenDeletedThenReplaced() {
    K8sWorld w = StrategiesTest.world(21, 5);
    w.measures().startMeasuring();
    Strategies.DISCOVERY.install(w, ClusterSpec.of("ns", "basic", 3, "pd"));
    List<String> seen = new ArrayList<>();
    w.store().watch(Kind.TIDB_CLUSTER, e -> {
      TidbCluster t = (TidbCluster) e.object();
      StatefulSet set = w.store().get(Kind.STATEFUL_SET, "ns/basic-pd");
      String s = t.status().pdFailureMembers().stream().map(f -> f.podName()
          + (f.memberDeleted() ? " deleted" : " marked")).toList() + " replicas "
          + (set == null ? 0 : set.replicas());
      if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(s)) {
        seen.add(s);
      }
    });
    w.sim().runUntil(200_000_000L);
    assertTrue(w.measures().bootstrapped(), w.measures().measures().describe());
    Pod victim = w.store().get(Kind.POD, "ns/basic-pd-1");
    long lostUs = w.sim().nowUs();
    w.loseNode(victim.spec().nodeName());

    w.sim().runUntil(lostUs + 4 * MIN_US);
    TidbCluster tc = w.store().get(Kind.TIDB_CLUSTER, "ns/basic");
    assertEquals(List.of(), tc.status().pdFailureMembers(), "no failover before 5 minutes");
    PdMember lost = tc.status().pdMembers().stream()
        .filter(m -> m.name().equals("basic-pd-1")).findFirst().orElseThrow();
    assertTrue(!lost.health() && lost.lastTransitionUs() > lostUs, lost.toString());

    w.sim().runUntil(lostUs + 8 * MIN_US);
    tc = w.store().get(Kind.TIDB_CLUSTER, "ns/basic");
    assertEquals(List.of("basic-pd-1"), tc.status().pdFailureMembers().stream()
        .map(PdFailureMember::podName).toList());
    assertTrue(tc.status().pdFailureMembers().get(0).memberDeleted());
    // the two phases in order: marked with the set untouched, then deleted, then the set grows
    // (the watch sees each write a little later: the set has grown by the deleted one's event)
    assertEquals(List.of("[] replicas 3", "[basic-pd-1 marked] replicas 3",
        "[basic-pd-1 deleted] replicas 4"),
        seen.stream().filter(s -> !s.startsWith("[] replicas 0")).distinct().toList());
    StatefulSet set = w.store().get(Kind.STATEFUL_SET, "ns/basic-pd");
    assertEquals(4, set.replicas(), "spec replicas plus one deleted failure member");
    Pod replacement = w.store().get(Kind.POD, "ns/basic-pd-3");
    assertTrue(replacement != null && replacement.status().ready(),
        "the new ordinal joined: " + replacement);
    // The lost member was removed from PD and pd-3 joined through discovery: three voters, all
    // started. The StatefulSet re-created pd-1 with a new, empty volume, but no node is left for
    // it (the lost one's Node deleted, as the cloud's controller does for a terminated instance;
    // one PD per node): it stays Pending, so the failure member is never cleared.
    var pd0 = w.measures().etcd("basic-pd-0");
    assertEquals(3, pd0.raft().voters().size(), pd0.membership().toString());
    assertTrue(pd0.membership().members().values().stream().allMatch(m -> m.started()),
        pd0.membership().toString());
    Pod recreated = w.store().get(Kind.POD, "ns/basic-pd-1");
    assertEquals("Pending", recreated.status().phase());
    assertTrue(w.store().get(Kind.NODE, victim.spec().nodeName()) == null, "the lost Node");
    assertTrue(recreated.status().reason().startsWith("0/4 nodes are available"),
        recreated.status().reason());
  }

  @Test
  void recoverClearsTheFailuresAndScalesBackIn() {
    // a spare node: the re-created pd-1 runs there with an empty volume and joins again
    K8sWorld w = StrategiesTest.world(21, 7);
    w.measures().startMeasuring();
    Strategies.DISCOVERY.install(w, ClusterSpec.of("ns", "basic", 3, "pd"));
    List<Integer> failureCounts = new ArrayList<>();
    w.store().watch(Kind.TIDB_CLUSTER, e -> {
      int n = ((TidbCluster) e.object()).status().pdFailureMembers().size();
      if (failureCounts.isEmpty() || failureCounts.get(failureCounts.size() - 1) != n) {
        failureCounts.add(n);
      }
    });
    w.sim().runUntil(200_000_000L);
    assertTrue(w.measures().bootstrapped(), w.measures().measures().describe());
    Pod victim = w.store().get(Kind.POD, "ns/basic-pd-1");
    w.loseNode(victim.spec().nodeName());
    // The lost machine's local PV goes with it (an operator cleaning up, or the local volume
    // provisioner's node gone): the model's scheduler would otherwise take it as pre-bound to
    // the re-created claim of the same name, which lives nowhere.
    w.store().delete(Kind.PERSISTENT_VOLUME, "pv-" + victim.spec().nodeName());
    w.sim().runUntil(w.sim().nowUs() + 20 * MIN_US);

    assertEquals(List.of(0, 1, 0), failureCounts, "failed over once, then recovered");
    TidbCluster tc = w.store().get(Kind.TIDB_CLUSTER, "ns/basic");
    assertEquals(List.of(), tc.status().pdFailureMembers());
    assertEquals(3, ((StatefulSet) w.store().get(Kind.STATEFUL_SET, "ns/basic-pd")).replicas(),
        "scaled back in");
    assertNull(w.store().get(Kind.POD, "ns/basic-pd-3"), "the failover pod is gone");
    assertTrue(((Pod) w.store().get(Kind.POD, "ns/basic-pd-1")).status().ready());
    var pd0 = w.measures().etcd("basic-pd-0");
    assertEquals(List.of("basic-pd-0", "basic-pd-1", "basic-pd-2"),
        pd0.membership().members().values().stream().map(m -> m.name()).sorted().toList(),
        "pd-3 deleted from PD before the set shrank: " + pd0.membership());
    assertEquals(List.of("basic-pd-0", "basic-pd-1", "basic-pd-2"),
        tc.status().pdMemberNames());
    assertTrue(tc.status().pdMembers().stream().allMatch(PdMember::health),
        tc.status().pdMembers().toString());
  }
}
