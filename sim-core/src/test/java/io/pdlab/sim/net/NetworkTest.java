package io.pdlab.sim.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pdlab.sim.Distribution;
import io.pdlab.sim.Rng;
import java.util.List;
import org.jgrapht.Graph;
import org.jgrapht.graph.DefaultEdge;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class NetworkTest {
  private static final List<String> FIVE = List.of("a", "b", "c", "d", "e");
  private Network net;

  @BeforeEach
  void setUp() {
    net = new Network(new Rng(1));
    FIVE.forEach(net::addEndpoint);
  }

  @Test
  void everythingIsReachableAtFirst() {
    assertEquals(List.of("b", "c", "d", "e"), net.reachableFrom("a"));
    assertTrue(net.canFormQuorum(FIVE));
    Graph<String, DefaultEdge> g = net.reachabilityGraph(FIVE);
    assertEquals(20, g.edgeSet().size());
  }

  @Test
  void symmetricPartitionCutsBothWaysBetweenGroupsOnly() {
    net.partition(List.of(List.of("a", "b"), List.of("c", "d", "e")));
    assertFalse(net.isUp("a", "c"));
    assertFalse(net.isUp("c", "a"));
    assertTrue(net.isUp("a", "b"));
    assertTrue(net.isUp("d", "e"));
    assertEquals(List.of("b"), net.reachableFrom("a"));
    assertEquals(List.of("c", "d", "e"), net.largestLeaderGroup(FIVE));
    assertTrue(net.canFormQuorum(FIVE), "the majority side keeps a quorum");
    assertTrue(net.canFormQuorum(List.of("a", "b", "c")), "a and b are 2 of 3");
    assertTrue(net.canFormQuorum(List.of("a", "c", "d")), "c and d are 2 of 3");
    assertFalse(net.canFormQuorum(List.of("a", "c")), "a is cut from c: 1 of 2");
  }

  @Test
  void majoritySideOfThreeKeepsQuorumMinoritySideDoesNot() {
    net.partition(List.of(List.of("a"), List.of("b", "c")));
    assertTrue(net.canFormQuorum(List.of("a", "b", "c")));
    assertFalse(net.canFormQuorum(List.of("a", "b")), "1 of 2 is no quorum");
  }

  @Test
  void asymmetricCutIsOneWay() {
    net.cut("a", "b");
    assertFalse(net.isUp("a", "b"));
    assertTrue(net.isUp("b", "a"));
    Graph<String, DefaultEdge> g = net.reachabilityGraph(List.of("a", "b"));
    assertFalse(g.containsEdge("a", "b"));
    assertTrue(g.containsEdge("b", "a"));
    // A leader needs both directions: a one-way cut breaks the pair for quorum purposes.
    assertEquals(0, net.bidirectionalGraph(List.of("a", "b")).edgeSet().size());
    assertFalse(net.canFormQuorum(List.of("a", "b")));
  }

  @Test
  void leaderCentricQuorumSurvivesABridgeLeader() {
    // b and c cannot talk, but a talks to both: a can lead a,b,c (the etcd CheckQuorum view).
    net.partition(List.of(List.of("b"), List.of("c")));
    assertTrue(net.canFormQuorum(List.of("a", "b", "c")));
    assertEquals(List.of("a", "b", "c"), net.largestLeaderGroup(List.of("a", "b", "c")));
  }

  @Test
  void isolateAndHeal() {
    net.isolate("c");
    assertEquals(List.of(), net.reachableFrom("c"));
    assertFalse(net.isUp("a", "c"));
    net.heal("a", "c");
    assertTrue(net.isUp("a", "c"));
    assertTrue(net.isUp("c", "a"));
    assertFalse(net.isUp("b", "c"));
    net.healAll();
    assertEquals(List.of("a", "b", "d", "e"), net.reachableFrom("c"));
  }

  @Test
  void partitionRejectsAnEndpointInTwoGroupsAndUnknownNames() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> net.partition(List.of(List.of("a"), List.of("a", "b"))));
    assertTrue(e.getMessage().contains("'a'"));
    e = assertThrows(IllegalArgumentException.class, () -> net.cut("a", "zz"));
    assertTrue(e.getMessage().contains("unknown network endpoint 'zz'"));
  }

  @Test
  void fifoLinksNeverReorderButReorderingLinksDo() {
    long[] d = new long[2];
    net.setDefaultSpec(LinkSpec.latency(Distribution.uniform(0, 10_000)));
    int a = net.id("a");
    int b = net.id("b");
    long lastArrival = -1;
    for (long now = 0; now < 100_000; now += 100) {
      assertEquals(1, net.plan(a, b, now, d));
      long arrival = now + d[0];
      assertTrue(arrival >= lastArrival, "FIFO link reordered");
      lastArrival = arrival;
    }
    net.setSpec("a", "b", LinkSpec.latency(Distribution.uniform(0, 10_000)).withReordering(true));
    lastArrival = -1;
    int overtakes = 0;
    for (long now = 0; now < 100_000; now += 100) {
      net.plan(a, b, now, d);
      long arrival = now + d[0];
      if (arrival < lastArrival) {
        overtakes++;
      }
      lastArrival = Math.max(lastArrival, arrival);
    }
    assertTrue(overtakes > 100, "reordering link kept order: " + overtakes);
  }

  @Test
  void lossAndDuplicationFollowTheirProbabilities() {
    long[] d = new long[2];
    int a = net.id("a");
    int b = net.id("b");
    net.setSpec("a", "b", LinkSpec.DEFAULT.withLoss(1.0));
    assertEquals(0, net.plan(a, b, 0, d));
    net.setSpec("a", "b", LinkSpec.DEFAULT.withDuplication(1.0));
    assertEquals(2, net.plan(a, b, 0, d));
    net.setSpec("a", "b", LinkSpec.DEFAULT.withLoss(0.3));
    int delivered = 0;
    for (int i = 0; i < 10_000; i++) {
      delivered += net.plan(a, b, 0, d);
    }
    assertTrue(delivered > 6_800 && delivered < 7_200, "delivered " + delivered);
    assertThrows(IllegalArgumentException.class, () -> LinkSpec.DEFAULT.withLoss(1.5));
  }

  @Test
  void cutLinksPlanNothingAndDelayAddsLatencyBothWays() {
    long[] d = new long[2];
    net.cut("a", "b");
    assertEquals(0, net.plan(net.id("a"), net.id("b"), 0, d));
    net.delay("c", 7_000);
    assertEquals(1, net.plan(net.id("c"), net.id("d"), 0, d));
    assertEquals(7_500, d[0]);
    assertEquals(1, net.plan(net.id("d"), net.id("c"), 0, d));
    assertEquals(7_500, d[0]);
    net.healAll();
    net.plan(net.id("d"), net.id("c"), 10_000, d);
    assertEquals(500, d[0]);
  }
}
