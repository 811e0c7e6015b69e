package io.pdlab.sim.dag;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.function.ToLongFunction;
import org.jgrapht.Graph;

/**
 * Deterministic algorithms on directed acyclic JGraphT graphs. Wherever several answers are
 * valid (which ready vertex comes next, which of two equally long chains is critical, which cycle
 * to report) the caller's comparator decides, so results never depend on hash codes or on the
 * order in which vertices were added. If the comparator ranks two distinct vertices as equal, the
 * graph's vertex iteration order breaks the tie; pass a total order to be independent of it.
 */
public final class Dags {
  private Dags() {}

  /**
   * Returns the vertices of {@code g} in topological order: for every edge {@code u -> v}, u comes
   * before v. Uses Kahn's algorithm with a priority queue, so among the vertices that are ready
   * at the same point the smallest by {@code tieBreak} comes first. The order is therefore a pure
   * function of the graph's structure and the comparator.
   *
   * @throws CycleException if {@code g} has a cycle; it names one cycle
   * @throws IllegalArgumentException if {@code g} is not directed
   */
  public static <V, E> List<V> topologicalOrder(Graph<V, E> g, Comparator<? super V> tieBreak) {
    Objects.requireNonNull(g, "graph");
    Comparator<V> order = totalOrder(g, tieBreak);
    Map<V, Integer> inDegree = new LinkedHashMap<>();
    PriorityQueue<V> ready = new PriorityQueue<>(order);
    for (V v : g.vertexSet()) {
      int d = g.inDegreeOf(v);
      inDegree.put(v, d);
      if (d == 0) {
        ready.add(v);
      }
    }
    List<V> result = new ArrayList<>(inDegree.size());
    while (!ready.isEmpty()) {
      V v = ready.poll();
      result.add(v);
      for (E e : g.outgoingEdgesOf(v)) {
        V target = g.getEdgeTarget(e);
        int left = inDegree.merge(target, -1, Integer::sum);
        if (left == 0) {
          ready.add(target);
        }
      }
    }
    if (result.size() < inDegree.size()) {
      List<V> stuck = new ArrayList<>();
      for (Map.Entry<V, Integer> entry : inDegree.entrySet()) {
        if (entry.getValue() > 0) {
          stuck.add(entry.getKey());
        }
      }
      throw new CycleException(findCycle(g, stuck, order));
    }
    return result;
  }

  /**
   * Critical-path analysis of a task graph. Vertices are tasks lasting {@code durationUs}
   * microseconds; an edge {@code u -> v} means v starts once u has finished. A forward pass in
   * {@link #topologicalOrder topological order} gives every task's earliest start and finish and
   * the makespan; the critical path is the chain that ends at a task finishing at the makespan,
   * walked back through predecessors whose finish equals the current task's start. A backward
   * pass gives latest starts, hence {@link CriticalPath#slackUs slack}. Ties (several tasks
   * finishing at the makespan, several tight predecessors) go to the smallest by {@code tieBreak}.
   *
   * @throws IllegalArgumentException if a duration is negative (the message names the vertex)
   * @throws CycleException if {@code g} has a cycle
   * @throws ArithmeticException if a finish time overflows a long
   */
  public static <V, E> CriticalPath<V> criticalPath(
      Graph<V, E> g, ToLongFunction<V> durationUs, Comparator<? super V> tieBreak) {
    Objects.requireNonNull(durationUs, "durationUs");
    List<V> topo = topologicalOrder(g, tieBreak);
    Comparator<V> order = totalOrder(g, tieBreak);

    Map<V, Long> duration = new LinkedHashMap<>();
    for (V v : topo) {
      long d = durationUs.applyAsLong(v);
      if (d < 0) {
        throw new IllegalArgumentException("negative duration " + d + " us for vertex " + v);
      }
      duration.put(v, d);
    }

    Map<V, Long> earliestStart = new LinkedHashMap<>();
    Map<V, Long> earliestFinish = new LinkedHashMap<>();
    long total = 0;
    for (V v : topo) {
      long start = 0;
      for (E e : g.incomingEdgesOf(v)) {
        start = Math.max(start, earliestFinish.get(g.getEdgeSource(e)));
      }
      long finish = Math.addExact(start, duration.get(v));
      earliestStart.put(v, start);
      earliestFinish.put(v, finish);
      total = Math.max(total, finish);
    }

    List<V> path = new ArrayList<>();
    V current = null;
    for (V v : topo) {
      if (earliestFinish.get(v) == total && (current == null || order.compare(v, current) < 0)) {
        current = v;
      }
    }
    while (current != null) {
      path.add(current);
      long start = earliestStart.get(current);
      V best = null;
      for (E e : g.incomingEdgesOf(current)) {
        V u = g.getEdgeSource(e);
        if (earliestFinish.get(u) == start && (best == null || order.compare(u, best) < 0)) {
          best = u;
        }
      }
      current = best;
    }
    Collections.reverse(path);

    Map<V, Long> latestStartByReverse = new LinkedHashMap<>();
    for (int i = topo.size() - 1; i >= 0; i--) {
      V v = topo.get(i);
      long latestFinish = total;
      for (E e : g.outgoingEdgesOf(v)) {
        latestFinish = Math.min(latestFinish, latestStartByReverse.get(g.getEdgeTarget(e)));
      }
      latestStartByReverse.put(v, latestFinish - duration.get(v));
    }
    Map<V, Long> latestStart = new LinkedHashMap<>();
    for (V v : topo) {
      latestStart.put(v, latestStartByReverse.get(v));
    }

    return new CriticalPath<>(path, total, earliestStart, earliestFinish, latestStart);
  }

  /** The caller's comparator, with ties broken by the graph's vertex iteration order. */
  private static <V, E> Comparator<V> totalOrder(Graph<V, E> g, Comparator<? super V> tieBreak) {
    Objects.requireNonNull(tieBreak, "tieBreak");
    if (!g.getType().isDirected()) {
      throw new IllegalArgumentException("graph must be directed, got " + g.getType());
    }
    Map<V, Integer> index = new LinkedHashMap<>();
    for (V v : g.vertexSet()) {
      index.put(v, index.size());
    }
    Comparator<V> primary = tieBreak::compare;
    return primary.thenComparingInt(index::get);
  }

  /**
   * Finds one cycle among {@code candidates} (vertices Kahn's algorithm could not emit, so every
   * one of them lies on or downstream of a cycle) with an iterative depth-first search that
   * visits roots and successors in {@code order}. The cycle is rotated to start at its smallest
   * vertex.
   */
  private static <V, E> List<V> findCycle(Graph<V, E> g, List<V> candidates, Comparator<V> order) {
    List<V> roots = new ArrayList<>(candidates);
    roots.sort(order);
    Map<V, Boolean> done = new LinkedHashMap<>(); // false: on the DFS path; true: finished
    Map<V, Integer> pathIndex = new LinkedHashMap<>();
    List<V> path = new ArrayList<>();
    Deque<Iterator<V>> frames = new ArrayDeque<>();
    for (V root : roots) {
      if (done.containsKey(root)) {
        continue;
      }
      done.put(root, false);
      pathIndex.put(root, path.size());
      path.add(root);
      frames.push(sortedSuccessors(g, root, order));
      while (!frames.isEmpty()) {
        Iterator<V> it = frames.peek();
        if (!it.hasNext()) {
          frames.pop();
          V finished = path.remove(path.size() - 1);
          pathIndex.remove(finished);
          done.put(finished, true);
          continue;
        }
        V next = it.next();
        Boolean state = done.get(next);
        if (state == null) {
          done.put(next, false);
          pathIndex.put(next, path.size());
          path.add(next);
          frames.push(sortedSuccessors(g, next, order));
        } else if (!state) {
          return rotateToSmallest(path.subList(pathIndex.get(next), path.size()), order);
        }
      }
    }
    throw new IllegalStateException("no cycle found among " + candidates);
  }

  private static <V, E> Iterator<V> sortedSuccessors(Graph<V, E> g, V v, Comparator<V> order) {
    List<V> successors = new ArrayList<>();
    for (E e : g.outgoingEdgesOf(v)) {
      successors.add(g.getEdgeTarget(e));
    }
    successors.sort(order);
    return successors.iterator();
  }

  private static <V> List<V> rotateToSmallest(List<V> cycle, Comparator<V> order) {
    int min = 0;
    for (int i = 1; i < cycle.size(); i++) {
      if (order.compare(cycle.get(i), cycle.get(min)) < 0) {
        min = i;
      }
    }
    List<V> rotated = new ArrayList<>(cycle.size());
    rotated.addAll(cycle.subList(min, cycle.size()));
    rotated.addAll(cycle.subList(0, min));
    return rotated;
  }
}
