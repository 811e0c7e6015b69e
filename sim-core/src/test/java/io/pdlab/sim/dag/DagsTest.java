package io.pdlab.sim.dag;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.jgrapht.Graph;
import org.jgrapht.graph.DefaultDirectedGraph;
import org.jgrapht.graph.DefaultEdge;
import org.jgrapht.graph.SimpleGraph;
import org.junit.jupiter.api.Test;

class DagsTest {
  private static final Comparator<String> NATURAL = Comparator.naturalOrder();
  private static final Comparator<String> REVERSED = Comparator.reverseOrder();

  /** Builds a directed graph from "u>v" edge strings plus extra isolated vertices. */
  private static Graph<String, DefaultEdge> graph(List<String> vertices, String... edges) {
    Graph<String, DefaultEdge> g = new DefaultDirectedGraph<>(DefaultEdge.class);
    for (String v : vertices) {
      g.addVertex(v);
    }
    for (String e : edges) {
      String[] ends = e.split(">");
      g.addVertex(ends[0]);
      g.addVertex(ends[1]);
      g.addEdge(ends[0], ends[1]);
    }
    return g;
  }

  private static Graph<String, DefaultEdge> graph(String... edges) {
    return graph(List.of(), edges);
  }

  // ---- topological order ----

  @Test
  void diamondFollowsComparator() {
    Graph<String, DefaultEdge> g = graph("a>b", "a>c", "b>d", "c>d");
    assertEquals(List.of("a", "b", "c", "d"), Dags.topologicalOrder(g, NATURAL));
    assertEquals(List.of("a", "c", "b", "d"), Dags.topologicalOrder(g, REVERSED));
  }

  @Test
  void readyVerticesAreOrderedByComparatorNotByASimpleSort() {
    // y and z are ready at once; x becomes ready only after z.
    Graph<String, DefaultEdge> g = graph(List.of("x", "y"), "z>x");
    assertEquals(List.of("y", "z", "x"), Dags.topologicalOrder(g, NATURAL));
    assertEquals(List.of("z", "y", "x"), Dags.topologicalOrder(g, REVERSED));
  }

  @Test
  void wideGraphIsSortedByComparatorAmongReadyVertices() {
    Graph<String, DefaultEdge> g =
        graph(List.of("e", "c", "a"), "d>b", "f>b", "b>g", "a>g");
    assertEquals(List.of("a", "c", "d", "e", "f", "b", "g"), Dags.topologicalOrder(g, NATURAL));
    assertEquals(List.of("f", "e", "d", "c", "b", "a", "g"), Dags.topologicalOrder(g, REVERSED));
  }

  @Test
  void emptyGraph() {
    Graph<String, DefaultEdge> g = graph();
    assertEquals(List.of(), Dags.topologicalOrder(g, NATURAL));
  }

  @Test
  void undirectedGraphIsRejected() {
    Graph<String, DefaultEdge> g = new SimpleGraph<>(DefaultEdge.class);
    g.addVertex("a");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Dags.topologicalOrder(g, NATURAL));
    assertTrue(e.getMessage().startsWith("graph must be directed"), e.getMessage());
  }

  /** A vertex with identity hash codes, which differ from run to run. */
  private static final class Task {
    final String name;

    Task(String name) {
      this.name = name;
    }

    @Override
    public String toString() {
      return name;
    }
  }

  private static final Comparator<Task> BY_NAME = Comparator.comparing(t -> t.name);

  /** A random DAG (edges only from lower to higher index), fixed by the seed. */
  private static List<int[]> randomDagEdges(int n, long seed) {
    Random rnd = new Random(seed);
    List<int[]> edges = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        if (rnd.nextInt(100) < 12) {
          edges.add(new int[] {i, j});
        }
      }
    }
    return edges;
  }

  private static Graph<Task, DefaultEdge> build(
      List<Task> tasks, List<int[]> edges, long shuffleSeed) {
    List<Task> vertexOrder = new ArrayList<>(tasks);
    List<int[]> edgeOrder = new ArrayList<>(edges);
    Random rnd = new Random(shuffleSeed);
    Collections.shuffle(vertexOrder, rnd);
    Collections.shuffle(edgeOrder, rnd);
    Graph<Task, DefaultEdge> g = new DefaultDirectedGraph<>(DefaultEdge.class);
    for (Task t : vertexOrder) {
      g.addVertex(t);
    }
    for (int[] e : edgeOrder) {
      g.addEdge(tasks.get(e[0]), tasks.get(e[1]));
    }
    return g;
  }

  @Test
  void resultsDoNotDependOnInsertionOrder() {
    int n = 40;
    List<Task> tasks = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      // Names are not in index order, so the comparator order differs from the DAG order.
      tasks.add(new Task(String.format("t%02d", (i * 17) % n)));
    }
    List<int[]> edges = randomDagEdges(n, 7);
    Graph<Task, DefaultEdge> g1 = build(tasks, edges, 1);
    Graph<Task, DefaultEdge> g2 = build(tasks, edges, 2);
    assertTrue(
        !new ArrayList<>(g1.vertexSet()).equals(new ArrayList<>(g2.vertexSet())),
        "the two graphs should have been built in different orders");

    List<Task> order1 = Dags.topologicalOrder(g1, BY_NAME);
    List<Task> order2 = Dags.topologicalOrder(g2, BY_NAME);
    assertEquals(order1, order2);
    assertEquals(n, order1.size());
    for (DefaultEdge e : g1.edgeSet()) {
      assertTrue(order1.indexOf(g1.getEdgeSource(e)) < order1.indexOf(g1.getEdgeTarget(e)));
    }

    Map<Task, Long> durations = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      durations.put(tasks.get(i), (long) ((i * 7) % 5));
    }
    CriticalPath<Task> cp1 = Dags.criticalPath(g1, durations::get, BY_NAME);
    CriticalPath<Task> cp2 = Dags.criticalPath(g2, durations::get, BY_NAME);
    assertEquals(cp1, cp2);
    assertEquals(
        new ArrayList<>(cp1.earliestStartUs().keySet()),
        new ArrayList<>(cp2.earliestStartUs().keySet()));
    for (Task t : tasks) {
      assertEquals(cp1.slackUs(t), cp2.slackUs(t));
    }
  }

  @Test
  void insertionOrderOfEqualDiamondsDoesNotMatter() {
    Graph<String, DefaultEdge> g1 = graph(List.of("a", "b", "c", "d"), "a>b", "a>c", "b>d", "c>d");
    Graph<String, DefaultEdge> g2 = graph(List.of("d", "c", "b", "a"), "c>d", "b>d", "a>c", "a>b");
    assertEquals(List.of("a", "b", "c", "d"), Dags.topologicalOrder(g2, NATURAL));
    assertEquals(Dags.topologicalOrder(g1, NATURAL), Dags.topologicalOrder(g2, NATURAL));
    assertEquals(Dags.topologicalOrder(g1, REVERSED), Dags.topologicalOrder(g2, REVERSED));
  }

  // ---- cycles ----

  @Test
  void cycleInsideLargerGraphIsNamed() {
    Graph<String, DefaultEdge> g =
        graph(List.of("x"), "start>a", "a>b", "b>c", "c>a", "c>d", "d>e", "start>x");
    CycleException e =
        assertThrows(CycleException.class, () -> Dags.topologicalOrder(g, NATURAL));
    assertEquals("dependency cycle: a -> b -> c -> a", e.getMessage());
    assertEquals(List.of("a", "b", "c"), e.cycle());
  }

  @Test
  void cycleIsReportedFromItsSmallestVertexEvenWhenEnteredElsewhere() {
    // The DFS starts at "a" (downstream of the y/z cycle) and enters the b/c cycle at c.
    Graph<String, DefaultEdge> g = graph("y>z", "z>y", "z>a", "a>c", "c>b", "b>c");
    CycleException e =
        assertThrows(CycleException.class, () -> Dags.topologicalOrder(g, NATURAL));
    assertEquals("dependency cycle: b -> c -> b", e.getMessage());
    assertEquals(List.of("b", "c"), e.cycle());
  }

  @Test
  void whichCycleIsReportedFollowsComparator() {
    Graph<String, DefaultEdge> g = graph("a>b", "b>c", "c>a", "p>q", "q>p");
    CycleException natural =
        assertThrows(CycleException.class, () -> Dags.topologicalOrder(g, NATURAL));
    assertEquals("dependency cycle: a -> b -> c -> a", natural.getMessage());
    CycleException reversed =
        assertThrows(CycleException.class, () -> Dags.topologicalOrder(g, REVERSED));
    assertEquals("dependency cycle: q -> p -> q", reversed.getMessage());
    assertEquals(List.of("q", "p"), reversed.cycle());
  }

  @Test
  void selfLoopIsACycle() {
    Graph<String, DefaultEdge> g = graph("a>b", "b>b", "b>c");
    CycleException e =
        assertThrows(CycleException.class, () -> Dags.topologicalOrder(g, NATURAL));
    assertEquals("dependency cycle: b -> b", e.getMessage());
    assertEquals(List.of("b"), e.cycle());
  }

  @Test
  void cycleExceptionIsAnIllegalArgumentException() {
    Graph<String, DefaultEdge> g = graph("a>b", "b>a");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> Dags.criticalPath(g, v -> 1, NATURAL));
    assertEquals(CycleException.class, e.getClass());
    assertEquals("dependency cycle: a -> b -> a", e.getMessage());
  }

  // ---- critical path ----

  /**
   * A small project. Durations: A3 B2 C4 D5 E1 F2 G4. Edges: A->B, A->C, A->G, B->D, C->E,
   * D->F, E->F.
   *
   * <pre>
   *   task  ES  EF  LS  slack
   *   A      0   3   0   0
   *   B      3   5   3   0
   *   C      3   7   5   2
   *   G      3   7   8   5
   *   D      5  10   5   0
   *   E      7   8   9   2
   *   F     10  12  10   0
   * </pre>
   *
   * Makespan 12 along A, B, D, F.
   */
  private static Graph<String, DefaultEdge> project() {
    return graph(List.of("F", "E", "D"), "A>B", "A>C", "A>G", "B>D", "C>E", "D>F", "E>F");
  }

  private static long projectDuration(String v) {
    switch (v) {
      case "A":
        return 3;
      case "B":
        return 2;
      case "C":
        return 4;
      case "D":
        return 5;
      case "E":
        return 1;
      case "F":
        return 2;
      case "G":
        return 4;
      default:
        throw new AssertionError(v);
    }
  }

  @Test
  void criticalPathOfKnownProject() {
    CriticalPath<String> cp = Dags.criticalPath(project(), DagsTest::projectDuration, NATURAL);
    assertEquals(12, cp.totalUs());
    assertEquals(List.of("A", "B", "D", "F"), cp.path());

    List<String> topo = List.of("A", "B", "C", "D", "E", "F", "G");
    assertEquals(topo, new ArrayList<>(cp.earliestStartUs().keySet()));
    assertEquals(topo, new ArrayList<>(cp.earliestFinishUs().keySet()));
    assertEquals(
        List.of(0L, 3L, 3L, 5L, 7L, 10L, 3L), new ArrayList<>(cp.earliestStartUs().values()));
    assertEquals(
        List.of(3L, 5L, 7L, 10L, 8L, 12L, 7L), new ArrayList<>(cp.earliestFinishUs().values()));

    Map<String, Long> expectedSlack = new LinkedHashMap<>();
    expectedSlack.put("A", 0L);
    expectedSlack.put("B", 0L);
    expectedSlack.put("C", 2L);
    expectedSlack.put("D", 0L);
    expectedSlack.put("E", 2L);
    expectedSlack.put("F", 0L);
    expectedSlack.put("G", 5L);
    Map<String, Long> slack = new LinkedHashMap<>();
    for (String v : topo) {
      slack.put(v, cp.slackUs(v));
    }
    assertEquals(expectedSlack, slack);
    for (String v : cp.path()) {
      assertEquals(0, cp.slackUs(v));
    }
  }

  @Test
  void criticalPathTieBreakFollowsComparator() {
    // Two equally long branches s->x->t and s->y->t.
    Graph<String, DefaultEdge> g = graph("s>x", "s>y", "x>t", "y>t");
    Map<String, Long> d = new LinkedHashMap<>();
    d.put("s", 1L);
    d.put("x", 2L);
    d.put("y", 2L);
    d.put("t", 1L);
    CriticalPath<String> natural = Dags.criticalPath(g, d::get, NATURAL);
    CriticalPath<String> reversed = Dags.criticalPath(g, d::get, REVERSED);
    assertEquals(List.of("s", "x", "t"), natural.path());
    assertEquals(List.of("s", "y", "t"), reversed.path());
    assertEquals(4, natural.totalUs());
    assertEquals(4, reversed.totalUs());
    for (String v : List.of("s", "x", "y", "t")) {
      assertEquals(0, natural.slackUs(v));
    }
  }

  @Test
  void tiedEndVerticesFollowComparator() {
    Graph<String, DefaultEdge> g = graph(List.of("p", "q", "r"));
    Map<String, Long> d = new LinkedHashMap<>();
    d.put("p", 5L);
    d.put("q", 5L);
    d.put("r", 2L);
    assertEquals(List.of("p"), Dags.criticalPath(g, d::get, NATURAL).path());
    CriticalPath<String> reversed = Dags.criticalPath(g, d::get, REVERSED);
    assertEquals(List.of("q"), reversed.path());
    assertEquals(5, reversed.totalUs());
    assertEquals(3, reversed.slackUs("r"));
  }

  @Test
  void zeroDurationPredecessorsStayOnThePath() {
    Graph<String, DefaultEdge> g = graph("gate>work", "work>done");
    Map<String, Long> d = new LinkedHashMap<>();
    d.put("gate", 0L);
    d.put("work", 7L);
    d.put("done", 0L);
    CriticalPath<String> cp = Dags.criticalPath(g, d::get, NATURAL);
    assertEquals(List.of("gate", "work", "done"), cp.path());
    assertEquals(7, cp.totalUs());
  }

  @Test
  void negativeDurationNamesTheVertex() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Dags.criticalPath(project(), v -> v.equals("E") ? -4 : 1, NATURAL));
    assertEquals("negative duration -4 us for vertex E", e.getMessage());
  }

  @Test
  void emptyGraphHasEmptyCriticalPath() {
    CriticalPath<String> cp = Dags.criticalPath(graph(), v -> 1, NATURAL);
    assertEquals(List.of(), cp.path());
    assertEquals(0, cp.totalUs());
    assertTrue(cp.earliestStartUs().isEmpty());
    assertTrue(cp.earliestFinishUs().isEmpty());
  }

  @Test
  void resultIsImmutableAndRejectsUnknownVertices() {
    CriticalPath<String> cp = Dags.criticalPath(project(), DagsTest::projectDuration, NATURAL);
    assertThrows(UnsupportedOperationException.class, () -> cp.earliestStartUs().put("Z", 1L));
    assertThrows(UnsupportedOperationException.class, () -> cp.earliestFinishUs().clear());
    assertThrows(UnsupportedOperationException.class, () -> cp.path().add("Z"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> cp.slackUs("Z"));
    assertEquals("unknown vertex: Z", e.getMessage());
  }
}
