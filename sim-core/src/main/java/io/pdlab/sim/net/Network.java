package io.pdlab.sim.net;

import io.pdlab.sim.Rng;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jgrapht.Graph;
import org.jgrapht.graph.DefaultDirectedGraph;
import org.jgrapht.graph.DefaultEdge;
import org.jgrapht.graph.SimpleGraph;

/**
 * Directed links between named endpoints. Decides for each message whether it is lost, duplicated
 * and when it arrives ({@link #plan}); answers whether a link is up at delivery time
 * ({@link #isUp}); holds partitions, one-way cuts and extra delays. Links are up and use
 * {@link LinkSpec#DEFAULT} until told otherwise. Endpoints are numbered in the order they are
 * added, and every answer that lists endpoints lists them in that order.
 */
public final class Network {
  private final Rng rng;
  private final Map<String, Integer> ids = new LinkedHashMap<>();
  private final List<String> names = new ArrayList<>();
  private LinkSpec defaultSpec = LinkSpec.DEFAULT;
  /**
   * Per directed link [from][to], created on first use (null = up, default spec, nothing sent
   * yet), in arrays that grow geometrically: worlds with thousands of endpoints stay cheap.
   */
  private Link[][] links = new Link[0][0];
  private long[] extraDelayUs = new long[0];
  /** Counts changes of link state, so observers can tell when reachability may have changed. */
  private long changes;

  public Network(Rng rng) {
    this.rng = rng;
  }

  /** Adds an endpoint (idempotent) and returns its number. */
  public int addEndpoint(String name) {
    Integer known = ids.get(name);
    if (known != null) {
      return known;
    }
    int id = names.size();
    ids.put(name, id);
    names.add(name);
    if (id >= links.length) {
      int cap = Math.max(16, links.length * 2);
      Link[][] grown = new Link[cap][];
      for (int i = 0; i < links.length; i++) {
        grown[i] = Arrays.copyOf(links[i], cap);
      }
      for (int i = links.length; i < cap; i++) {
        grown[i] = new Link[cap];
      }
      links = grown;
      extraDelayUs = Arrays.copyOf(extraDelayUs, cap);
    }
    return id;
  }

  /** The link from -> to, created with the default spec on first use. */
  private Link link(int from, int to) {
    Link l = links[from][to];
    if (l == null) {
      l = new Link(defaultSpec);
      links[from][to] = l;
    }
    return l;
  }

  /** Grows whenever a partition, cut, heal or delay changes links. */
  public long changes() {
    return changes;
  }

  /** The number of a known endpoint. */
  public int id(String name) {
    Integer id = ids.get(name);
    if (id == null) {
      throw new IllegalArgumentException("unknown network endpoint '" + name + "'; known: " + names);
    }
    return id;
  }

  public String name(int id) {
    return names.get(id);
  }

  public List<String> endpoints() {
    return Collections.unmodifiableList(names);
  }

  /** Sets the spec of every link, present and future. */
  public void setDefaultSpec(LinkSpec spec) {
    defaultSpec = spec;
    for (Link[] row : links) {
      for (Link l : row) {
        if (l != null) {
          l.spec = spec;
        }
      }
    }
  }

  /** Sets the spec of the directed link {@code from -> to}. */
  public void setSpec(String from, String to, LinkSpec spec) {
    link(id(from), id(to)).spec = spec;
  }

  public LinkSpec spec(String from, String to) {
    Link l = links[id(from)][id(to)];
    return l == null ? defaultSpec : l.spec;
  }

  /**
   * Plans the delivery of one message sent now on {@code from -> to}: writes each copy's delay into
   * {@code delaysUs} and returns how many copies arrive (0 = lost or link down, 2 = duplicated).
   * Draws from the network's random stream only for what the link's spec makes random.
   */
  public int plan(int from, int to, long nowUs, long[] delaysUs) {
    Link link = link(from, to);
    if (!link.up) {
      return 0;
    }
    LinkSpec spec = link.spec;
    if (rng.chance(spec.lossProbability())) {
      return 0;
    }
    int copies = rng.chance(spec.duplicateProbability()) ? 2 : 1;
    long extra = extraDelayUs[from] + extraDelayUs[to];
    for (int c = 0; c < copies; c++) {
      long at = nowUs + spec.latency().sampleUs(rng) + extra;
      if (!spec.reorder()) {
        at = Math.max(at, link.lastArrivalUs);
        link.lastArrivalUs = at;
      }
      delaysUs[c] = at - nowUs;
    }
    return copies;
  }

  /** Whether {@code from -> to} is up now (a message in flight on a cut link is lost). */
  public boolean isUp(int from, int to) {
    Link l = links[from][to];
    return l == null || l.up;
  }

  public boolean isUp(String from, String to) {
    return isUp(id(from), id(to));
  }

  /**
   * Cuts every link between endpoints of different groups, both ways. Links inside a group, and
   * links of endpoints named in no group, are left as they are. Cuts add up: call {@link #healAll}
   * first to replace an earlier partition.
   */
  public void partition(Collection<? extends Collection<String>> groups) {
    changes++;
    List<int[]> resolved = new ArrayList<>();
    Set<String> seen = new TreeSet<>();
    for (Collection<String> g : groups) {
      int[] members = new int[g.size()];
      int k = 0;
      for (String n : g) {
        if (!seen.add(n)) {
          throw new IllegalArgumentException("endpoint '" + n + "' is in two partition groups");
        }
        members[k++] = id(n);
      }
      resolved.add(members);
    }
    for (int a = 0; a < resolved.size(); a++) {
      for (int b = 0; b < resolved.size(); b++) {
        if (a == b) {
          continue;
        }
        for (int i : resolved.get(a)) {
          for (int j : resolved.get(b)) {
            link(i, j).up = false;
          }
        }
      }
    }
  }

  /** Cuts {@code node} off from every other endpoint, both ways. */
  public void isolate(String node) {
    int i = id(node);
    changes++;
    for (int j = 0; j < names.size(); j++) {
      if (j != i) {
        link(i, j).up = false;
        link(j, i).up = false;
      }
    }
  }

  /** Cuts the one-way link {@code from -> to}; {@code to -> from} stays as it is. */
  public void cut(String from, String to) {
    changes++;
    link(id(from), id(to)).up = false;
  }

  /** Restores {@code a -> b} and {@code b -> a}. */
  public void heal(String a, String b) {
    changes++;
    link(id(a), id(b)).up = true;
    link(id(b), id(a)).up = true;
  }

  /** Restores every link and removes every extra delay. */
  public void healAll() {
    changes++;
    for (Link[] row : links) {
      for (Link l : row) {
        if (l != null) {
          l.up = true;
        }
      }
    }
    Arrays.fill(extraDelayUs, 0);
  }

  /** Adds {@code extraUs} to every message to or from {@code node} (0 removes the delay). */
  public void delay(String node, long extraUs) {
    if (extraUs < 0) {
      throw new IllegalArgumentException("extra delay must be >= 0 us, got " + extraUs);
    }
    changes++;
    extraDelayUs[id(node)] = extraUs;
  }

  /** The endpoints {@code from} can send to directly, in endpoint order. */
  public List<String> reachableFrom(String from) {
    int i = id(from);
    List<String> out = new ArrayList<>();
    for (int j = 0; j < names.size(); j++) {
      if (j != i && isUp(i, j)) {
        out.add(names.get(j));
      }
    }
    return out;
  }

  /** Directed graph of the links that are up among {@code nodes} ("who can reach whom"). */
  public Graph<String, DefaultEdge> reachabilityGraph(Collection<String> nodes) {
    Graph<String, DefaultEdge> g = new DefaultDirectedGraph<>(DefaultEdge.class);
    Set<String> members = new LinkedHashSet<>(nodes);
    for (String n : members) {
      id(n);
      g.addVertex(n);
    }
    for (String a : members) {
      for (String b : members) {
        if (!a.equals(b) && isUp(a, b)) {
          g.addEdge(a, b);
        }
      }
    }
    return g;
  }

  /**
   * Undirected graph of the pairs among {@code nodes} that can talk both ways: the links a Raft
   * leader needs to a follower (append out, acknowledgement back).
   */
  public Graph<String, DefaultEdge> bidirectionalGraph(Collection<String> nodes) {
    Graph<String, DefaultEdge> g = new SimpleGraph<>(DefaultEdge.class);
    List<String> members = new ArrayList<>(new LinkedHashSet<>(nodes));
    for (String n : members) {
      id(n);
      g.addVertex(n);
    }
    for (int x = 0; x < members.size(); x++) {
      for (int y = x + 1; y < members.size(); y++) {
        String a = members.get(x);
        String b = members.get(y);
        if (isUp(a, b) && isUp(b, a)) {
          g.addEdge(a, b);
        }
      }
    }
    return g;
  }

  /**
   * The largest group among {@code members} that one leader could hold together: a member and
   * every member it can talk to both ways. Ties go to the earliest member in the given order.
   */
  public List<String> largestLeaderGroup(Collection<String> members) {
    Graph<String, DefaultEdge> g = bidirectionalGraph(members);
    List<String> best = List.of();
    for (String leader : g.vertexSet()) {
      if (g.degreeOf(leader) + 1 > best.size()) {
        List<String> group = new ArrayList<>();
        group.add(leader);
        for (DefaultEdge e : g.edgesOf(leader)) {
          String s = g.getEdgeSource(e);
          group.add(s.equals(leader) ? g.getEdgeTarget(e) : s);
        }
        best = group;
      }
    }
    return best;
  }

  /**
   * Whether {@code members} (a full voting membership) can form a quorum over the current links:
   * some member can talk both ways with enough others to make a majority of all members.
   */
  public boolean canFormQuorum(Collection<String> members) {
    int size = new LinkedHashSet<>(members).size();
    return size > 0 && largestLeaderGroup(members).size() >= size / 2 + 1;
  }

  private static final class Link {
    LinkSpec spec;
    boolean up = true;
    long lastArrivalUs;

    Link(LinkSpec spec) {
      this.spec = spec;
    }
  }
}
