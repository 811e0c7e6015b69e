package io.pdlab.k8s.sched;

import static io.pdlab.k8s.sched.Fixtures.NS;
import static io.pdlab.k8s.sched.Fixtures.boundTo;
import static io.pdlab.k8s.sched.Fixtures.cacheWith;
import static io.pdlab.k8s.sched.Fixtures.localPv;
import static io.pdlab.k8s.sched.Fixtures.monitorNode;
import static io.pdlab.k8s.sched.Fixtures.node;
import static io.pdlab.k8s.sched.Fixtures.pdNode;
import static io.pdlab.k8s.sched.Fixtures.pdPod;
import static io.pdlab.k8s.sched.Fixtures.plainPod;
import static io.pdlab.k8s.sched.Fixtures.pvc;
import static io.pdlab.k8s.sched.Fixtures.tikvNode;
import static io.pdlab.k8s.sched.Fixtures.workers;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.pdlab.k8s.api.Node;
import io.pdlab.k8s.api.ObjectMeta;
import io.pdlab.k8s.api.Pod;
import io.pdlab.k8s.api.Resources;
import io.pdlab.k8s.api.Taint;
import io.pdlab.k8s.api.Toleration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The pure scheduler against a cache: filters, messages, volumes, scoring and sampling. */
class KubeSchedulerTest {
  private static final String PD_TAINTS_MISSING = "0/6 nodes are available: "
      + "1 node(s) didn't match Pod's node affinity, "
      + "2 node(s) had taint {dedicated: tidb}, that the pod didn't tolerate, "
      + "3 node(s) had taint {dedicated: tikv}, that the pod didn't tolerate.";

  private static SchedulingDecision scheduleAndAssume(KubeScheduler s, Pod p, VolumeLookup v) {
    SchedulingDecision d = s.schedule(p, v);
    if (d instanceof SchedulingDecision.Bound b) {
      s.cache().assume(p, b);
    }
    return d;
  }

  private static String nodeOf(SchedulingDecision d) {
    return assertInstanceOf(SchedulingDecision.Bound.class, d, d::toString).nodeName();
  }

  private static String messageOf(SchedulingDecision d) {
    return assertInstanceOf(SchedulingDecision.Unschedulable.class, d, d::toString).message();
  }

  // ---------------------------------------------------------------- taints and selectors

  @Test
  void taintsKeepPdPodOffOtherGroupsWithKubeSchedulersMessage() {
    List<Node> nodes = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      nodes.add(tikvNode("tikv-" + i));
    }
    for (int i = 0; i < 3; i++) {
      nodes.add(monitorNode("monitor-" + i));
    }
    KubeScheduler s = new KubeScheduler(cacheWith(nodes));

    assertEquals("0/9 nodes are available: "
        + "3 node(s) didn't match Pod's node affinity, "
        + "6 node(s) had taint {dedicated: tikv}, that the pod didn't tolerate.",
        messageOf(s.schedule(pdPod("basic", 0), VolumeLookup.NONE)));
  }

  @Test
  void pdPodStaysPendingWithoutPdNodesAndBindsOnceOneIsAdded() {
    SchedulerCache cache = cacheWith(workers(false));
    KubeScheduler s = new KubeScheduler(cache);
    Pod pd = pdPod("basic", 0);

    assertEquals(PD_TAINTS_MISSING, messageOf(s.schedule(pd, VolumeLookup.NONE)));
    assertEquals(6, s.lastEvaluatedNodes());
    assertEquals(0, s.lastFeasibleNodes());

    cache.addNode(pdNode("pd-0"));
    assertEquals("pd-0", nodeOf(s.schedule(pd, VolumeLookup.NONE)));
  }

  @Test
  void untaintedPodStillNeedsItsSelector() {
    TreeMap<String, String> selector = new TreeMap<>();
    selector.put("dedicated", "monitor");
    Pod p = Fixtures.pod("grafana", new TreeMap<>(), selector, List.of(), Resources.NONE, null,
        List.of());
    KubeScheduler s = new KubeScheduler(cacheWith(List.of(monitorNode("monitor-0"))));

    assertEquals("0/1 nodes are available: 1 node(s) didn't match Pod's node affinity.",
        messageOf(s.schedule(p, VolumeLookup.NONE)));
  }

  @Test
  void cordonedNodeIsUnschedulableUnlessTolerated() {
    Node cordoned = new Node(ObjectMeta.of("", "monitor-0"), List.of(), new Resources(4_000, 8_192),
        List.of(), "us-west-2a", true, true);
    KubeScheduler s = new KubeScheduler(cacheWith(List.of(cordoned)));

    assertEquals("0/1 nodes are available: 1 node(s) were unschedulable.",
        messageOf(s.schedule(plainPod("a", Resources.NONE), VolumeLookup.NONE)));

    Pod tolerant = Fixtures.pod("ds", new TreeMap<>(), new TreeMap<>(),
        List.of(new Toleration(KubeScheduler.UNSCHEDULABLE_TAINT_KEY, "Exists", null, null)),
        Resources.NONE, null, List.of());
    assertEquals("monitor-0", nodeOf(s.schedule(tolerant, VolumeLookup.NONE)));
  }

  @Test
  void emptySnapshotIsNoNodesAvailable() {
    KubeScheduler s = new KubeScheduler(new SchedulerCache());
    assertEquals("no nodes available to schedule pods",
        messageOf(s.schedule(plainPod("a", Resources.NONE), VolumeLookup.NONE)));
  }

  // ---------------------------------------------------------------- resources

  @Test
  void exhaustedResourcesUseNodeResourcesFitWording() {
    KubeScheduler s = new KubeScheduler(cacheWith(List.of(monitorNode("monitor-0"))));

    assertEquals("monitor-0",
        nodeOf(scheduleAndAssume(s, plainPod("a", new Resources(3_000, 1_024)), VolumeLookup.NONE)));
    assertEquals(new Resources(3_000, 1_024), s.cache().requested("monitor-0"));
    assertEquals("0/1 nodes are available: 1 Insufficient cpu.",
        messageOf(s.schedule(plainPod("b", new Resources(2_000, 1_024)), VolumeLookup.NONE)));
    assertEquals("0/1 nodes are available: 1 Insufficient memory.",
        messageOf(s.schedule(plainPod("c", new Resources(500, 8_000)), VolumeLookup.NONE)));
    assertEquals("0/1 nodes are available: 1 Insufficient cpu, 1 Insufficient memory.",
        messageOf(s.schedule(plainPod("d", new Resources(2_000, 8_000)), VolumeLookup.NONE)));
  }

  @Test
  void reasonsAreCountedPerNodeAndSortedAsStrings() {
    List<Node> nodes = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      nodes.add(monitorNode("small-" + i));
    }
    nodes.add(node("big-0", null, "us-west-2a", new Resources(16_000, 4_096)));
    nodes.add(node("big-1", null, "us-west-2a", new Resources(16_000, 4_096)));
    KubeScheduler s = new KubeScheduler(cacheWith(nodes));

    // "10 ..." sorts before "2 ...": kube-scheduler sorts the formatted strings, not the counts.
    assertEquals("0/12 nodes are available: 10 Insufficient cpu, 2 Insufficient memory.",
        messageOf(s.schedule(plainPod("x", new Resources(8_000, 6_000)), VolumeLookup.NONE)));
  }

  // ---------------------------------------------------------------- anti-affinity

  @Test
  void onePdPerNodeLeavesTheFourthPending() {
    KubeScheduler s = new KubeScheduler(cacheWith(workers(true)));
    List<String> placed = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      placed.add(nodeOf(scheduleAndAssume(s, pdPod("basic", i), VolumeLookup.NONE)));
    }
    assertEquals(List.of("pd-0", "pd-1", "pd-2"), placed);

    // 1.20's InterPodAffinity charges an anti-affinity rejection with two reasons: the same
    // histogram the real 1.20.2 scheduler printed (../shared/docs/kubernetes.md, KubeApiIT).
    assertEquals("0/9 nodes are available: "
        + "1 node(s) didn't match Pod's node affinity, "
        + "2 node(s) had taint {dedicated: tidb}, that the pod didn't tolerate, "
        + "3 node(s) didn't match pod affinity/anti-affinity, "
        + "3 node(s) didn't match pod anti-affinity rules, "
        + "3 node(s) had taint {dedicated: tikv}, that the pod didn't tolerate.",
        messageOf(s.schedule(pdPod("basic", 3), VolumeLookup.NONE)));

    // Another TidbCluster's PD may share a node: the term only matches its own instance.
    assertEquals("pd-0", nodeOf(s.schedule(pdPod("other", 0), VolumeLookup.NONE)));

    // Removing a PD frees its node for the fourth.
    s.cache().removePod(NS + "/basic-pd-1");
    assertEquals("pd-1", nodeOf(s.schedule(pdPod("basic", 3), VolumeLookup.NONE)));
  }

  @Test
  void existingPodsAntiAffinityIsSymmetric() {
    KubeScheduler s = new KubeScheduler(cacheWith(List.of(pdNode("pd-0"))));
    scheduleAndAssume(s, pdPod("basic", 0), VolumeLookup.NONE);

    // Same instance label, no anti-affinity of its own: the PD already there refuses it.
    Pod helper = pdPod("basic", 9);
    helper = helper.withSpec(new io.pdlab.k8s.api.PodSpec(null, helper.spec().nodeSelector(),
        helper.spec().tolerations(), Resources.NONE, null, List.of(), List.of(), "Always",
        null, null));
    assertEquals("0/1 nodes are available: 1 node(s) didn't match pod affinity/anti-affinity,"
        + " 1 node(s) didn't satisfy existing pods anti-affinity rules.",
        messageOf(s.schedule(helper, VolumeLookup.NONE)));
  }

  @Test
  void laterReleasesWordTheSameRejectionsTheirOwnWay() {
    KubeScheduler s = new KubeScheduler(cacheWith(workers(true)), SchedulerRelease.LATER);
    for (int i = 0; i < 3; i++) {
      scheduleAndAssume(s, pdPod("basic", i), VolumeLookup.NONE);
    }
    assertEquals("0/9 nodes are available: "
        + "1 node(s) didn't match Pod's node affinity/selector, "
        + "2 node(s) had untolerated taint {dedicated: tidb}, "
        + "3 node(s) didn't match pod anti-affinity rules, "
        + "3 node(s) had untolerated taint {dedicated: tikv}.",
        messageOf(s.schedule(pdPod("basic", 3), VolumeLookup.NONE)));
  }

  // ---------------------------------------------------------------- volumes

  /** Three PD pods with local PVs, bound, then pd-0 is lost. */
  private static KubeScheduler clusterWithBoundLocalPvs(Fixtures.Volumes volumes) {
    SchedulerCache cache = cacheWith(workers(true));
    volumes.add(Fixtures.localStorage());
    for (int i = 0; i < 3; i++) {
      String claim = "pd-basic-pd-" + i;
      String pv = "local-pv-pd-" + i;
      cache.addVolume(localPv(pv, "pd-" + i, 140).withClaim(NS + "/" + claim));
      volumes.add(pvc(claim, Fixtures.LOCAL, 10).withVolume(pv));
      if (i > 0) {
        cache.addPod(boundTo(pdPod("basic", i, List.of(claim)), "pd-" + i));
      }
    }
    return new KubeScheduler(cache);
  }

  @Test
  void podBoundToLocalPvOfDeletedNodeStaysPending() {
    Fixtures.Volumes volumes = new Fixtures.Volumes();
    KubeScheduler s = clusterWithBoundLocalPvs(volumes);
    s.cache().removeNode("pd-0");

    assertEquals("0/8 nodes are available: "
        + "1 node(s) didn't match Pod's node affinity, "
        + "2 node(s) had taint {dedicated: tidb}, that the pod didn't tolerate, "
        + "2 node(s) had volume node affinity conflict, "
        + "3 node(s) had taint {dedicated: tikv}, that the pod didn't tolerate.",
        messageOf(s.schedule(pdPod("basic", 0, List.of("pd-basic-pd-0")), volumes)));
  }

  @Test
  void podBoundToLocalPvOfNotReadyNodeStaysPendingUntilItIsBack() {
    Fixtures.Volumes volumes = new Fixtures.Volumes();
    KubeScheduler s = clusterWithBoundLocalPvs(volumes);
    s.cache().addNode(pdNode("pd-0").withReady(false));
    Pod pd0 = pdPod("basic", 0, List.of("pd-basic-pd-0"));

    assertEquals("0/9 nodes are available: "
        + "1 node(s) didn't match Pod's node affinity, "
        + "1 node(s) had taint {node.kubernetes.io/not-ready: }, that the pod didn't tolerate, "
        + "2 node(s) had taint {dedicated: tidb}, that the pod didn't tolerate, "
        + "2 node(s) had volume node affinity conflict, "
        + "3 node(s) had taint {dedicated: tikv}, that the pod didn't tolerate.",
        messageOf(s.schedule(pd0, volumes)));

    s.cache().addNode(pdNode("pd-0"));
    SchedulingDecision.Bound b = assertInstanceOf(SchedulingDecision.Bound.class,
        s.schedule(pd0, volumes));
    assertEquals("pd-0", b.nodeName());
    assertEquals(List.of(), b.volumeBindings(), "an already bound PVC needs no binding");
  }

  @Test
  void podWithPvcBoundToMissingPvIsReported() {
    Fixtures.Volumes volumes = new Fixtures.Volumes();
    volumes.add(Fixtures.localStorage()).add(pvc("data", Fixtures.LOCAL, 10).withVolume("gone"));
    KubeScheduler s = new KubeScheduler(cacheWith(List.of(monitorNode("monitor-0"))));
    Pod p = Fixtures.pod("p", new TreeMap<>(), new TreeMap<>(), List.of(), Resources.NONE, null,
        List.of("data"));

    assertEquals("0/1 nodes are available: 1 node(s) had volume node affinity conflict, "
        + "1 node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s).",
        messageOf(s.schedule(p, volumes)));
  }

  @Test
  void waitForFirstConsumerClaimGetsTheChosenNodesSmallestFittingPv() {
    SchedulerCache cache = cacheWith(workers(true));
    cache.addVolume(localPv("pv-pd-1-big", "pd-1", 500));
    cache.addVolume(localPv("pv-pd-1-small", "pd-1", 50));
    cache.addVolume(localPv("pv-pd-1-tiny", "pd-1", 5));
    Fixtures.Volumes volumes = new Fixtures.Volumes().add(Fixtures.localStorage())
        .add(pvc("pd-basic-pd-0", Fixtures.LOCAL, 10));
    KubeScheduler s = new KubeScheduler(cache);

    SchedulingDecision d = scheduleAndAssume(s, pdPod("basic", 0, List.of("pd-basic-pd-0")),
        volumes);
    assertEquals(new SchedulingDecision.Bound("pd-1",
        List.of(new VolumeBinding(NS + "/pd-basic-pd-0", "pv-pd-1-small")), List.of()), d);
    assertEquals(NS + "/pd-basic-pd-0", cache.volume("pv-pd-1-small").claim());
    assertEquals(List.of("pv-pd-1-tiny", "pv-pd-1-big"),
        cache.availableVolumes("pd-1", Fixtures.LOCAL).stream().map(pv -> pv.meta().name())
            .toList());
  }

  @Test
  void waitForFirstConsumerClaimWithoutAFittingPvIsReported() {
    SchedulerCache cache = cacheWith(workers(true));
    for (int i = 0; i < 3; i++) {
      cache.addVolume(localPv("pv-pd-" + i, "pd-" + i, 5));
    }
    Fixtures.Volumes volumes = new Fixtures.Volumes().add(Fixtures.localStorage())
        .add(pvc("pd-basic-pd-0", Fixtures.LOCAL, 10));
    KubeScheduler s = new KubeScheduler(cache);

    assertEquals("0/9 nodes are available: "
        + "1 node(s) didn't match Pod's node affinity, "
        + "2 node(s) had taint {dedicated: tidb}, that the pod didn't tolerate, "
        + "3 node(s) didn't find available persistent volumes to bind, "
        + "3 node(s) had taint {dedicated: tikv}, that the pod didn't tolerate.",
        messageOf(s.schedule(pdPod("basic", 0, List.of("pd-basic-pd-0")), volumes)));
  }

  @Test
  void twoClaimsNeedTwoPvsOnTheSameNode() {
    SchedulerCache cache = cacheWith(List.of(pdNode("pd-0"), pdNode("pd-1")));
    cache.addVolume(localPv("a-0", "pd-0", 100));
    cache.addVolume(localPv("a-1", "pd-1", 100));
    cache.addVolume(localPv("b-1", "pd-1", 100));
    Fixtures.Volumes volumes = new Fixtures.Volumes().add(Fixtures.localStorage())
        .add(pvc("data", Fixtures.LOCAL, 10)).add(pvc("log", Fixtures.LOCAL, 20));
    KubeScheduler s = new KubeScheduler(cache);

    SchedulingDecision d = s.schedule(pdPod("basic", 0, List.of("log", "data")), volumes);
    // Smallest request first ("data"), each to the smallest fitting PV, ties by name.
    assertEquals(new SchedulingDecision.Bound("pd-1", List.of(
        new VolumeBinding(NS + "/data", "a-1"), new VolumeBinding(NS + "/log", "b-1")),
        List.of()), d);
  }

  @Test
  void ebsClaimsAreProvisionedOnDemand() {
    Fixtures.Volumes volumes = new Fixtures.Volumes().add(Fixtures.ebsGp2())
        .add(pvc("prometheus", Fixtures.EBS, 100));
    KubeScheduler s = new KubeScheduler(cacheWith(workers(true)));
    Pod monitor = Fixtures.pod("monitor", new TreeMap<>(), new TreeMap<>(), List.of(),
        new Resources(1_000, 2_048), null, List.of("prometheus"));

    assertEquals(new SchedulingDecision.Bound("monitor-0", List.of(),
        List.of(NS + "/prometheus")), s.schedule(monitor, volumes));
  }

  @Test
  void volumePreFilterFailuresRejectThePodBeforeAnyNode() {
    Fixtures.Volumes volumes = new Fixtures.Volumes().add(Fixtures.immediate("gp2-now"))
        .add(pvc("now", "gp2-now", 10));
    KubeScheduler s = new KubeScheduler(cacheWith(workers(true)));
    Pod missing = Fixtures.pod("a", new TreeMap<>(), new TreeMap<>(), List.of(), Resources.NONE,
        null, List.of("nope"));
    Pod immediate = Fixtures.pod("b", new TreeMap<>(), new TreeMap<>(), List.of(),
        Resources.NONE, null, List.of("now"));

    assertEquals("0/9 nodes are available: persistentvolumeclaim \"nope\" not found.",
        messageOf(s.schedule(missing, volumes)));
    assertEquals("0/9 nodes are available: pod has unbound immediate PersistentVolumeClaims.",
        messageOf(s.schedule(immediate, volumes)));
    assertEquals(0, s.lastEvaluatedNodes());
  }

  // ---------------------------------------------------------------- scoring

  @Test
  void leastAllocatedSpreadsPods() {
    List<Node> nodes = new ArrayList<>();
    for (String n : List.of("node-a", "node-b", "node-c")) {
      nodes.add(node(n, null, "us-west-2a", new Resources(4_000, 16_384)));
    }
    KubeScheduler s = new KubeScheduler(cacheWith(nodes));
    List<String> placed = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      placed.add(nodeOf(scheduleAndAssume(s, plainPod("p" + i, new Resources(500, 1_024)),
          VolumeLookup.NONE)));
    }
    assertEquals(List.of("node-a", "node-b", "node-c", "node-a", "node-b", "node-c"), placed);

    // Pods that request nothing still spread: they count as 100m/200Mi when scoring.
    for (int i = 0; i < 3; i++) {
      placed.add(nodeOf(scheduleAndAssume(s, plainPod("z" + i, Resources.NONE),
          VolumeLookup.NONE)));
    }
    assertEquals(List.of("node-a", "node-b", "node-c"), placed.subList(6, 9));
  }

  @Test
  void leastAllocatedAvoidsTheBusierNode() {
    List<Node> nodes = new ArrayList<>();
    nodes.add(node("node-a", null, "us-west-2a", new Resources(4_000, 16_384)));
    nodes.add(node("node-b", null, "us-west-2a", new Resources(4_000, 16_384)));
    SchedulerCache cache = cacheWith(nodes);
    cache.addPod(boundTo(plainPod("busy", new Resources(2_000, 1_024)), "node-a"));
    KubeScheduler s = new KubeScheduler(cache);

    assertEquals("node-b", nodeOf(s.schedule(plainPod("p", new Resources(100, 100)),
        VolumeLookup.NONE)));
  }

  // ---------------------------------------------------------------- sampling

  @Test
  void numFeasibleNodesToFindFollowsKubeScheduler() {
    assertEquals(9, KubeScheduler.numFeasibleNodesToFind(0, 9));
    assertEquals(99, KubeScheduler.numFeasibleNodesToFind(0, 99));
    assertEquals(100, KubeScheduler.numFeasibleNodesToFind(0, 100));   // 50% of 100 -> floor 100
    assertEquals(420, KubeScheduler.numFeasibleNodesToFind(0, 1_000));  // 42%
    assertEquals(500, KubeScheduler.numFeasibleNodesToFind(0, 5_000));  // 10%
    assertEquals(500, KubeScheduler.numFeasibleNodesToFind(0, 10_000)); // 5% floor
    assertEquals(750, KubeScheduler.numFeasibleNodesToFind(0, 15_000));
    assertEquals(2_500, KubeScheduler.numFeasibleNodesToFind(50, 5_000));
    assertEquals(100, KubeScheduler.numFeasibleNodesToFind(1, 5_000));
    assertThrows(IllegalArgumentException.class,
        () -> new KubeScheduler(new SchedulerCache(), 101, SchedulerRelease.V1_20));
  }

  private static SchedulerCache uniformNodes(int count) {
    SchedulerCache cache = new SchedulerCache();
    for (int i = 0; i < count; i++) {
      cache.addNode(node(String.format("node-%04d", i), null, "us-west-2" + "abc".charAt(i % 3),
          new Resources(16_000, 65_536)));
    }
    return cache;
  }

  @Test
  void fiveThousandNodesEvaluateAboutTenPercentAndStillBind() {
    KubeScheduler s = new KubeScheduler(uniformNodes(5_000));
    int bound = 0;
    for (int i = 0; i < 100; i++) {
      SchedulingDecision d = scheduleAndAssume(s, plainPod("p" + i, new Resources(100, 256)),
          VolumeLookup.NONE);
      if (d instanceof SchedulingDecision.Bound) {
        bound++;
      }
      assertEquals(500, s.lastEvaluatedNodes());
      assertEquals(500, s.lastFeasibleNodes());
      assertEquals((i + 1) * 500 % 5_000, s.nextStartNodeIndex());
    }
    assertEquals(100, bound);
    assertEquals(50_000, s.evaluatedNodesTotal(), "10% of 5,000 nodes per pod");
    assertEquals(100, s.cache().podCount());
  }

  @Test
  void scanStopsWhereAPlainLoopOverAllNodesWould() {
    // Every other node is tikv; a tikv pod must pass over the others, and the count of nodes
    // processed (hence the next start) includes them, as in findNodesThatPassFilters.
    SchedulerCache cache = new SchedulerCache();
    for (int i = 0; i < 3_001; i++) {
      cache.addNode(node("n-" + i, i % 2 == 0 ? "tikv" : null, "us-west-2" + "abc".charAt(i % 3),
          new Resources(16_000, 65_536)));
    }
    KubeScheduler s = new KubeScheduler(cache);
    List<String> order = cache.nodeNames();
    int toFind = KubeScheduler.numFeasibleNodesToFind(0, order.size());
    assertEquals(780, toFind, "26% of 3,001");
    TreeMap<String, String> sel = new TreeMap<>();
    sel.put("dedicated", "tikv");
    Pod tikv = Fixtures.pod("tikv", new TreeMap<>(), sel,
        List.of(Toleration.equal("dedicated", "tikv", Taint.Effect.NoSchedule)),
        new Resources(1_000, 1_024), null, List.of());
    Pod plain = plainPod("app", new Resources(100, 100));
    int start = 0;
    for (int round = 0; round < 12; round++) {
      Pod p = round % 3 == 2 ? plain : tikv;
      int processed = 0;
      int feasible = 0;
      for (int i = 0; i < order.size() && feasible < toFind; i++) {
        String name = order.get((start + i) % order.size());
        processed++;
        boolean tikvNode = Integer.parseInt(name.substring(2)) % 2 == 0;
        if (tikvNode == (p == tikv)) {
          feasible++;
        }
      }
      s.schedule(p, VolumeLookup.NONE);
      assertEquals(processed, s.lastEvaluatedNodes(), "round " + round);
      assertEquals(feasible, s.lastFeasibleNodes(), "round " + round);
      start = (start + processed) % order.size();
      assertEquals(start, s.nextStartNodeIndex(), "round " + round);
    }
  }

  @Test
  void rareNodesAreFoundByScanningFurther() {
    SchedulerCache cache = uniformNodes(4_990);
    for (int i = 0; i < 10; i++) {
      cache.addNode(pdNode("pd-" + i));
    }
    KubeScheduler s = new KubeScheduler(cache);
    SchedulingDecision d = s.schedule(pdPod("basic", 0), VolumeLookup.NONE);

    assertEquals("pd-0", nodeOf(d));
    assertEquals(5_000, s.lastEvaluatedNodes(), "fewer feasible nodes than wanted: full scan");
    assertEquals(10, s.lastFeasibleNodes());
  }

  @Test
  void nodeListInterleavesZonesLikeTheNodeTree() {
    SchedulerCache cache = new SchedulerCache();
    for (String n : List.of("a1", "a2", "a3")) {
      cache.addNode(node(n, null, "zone-a", new Resources(1_000, 1_024)));
    }
    for (String n : List.of("b1", "b2")) {
      cache.addNode(node(n, null, "zone-b", new Resources(1_000, 1_024)));
    }
    cache.addNode(node("c1", null, "zone-c", new Resources(1_000, 1_024)));
    assertEquals(List.of("a1", "b1", "c1", "a2", "b2", "a3"), cache.nodeNames());

    cache.removeNode("b1");
    cache.addNode(node("a2", null, "zone-c", new Resources(1_000, 1_024)));
    assertEquals(List.of("a1", "b2", "c1", "a3", "a2"), cache.nodeNames());
  }

  // ---------------------------------------------------------------- cache and determinism

  @Test
  void cacheIgnoresStaleCopiesAndKeepsGhostNodesForTheirPods() {
    SchedulerCache cache = cacheWith(List.of(monitorNode("monitor-0")));
    Pod p = boundTo(plainPod("a", new Resources(1_000, 1_000)), "monitor-0");
    cache.addPod(p.withMeta(p.meta().withVersion(7, 0)));
    cache.addPod(p.withMeta(p.meta().withVersion(3, 0)).withSpec(
        p.spec().withNodeName("elsewhere")));
    assertEquals("monitor-0", cache.nodeOf(NS + "/a"));

    assertEquals(1, cache.podsOn("monitor-0"));
    cache.removeNode("monitor-0");
    assertEquals(0, cache.nodeCount());
    assertFalse(cache.hasNode("monitor-0"));
    assertEquals(1, cache.podsOn("monitor-0"), "a ghost node keeps its pods' accounting");
    assertEquals(new Resources(1_000, 1_000), cache.requested("monitor-0"));
    cache.removePod(NS + "/a");
    assertEquals(Resources.NONE, cache.requested("monitor-0"));
    assertThrows(IllegalArgumentException.class, () -> cache.addPod(plainPod("b", Resources.NONE)));
  }

  /** A mixed workload on a mixed cluster; returns "pod=node" or "pod: message" lines. */
  private static List<String> mixedRun() {
    SchedulerCache cache = new SchedulerCache();
    for (int i = 0; i < 300; i++) {
      String group = i % 10 == 0 ? "pd" : i % 10 < 4 ? "tikv" : i % 10 < 6 ? "tidb" : null;
      cache.addNode(node("n-" + i, group, "us-west-2" + "abc".charAt(i % 3),
          new Resources(8_000 + (i % 4) * 1_000, 32_768)));
    }
    KubeScheduler s = new KubeScheduler(cache);
    List<String> out = new ArrayList<>();
    for (int j = 0; j < 3_000; j++) {
      Pod p;
      if (j % 50 == 0) {
        p = pdPod("tc-" + (j / 150), j / 50 % 3);
      } else if (j % 5 == 1) {
        TreeMap<String, String> sel = new TreeMap<>();
        sel.put("dedicated", "tikv");
        p = Fixtures.pod("tikv-" + j, new TreeMap<>(), sel,
            List.of(Toleration.equal("dedicated", "tikv", Taint.Effect.NoSchedule)),
            new Resources(700, 2_048), null, List.of());
      } else {
        p = plainPod("app-" + j, new Resources(100 + j % 7 * 50, 256));
      }
      SchedulingDecision d = scheduleAndAssume(s, p, VolumeLookup.NONE);
      out.add(d instanceof SchedulingDecision.Bound b ? p.meta().name() + "=" + b.nodeName()
          : p.meta().name() + ": " + messageOf(d));
    }
    return out;
  }

  @Test
  void sameInputsGiveTheSameBindings() {
    List<String> first = mixedRun();
    assertEquals(first, mixedRun());
    assertEquals(3_000, first.stream().filter(l -> l.contains("=")).count(),
        "the mixed workload fits");
  }
}
