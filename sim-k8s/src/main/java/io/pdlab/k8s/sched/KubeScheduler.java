package io.pdlab.k8s.sched;

import io.pdlab.k8s.api.PersistentVolume;
import io.pdlab.k8s.api.PersistentVolumeClaim;
import io.pdlab.k8s.api.Pod;
import io.pdlab.k8s.api.PodSpec;
import io.pdlab.k8s.api.Resources;
import io.pdlab.k8s.api.StorageClass;
import io.pdlab.k8s.api.Taint;
import io.pdlab.k8s.api.Toleration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * One kube-scheduler scheduling cycle per call, against a {@link SchedulerCache}; the caller
 * applies the decision (and tells the cache, see {@link SchedulerCache#assume}).
 *
 * <p>What it follows, from kubernetes/kubernetes {@code pkg/scheduler}:
 *
 * <ul>
 *   <li>Filters in the default profile's order ({@code apis/config/v1/default_plugins.go}):
 *       NodeUnschedulable, TaintToleration, NodeAffinity (nodeSelector), NodeResourcesFit,
 *       VolumeBinding, InterPodAffinity. A node is charged to the first filter that rejects it;
 *       a filter may give several reasons (NodeResourcesFit: "Insufficient cpu" and
 *       "Insufficient memory"). VolumeBinding's PreFilter (missing PVC, unbound Immediate PVC)
 *       rejects the pod before any node is looked at.
 *   <li>Sampling ({@code schedule_one.go}, {@code findNodesThatPassFilters} and {@code
 *       numFeasibleNodesToFind}): the scan starts where the previous cycle stopped, wraps around
 *       the node list and stops once {@link #numFeasibleNodesToFind} feasible nodes are found;
 *       the start index then advances by the number of nodes processed.
 *   <li>Scoring: NodeResourcesFit's LeastAllocated strategy ({@code
 *       plugins/noderesources/least_allocated.go}) on the pods' requests with the non-zero
 *       defaults for pods that request nothing ({@code util/pod_resources.go}).
 *   <li>The failure message of {@code FitError.Error()} ({@code framework/types.go}): "0/N nodes
 *       are available: " and the histogram "count reason", sorted as strings, joined by ", ",
 *       with a final ".".
 * </ul>
 *
 * <p>Deviations, all for determinism or because the model has no such field: the best node is
 * the lowest mean requested fraction, unrounded, with ties to the lower node name (kube-scheduler
 * rounds each score to 0..100 and picks at random among the top); no other score plugins
 * (BalancedAllocation, ImageLocality, TaintToleration and NodeAffinity preferences, default
 * topology spreading); no pod-count limit ("Too many pods"), host ports, volume limits, volume
 * zones or preemption (so no "preemption: ..." suffix); filters run on one thread in scan order.
 *
 * <p>The static filters (NodeUnschedulable, TaintToleration, NodeAffinity) depend only on the
 * node and on the pod's nodeSelector and tolerations, so their outcome is computed once per
 * (selector, tolerations) and node generation: the positions of the nodes that pass, and the
 * reasons of the others. A cycle then walks only those positions from its start index and
 * derives kube-scheduler's count of processed nodes from where it stopped; the nodes looked at,
 * the start index, the choice and the message are exactly those of the plain loop. This is the
 * model's stand-in for kube-scheduler's 16 filter goroutines.
 */
public final class KubeScheduler {
  /** schedule_one.go: the fewest nodes a cycle looks for. */
  public static final int MIN_FEASIBLE_NODES_TO_FIND = 100;
  /** schedule_one.go: the lowest adaptive percentage of nodes to score. */
  public static final int MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5;
  /** util/pod_resources.go DefaultMilliCPURequest: what a pod without a CPU request scores as. */
  public static final long DEFAULT_MILLI_CPU_REQUEST = 100;
  /** util/pod_resources.go DefaultMemoryRequest (200 * 1024 * 1024 bytes). */
  public static final long DEFAULT_MEMORY_REQUEST_MIB = 200;

  /** schedule_one.go ErrNoNodesAvailable. */
  public static final String NO_NODES_AVAILABLE = "no nodes available to schedule pods";
  /** nodeunschedulable ErrReasonUnschedulable. */
  public static final String REASON_UNSCHEDULABLE = "node(s) were unschedulable";
  /** noderesources/fit.go: "Insufficient " + resource name. */
  public static final String REASON_INSUFFICIENT_CPU = "Insufficient cpu";
  public static final String REASON_INSUFFICIENT_MEMORY = "Insufficient memory";
  /** volumebinding/binder.go ErrReasonNodeConflict. */
  public static final String REASON_VOLUME_NODE_CONFLICT =
      "node(s) had volume node affinity conflict";
  /** volumebinding/binder.go ErrReasonBindConflict. */
  public static final String REASON_VOLUME_BIND_CONFLICT =
      "node(s) didn't find available persistent volumes to bind";
  /** volumebinding/binder.go ErrReasonPVNotExist. */
  public static final String REASON_PV_NOT_EXIST =
      "node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)";
  /** interpodaffinity ErrReasonAntiAffinityRulesNotMatch. */
  public static final String REASON_ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules";
  /** interpodaffinity ErrReasonExistingAntiAffinityRulesNotMatch. */
  public static final String REASON_EXISTING_ANTI_AFFINITY =
      "node(s) didn't satisfy existing pods anti-affinity rules";
  /** volumebinding PreFilter. */
  public static final String UNBOUND_IMMEDIATE_CLAIMS =
      "pod has unbound immediate PersistentVolumeClaims";
  /** The provisioner of static-only classes (volume.NotSupportedProvisioner). */
  public static final String NO_PROVISIONER = "kubernetes.io/no-provisioner";
  public static final String WAIT_FOR_FIRST_CONSUMER = "WaitForFirstConsumer";
  /** The taint a cordoned node carries; tolerating it lets a pod pass NodeUnschedulable. */
  public static final String UNSCHEDULABLE_TAINT_KEY = "node.kubernetes.io/unschedulable";

  private static final Taint UNSCHEDULABLE_TAINT =
      new Taint(UNSCHEDULABLE_TAINT_KEY, "", Taint.Effect.NoSchedule);
  private static final int PASS = -1;
  private static final int R_UNSCHEDULABLE = 0;
  private static final int R_NODE_AFFINITY = 1;
  private static final int R_CPU = 2;
  private static final int R_MEMORY = 3;
  private static final int R_VOLUME_NODE = 4;
  private static final int R_VOLUME_BIND = 5;
  private static final int R_PV_NOT_EXIST = 6;
  private static final int R_ANTI = 7;
  private static final int R_EXISTING_ANTI = 8;
  private static final int R_AFFINITY_NOT_MATCH = 9;
  /** Pod classes memoised before the memo is dropped and started over. */
  private static final int MAX_POD_CLASSES = 256;
  private static final Comparator<PersistentVolume> SMALLEST_FIRST =
      Comparator.comparingLong(PersistentVolume::capacityGi)
          .thenComparing(pv -> pv.meta().name());

  private final SchedulerCache cache;
  private final int percentageOfNodesToScore;
  private final SchedulerRelease release;
  private int nextStartNodeIndex;
  private long cycles;
  private long evaluatedNodesTotal;
  private int lastEvaluatedNodes;
  private int lastFeasibleNodes;

  private final LinkedHashMap<String, Integer> reasonIds = new LinkedHashMap<>();
  private final List<String> reasonTexts = new ArrayList<>();
  private int[] reasonCounts = new int[16];
  private final LinkedHashMap<String, PodClass> podClasses = new LinkedHashMap<>();

  /**
   * A scheduler with the adaptive percentage of nodes to score (the default, 0) and the messages
   * of {@link SchedulerRelease#V1_20}, the release the model is checked against.
   */
  public KubeScheduler(SchedulerCache cache) {
    this(cache, 0, SchedulerRelease.V1_20);
  }

  /** A scheduler writing {@code release}'s messages. */
  public KubeScheduler(SchedulerCache cache, SchedulerRelease release) {
    this(cache, 0, release);
  }

  /**
   * @param percentageOfNodesToScore 0 for adaptive, else 1..100 as in KubeSchedulerConfiguration
   * @param release whose failure messages to write
   */
  public KubeScheduler(SchedulerCache cache, int percentageOfNodesToScore,
      SchedulerRelease release) {
    if (percentageOfNodesToScore < 0 || percentageOfNodesToScore > 100) {
      throw new IllegalArgumentException(
          "percentageOfNodesToScore must be 0..100, got " + percentageOfNodesToScore);
    }
    this.cache = cache;
    this.percentageOfNodesToScore = percentageOfNodesToScore;
    this.release = release;
    for (String r : List.of(REASON_UNSCHEDULABLE, release.nodeAffinity(),
        REASON_INSUFFICIENT_CPU, REASON_INSUFFICIENT_MEMORY, REASON_VOLUME_NODE_CONFLICT,
        REASON_VOLUME_BIND_CONFLICT, REASON_PV_NOT_EXIST, REASON_ANTI_AFFINITY,
        REASON_EXISTING_ANTI_AFFINITY, release.affinityNotMatch() == null
            ? "(no affinity-not-match reason in this release)" : release.affinityNotMatch())) {
      reasonId(r);
    }
  }

  public SchedulerCache cache() {
    return cache;
  }

  /**
   * schedule_one.go numFeasibleNodesToFind with the adaptive percentage: every node below 100
   * nodes; else {@code 50 - nodes/125} percent (at least 5) of the nodes, and at least 100.
   */
  public static int numFeasibleNodesToFind(int percentageOfNodesToScore, int numAllNodes) {
    if (numAllNodes < MIN_FEASIBLE_NODES_TO_FIND) {
      return numAllNodes;
    }
    int percentage = percentageOfNodesToScore;
    if (percentage == 0) {
      percentage = 50 - numAllNodes / 125;
      if (percentage < MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND) {
        percentage = MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND;
      }
    }
    int numNodes = (int) ((long) numAllNodes * percentage / 100);
    return Math.max(numNodes, MIN_FEASIBLE_NODES_TO_FIND);
  }

  /** Scheduling cycles run. */
  public long cycles() {
    return cycles;
  }

  /** Nodes run through the filters, over all cycles. */
  public long evaluatedNodesTotal() {
    return evaluatedNodesTotal;
  }

  /** Nodes run through the filters in the last cycle (kube-scheduler's EvaluatedNodes). */
  public int lastEvaluatedNodes() {
    return lastEvaluatedNodes;
  }

  /** Nodes that passed every filter in the last cycle (FeasibleNodes). */
  public int lastFeasibleNodes() {
    return lastFeasibleNodes;
  }

  /** Where the next cycle starts its scan in the node list. */
  public int nextStartNodeIndex() {
    return nextStartNodeIndex;
  }

  /**
   * Decides where {@code pod} goes. Does not change the cache; the caller assumes the decision
   * once it acts on it.
   *
   * @param volumes where the pod's PVCs and their StorageClasses are read
   */
  public SchedulingDecision schedule(Pod pod, VolumeLookup volumes) {
    cycles++;
    lastEvaluatedNodes = 0;
    lastFeasibleNodes = 0;
    NodeInfo[] all = cache.nodeList();
    int n = all.length;
    if (n == 0) {
      return new SchedulingDecision.Unschedulable(NO_NODES_AVAILABLE);
    }
    PodSpec spec = pod.spec();
    Claims claims = null;
    if (!spec.claims().isEmpty()) {
      claims = resolveClaims(pod, volumes);
      if (claims.preFilterMessage != null) {
        return new SchedulingDecision.Unschedulable(
            "0/" + n + " nodes are available: " + claims.preFilterMessage + ".");
      }
    }
    Cycle c = new Cycle();
    c.podClass = podClass(spec);
    Resources r = spec.requests() == null ? Resources.NONE : spec.requests();
    c.cpu = r.cpuMillis();
    c.memory = r.memoryMiB();
    c.nonZeroCpu = nonZeroCpu(r);
    c.nonZeroMemory = nonZeroMemory(r);
    c.claims = claims;
    c.ownAntiAffinityTerm = antiAffinityTerm(pod);
    c.pod = pod;
    if (reasonCounts.length < reasonTexts.size()) {
      reasonCounts = new int[reasonTexts.size() * 2];
    } else {
      Arrays.fill(reasonCounts, 0);
    }

    int toFind = numFeasibleNodesToFind(percentageOfNodesToScore, n);
    int start = nextStartNodeIndex % n;
    StaticFit fit = staticFit(c.podClass, all);
    // Walk the statically feasible positions in scan order (from start, wrapping), running the
    // other filters on each: the same nodes, in the same order, as kube-scheduler's loop over
    // all nodes, which stops after the toFind-th feasible one.
    int[] positions = fit.positions;
    int m = fit.count;
    int first = lowerBound(positions, m, start);
    SchedulerCache.HotNodes hot = cache.hot;
    long[] freeCpu = hot.freeCpuMillis;
    long[] freeMemory = hot.freeMemoryMiB;
    long[] nonZeroCpu = hot.nonZeroCpuMillis;
    long[] nonZeroMemory = hot.nonZeroMemoryMiB;
    double[] inverseCpu = hot.inverseCpu;
    double[] inverseMemory = hot.inverseMemory;
    int[] nameRank = hot.nameRank;
    boolean[] antiAffinityTerms = hot.antiAffinityTerms;
    // Only pods with volumes or anti-affinity (or nodes whose pods have anti-affinity) need more
    // than the flat arrays.
    boolean podNeedsNodeInfo = claims != null || c.ownAntiAffinityTerm != null;
    int best = -1;
    double bestScore = 0;
    int feasible = 0;
    int lastPosition = -1;
    for (int j = 0; j < m && feasible < toFind; j++) {
      int k = first + j;
      int position = positions[k < m ? k : k - m];
      lastPosition = position;
      // NodeResourcesFit (fit.go checks a resource only if the pod requests some of it)
      boolean cpuShort = c.cpu > 0 && c.cpu > freeCpu[position];
      boolean memShort = c.memory > 0 && c.memory > freeMemory[position];
      if (cpuShort || memShort) {
        if (cpuShort) {
          reasonCounts[R_CPU]++;
        }
        if (memShort) {
          reasonCounts[R_MEMORY]++;
        }
        continue;
      }
      // VolumeBinding, InterPodAffinity
      if ((podNeedsNodeInfo || antiAffinityTerms[position])
          && !passesVolumeAndAffinityFilters(all[position], c)) {
        continue;
      }
      feasible++;
      // LeastAllocated: lowest mean requested fraction after placing, ties to the lower name
      double score = Math.min(1.0, (nonZeroCpu[position] + c.nonZeroCpu) * inverseCpu[position])
          + Math.min(1.0, (nonZeroMemory[position] + c.nonZeroMemory) * inverseMemory[position]);
      if (best < 0 || score < bestScore
          || (score == bestScore && nameRank[position] < nameRank[best])) {
        best = position;
        bestScore = score;
      }
    }
    // Nodes processed: up to and including the last feasible one wanted, else all of them.
    int processed = feasible >= toFind ? (lastPosition - start + n) % n + 1 : n;
    nextStartNodeIndex = (start + processed) % n;
    evaluatedNodesTotal += processed;
    lastEvaluatedNodes = processed;
    lastFeasibleNodes = feasible;
    if (best < 0) {
      if (reasonCounts.length < fit.reasonCounts.length) {
        reasonCounts = Arrays.copyOf(reasonCounts, fit.reasonCounts.length);
      }
      for (int id = 0; id < fit.reasonCounts.length; id++) {
        reasonCounts[id] += fit.reasonCounts[id];
      }
      return new SchedulingDecision.Unschedulable(fitErrorMessage(n));
    }
    List<VolumeBinding> bindings = new ArrayList<>();
    List<String> provisions = new ArrayList<>();
    NodeInfo chosen = all[best];
    if (claims != null) {
      matchVolumes(chosen, claims, bindings, provisions);
    }
    return new SchedulingDecision.Bound(chosen.name, bindings, provisions);
  }

  // ---------------------------------------------------------------- filters

  /** VolumeBinding then InterPodAffinity for one node; counts the reasons of a rejection. */
  private boolean passesVolumeAndAffinityFilters(NodeInfo ni, Cycle c) {
    // VolumeBinding
    if (c.claims != null && !volumesFit(ni, c.claims)) {
      return false;
    }
    // InterPodAffinity: the pod's own anti-affinity term, then existing pods' terms
    if (c.ownAntiAffinityTerm != null && ni.podLabels != null
        && ni.podLabels.containsKey(c.ownAntiAffinityTerm)) {
      reasonCounts[R_ANTI]++;
      if (release.affinityNotMatch() != null) {
        reasonCounts[R_AFFINITY_NOT_MATCH]++;
      }
      return false;
    }
    if (ni.antiAffinityTerms != null) {
      if (c.labelKeys == null) {
        c.labelKeys = labelKeys(c.pod);
      }
      for (String k : c.labelKeys) {
        if (ni.antiAffinityTerms.containsKey(k)) {
          reasonCounts[R_EXISTING_ANTI]++;
          if (release.affinityNotMatch() != null) {
            reasonCounts[R_AFFINITY_NOT_MATCH]++;
          }
          return false;
        }
      }
    }
    return true;
  }

  /**
   * The static filters (NodeUnschedulable, TaintToleration, NodeAffinity) for every node, once
   * per pod class and node generation: the positions of the nodes that pass, ascending, and the
   * reasons of those that do not.
   */
  private StaticFit staticFit(PodClass pc, NodeInfo[] all) {
    long generation = cache.nodeGeneration();
    StaticFit fit = pc.fit;
    if (fit != null && fit.generation == generation) {
      return fit;
    }
    fit = new StaticFit(generation, all.length);
    int[] counts = new int[reasonTexts.size() + 8];
    for (int position = 0; position < all.length; position++) {
      int v = computeStaticVerdict(pc, all[position]);
      if (v == PASS) {
        fit.positions[fit.count++] = position;
      } else {
        if (v >= counts.length) {
          counts = Arrays.copyOf(counts, Math.max(v + 1, counts.length * 2));
        }
        counts[v]++;
      }
    }
    fit.reasonCounts = counts;
    pc.fit = fit;
    return fit;
  }

  /**
   * The first index in {@code a[0..len)} whose value is at least {@code key}; 0 if there is none
   * (the scan wraps around to the first position).
   */
  private static int lowerBound(int[] a, int len, int key) {
    int lo = 0;
    int hi = len;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (a[mid] < key) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo == len ? 0 : lo;
  }

  private int computeStaticVerdict(PodClass pc, NodeInfo ni) {
    if (ni.unschedulable && !pc.toleratesUnschedulable) {
      return R_UNSCHEDULABLE;
    }
    for (Taint t : ni.filterTaints) {
      if (!tolerated(pc.tolerations, t)) {
        // tainttoleration: the first untolerated NoSchedule/NoExecute taint is reported
        return reasonId(release.taint(t.key(), t.value()));
      }
    }
    for (int i = 0; i < pc.selectorKeys.length; i++) {
      if (!pc.selectorValues[i].equals(ni.labels.get(pc.selectorKeys[i]))) {
        return R_NODE_AFFINITY;
      }
    }
    return PASS;
  }

  private static boolean tolerated(Toleration[] tolerations, Taint t) {
    for (Toleration tol : tolerations) {
      if (tol.tolerates(t)) {
        return true;
      }
    }
    return false;
  }

  /** binder.go FindPodVolumes for one node, counting its reasons. */
  private boolean volumesFit(NodeInfo ni, Claims claims) {
    boolean pvsFound = true;
    boolean boundSatisfied = true;
    for (String[] b : claims.bound) {
      PersistentVolume pv = cache.volume(b[1]);
      if (pv == null) {
        pvsFound = false;
        boundSatisfied = false;
        break;
      }
      if (pv.nodeAffinity() != null && !pv.nodeAffinity().equals(ni.name)) {
        boundSatisfied = false;
        break;
      }
    }
    boolean unboundSatisfied = claims.unbound.isEmpty() || matchVolumes(ni, claims, null, null);
    if (pvsFound && boundSatisfied && unboundSatisfied) {
      return true;
    }
    if (!pvsFound) {
      reasonCounts[R_PV_NOT_EXIST]++;
    }
    if (!boundSatisfied) {
      reasonCounts[R_VOLUME_NODE]++;
    }
    if (!unboundSatisfied) {
      reasonCounts[R_VOLUME_BIND]++;
    }
    return false;
  }

  /**
   * binder.go findMatchingVolumes then checkVolumeProvisions: each unbound claim, smallest
   * request first, takes the smallest unchosen available PV of its class that is big enough and
   * may be used on the node (or the PV already pre-bound to it); a claim left over is
   * provisioned if its class has a provisioner. Fills {@code bindings}/{@code provisions} when
   * given.
   */
  private boolean matchVolumes(NodeInfo ni, Claims claims, List<VolumeBinding> bindings,
      List<String> provisions) {
    List<PersistentVolume> chosen = new ArrayList<>(claims.unbound.size());
    boolean satisfied = true;
    for (UnboundClaim uc : claims.unbound) {
      PersistentVolume pv = matchingVolume(ni.name, uc, chosen);
      if (pv != null) {
        chosen.add(pv);
        if (bindings != null) {
          bindings.add(new VolumeBinding(uc.key, pv.meta().name()));
        }
      } else if (uc.dynamic) {
        if (provisions != null) {
          provisions.add(uc.key);
        }
      } else {
        satisfied = false;
      }
    }
    return satisfied;
  }

  private PersistentVolume matchingVolume(String nodeName, UnboundClaim uc,
      List<PersistentVolume> chosen) {
    PersistentVolume pre = cache.volumeForClaim(uc.key);
    if (pre != null) {
      // pv_util.go FindMatchingVolume: a PV pre-bound to the claim is its match or nothing
      boolean fits = uc.storageClass.equals(pre.storageClass() == null ? "" : pre.storageClass())
          && pre.capacityGi() >= uc.requestGi
          && (pre.nodeAffinity() == null || pre.nodeAffinity().equals(nodeName));
      return fits ? pre : null;
    }
    PersistentVolume onNode = firstFit(cache.availableSet(nodeName, uc.storageClass), uc, chosen);
    PersistentVolume anywhere = firstFit(cache.availableSet("", uc.storageClass), uc, chosen);
    if (onNode == null) {
      return anywhere;
    }
    if (anywhere == null) {
      return onNode;
    }
    return SMALLEST_FIRST.compare(onNode, anywhere) <= 0 ? onNode : anywhere;
  }

  private static PersistentVolume firstFit(TreeSet<PersistentVolume> pvs, UnboundClaim uc,
      List<PersistentVolume> chosen) {
    if (pvs == null) {
      return null;
    }
    for (PersistentVolume pv : pvs) {
      if (pv.capacityGi() >= uc.requestGi && !chosen.contains(pv)) {
        return pv;
      }
    }
    return null;
  }

  /** volume_binding.go PreFilter: look up the claims and split them into bound and unbound. */
  private static Claims resolveClaims(Pod pod, VolumeLookup volumes) {
    Claims out = new Claims();
    String ns = pod.meta().namespace();
    List<PersistentVolumeClaim> pvcs = new ArrayList<>();
    for (String name : pod.spec().claims()) {
      PersistentVolumeClaim pvc = volumes.claim(ns, name);
      if (pvc == null) {
        out.preFilterMessage = "persistentvolumeclaim \"" + name + "\" not found";
        return out;
      }
      pvcs.add(pvc);
    }
    boolean immediate = false;
    for (PersistentVolumeClaim pvc : pvcs) {
      String key = pvc.meta().key();
      if (pvc.volume() != null) {
        out.bound.add(new String[] {key, pvc.volume()});
        continue;
      }
      String cls = pvc.storageClass() == null ? "" : pvc.storageClass();
      StorageClass sc = cls.isEmpty() ? null : volumes.storageClass(cls);
      if (!cls.isEmpty() && sc == null) {
        out.preFilterMessage = "storageclass.storage.k8s.io \"" + cls + "\" not found";
        return out;
      }
      if (sc == null || !WAIT_FOR_FIRST_CONSUMER.equals(sc.volumeBindingMode())) {
        immediate = true;
        continue;
      }
      boolean dynamic = sc.provisioner() != null && !sc.provisioner().isEmpty()
          && !NO_PROVISIONER.equals(sc.provisioner());
      out.unbound.add(new UnboundClaim(key, cls, pvc.requestGi(), dynamic));
    }
    if (immediate) {
      out.preFilterMessage = UNBOUND_IMMEDIATE_CLAIMS;
      return out;
    }
    // findMatchingVolumes sorts by request so the smallest claims get the smallest fits; the
    // key breaks kube-scheduler's unstable sort deterministically.
    out.unbound.sort(Comparator.comparingLong((UnboundClaim u) -> u.requestGi)
        .thenComparing(u -> u.key));
    return out;
  }

  // ---------------------------------------------------------------- helpers

  private String fitErrorMessage(int numAllNodes) {
    List<String> parts = new ArrayList<>();
    for (int id = 0; id < reasonTexts.size(); id++) {
      if (id < reasonCounts.length && reasonCounts[id] > 0) {
        parts.add(reasonCounts[id] + " " + reasonTexts.get(id));
      }
    }
    // types.go sortReasonsHistogram: sort.Strings over "count reason"
    parts.sort(Comparator.naturalOrder());
    StringBuilder sb = new StringBuilder("0/").append(numAllNodes).append(" nodes are available:");
    if (!parts.isEmpty()) {
      sb.append(' ').append(String.join(", ", parts)).append('.');
    }
    return sb.toString();
  }

  private int reasonId(String text) {
    Integer id = reasonIds.get(text);
    if (id == null) {
      id = reasonTexts.size();
      reasonIds.put(text, id);
      reasonTexts.add(text);
      if (reasonCounts.length <= id) {
        reasonCounts = Arrays.copyOf(reasonCounts, reasonCounts.length * 2);
      }
    }
    return id;
  }

  private PodClass podClass(PodSpec spec) {
    if (spec.nodeSelector().isEmpty() && spec.tolerations().isEmpty()) {
      return podClassByKey("", spec);
    }
    StringBuilder key = new StringBuilder();
    for (Map.Entry<String, String> e : spec.nodeSelector().entrySet()) {
      key.append(e.getKey()).append('=').append(e.getValue()).append('\0');
    }
    key.append('|');
    for (Toleration t : spec.tolerations()) {
      key.append(t.key()).append('\0').append(t.operator()).append('\0').append(t.value())
          .append('\0').append(t.effect()).append('\u0001');
    }
    return podClassByKey(key.toString(), spec);
  }

  private PodClass podClassByKey(String k, PodSpec spec) {
    PodClass pc = podClasses.get(k);
    if (pc == null) {
      if (podClasses.size() >= MAX_POD_CLASSES) {
        podClasses.clear();
      }
      pc = new PodClass(spec);
      podClasses.put(k, pc);
    }
    return pc;
  }

  static long nonZeroCpu(Resources r) {
    return r.cpuMillis() == 0 ? DEFAULT_MILLI_CPU_REQUEST : r.cpuMillis();
  }

  static long nonZeroMemory(Resources r) {
    return r.memoryMiB() == 0 ? DEFAULT_MEMORY_REQUEST_MIB : r.memoryMiB();
  }

  /**
   * The pod's required anti-affinity term as a label key: no two pods of the namespace with the
   * same value of {@code antiAffinityLabel} on one node (topologyKey kubernetes.io/hostname).
   * Null when the pod has no such label or no value for it.
   */
  static String antiAffinityTerm(Pod pod) {
    String label = pod.spec().antiAffinityLabel();
    if (label == null) {
      return null;
    }
    String value = pod.meta().labels().get(label);
    return value == null ? null
        : SchedulerCache.labelKey(pod.meta().namespace(), label, value);
  }

  private static String[] labelKeys(Pod pod) {
    String ns = pod.meta().namespace();
    String[] out = new String[pod.meta().labels().size()];
    int i = 0;
    for (Map.Entry<String, String> l : pod.meta().labels().entrySet()) {
      out[i++] = SchedulerCache.labelKey(ns, l.getKey(), l.getValue());
    }
    return out;
  }

  /** The per-cycle state (kube-scheduler's CycleState). */
  private static final class Cycle {
    Pod pod;
    PodClass podClass;
    long cpu;
    long memory;
    long nonZeroCpu;
    long nonZeroMemory;
    Claims claims;
    String ownAntiAffinityTerm;
    /** The pod's labels as keys, made when a node with anti-affinity terms needs them. */
    String[] labelKeys;
  }

  /** Pods with the same nodeSelector and tolerations, and their memoised static verdicts. */
  private static final class PodClass {
    final String[] selectorKeys;
    final String[] selectorValues;
    final Toleration[] tolerations;
    final boolean toleratesUnschedulable;
    /** The static filters' outcome for the current node generation, or null. */
    StaticFit fit;

    PodClass(PodSpec spec) {
      selectorKeys = spec.nodeSelector().keySet().toArray(new String[0]);
      selectorValues = spec.nodeSelector().values().toArray(new String[0]);
      tolerations = spec.tolerations().toArray(new Toleration[0]);
      toleratesUnschedulable = tolerated(tolerations, UNSCHEDULABLE_TAINT);
    }
  }

  /** Which nodes pass a pod class's static filters, and why the others do not. */
  private static final class StaticFit {
    final long generation;
    /** Positions in the node list, ascending; the first {@link #count} are used. */
    final int[] positions;
    int count;
    /** By reason id: nodes rejected for it. */
    int[] reasonCounts;

    StaticFit(long generation, int nodes) {
      this.generation = generation;
      this.positions = new int[nodes];
    }
  }

  /** A pod's PVCs after PreFilter. */
  private static final class Claims {
    String preFilterMessage;
    /** {claim key, PV name}. */
    final List<String[]> bound = new ArrayList<>();
    final List<UnboundClaim> unbound = new ArrayList<>();
  }

  private record UnboundClaim(String key, String storageClass, long requestGi,
      boolean dynamic) {
  }
}
