package io.pdlab.k8s.provision;

import io.pdlab.sim.Distribution;
import io.pdlab.sim.dag.Dags;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jgrapht.Graph;
import org.jgrapht.graph.AsUnmodifiableGraph;
import org.jgrapht.graph.DefaultDirectedGraph;
import org.jgrapht.graph.DefaultEdge;

/**
 * A provisioning plan: resources, their depends-on edges (edge X -> Y: Y waits for X) and the
 * settings of the apply that runs it (parallelism, medians, readiness variant, node-join and load
 * balancer delays) - a saved {@code terraform plan} together with its apply flags. Built by
 * {@link EksGraph#build} for EKS, or by {@link #builder()} for any graph. Immutable and checked to
 * be acyclic. Resources are ordered by name, the tie-break Terraform's walk uses here, so every
 * listing is deterministic.
 */
public final class ResourceGraph {
  /** Tie-break between ready resources and in every listing: by name. */
  public static final Comparator<String> BY_NAME = Comparator.naturalOrder();

  private final Map<String, Resource> resources;
  private final Graph<String, DefaultEdge> graph;
  private final List<String> topologicalOrder;
  private final int parallelism;
  private final boolean medians;
  private final ReadinessVariant readiness;
  private final Distribution nodeJoinDelay;
  private final Distribution lbHostnameDelay;

  private ResourceGraph(Builder b) {
    this.resources = Collections.unmodifiableMap(new TreeMap<>(b.resources));
    this.graph = new AsUnmodifiableGraph<>(b.graph);
    this.topologicalOrder = List.copyOf(Dags.topologicalOrder(b.graph, BY_NAME));
    this.parallelism = b.parallelism;
    this.medians = b.medians;
    this.readiness = b.readiness;
    this.nodeJoinDelay = b.nodeJoinDelay;
    this.lbHostnameDelay = b.lbHostnameDelay;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The EKS graph of {@code params}; see {@link EksGraph#build}. */
  public static ResourceGraph forEks(ProvisionParameters params) {
    return EksGraph.build(params);
  }

  /** The resource named {@code name}. */
  public Resource resource(String name) {
    Resource r = resources.get(name);
    if (r == null) {
      throw new IllegalArgumentException("unknown resource '" + name + "'");
    }
    return r;
  }

  /** Resource names in name order. */
  public List<String> names() {
    return List.copyOf(resources.keySet());
  }

  public int size() {
    return resources.size();
  }

  /** Resources in topological order, ties by name. */
  public List<String> topologicalOrder() {
    return topologicalOrder;
  }

  /** Every edge as {@code "X -> Y"} (Y waits for X), sorted. */
  public List<String> edges() {
    List<String> out = new ArrayList<>();
    for (DefaultEdge e : graph.edgeSet()) {
      out.add(graph.getEdgeSource(e) + " -> " + graph.getEdgeTarget(e));
    }
    out.sort(BY_NAME);
    return out;
  }

  /** What {@code name} waits for, in name order. */
  public List<String> dependencies(String name) {
    resource(name);
    List<String> out = new ArrayList<>();
    for (DefaultEdge e : graph.incomingEdgesOf(name)) {
      out.add(graph.getEdgeSource(e));
    }
    out.sort(BY_NAME);
    return out;
  }

  /** What waits for {@code name}, in name order. */
  public List<String> dependents(String name) {
    resource(name);
    List<String> out = new ArrayList<>();
    for (DefaultEdge e : graph.outgoingEdgesOf(name)) {
      out.add(graph.getEdgeTarget(e));
    }
    out.sort(BY_NAME);
    return out;
  }

  /** The TiDB clusters named by resources, in name order. */
  public List<String> clusters() {
    LinkedHashSet<String> out = new LinkedHashSet<>();
    for (Resource r : resources.values()) {
      if (!r.cluster().isEmpty()) {
        out.add(r.cluster());
      }
    }
    List<String> sorted = new ArrayList<>(out);
    sorted.sort(BY_NAME);
    return sorted;
  }

  /** The dependency graph (read-only), vertices are resource names. */
  public Graph<String, DefaultEdge> graph() {
    return graph;
  }

  public int parallelism() {
    return parallelism;
  }

  public boolean medians() {
    return medians;
  }

  public ReadinessVariant readiness() {
    return readiness;
  }

  /** Delay from an ASG's completion to each of its nodes joining. */
  public Distribution nodeJoinDelay() {
    return nodeJoinDelay;
  }

  /** Delay from a LoadBalancer Service's creation to its host name. */
  public Distribution lbHostnameDelay() {
    return lbHostnameDelay;
  }

  /**
   * Every setting and every duration, one per line in topological order: the knobs to print before
   * a run.
   */
  public String describe() {
    StringBuilder sb = new StringBuilder();
    sb.append("parallelism=").append(parallelism).append(" medians=").append(medians)
        .append(" readiness=").append(readiness).append('\n');
    sb.append("node-join ").append(nodeJoinDelay).append('\n');
    sb.append("lb-hostname ").append(lbHostnameDelay).append('\n');
    for (String name : topologicalOrder) {
      Resource r = resources.get(name);
      sb.append(name).append(" [").append(r.kind()).append("] after ")
          .append(dependencies(name)).append('\n');
      for (Step s : r.steps()) {
        sb.append("  ").append(s.name()).append(' ').append(s.duration());
        if (s.pollUs() > 0) {
          sb.append(" poll=").append(s.pollUs()).append("us");
        }
        sb.append('\n');
      }
    }
    return sb.toString();
  }

  /** Collects resources and edges; {@link #build()} checks names and cycles. */
  public static final class Builder {
    private final Map<String, Resource> resources = new TreeMap<>();
    private final Graph<String, DefaultEdge> graph = new DefaultDirectedGraph<>(DefaultEdge.class);
    private int parallelism = ProvisionDefaults.PARALLELISM;
    private boolean medians;
    private ReadinessVariant readiness = ReadinessVariant.PODS_READY;
    private Distribution nodeJoinDelay = ProvisionDefaults.NODE_JOIN;
    private Distribution lbHostnameDelay = ProvisionDefaults.LB_HOSTNAME;

    private Builder() {}

    /** @throws IllegalArgumentException if a resource of that name exists */
    public Builder add(Resource r) {
      if (resources.putIfAbsent(r.name(), r) != null) {
        throw new IllegalArgumentException("duplicate resource '" + r.name() + "'");
      }
      graph.addVertex(r.name());
      return this;
    }

    /** {@code dependent} waits for {@code dependency} (edge dependency -> dependent). */
    public Builder dependsOn(String dependent, String dependency) {
      for (String n : List.of(dependent, dependency)) {
        if (!resources.containsKey(n)) {
          throw new IllegalArgumentException("edge names unknown resource '" + n + "'");
        }
      }
      graph.addEdge(dependency, dependent);
      return this;
    }

    public Builder parallelism(int p) {
      if (p < 1) {
        throw new IllegalArgumentException("parallelism must be at least 1, got " + p);
      }
      this.parallelism = p;
      return this;
    }

    public Builder medians(boolean m) {
      this.medians = m;
      return this;
    }

    public Builder readiness(ReadinessVariant r) {
      this.readiness = Objects.requireNonNull(r, "readiness");
      return this;
    }

    public Builder nodeJoinDelay(Distribution d) {
      this.nodeJoinDelay = Objects.requireNonNull(d, "nodeJoinDelay");
      return this;
    }

    public Builder lbHostnameDelay(Distribution d) {
      this.lbHostnameDelay = Objects.requireNonNull(d, "lbHostnameDelay");
      return this;
    }

    /** @throws io.pdlab.sim.dag.CycleException if the edges form a cycle (it names one) */
    public ResourceGraph build() {
      return new ResourceGraph(this);
    }
  }
}
