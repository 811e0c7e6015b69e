package io.pdlab.k8s.sched;

import static io.pdlab.k8s.sched.Fixtures.NS;
import static io.pdlab.k8s.sched.Fixtures.localPv;
import static io.pdlab.k8s.sched.Fixtures.pdNode;
import static io.pdlab.k8s.sched.Fixtures.pdPod;
import static io.pdlab.k8s.sched.Fixtures.pvc;
import static io.pdlab.k8s.sched.Fixtures.workers;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pdlab.k8s.api.Kind;
import io.pdlab.k8s.api.Node;
import io.pdlab.k8s.api.PersistentVolume;
import io.pdlab.k8s.api.PersistentVolumeClaim;
import io.pdlab.k8s.api.Pod;
import io.pdlab.k8s.api.Resources;
import io.pdlab.k8s.store.MemoryStore;
import io.pdlab.k8s.store.ObjectStore;
import io.pdlab.sim.EventLoop;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The controller against the simulated API server: watches, binding writes, requeues. */
class SchedulerControllerTest {
  private static final long WATCH_DELAY_US = 1_000;
  private static final int EVENT_BUDGET = 100_000;

  private EventLoop loop;
  private ObjectStore store;
  private SchedulerController controller;

  @BeforeEach
  void setUp() {
    loop = new EventLoop(EVENT_BUDGET);
    store = new MemoryStore(loop, WATCH_DELAY_US);
    controller = new SchedulerController(loop, store);
    controller.start();
  }

  /** Runs until nothing is queued; fails if that takes more than the event budget. */
  private void settle() {
    for (int i = 0; i < EVENT_BUDGET && loop.runNext(Long.MAX_VALUE); i++) {
      // run
    }
    assertEquals(0, loop.pending(), "the scheduler did not settle");
  }

  private Pod pod(String name) {
    return store.get(Kind.POD, NS + "/" + name);
  }

  private void createAll(List<Node> nodes) {
    for (Node n : nodes) {
      store.create(n);
    }
  }

  @Test
  void pdPodCreatedBeforeItsNodesWaitsWithTheSchedulersMessage() {
    store.create(pdPod("basic", 0));
    settle();
    assertEquals("no nodes available to schedule pods", pod("basic-pd-0").status().reason());

    createAll(workers(false));
    settle();
    Pod p = pod("basic-pd-0");
    assertNull(p.spec().nodeName());
    assertEquals("Pending", p.status().phase());
    assertEquals("0/6 nodes are available: "
        + "1 node(s) didn't match Pod's node affinity, "
        + "2 node(s) had taint {dedicated: tidb}, that the pod didn't tolerate, "
        + "3 node(s) had taint {dedicated: tikv}, that the pod didn't tolerate.", p.status().reason());
    assertEquals(List.of(NS + "/basic-pd-0"), controller.unschedulablePods());

    long writes = store.writes();
    settle();
    assertEquals(writes, store.writes(), "an unchanged verdict is not written again");

    store.create(pdNode("pd-0"));
    settle();
    p = pod("basic-pd-0");
    assertEquals("pd-0", p.spec().nodeName());
    assertEquals("", p.status().reason());
    assertEquals(List.of(), controller.unschedulablePods());
    assertEquals(1, controller.binds());
  }

  @Test
  void fourthPdStaysPendingUntilAPdGoes() {
    createAll(workers(true));
    for (int i = 0; i < 4; i++) {
      store.create(pdPod("basic", i));
    }
    settle();
    TreeSet<String> nodes = new TreeSet<>();
    for (int i = 0; i < 3; i++) {
      nodes.add(pod("basic-pd-" + i).spec().nodeName());
    }
    assertEquals(new TreeSet<>(List.of("pd-0", "pd-1", "pd-2")), nodes);
    assertNull(pod("basic-pd-3").spec().nodeName());
    assertEquals("0/9 nodes are available: "
        + "1 node(s) didn't match Pod's node affinity, "
        + "2 node(s) had taint {dedicated: tidb}, that the pod didn't tolerate, "
        + "3 node(s) didn't match pod affinity/anti-affinity, "
        + "3 node(s) didn't match pod anti-affinity rules, "
        + "3 node(s) had taint {dedicated: tikv}, that the pod didn't tolerate.",
        pod("basic-pd-3").status().reason());

    String freed = pod("basic-pd-1").spec().nodeName();
    store.delete(Kind.POD, NS + "/basic-pd-1");
    settle();
    assertEquals(freed, pod("basic-pd-3").spec().nodeName());
  }

  @Test
  void waitForFirstConsumerBindsPvcAndPvOnTheChosenNode() {
    store.create(Fixtures.localStorage());
    createAll(workers(true));
    store.create(localPv("local-pv-pd-1", "pd-1", 140));
    store.create(pvc("pd-basic-pd-0", Fixtures.LOCAL, 10));
    store.create(pdPod("basic", 0, List.of("pd-basic-pd-0")));
    settle();

    assertEquals("pd-1", pod("basic-pd-0").spec().nodeName());
    PersistentVolume pv = store.get(Kind.PERSISTENT_VOLUME, "local-pv-pd-1");
    PersistentVolumeClaim claim = store.get(Kind.PERSISTENT_VOLUME_CLAIM, NS + "/pd-basic-pd-0");
    assertEquals(NS + "/pd-basic-pd-0", pv.claim());
    assertEquals("local-pv-pd-1", claim.volume());
    assertEquals(List.of(), controller.cache().availableVolumes("pd-1", Fixtures.LOCAL));
  }

  @Test
  void podWhoseLocalPvNodeIsLostStaysPending() {
    store.create(Fixtures.localStorage());
    createAll(workers(true));
    for (int i = 0; i < 3; i++) {
      store.create(localPv("local-pv-pd-" + i, "pd-" + i, 140));
      store.create(pvc("pd-basic-pd-" + i, Fixtures.LOCAL, 10));
      store.create(pdPod("basic", i, List.of("pd-basic-pd-" + i)));
    }
    settle();
    String lost = pod("basic-pd-0").spec().nodeName();
    assertEquals("pd-0", lost);

    // The node goes and its pod with it; the StatefulSet makes the pod again, same PVC.
    store.delete(Kind.NODE, lost);
    store.delete(Kind.POD, NS + "/basic-pd-0");
    settle();
    store.create(pdPod("basic", 0, List.of("pd-basic-pd-0")));
    settle();

    Pod p = pod("basic-pd-0");
    assertNull(p.spec().nodeName());
    assertEquals("0/8 nodes are available: "
        + "1 node(s) didn't match Pod's node affinity, "
        + "2 node(s) had taint {dedicated: tidb}, that the pod didn't tolerate, "
        + "2 node(s) had volume node affinity conflict, "
        + "3 node(s) had taint {dedicated: tikv}, that the pod didn't tolerate.", p.status().reason());

    // A replacement node with the same name (new instance, new disk) lets it run there again.
    store.create(pdNode("pd-0"));
    settle();
    assertEquals("pd-0", pod("basic-pd-0").spec().nodeName());
  }

  @Test
  void ebsClaimIsMarkedForProvisioningOnTheChosenNode() {
    store.create(Fixtures.ebsGp2());
    createAll(workers(true));
    store.create(pvc("prometheus", Fixtures.EBS, 100));
    store.create(Fixtures.pod("monitor", new TreeMap<>(), new TreeMap<>(), List.of(),
        new Resources(1_000, 2_048), null, List.of("prometheus")));
    settle();

    assertEquals("monitor-0", pod("monitor").spec().nodeName());
    PersistentVolumeClaim claim = store.get(Kind.PERSISTENT_VOLUME_CLAIM, NS + "/prometheus");
    assertEquals("monitor-0",
        claim.meta().annotations().get(SchedulerController.SELECTED_NODE_ANNOTATION));
    assertNull(claim.volume(), "the provisioner, not the scheduler, binds a provisioned PVC");
  }

  @Test
  void bindThatLosesItsPvIsRetriedAfterBackOff() {
    store.create(Fixtures.localStorage());
    store.create(pdNode("pd-0"));
    PersistentVolume pv = store.create(localPv("local-pv-pd-0", "pd-0", 140));
    store.create(pvc("pd-basic-pd-0", Fixtures.LOCAL, 10));
    settle();

    // The pod's watch event comes first; the PV is taken in the same instant, so the cache
    // still shows it free when the scheduler decides.
    store.create(pdPod("basic", 0, List.of("pd-basic-pd-0")));
    loop.schedule(WATCH_DELAY_US, () -> store.update(pv.withClaim("other/claim")));
    settle();

    assertEquals(1, controller.bindFailures());
    Pod p = pod("basic-pd-0");
    assertNull(p.spec().nodeName());
    assertEquals("0/1 nodes are available: "
        + "1 node(s) didn't find available persistent volumes to bind.", p.status().reason());
    assertTrue(loop.nowUs() >= SchedulerController.INITIAL_BACKOFF_US,
        "the retry waited for the back-off");
  }

  /** A whole small bootstrap; returns every pod's and PV's outcome and the store revision. */
  private static List<String> scenario() {
    EventLoop loop = new EventLoop(EVENT_BUDGET);
    ObjectStore store = new MemoryStore(loop, WATCH_DELAY_US);
    new SchedulerController(loop, store).start();
    store.create(Fixtures.localStorage());
    for (int tc = 0; tc < 3; tc++) {
      for (int i = 0; i < 3; i++) {
        store.create(pvc("pd-tc" + tc + "-pd-" + i, Fixtures.LOCAL, 10));
        store.create(pdPod("tc" + tc, i, List.of("pd-tc" + tc + "-pd-" + i)));
      }
    }
    for (int i = 0; i < 40; i++) {
      store.create(Fixtures.plainPod("app-" + i, new Resources(300, 512)));
    }
    for (Node n : workers(true)) {
      store.create(n);
    }
    for (int i = 0; i < 6; i++) {
      store.create(localPv("local-pv-" + i, "pd-" + i % 3, 100 + i));
    }
    for (int i = 0; i < EVENT_BUDGET && loop.runNext(Long.MAX_VALUE); i++) {
      // run
    }
    List<String> out = new ArrayList<>();
    for (Pod p : store.<Pod>list(Kind.POD)) {
      out.add(p.meta().key() + " node=" + p.spec().nodeName() + " reason=" + p.status().reason());
    }
    for (PersistentVolume pv : store.<PersistentVolume>list(Kind.PERSISTENT_VOLUME)) {
      out.add(pv.meta().name() + " claim=" + pv.claim());
    }
    out.add("revision=" + store.revision() + " t=" + loop.nowUs());
    return out;
  }

  @Test
  void sameInputsGiveTheSameBindingsThroughTheStore() {
    List<String> first = scenario();
    assertEquals(first, scenario());
    // 9 PDs on 3 pd nodes with 6 PVs: 6 bound, the other 3 wait; the apps fill the monitor node.
    assertEquals(6, first.stream().filter(l -> l.contains("-pd-") && l.contains("node=pd-"))
        .count(), String.join("\n", first));
    assertNotEquals(0, first.stream().filter(l -> l.startsWith(NS + "/app-")
        && l.contains("node=monitor-0")).count());
  }
}
