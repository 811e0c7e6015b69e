package io.pdlab.k8s.provision;

import io.pdlab.k8s.api.Taint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pdlab.sim.Budget;
import io.pdlab.sim.Distribution;
import io.pdlab.sim.RunOutcome;
import io.pdlab.sim.RunResult;
import io.pdlab.sim.Simulation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class TerraformApplyTest {
  private static final long S = 1_000_000L;
  private static final Budget BUDGET = Budget.of(1_000_000, 24 * 3_600 * S);

  /** Records what provisioning announces, with virtual times. */
  static final class Recorder implements ProvisionListener {
    final Simulation sim;
    final List<NodeSpec> joined = new ArrayList<>();
    final Map<String, Long> joinedAtUs = new TreeMap<>();
    final Map<String, Long> doneAtUs = new TreeMap<>();
    final Map<String, Long> releasesAtUs = new TreeMap<>();
    final List<String> events = new ArrayList<>();
    long operatorAtUs = -1;

    Recorder(Simulation sim) {
      this.sim = sim;
    }

    @Override
    public void resourceDone(String name, long atUs) {
      doneAtUs.put(name, atUs);
    }

    @Override
    public void nodeJoined(NodeSpec node) {
      joined.add(node);
      joinedAtUs.put(node.name(), sim.nowUs());
      events.add(sim.nowUs() + " join " + node.name());
    }

    @Override
    public void operatorInstalled(long atUs) {
      operatorAtUs = atUs;
    }

    @Override
    public void clusterReleaseApplied(String cluster, long atUs) {
      releasesAtUs.put(cluster, atUs);
      events.add(atUs + " release " + cluster);
    }

    @Override
    public void tidbReady(String cluster, long atUs) {
      events.add(atUs + " ready " + cluster);
    }

    /** "TiDB serves" once every node of the cluster has joined (a stand-in for the k8s model). */
    boolean allNodesJoined(String cluster, int expected) {
      return joined.stream().filter(n -> n.cluster().equals(cluster)).count() == expected;
    }
  }

  /** One run: the apply, what was heard, and how the simulation ended. */
  record Run(ApplyResult result, Recorder recorder, RunResult sim) {}

  private static Run run(ProvisionParameters params, long seed) {
    Simulation sim = new Simulation(seed, BUDGET, false);
    Recorder rec = new Recorder(sim);
    TerraformApply apply = new TerraformApply(EksGraph.build(params), sim,
        sim.stream("provision"), rec, c -> rec.allNodesJoined(c, 9));
    apply.start();
    RunResult r = sim.run(apply::isFinished);
    assertEquals(RunOutcome.COMPLETED, r.outcome(), r.detail());
    return new Run(apply.result(), rec, r);
  }

  private static ResourceGraph wideGraph(int parallelism, int leaves) {
    ResourceGraph.Builder b = ResourceGraph.builder().parallelism(parallelism)
        .add(Resource.simple("root", ResourceKind.OTHER, "", Distribution.constant(S)));
    for (int i = 0; i < leaves; i++) {
      String name = String.format("leaf-%02d", i);
      b.add(Resource.simple(name, ResourceKind.OTHER, "", Distribution.constant((i + 1) * S)));
      b.dependsOn(name, "root");
    }
    return b.build();
  }

  private static ApplyResult apply(ResourceGraph g, long seed) {
    Simulation sim = new Simulation(seed, BUDGET, false);
    TerraformApply apply =
        new TerraformApply(g, sim, sim.stream("provision"), ProvisionListener.NONE, c -> true);
    apply.start();
    assertEquals(RunOutcome.COMPLETED, sim.run(apply::isFinished).outcome());
    return apply.result();
  }

  /** The most runs whose [start, finish) intervals overlap, computed from the timeline alone. */
  private static int maxOverlap(List<ResourceRun> timeline) {
    int max = 0;
    for (ResourceRun r : timeline) {
      int n = 0;
      for (ResourceRun o : timeline) {
        if (o.startUs() <= r.startUs() && r.startUs() < o.finishUs()) {
          n++;
        }
      }
      max = Math.max(max, n);
    }
    return max;
  }

  private static List<String> names(List<ResourceRun> timeline) {
    List<String> out = new ArrayList<>();
    for (ResourceRun r : timeline) {
      out.add(r.name());
    }
    return out;
  }

  @Test
  void atMostTenOperationsAreInFlightAndReadyOnesStartByName() {
    ApplyResult r = apply(wideGraph(10, 25), 1);
    assertEquals(10, maxOverlap(r.timeline()));
    assertEquals(10, r.maxInFlight());
    List<String> expected = new ArrayList<>(List.of("root"));
    for (int i = 0; i < 25; i++) {
      expected.add(String.format("leaf-%02d", i));
    }
    assertEquals(expected, names(r.timeline()));
    // leaf-10 takes the slot leaf-00 frees at 1 s + 1 s.
    assertEquals(2 * S, r.run("leaf-10").startUs());
  }

  @Test
  void parallelismOneRunsEverythingInSeries() {
    ApplyResult r = apply(wideGraph(1, 25), 1);
    assertEquals(1, maxOverlap(r.timeline()));
    assertEquals(1, r.maxInFlight());
    long sum = 0;
    for (ResourceRun run : r.timeline()) {
      sum += run.durationUs();
    }
    assertEquals(326 * S, sum); // 1 + (1 + 2 + ... + 25) seconds
    assertEquals(sum, r.makespanUs());
    // The dependency-only critical path is far shorter: root then the longest leaf.
    assertEquals(List.of("root", "leaf-24"), r.criticalPath().path());
    assertEquals(26 * S, r.criticalPath().totalUs());
  }

  @Test
  void threeClustersSaturateTheTenSlotsAfterTheControlPlane() {
    Run run = run(ProvisionParameters.of("a", "b", "c").withMedians(true), 3);
    assertEquals(10, run.result().maxInFlight());
    assertEquals(10, maxOverlap(run.result().timeline()));
    assertEquals(27, run.recorder().joined.size());
  }

  @Test
  void oneClusterReachesTheReleaseAndJoinsNineNodes() {
    Run run = run(ProvisionParameters.defaults(), 42);
    Recorder rec = run.recorder();
    assertTrue(rec.releasesAtUs.containsKey("my-cluster"));
    assertTrue(rec.operatorAtUs > 0 && rec.operatorAtUs <= rec.releasesAtUs.get("my-cluster"));

    TreeMap<String, List<Taint>> taints = new TreeMap<>();
    TreeMap<String, String> dedicated = new TreeMap<>();
    for (NodeSpec n : rec.joined) {
      taints.put(n.name(), n.taints());
      dedicated.put(n.name(), n.labels().getOrDefault("dedicated", "-"));
      long asgDone = run.result().run("asg-" + n.group().key()).finishUs();
      long lag = rec.joinedAtUs.get(n.name()) - asgDone;
      assertTrue(lag >= 45 * S && lag <= 300 * S, n.name() + " joined " + lag + "us after its ASG");
    }
    assertEquals(List.of("monitor-0", "pd-0", "pd-1", "pd-2", "tidb-0", "tidb-1", "tikv-0",
        "tikv-1", "tikv-2"), new ArrayList<>(taints.keySet()));
    assertEquals(9, rec.joined.size());
    assertEquals(List.of(), taints.get("monitor-0"));
    assertEquals(List.of(new Taint("dedicated", "pd", Taint.Effect.NoSchedule)), taints.get("pd-2"));
    assertEquals(List.of(new Taint("dedicated", "tikv", Taint.Effect.NoSchedule)), taints.get("tikv-0"));
    assertEquals(List.of(new Taint("dedicated", "tidb", Taint.Effect.NoSchedule)), taints.get("tidb-1"));
    assertEquals("-", dedicated.get("monitor-0"));
    assertEquals("pd", dedicated.get("pd-0"));
    assertEquals("tikv", dedicated.get("tikv-1"));
    assertEquals("tidb", dedicated.get("tidb-0"));
    // The wait ends at the first 5 s poll after the last join.
    long lastJoin = rec.joinedAtUs.values().stream().mapToLong(Long::longValue).max().orElseThrow();
    long ready = run.result().run("wait-tidb-ready-my-cluster").finishUs();
    assertTrue(ready >= lastJoin && ready < lastJoin + 5 * S, ready + " vs " + lastJoin);
    assertEquals(ready, run.result().finishUs());
  }

  @Test
  void twoClustersGetTheirOwnNodesPrefixedByCluster() {
    Run run = run(ProvisionParameters.of("alpha", "beta").withMedians(true), 5);
    Recorder rec = run.recorder();
    assertEquals(18, rec.joined.size());
    TreeMap<String, String> taintByNode = new TreeMap<>();
    for (NodeSpec n : rec.joined) {
      taintByNode.put(n.name(), n.taints().isEmpty() ? "" : n.taints().get(0).toString());
      assertTrue(n.name().startsWith(n.cluster() + "-" + n.group().key() + "-"), n.name());
    }
    assertEquals("dedicated=alpha-pd:NoSchedule", taintByNode.get("alpha-pd-0"));
    assertEquals("dedicated=beta-tikv:NoSchedule", taintByNode.get("beta-tikv-2"));
    assertEquals("dedicated=beta-tidb:NoSchedule", taintByNode.get("beta-tidb-1"));
    assertEquals("", taintByNode.get("alpha-monitor-0"));
    assertEquals("beta-pd", rec.joined.stream().filter(n -> n.name().equals("beta-pd-1"))
        .findFirst().orElseThrow().labels().get("dedicated"));
    assertEquals(List.of("alpha", "beta"), new ArrayList<>(rec.releasesAtUs.keySet()));
    // Medians: both releases land together, 5 s after the operator (798 s).
    assertEquals(803 * S, rec.releasesAtUs.get("alpha"));
    assertEquals(803 * S, rec.releasesAtUs.get("beta"));
  }

  @Test
  void criticalPathAtMediansIsDominatedByTheControlPlane() {
    ApplyResult r = run(ProvisionParameters.defaults().withMedians(true), 1).result();
    assertEquals(List.of("availability-zones", "vpc", "eks-control-plane", "kubeconfig",
        "setup-env", "helm-release-tidb-operator", "helm-release-tidb-cluster-my-cluster",
        "wait-tidb-ready-my-cluster"), r.criticalPath().path());
    // 1 + 100 + 586 + 1 + 88 + 22 + 5 = 803 s to the release; nodes join at 689 + 45 + 90 = 824 s;
    // the wait polls at 803, 808, ..., 828 s.
    assertEquals(828 * S, r.criticalPath().totalUs());
    assertEquals(828 * S, r.makespanUs());
    assertEquals(25 * S, r.run("wait-tidb-ready-my-cluster").durationUs());
    String largest = null;
    for (String name : r.criticalPath().path()) {
      if (largest == null || r.run(name).durationUs() > r.run(largest).durationUs()) {
        largest = name;
      }
    }
    assertEquals("eks-control-plane", largest);
    assertEquals(586 * S, r.run("eks-control-plane").durationUs());
    assertTrue(r.run("eks-control-plane").durationUs() * 2 > r.makespanUs());
    assertEquals(0, r.criticalPath().slackUs("eks-control-plane"));
    assertEquals(734 * S, r.run("asg-pd").finishUs());
  }

  @Test
  void sameSeedSameTimelineDifferentSeedDifferentTimeline() {
    Run a = run(ProvisionParameters.of("x", "y"), 1234);
    Run b = run(ProvisionParameters.of("x", "y"), 1234);
    Run c = run(ProvisionParameters.of("x", "y"), 1235);
    assertEquals(a.result().timeline(), b.result().timeline());
    assertEquals(a.result().toText(), b.result().toText());
    assertEquals(a.recorder().events, b.recorder().events);
    assertEquals(a.sim().events(), b.sim().events());
    assertNotEquals(a.result().timeline(), c.result().timeline());
    assertNotEquals(a.recorder().joinedAtUs, c.recorder().joinedAtUs);
  }

  @Test
  void overridesChangeTheRealizedDurations() {
    Run run = run(ProvisionParameters.defaults()
        .withOverride("eks-control-plane", Distribution.constant(123 * S))
        .withOverride("setup-env/helm-ls-wait", Distribution.constant(12 * S))
        .withOverride("node-join", Distribution.constant(10 * S)), 9);
    ApplyResult r = run.result();
    assertEquals(123 * S, r.run("eks-control-plane").durationUs());
    ResourceRun.StepRun helmLs = r.run("setup-env").steps().get(5);
    assertEquals("setup-env/helm-ls-wait", helmLs.name());
    assertEquals(15 * S, helmLs.durationUs()); // 12 s rounded up to the 5 s poll
    assertEquals(r.run("setup-env").finishUs(), helmLs.finishUs());
    long pdDone = r.run("asg-pd").finishUs();
    assertEquals(pdDone + 10 * S, run.recorder().joinedAtUs.get("pd-0"));
    assertEquals(pdDone + 10 * S, run.recorder().joinedAtUs.get("pd-2"));
  }

  @Test
  void lbVariantWaitsForRunningTidbThenLoadBalancerHostnames() {
    ProvisionParameters p = ProvisionParameters.defaults().withMedians(true)
        .withReadiness(ReadinessVariant.TIDB_RUNNING_THEN_LB_HOSTNAMES);
    Simulation sim = new Simulation(1, BUDGET, false);
    List<String> heard = new ArrayList<>();
    TerraformApply[] holder = new TerraformApply[1];
    ProvisionListener listener = new ProvisionListener() {
      @Override
      public void clusterReleaseApplied(String cluster, long atUs) {
        holder[0].loadBalancerServiceCreated(cluster, cluster + "-tidb");
        holder[0].loadBalancerServiceCreated(cluster, cluster + "-grafana");
      }

      @Override
      public void loadBalancerReady(String cluster, String service, String hostname) {
        heard.add(sim.nowUs() / S + " " + service + " " + hostname);
      }
    };
    holder[0] = new TerraformApply(EksGraph.build(p), sim, sim.stream("provision"), listener,
        c -> true);
    holder[0].start();
    assertEquals(RunOutcome.COMPLETED, sim.run(holder[0]::isFinished).outcome());
    // Release at 803 s, load balancers 180 s later, seen by the poll at exactly 983 s.
    assertEquals(List.of("983 my-cluster-tidb my-cluster-tidb.us-west-2.elb.amazonaws.com",
        "983 my-cluster-grafana my-cluster-grafana.us-west-2.elb.amazonaws.com"), heard);
    assertEquals(983 * S, holder[0].result().makespanUs());
    assertEquals(180 * S, holder[0].result().run("wait-tidb-ready-my-cluster").durationUs());
  }

  @Test
  void withoutLoadBalancersTheWaitNeverEnds() {
    ProvisionParameters p = ProvisionParameters.defaults().withMedians(true)
        .withReadiness(ReadinessVariant.TIDB_RUNNING_THEN_LB_HOSTNAMES);
    Simulation sim = new Simulation(1, BUDGET, false);
    TerraformApply apply = new TerraformApply(EksGraph.build(p), sim, sim.stream("provision"),
        ProvisionListener.NONE, c -> true);
    apply.start();
    sim.runUntil(3 * 3_600 * S);
    assertFalse(apply.isFinished());
    assertEquals(1, apply.inFlight());
    IllegalStateException e = assertThrows(IllegalStateException.class, apply::result);
    assertEquals("apply not finished; left: [wait-tidb-ready-my-cluster (running)]",
        e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> apply.loadBalancerServiceCreated("nope", "nope-tidb"));
  }
}
