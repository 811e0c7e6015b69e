package io.pdlab.k8s.controllers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pdlab.k8s.api.Container;
import io.pdlab.k8s.api.Kind;
import io.pdlab.k8s.api.Node;
import io.pdlab.k8s.api.ObjectMeta;
import io.pdlab.k8s.api.Pod;
import io.pdlab.k8s.api.PodSpec;
import io.pdlab.k8s.api.PodStatus;
import io.pdlab.k8s.api.PodTemplate;
import io.pdlab.k8s.api.Resources;
import io.pdlab.k8s.api.StatefulSet;
import io.pdlab.sim.Budget;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The kubelet's restart policies and back-off, and the StatefulSet's ordering rules. */
class KubeletAndSetTest {
  /** An etcd container whose flags make it exit at once (its name is not in the cluster). */
  static Pod crashingPod(String name, String restartPolicy) {
    PodSpec spec = new PodSpec(null, new TreeMap<>(), List.of(), new Resources(100, 128), null,
        List.of(), List.of(new Container("etcd", "etcd:3.4", "etcd", List.of(
            "--initial-cluster=someone-else=http://x:2380"))), restartPolicy, name, "svc");
    return new Pod(ObjectMeta.of("ns", name), spec, PodStatus.PENDING);
  }

  static K8sWorld world() {
    K8sWorld w = new K8sWorld(1, Budget.of(1_000_000, 3_600_000_000L), false);
    w.store().create(new Node(ObjectMeta.of("", "n0"), List.of(), new Resources(4_000, 8_192),
        List.of(), "a", true, false));
    return w;
  }

  @Test
  void aCrashingContainerRestartsWithBackOffDoublingToFiveMinutes() {
    K8sWorld w = world();
    w.store().create(crashingPod("bad", "Always"));
    List<String> reasons = new ArrayList<>();
    w.store().watch(Kind.POD, e -> {
      String r = ((Pod) e.object()).status().reason();
      if (r.startsWith("CrashLoopBackOff") && (reasons.isEmpty()
          || !reasons.get(reasons.size() - 1).equals(r))) {
        reasons.add(r.substring(0, r.indexOf(" (")));
      }
    });
    w.sim().runUntil(20 * 60_000_000L);
    assertEquals(List.of("CrashLoopBackOff: back-off 10s", "CrashLoopBackOff: back-off 20s",
        "CrashLoopBackOff: back-off 40s", "CrashLoopBackOff: back-off 80s",
        "CrashLoopBackOff: back-off 160s", "CrashLoopBackOff: back-off 300s",
        "CrashLoopBackOff: back-off 300s"), reasons.subList(0, 7));
    Pod p = w.store().get(Kind.POD, "ns/bad");
    assertTrue(p.status().restarts() >= 7, p.status().toString());
  }

  @Test
  void restartPolicyNeverLeavesAFailedPod() {
    K8sWorld w = world();
    w.store().create(crashingPod("once", "Never"));
    w.sim().runUntil(60_000_000L);
    Pod p = w.store().get(Kind.POD, "ns/once");
    assertEquals("Failed", p.status().phase());
    assertTrue(p.status().reason().contains("couldn't find local name"), p.status().reason());
    assertEquals(1, w.sim().incarnation("once"), "never restarted");
  }

  /**
   * A changed template is rolled out as Kubernetes 1.20's RollingUpdate does: highest ordinal
   * first, one pod at a time, only past pods that are Running and Ready; a pod just created (or
   * not Ready) holds the rollout, whatever the pod management policy.
   */
  @Test
  void aChangedTemplateRollsOutFromTheHighestOrdinal() {
    TreeSet<String> noClaims = new TreeSet<>();
    StatefulSet changed = set(3, "Parallel").withTemplate(new PodTemplate(new TreeMap<>(),
        new PodSpec(null, new TreeMap<>(), List.of(), Resources.NONE, null, List.of(),
            List.of(new Container("c", "img", "simple", List.of("--v2"))), "Always", null,
            null)));
    Map<String, Pod> old = pods(3, true);
    assertEquals(List.of("-ns/s-2"), names(StatefulSetController.reconcile(changed, old,
        noClaims)));
    Map<String, Pod> twoUpdated = new TreeMap<>(old);
    twoUpdated.put("s-2", new Pod(ObjectMeta.of("ns", "s-2"), changed.template().spec(),
        new PodStatus("Running", false, "", 0)));
    assertEquals(List.of(), names(StatefulSetController.reconcile(changed, twoUpdated,
        noClaims)), "s-2 is of the new template but not Ready: the rollout waits");
    twoUpdated.put("s-2", twoUpdated.get("s-2").withStatus(new PodStatus("Running", true, "",
        0)));
    assertEquals(List.of("-ns/s-1"), names(StatefulSetController.reconcile(changed, twoUpdated,
        noClaims)));
    Map<String, Pod> scaledUp = new TreeMap<>(old);
    assertEquals(List.of("+s-3"), names(StatefulSetController.reconcile(
        changed.withReplicas(4), scaledUp, noClaims)), "the new pod first; it holds the rollout");
    assertEquals(List.of(), names(StatefulSetController.reconcile(set(3, "Parallel"), old,
        noClaims)), "an unchanged template replaces nothing");
  }

  static StatefulSet set(int replicas, String policy) {
    PodSpec spec = new PodSpec(null, new TreeMap<>(), List.of(), Resources.NONE, null, List.of(),
        List.of(new Container("c", "img", "simple", List.of())), "Always", null, null);
    return new StatefulSet(ObjectMeta.of("ns", "s"), replicas, policy, "s",
        new PodTemplate(new TreeMap<>(), spec), null);
  }

  static Map<String, Pod> pods(int n, boolean ready) {
    Map<String, Pod> m = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      m.put("s-" + i, new Pod(ObjectMeta.of("ns", "s-" + i), set(n, "Parallel").template()
          .spec(), new PodStatus("Running", ready, "", 0)));
    }
    return m;
  }

  static List<String> names(List<StatefulSetController.Action> actions) {
    List<String> out = new ArrayList<>();
    for (StatefulSetController.Action a : actions) {
      if (a instanceof StatefulSetController.Action.CreatePod c) {
        out.add("+" + c.pod().meta().name());
      } else if (a instanceof StatefulSetController.Action.DeletePod d) {
        out.add("-" + d.key());
      }
    }
    return out;
  }

  @Test
  void statefulSetOrderingRules() {
    TreeSet<String> noClaims = new TreeSet<>();
    assertEquals(List.of("+s-0", "+s-1", "+s-2"),
        names(StatefulSetController.reconcile(set(3, "Parallel"), Map.of(), noClaims)));
    assertEquals(List.of("+s-0"),
        names(StatefulSetController.reconcile(set(3, "OrderedReady"), Map.of(), noClaims)));
    assertEquals(List.of(), names(StatefulSetController.reconcile(set(3, "OrderedReady"),
        pods(1, false), noClaims)), "waits for s-0 to be Ready");
    assertEquals(List.of("+s-1"), names(StatefulSetController.reconcile(set(3, "OrderedReady"),
        pods(1, true), noClaims)));
    assertEquals(List.of("-ns/s-4"), names(StatefulSetController.reconcile(
        set(2, "OrderedReady"), pods(5, true), noClaims)), "scale in: highest first, one at a time");
    assertEquals(List.of("-ns/s-4", "-ns/s-3", "-ns/s-2"), names(StatefulSetController.reconcile(
        set(2, "Parallel"), pods(5, true), noClaims)));
  }
}
