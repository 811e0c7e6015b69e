package io.pdlab.sim.dag;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Thrown when a graph that must be acyclic has a cycle. It names one cycle, found
 * deterministically, so the error (and any trace that records it) is the same on every run.
 */
public final class CycleException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final transient List<Object> cycle;

  /**
   * Creates the exception for {@code cycle}: the distinct vertices of the cycle in edge order,
   * without repeating the first one at the end (a self-loop on {@code a} is {@code [a]}).
   */
  public CycleException(List<?> cycle) {
    super(message(cycle));
    this.cycle = Collections.unmodifiableList(new ArrayList<>(cycle));
  }

  /**
   * The vertices of the cycle in edge order; the last one has an edge back to the first. A
   * self-loop is a single-element list.
   */
  public List<Object> cycle() {
    return cycle;
  }

  private static String message(List<?> cycle) {
    if (cycle == null || cycle.isEmpty()) {
      throw new IllegalArgumentException("a cycle needs at least one vertex");
    }
    StringBuilder sb = new StringBuilder("dependency cycle: ");
    for (Object v : cycle) {
      sb.append(v).append(" -> ");
    }
    return sb.append(cycle.get(0)).toString();
  }
}
