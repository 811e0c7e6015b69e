package io.pdlab.k8s.provision;

import io.pdlab.k8s.api.Taint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pdlab.sim.Distribution;
import io.pdlab.sim.dag.CycleException;
import io.pdlab.sim.dag.Dags;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.jgrapht.graph.DefaultEdge;
import org.junit.jupiter.api.Test;

class EksGraphTest {
  private static final long S = 1_000_000L;

  private static List<String> sorted(String... items) {
    List<String> out = new ArrayList<>(List.of(items));
    out.sort(null);
    return out;
  }

  @Test
  void oneClusterHasExactlyTheEdgesOfProvisioningSection1() {
    ResourceGraph g = EksGraph.build(ProvisionParameters.defaults());
    assertEquals(sorted(
        "availability-zones -> vpc",
        "vpc -> eks-control-plane",
        "key-pair -> eks-control-plane",
        "eks-control-plane -> aws-auth-configmap",
        "eks-control-plane -> launch-config-pd",
        "eks-control-plane -> launch-config-tikv",
        "eks-control-plane -> launch-config-tidb",
        "eks-control-plane -> launch-config-monitor",
        "launch-config-pd -> asg-pd",
        "launch-config-tikv -> asg-tikv",
        "launch-config-tidb -> asg-tidb",
        "launch-config-monitor -> asg-monitor",
        "eks-control-plane -> kubeconfig",
        "kubeconfig -> setup-env",
        "setup-env -> helm-release-tidb-operator",
        "helm-release-tidb-operator -> helm-release-tidb-cluster-my-cluster",
        "helm-release-tidb-cluster-my-cluster -> wait-tidb-ready-my-cluster"), g.edges());
    assertEquals(18, g.size());
    // Nothing orders the tidb-cluster release after the worker ASGs.
    assertEquals(List.of("helm-release-tidb-operator"),
        g.dependencies("helm-release-tidb-cluster-my-cluster"));
    assertEquals(List.of(), g.dependents("asg-pd"));
  }

  @Test
  void graphIsAcyclicAndTopologicalOrderRespectsEveryEdge() {
    ResourceGraph g = EksGraph.build(ProvisionParameters.of("a", "b", "c"));
    List<String> order = Dags.topologicalOrder(g.graph(), ResourceGraph.BY_NAME);
    assertEquals(order, g.topologicalOrder());
    assertEquals(List.of("availability-zones", "key-pair", "vpc", "eks-control-plane"),
        order.subList(0, 4));
    for (DefaultEdge e : g.graph().edgeSet()) {
      assertTrue(order.indexOf(g.graph().getEdgeSource(e))
          < order.indexOf(g.graph().getEdgeTarget(e)), e.toString());
    }
  }

  @Test
  void setupEnvRunsItsStepsInOrderAndPollsHelmLs() {
    Resource setup = EksGraph.build(ProvisionParameters.defaults()).resource("setup-env");
    List<String> names = new ArrayList<>();
    for (Step s : setup.steps()) {
      names.add(s.name());
    }
    assertEquals(List.of("setup-env/crd", "setup-env/local-volume-provisioner",
        "setup-env/gp2-storageclass", "setup-env/tiller-rbac", "setup-env/helm-init",
        "setup-env/helm-ls-wait"), names);
    assertEquals(5 * S, setup.steps().get(5).pollUs());
    assertEquals(0, setup.steps().get(4).pollUs());
    assertEquals(15 * S, setup.steps().get(5).realizedUs(12 * S));
    assertEquals(15 * S, setup.steps().get(5).realizedUs(15 * S));
    assertEquals(20 * S, setup.steps().get(5).realizedUs(15 * S + 1));
  }

  @Test
  void defaultMediansAreProvisioningFigures() {
    assertEquals(586 * S, TerraformApply.medianUs(ProvisionDefaults.EKS_CONTROL_PLANE));
    assertEquals(45 * S, TerraformApply.medianUs(ProvisionDefaults.ASG));
    assertEquals(22 * S, TerraformApply.medianUs(ProvisionDefaults.OPERATOR_RELEASE));
    assertEquals(90 * S, TerraformApply.medianUs(ProvisionDefaults.NODE_JOIN));
    long setup = 0;
    for (Step s : EksGraph.build(ProvisionParameters.defaults()).resource("setup-env").steps()) {
      setup += s.realizedUs(TerraformApply.medianUs(s.duration()));
    }
    assertEquals(88 * S, setup); // 1m28s, PR #401
  }

  @Test
  void workerGroupNodesCarryTheSection2Table() {
    ResourceGraph g = EksGraph.build(ProvisionParameters.defaults());
    TreeMap<String, String> pdLabels = new TreeMap<>();
    pdLabels.put("beta.kubernetes.io/instance-type", "m5d.xlarge");
    pdLabels.put("dedicated", "pd");
    pdLabels.put("failure-domain.beta.kubernetes.io/zone", "us-west-2b");
    pdLabels.put("kubernetes.io/hostname", "pd-1");
    assertEquals(new NodeSpec("pd-1", WorkerGroup.PD, "my-cluster", "m5d.xlarge", 4_000, 16_384,
        pdLabels, List.of(new Taint("dedicated", "pd", Taint.Effect.NoSchedule)),
        List.of("/mnt/disks/ssd1"), "us-west-2b"), g.resource("asg-pd").nodes().get(1));

    NodeSpec tikv = g.resource("asg-tikv").nodes().get(2);
    assertEquals("tikv-2", tikv.name());
    assertEquals("i3.2xlarge", tikv.instanceType());
    assertEquals(8_000, tikv.cpuMillis());
    assertEquals(62_464, tikv.memoryMiB());
    assertEquals(List.of("/mnt/disks/ssd1"), tikv.localDisks());
    assertEquals("us-west-2c", tikv.zone());

    NodeSpec tidb = g.resource("asg-tidb").nodes().get(0);
    assertEquals(List.of(new Taint("dedicated", "tidb", Taint.Effect.NoSchedule)), tidb.taints());
    assertEquals(16_000, tidb.cpuMillis());
    assertEquals(30_720, tidb.memoryMiB());
    assertEquals(List.of(), tidb.localDisks());

    List<NodeSpec> monitor = g.resource("asg-monitor").nodes();
    assertEquals(1, monitor.size());
    assertEquals(List.of(), monitor.get(0).taints());
    assertEquals(List.of("beta.kubernetes.io/instance-type",
        "failure-domain.beta.kubernetes.io/zone", "kubernetes.io/hostname"),
        new ArrayList<>(monitor.get(0).labels().keySet()));
    assertEquals(8_192, monitor.get(0).memoryMiB());

    assertEquals(3, g.resource("asg-pd").nodes().size());
    assertEquals(3, g.resource("asg-tikv").nodes().size());
    assertEquals(2, g.resource("asg-tidb").nodes().size());
    assertEquals(5, ProvisionDefaults.PD.maxCount());
  }

  @Test
  void severalClustersGetTheirOwnPrefixedWorkerGroups() {
    ResourceGraph g = EksGraph.build(ProvisionParameters.of("alpha", "beta"));
    List<String> asgs = new ArrayList<>();
    for (String n : g.names()) {
      if (g.resource(n).kind() == ResourceKind.AUTO_SCALING_GROUP) {
        asgs.add(n);
      }
    }
    assertEquals(List.of("asg-alpha-monitor", "asg-alpha-pd", "asg-alpha-tidb", "asg-alpha-tikv",
        "asg-beta-monitor", "asg-beta-pd", "asg-beta-tidb", "asg-beta-tikv"), asgs);
    assertEquals(List.of("launch-config-beta-tikv"), g.dependencies("asg-beta-tikv"));
    assertEquals(List.of("alpha", "beta"), g.clusters());
    NodeSpec n = g.resource("asg-beta-pd").nodes().get(2);
    assertEquals("beta-pd-2", n.name());
    assertEquals("beta", n.cluster());
    assertEquals(List.of(new Taint("dedicated", "beta-pd", Taint.Effect.NoSchedule)), n.taints());
    assertEquals("beta-pd", n.labels().get("dedicated"));
    assertEquals(List.of("helm-release-tidb-cluster-alpha", "helm-release-tidb-cluster-beta"),
        g.dependents("helm-release-tidb-operator"));
    // 8 shared resources (one control plane, one operator), per cluster 4 launch configs, 4 ASGs,
    // a release and a wait.
    assertEquals(8 + 2 * 10, g.size());
  }

  @Test
  void overridesReplaceDurationsByName() {
    Distribution eks = Distribution.constant(123 * S);
    ResourceGraph g = EksGraph.build(ProvisionParameters.defaults()
        .withOverride("eks-control-plane", eks)
        .withOverride("setup-env/helm-init", Distribution.constant(7 * S))
        .withOverride("node-join", Distribution.constant(11 * S)));
    assertEquals(eks, g.resource("eks-control-plane").steps().get(0).duration());
    assertEquals(Distribution.constant(7 * S), g.resource("setup-env").steps().get(4).duration());
    assertEquals(Distribution.constant(11 * S), g.nodeJoinDelay());
    assertEquals(ProvisionDefaults.VPC, g.resource("vpc").steps().get(0).duration());
  }

  @Test
  void badInputIsRejectedWithAMessageNamingTheProblem() {
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
        () -> EksGraph.build(ProvisionParameters.defaults()
            .withOverride("eks", Distribution.constant(S))));
    assertTrue(unknown.getMessage().startsWith("unknown duration override 'eks'; known names: "),
        unknown.getMessage());
    assertTrue(unknown.getMessage().contains("eks-control-plane"), unknown.getMessage());

    IllegalArgumentException parallelism = assertThrows(IllegalArgumentException.class,
        () -> ProvisionParameters.defaults().withParallelism(0));
    assertEquals("parallelism must be at least 1, got 0", parallelism.getMessage());

    IllegalArgumentException duplicate = assertThrows(IllegalArgumentException.class,
        () -> ProvisionParameters.of("a", "b", "a"));
    assertEquals("duplicate cluster name 'a'", duplicate.getMessage());

    IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
        () -> ProvisionParameters.of());
    assertEquals("at least one TiDB cluster is needed", none.getMessage());

    IllegalArgumentException badName = assertThrows(IllegalArgumentException.class,
        () -> ProvisionParameters.of("My_Cluster"));
    assertEquals("cluster name 'My_Cluster' is not a DNS-1123 label", badName.getMessage());
  }

  @Test
  void customGraphsRejectCyclesAndUnknownNames() {
    ResourceGraph.Builder b = ResourceGraph.builder()
        .add(Resource.simple("a", ResourceKind.OTHER, "", Distribution.constant(S)))
        .add(Resource.simple("b", ResourceKind.OTHER, "", Distribution.constant(S)))
        .dependsOn("b", "a")
        .dependsOn("a", "b");
    CycleException cycle = assertThrows(CycleException.class, b::build);
    assertEquals("dependency cycle: a -> b -> a", cycle.getMessage());

    IllegalArgumentException edge = assertThrows(IllegalArgumentException.class,
        () -> ResourceGraph.builder().dependsOn("x", "y"));
    assertEquals("edge names unknown resource 'x'", edge.getMessage());
    IllegalArgumentException dup = assertThrows(IllegalArgumentException.class,
        () -> ResourceGraph.builder()
            .add(Resource.simple("a", ResourceKind.OTHER, "", Distribution.constant(S)))
            .add(Resource.simple("a", ResourceKind.OTHER, "", Distribution.constant(S))));
    assertEquals("duplicate resource 'a'", dup.getMessage());
  }
}
