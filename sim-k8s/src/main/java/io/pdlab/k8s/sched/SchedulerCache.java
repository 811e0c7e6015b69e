package io.pdlab.k8s.sched;

import io.pdlab.k8s.api.Node;
import io.pdlab.k8s.api.PersistentVolume;
import io.pdlab.k8s.api.Pod;
import io.pdlab.k8s.api.Resources;
import io.pdlab.k8s.api.Taint;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The scheduler's view of the cluster, after kube-scheduler's cache ({@code
 * pkg/scheduler/internal/cache/cache.go}): nodes, the pods bound to them (assumed or confirmed),
 * and the PVs. Every update is incremental and costs O(labels of the object); nothing here ever
 * walks all pods.
 *
 * <p>Per node it holds the summed requests, the labels and anti-affinity terms of the pods on it,
 * and the available (unbound) PVs pinned to it, by storage class. Nodes are listed in the order of
 * kube-scheduler's node tree ({@code pkg/scheduler/internal/cache/node_tree.go}): zones in the
 * order they appeared, nodes within a zone in the order they were added, interleaved one node per
 * zone per round, so that sampling a prefix of the list spreads over zones.
 *
 * <p>Updates carry the object's resourceVersion; an update older than what the cache holds is
 * ignored, so a watch event that arrives after the scheduler's own (assumed) write cannot roll
 * the cache back. All iteration is in insertion or key order.
 */
public final class SchedulerCache {
  /** The taint the node lifecycle controller puts on a NotReady node. */
  public static final String NOT_READY_TAINT_KEY = "node.kubernetes.io/not-ready";
  static final Taint NOT_READY_TAINT = new Taint(NOT_READY_TAINT_KEY, "", Taint.Effect.NoSchedule);

  private static final Comparator<PersistentVolume> SMALLEST_FIRST =
      Comparator.comparingLong(PersistentVolume::capacityGi)
          .thenComparing(pv -> pv.meta().name());

  private final LinkedHashMap<String, NodeInfo> nodes = new LinkedHashMap<>();
  private final LinkedHashMap<String, ArrayList<NodeInfo>> zones = new LinkedHashMap<>();
  private NodeInfo[] nodeList = new NodeInfo[0];
  private boolean nodeListStale;
  /**
   * What a scan reads of each node, by position in {@link #nodeList}, in flat arrays so that a
   * scan over neighbouring positions reads neighbouring memory. Kept in step with the NodeInfos.
   */
  final HotNodes hot = new HotNodes();
  private int presentNodes;
  /** Bumped by every node add, update or removal: what static-filter memos are keyed by. */
  private long nodeGeneration;

  private final LinkedHashMap<String, PodEntry> pods = new LinkedHashMap<>();
  private int antiAffinityPods;

  private final LinkedHashMap<String, PersistentVolume> volumes = new LinkedHashMap<>();
  /** Available PVs: node name ("" for PVs without node affinity) -> storage class -> PVs. */
  private final LinkedHashMap<String, TreeMap<String, TreeSet<PersistentVolume>>> available =
      new LinkedHashMap<>();
  /** Claim key -> name of the PV whose claim points at it. */
  private final LinkedHashMap<String, String> volumeByClaim = new LinkedHashMap<>();

  // ---------------------------------------------------------------- nodes

  /** Adds a node or replaces the cached one (ignored if older than the cached version). */
  public void addNode(Node n) {
    String name = n.meta().name();
    NodeInfo ni = nodes.get(name);
    if (ni == null) {
      ni = new NodeInfo(name);
      nodes.put(name, ni);
    } else if (ni.node != null
        && ni.node.meta().resourceVersion() > n.meta().resourceVersion()) {
      return;
    }
    Node old = ni.node;
    if (old == null) {
      presentNodes++;
      treeAdd(zoneOf(n), ni);
    } else if (!zoneOf(old).equals(zoneOf(n))) {
      treeRemove(zoneOf(old), ni);
      treeAdd(zoneOf(n), ni);
    }
    ni.setNode(n);
    nodeGeneration++;
    refreshHot(ni);
  }

  /** Forgets a node. Pods still bound to it keep its name reserved until they go. */
  public void removeNode(String name) {
    NodeInfo ni = nodes.get(name);
    if (ni == null || ni.node == null) {
      return;
    }
    treeRemove(zoneOf(ni.node), ni);
    ni.node = null;
    presentNodes--;
    nodeGeneration++;
    if (ni.pods == 0) {
      nodes.remove(name);
    }
  }

  /** Nodes known (present, not ghosts). */
  public int nodeCount() {
    return presentNodes;
  }

  public boolean hasNode(String name) {
    NodeInfo ni = nodes.get(name);
    return ni != null && ni.node != null;
  }

  /** Summed requests of the pods bound to a node ({@link Resources#NONE} if none). */
  public Resources requested(String nodeName) {
    NodeInfo ni = nodes.get(nodeName);
    return ni == null ? Resources.NONE
        : new Resources(ni.requestedCpuMillis, ni.requestedMemoryMiB);
  }

  /** Pods bound to a node. */
  public int podsOn(String nodeName) {
    NodeInfo ni = nodes.get(nodeName);
    return ni == null ? 0 : ni.pods;
  }

  /** Names of the present nodes in node-tree (scan) order. */
  public List<String> nodeNames() {
    List<String> out = new ArrayList<>();
    for (NodeInfo ni : nodeList()) {
      out.add(ni.name);
    }
    return out;
  }

  // ---------------------------------------------------------------- pods

  /**
   * Adds a bound pod (or replaces the cached copy: same key, not older). The pod must have a
   * node name; the node need not be known yet.
   *
   * @throws IllegalArgumentException if the pod is not bound
   */
  public void addPod(Pod pod) {
    String nodeName = pod.spec().nodeName();
    if (nodeName == null) {
      throw new IllegalArgumentException("pod " + pod.meta().key() + " has no node name");
    }
    String key = pod.meta().key();
    PodEntry old = pods.get(key);
    if (old != null) {
      if (old.resourceVersion > pod.meta().resourceVersion()) {
        return;
      }
      unaccount(old);
    }
    PodEntry e = new PodEntry(pod);
    pods.put(key, e);
    account(e);
  }

  /** Removes a pod by {@code namespace/name}; unknown pods are ignored. */
  public void removePod(String key) {
    PodEntry e = pods.remove(key);
    if (e != null) {
      unaccount(e);
    }
  }

  /** Pods bound (assumed or confirmed). */
  public int podCount() {
    return pods.size();
  }

  /** The node a cached pod is bound to, or null. */
  public String nodeOf(String podKey) {
    PodEntry e = pods.get(podKey);
    return e == null ? null : e.nodeName;
  }

  /**
   * Records a decision before its writes are confirmed (kube-scheduler's "assume"): the pod as
   * bound to the chosen node and each chosen PV as bound to its claim.
   */
  public void assume(Pod pod, SchedulingDecision.Bound decision) {
    addPod(pod.withSpec(pod.spec().withNodeName(decision.nodeName())));
    for (VolumeBinding b : decision.volumeBindings()) {
      PersistentVolume pv = volumes.get(b.volume());
      if (pv != null && pv.claim() == null) {
        addVolume(pv.withClaim(b.claim()));
      }
    }
  }

  private void account(PodEntry e) {
    NodeInfo ni = nodes.get(e.nodeName);
    if (ni == null) {
      ni = new NodeInfo(e.nodeName);
      nodes.put(e.nodeName, ni);
    }
    ni.requestedCpuMillis += e.cpuMillis;
    ni.requestedMemoryMiB += e.memoryMiB;
    ni.nonZeroCpuMillis += e.nonZeroCpuMillis;
    ni.nonZeroMemoryMiB += e.nonZeroMemoryMiB;
    ni.pods++;
    if (e.labelKeys.length > 0) {
      if (ni.podLabels == null) {
        ni.podLabels = new LinkedHashMap<>();
      }
      for (String k : e.labelKeys) {
        NodeInfo.increment(ni.podLabels, k, 1);
      }
    }
    if (e.antiAffinityTerm != null) {
      if (ni.antiAffinityTerms == null) {
        ni.antiAffinityTerms = new LinkedHashMap<>();
      }
      NodeInfo.increment(ni.antiAffinityTerms, e.antiAffinityTerm, 1);
      antiAffinityPods++;
    }
    refreshHot(ni);
  }

  private void unaccount(PodEntry e) {
    NodeInfo ni = nodes.get(e.nodeName);
    ni.requestedCpuMillis -= e.cpuMillis;
    ni.requestedMemoryMiB -= e.memoryMiB;
    ni.nonZeroCpuMillis -= e.nonZeroCpuMillis;
    ni.nonZeroMemoryMiB -= e.nonZeroMemoryMiB;
    ni.pods--;
    for (String k : e.labelKeys) {
      NodeInfo.increment(ni.podLabels, k, -1);
    }
    if (e.antiAffinityTerm != null) {
      NodeInfo.increment(ni.antiAffinityTerms, e.antiAffinityTerm, -1);
      antiAffinityPods--;
    }
    if (ni.pods == 0 && ni.node == null) {
      nodes.remove(e.nodeName);
    }
    refreshHot(ni);
  }

  // ---------------------------------------------------------------- volumes

  /** Adds a PV or replaces the cached one (ignored if older than the cached version). */
  public void addVolume(PersistentVolume pv) {
    String name = pv.meta().name();
    PersistentVolume old = volumes.get(name);
    if (old != null) {
      if (old.meta().resourceVersion() > pv.meta().resourceVersion()) {
        return;
      }
      unindex(old);
    }
    volumes.put(name, pv);
    index(pv);
  }

  public void removeVolume(String name) {
    PersistentVolume old = volumes.remove(name);
    if (old != null) {
      unindex(old);
    }
  }

  /** A cached PV by name, or null. */
  public PersistentVolume volume(String name) {
    return volumes.get(name);
  }

  /**
   * Unbound PVs of a storage class pinned to a node (or, for {@code nodeName} "", pinned to no
   * node), smallest first, then by name.
   */
  public List<PersistentVolume> availableVolumes(String nodeName, String storageClass) {
    TreeSet<PersistentVolume> s = availableSet(nodeName, storageClass);
    return s == null ? List.of() : new ArrayList<>(s);
  }

  TreeSet<PersistentVolume> availableSet(String nodeName, String storageClass) {
    TreeMap<String, TreeSet<PersistentVolume>> byClass = available.get(nodeName);
    return byClass == null ? null : byClass.get(storageClass == null ? "" : storageClass);
  }

  /** The PV whose claim is {@code claimKey} (pre-bound or bound), or null. */
  PersistentVolume volumeForClaim(String claimKey) {
    String name = volumeByClaim.get(claimKey);
    return name == null ? null : volumes.get(name);
  }

  private void index(PersistentVolume pv) {
    if (pv.claim() != null) {
      volumeByClaim.put(pv.claim(), pv.meta().name());
      return;
    }
    available.computeIfAbsent(pinnedTo(pv), k -> new TreeMap<>())
        .computeIfAbsent(classOf(pv), k -> new TreeSet<>(SMALLEST_FIRST))
        .add(pv);
  }

  private void unindex(PersistentVolume pv) {
    if (pv.claim() != null) {
      volumeByClaim.remove(pv.claim(), pv.meta().name());
      return;
    }
    TreeMap<String, TreeSet<PersistentVolume>> byClass = available.get(pinnedTo(pv));
    TreeSet<PersistentVolume> set = byClass.get(classOf(pv));
    set.remove(pv);
    if (set.isEmpty()) {
      byClass.remove(classOf(pv));
      if (byClass.isEmpty()) {
        available.remove(pinnedTo(pv));
      }
    }
  }

  private static String pinnedTo(PersistentVolume pv) {
    return pv.nodeAffinity() == null ? "" : pv.nodeAffinity();
  }

  private static String classOf(PersistentVolume pv) {
    return pv.storageClass() == null ? "" : pv.storageClass();
  }

  // ---------------------------------------------------------------- package API for the scheduler

  /** Present nodes in node-tree order; the array is shared, do not modify. */
  NodeInfo[] nodeList() {
    if (nodeListStale) {
      rebuildNodeList();
    }
    return nodeList;
  }

  /**
   * Changes whenever a node is added, updated or removed: the node list and every node's static
   * fields (labels, taints, readiness, cordon) are the same as long as it does not.
   */
  long nodeGeneration() {
    return nodeGeneration;
  }

  /** Bound pods that carry an anti-affinity term. */
  int antiAffinityPods() {
    return antiAffinityPods;
  }

  /** {@code namespace \0 key=value}: how pod labels and anti-affinity terms are keyed. */
  static String labelKey(String namespace, String key, String value) {
    return namespace + '\0' + key + '=' + value;
  }

  // ---------------------------------------------------------------- node tree

  private static String zoneOf(Node n) {
    return n.zone() == null ? "" : n.zone();
  }

  private void treeAdd(String zone, NodeInfo ni) {
    zones.computeIfAbsent(zone == null ? "" : zone, z -> new ArrayList<>()).add(ni);
    nodeListStale = true;
  }

  private void treeRemove(String zone, NodeInfo ni) {
    ArrayList<NodeInfo> list = zones.get(zone);
    list.remove(ni);
    if (list.isEmpty()) {
      zones.remove(zone);
    }
    nodeListStale = true;
  }

  /** node_tree.go list(): one node from each zone per round, zones in their order. */
  private void rebuildNodeList() {
    NodeInfo[] out = new NodeInfo[presentNodes];
    int n = 0;
    for (int round = 0; n < out.length; round++) {
      for (ArrayList<NodeInfo> zone : zones.values()) {
        if (round < zone.size()) {
          out[n++] = zone.get(round);
        }
      }
    }
    for (NodeInfo ni : nodeList) {
      ni.position = -1;
    }
    NodeInfo[] byName = out.clone();
    Arrays.sort(byName, Comparator.comparing((NodeInfo ni) -> ni.name));
    for (int i = 0; i < byName.length; i++) {
      byName[i].nameRank = i;
    }
    nodeList = out;
    nodeListStale = false;
    hot.resize(out.length);
    for (int i = 0; i < out.length; i++) {
      out[i].position = i;
      hot.write(i, out[i]);
    }
  }

  private void refreshHot(NodeInfo ni) {
    if (!nodeListStale && ni.position >= 0 && ni.node != null) {
      hot.write(ni.position, ni);
    }
  }

  /** Per-position copies of the fields a scan reads (see {@link #hot}). */
  static final class HotNodes {
    /** Allocatable minus requested. */
    long[] freeCpuMillis = new long[0];
    long[] freeMemoryMiB = new long[0];
    /** Requests with the non-zero defaults, for scoring. */
    long[] nonZeroCpuMillis = new long[0];
    long[] nonZeroMemoryMiB = new long[0];
    double[] inverseCpu = new double[0];
    double[] inverseMemory = new double[0];
    int[] nameRank = new int[0];
    /** Whether a pod on the node carries an anti-affinity term. */
    boolean[] antiAffinityTerms = new boolean[0];

    void resize(int n) {
      if (freeCpuMillis.length != n) {
        freeCpuMillis = new long[n];
        freeMemoryMiB = new long[n];
        nonZeroCpuMillis = new long[n];
        nonZeroMemoryMiB = new long[n];
        inverseCpu = new double[n];
        inverseMemory = new double[n];
        nameRank = new int[n];
        antiAffinityTerms = new boolean[n];
      }
    }

    void write(int i, NodeInfo ni) {
      freeCpuMillis[i] = ni.allocCpuMillis - ni.requestedCpuMillis;
      freeMemoryMiB[i] = ni.allocMemoryMiB - ni.requestedMemoryMiB;
      nonZeroCpuMillis[i] = ni.nonZeroCpuMillis;
      nonZeroMemoryMiB[i] = ni.nonZeroMemoryMiB;
      inverseCpu[i] = ni.inverseCpu;
      inverseMemory[i] = ni.inverseMemory;
      nameRank[i] = ni.nameRank;
      antiAffinityTerms[i] = ni.antiAffinityTerms != null && !ni.antiAffinityTerms.isEmpty();
    }
  }

  /** A bound pod as the cache accounts it. */
  private static final class PodEntry {
    final String nodeName;
    final long resourceVersion;
    final long cpuMillis;
    final long memoryMiB;
    final long nonZeroCpuMillis;
    final long nonZeroMemoryMiB;
    final String[] labelKeys;
    final String antiAffinityTerm;

    PodEntry(Pod pod) {
      nodeName = pod.spec().nodeName();
      resourceVersion = pod.meta().resourceVersion();
      Resources r = pod.spec().requests() == null ? Resources.NONE : pod.spec().requests();
      cpuMillis = r.cpuMillis();
      memoryMiB = r.memoryMiB();
      nonZeroCpuMillis = KubeScheduler.nonZeroCpu(r);
      nonZeroMemoryMiB = KubeScheduler.nonZeroMemory(r);
      String ns = pod.meta().namespace();
      Map<String, String> labels = pod.meta().labels();
      labelKeys = new String[labels.size()];
      int i = 0;
      for (Map.Entry<String, String> l : labels.entrySet()) {
        labelKeys[i++] = labelKey(ns, l.getKey(), l.getValue());
      }
      antiAffinityTerm = KubeScheduler.antiAffinityTerm(pod);
    }
  }
}
