package io.pdlab.k8s.sched;

import io.pdlab.k8s.api.Node;
import io.pdlab.k8s.api.Taint;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.SortedMap;

/**
 * What the scheduler keeps per node, after kube-scheduler's {@code framework.NodeInfo}: the node
 * (null while only pods that name it are known, a "ghost" node), the sums of the requests of the
 * pods bound to it, and counters for inter-pod anti-affinity. Mutated only by {@link
 * SchedulerCache}.
 */
final class NodeInfo {
  final String name;
  Node node;
  /** The node's place among the present nodes sorted by name: a cheap tie-break. */
  int nameRank;
  /** Index in the cache's node list while the list is current; -1 when not listed. */
  int position = -1;

  long allocCpuMillis;
  long allocMemoryMiB;
  /** 1 / allocatable (infinite when there is none), so scoring multiplies, not divides. */
  double inverseCpu;
  double inverseMemory;
  boolean unschedulable;
  /** NoSchedule and NoExecute taints, the only ones the TaintToleration filter looks at. */
  Taint[] filterTaints = new Taint[0];
  SortedMap<String, String> labels = Collections.emptySortedMap();

  long requestedCpuMillis;
  long requestedMemoryMiB;
  /** Requests with kube-scheduler's non-zero defaults, the basis of scoring. */
  long nonZeroCpuMillis;
  long nonZeroMemoryMiB;
  int pods;

  /**
   * Pods on the node per label, keyed {@code namespace \0 key=value}: what a new pod's
   * anti-affinity term is matched against. Null until the first labelled pod.
   */
  LinkedHashMap<String, Integer> podLabels;
  /**
   * Anti-affinity terms of the pods on the node, keyed like {@link #podLabels}: a new pod that
   * carries such a label may not join them (the symmetric check). Null until the first.
   */
  LinkedHashMap<String, Integer> antiAffinityTerms;

  NodeInfo(String name) {
    this.name = name;
  }

  void setNode(Node n) {
    node = n;
    allocCpuMillis = n.allocatable() == null ? 0 : n.allocatable().cpuMillis();
    allocMemoryMiB = n.allocatable() == null ? 0 : n.allocatable().memoryMiB();
    inverseCpu = allocCpuMillis > 0 ? 1.0 / allocCpuMillis : Double.POSITIVE_INFINITY;
    inverseMemory = allocMemoryMiB > 0 ? 1.0 / allocMemoryMiB : Double.POSITIVE_INFINITY;
    unschedulable = n.unschedulable();
    labels = n.meta().labels();
    List<Taint> ts = new ArrayList<>();
    for (Taint t : n.taints()) {
      if (t.effect() == Taint.Effect.NoSchedule || t.effect() == Taint.Effect.NoExecute) {
        ts.add(t);
      }
    }
    if (!n.ready()) {
      // The node lifecycle controller taints a NotReady node (TaintNodesByCondition); the
      // scheduler sees only that taint, not the Ready condition.
      ts.add(SchedulerCache.NOT_READY_TAINT);
    }
    filterTaints = ts.toArray(new Taint[0]);
  }

  static void increment(LinkedHashMap<String, Integer> m, String key, int delta) {
    Integer old = m.get(key);
    int now = (old == null ? 0 : old) + delta;
    if (now <= 0) {
      m.remove(key);
    } else {
      m.put(key, now);
    }
  }
}
