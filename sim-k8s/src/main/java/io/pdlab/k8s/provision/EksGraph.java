package io.pdlab.k8s.provision;

import io.pdlab.k8s.api.Taint;

import io.pdlab.sim.Distribution;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Builds the EKS provisioning graph of provisioning.md section 1 for one or more TiDB clusters:
 *
 * <pre>
 *   availability-zones -&gt; vpc
 *   vpc, key-pair -&gt; eks-control-plane
 *   eks-control-plane -&gt; aws-auth-configmap
 *   eks-control-plane -&gt; launch-config-W -&gt; asg-W   per cluster, W in pd/tikv/tidb/monitor
 *   eks-control-plane -&gt; kubeconfig -&gt; setup-env -&gt; helm-release-tidb-operator
 *   helm-release-tidb-operator -&gt; helm-release-tidb-cluster-C -&gt; wait-tidb-ready-C
 *                                                            (one release and wait per cluster C)
 * </pre>
 *
 * W is the group ({@code pd}) with one TiDB cluster and {@code <cluster>-<group>} with several,
 * which is also the {@code dedicated} taint and label value (section 2). Nothing orders a
 * tidb-cluster release after the ASGs. Terraform's outputs (the load balancer host names) are
 * values read at the end, not operations, so they are not resources here.
 */
public final class EksGraph {
  /** Override key of the delay from an ASG's completion to each node joining. */
  public static final String NODE_JOIN = "node-join";

  /** Override key of the delay from a LoadBalancer Service's creation to its host name. */
  public static final String LB_HOSTNAME = "lb-hostname";

  public static final String AVAILABILITY_ZONES = "availability-zones";
  public static final String VPC = "vpc";
  public static final String KEY_PAIR = "key-pair";
  public static final String EKS_CONTROL_PLANE = "eks-control-plane";
  public static final String AWS_AUTH_CONFIGMAP = "aws-auth-configmap";
  public static final String KUBECONFIG = "kubeconfig";
  public static final String SETUP_ENV = "setup-env";
  public static final String OPERATOR_RELEASE = "helm-release-tidb-operator";

  private EksGraph() {}

  /** The name of the helm release resource of TiDB cluster {@code cluster}. */
  public static String clusterRelease(String cluster) {
    return "helm-release-tidb-cluster-" + cluster;
  }

  /** The name of the wait-tidb-ready resource of TiDB cluster {@code cluster}. */
  public static String waitTidbReady(String cluster) {
    return "wait-tidb-ready-" + cluster;
  }

  /** {@code <group>} with one TiDB cluster, {@code <cluster>-<group>} with several. */
  public static String workerGroupName(ProvisionParameters p, String cluster, WorkerGroup g) {
    return p.clusters().size() > 1 ? cluster + "-" + g.key() : g.key();
  }

  /**
   * The graph for {@code p}, with its duration overrides applied.
   *
   * @throws IllegalArgumentException if an override names no resource, step or knob (the message
   *     lists the known names)
   */
  public static ResourceGraph build(ProvisionParameters p) {
    Durations d = new Durations(p.durationOverrides());
    ResourceGraph.Builder b = ResourceGraph.builder()
        .parallelism(p.parallelism())
        .medians(p.medians())
        .readiness(p.readiness())
        .nodeJoinDelay(d.get(NODE_JOIN, ProvisionDefaults.NODE_JOIN))
        .lbHostnameDelay(d.get(LB_HOSTNAME, ProvisionDefaults.LB_HOSTNAME));

    b.add(d.simple(AVAILABILITY_ZONES, ResourceKind.AVAILABILITY_ZONES, "",
        ProvisionDefaults.AVAILABILITY_ZONES));
    b.add(d.simple(VPC, ResourceKind.VPC, "", ProvisionDefaults.VPC));
    b.add(d.simple(KEY_PAIR, ResourceKind.KEY_PAIR, "", ProvisionDefaults.KEY_PAIR));
    b.add(d.simple(EKS_CONTROL_PLANE, ResourceKind.EKS_CONTROL_PLANE, "",
        ProvisionDefaults.EKS_CONTROL_PLANE));
    b.add(d.simple(AWS_AUTH_CONFIGMAP, ResourceKind.AWS_AUTH_CONFIGMAP, "",
        ProvisionDefaults.AWS_AUTH_CONFIGMAP));
    b.add(d.simple(KUBECONFIG, ResourceKind.KUBECONFIG, "", ProvisionDefaults.KUBECONFIG));
    b.add(new Resource(SETUP_ENV, ResourceKind.SETUP_ENV, "", List.of(
        d.setupStep("crd", ProvisionDefaults.SETUP_CRD, 0),
        d.setupStep("local-volume-provisioner",
            ProvisionDefaults.SETUP_LOCAL_VOLUME_PROVISIONER, 0),
        d.setupStep("gp2-storageclass", ProvisionDefaults.SETUP_GP2_STORAGECLASS, 0),
        d.setupStep("tiller-rbac", ProvisionDefaults.SETUP_TILLER_RBAC, 0),
        d.setupStep("helm-init", ProvisionDefaults.SETUP_HELM_INIT, 0),
        d.setupStep("helm-ls-wait", ProvisionDefaults.SETUP_HELM_LS_WAIT,
            ProvisionDefaults.HELM_LS_POLL_US)), List.of()));
    b.add(d.simple(OPERATOR_RELEASE, ResourceKind.OPERATOR_RELEASE, "",
        ProvisionDefaults.OPERATOR_RELEASE));

    b.dependsOn(VPC, AVAILABILITY_ZONES);
    b.dependsOn(EKS_CONTROL_PLANE, VPC);
    b.dependsOn(EKS_CONTROL_PLANE, KEY_PAIR);
    b.dependsOn(AWS_AUTH_CONFIGMAP, EKS_CONTROL_PLANE);
    b.dependsOn(KUBECONFIG, EKS_CONTROL_PLANE);
    b.dependsOn(SETUP_ENV, KUBECONFIG);
    b.dependsOn(OPERATOR_RELEASE, SETUP_ENV);

    for (String cluster : p.clusters()) {
      for (WorkerGroup g : WorkerGroup.values()) {
        String wg = workerGroupName(p, cluster, g);
        String lc = "launch-config-" + wg;
        String asg = "asg-" + wg;
        b.add(d.simple(lc, ResourceKind.LAUNCH_CONFIG, cluster, ProvisionDefaults.LAUNCH_CONFIG));
        b.add(new Resource(asg, ResourceKind.AUTO_SCALING_GROUP, cluster,
            List.of(d.step(asg, ProvisionDefaults.ASG)),
            nodes(cluster, wg, p.workerGroup(g))));
        b.dependsOn(lc, EKS_CONTROL_PLANE);
        b.dependsOn(asg, lc);
      }
      String release = clusterRelease(cluster);
      String wait = waitTidbReady(cluster);
      b.add(d.simple(release, ResourceKind.CLUSTER_RELEASE, cluster,
          ProvisionDefaults.CLUSTER_RELEASE));
      b.add(new Resource(wait, ResourceKind.WAIT_TIDB_READY, cluster, List.of(), List.of()));
      b.dependsOn(release, OPERATOR_RELEASE);
      b.dependsOn(wait, release);
    }
    d.checkAllUsed();
    return b.build();
  }

  /**
   * {@code p} for a Kubernetes that already exists (the {@code k8s} backend's private control
   * plane stands in for EKS): every duration of the plan, its steps' and the node-join and
   * load-balancer delays, is zero, so the apply walks the same resources in the same order under
   * the same names and takes only the time its real work takes (nodes registered, storage
   * classes and volumes created, the TidbCluster applied, wait-tidb-ready's polls).
   */
  public static ProvisionParameters onExistingCluster(ProvisionParameters p) {
    ResourceGraph plan = build(p);
    TreeSet<String> names = new TreeSet<>(List.of(NODE_JOIN, LB_HOSTNAME));
    for (String r : plan.names()) {
      for (Step s : plan.resource(r).steps()) {
        names.add(s.name());
      }
    }
    ProvisionParameters out = p;
    for (String n : names) {
      out = out.withOverride(n, Distribution.constant(0));
    }
    return out;
  }

  /** The nodes an ASG brings up: names, capacity, taint and labels, disks, zone round-robin. */
  static List<NodeSpec> nodes(String cluster, String workerGroup, WorkerGroupConfig cfg) {
    List<NodeSpec> out = new ArrayList<>();
    List<String> zones = ProvisionDefaults.ZONES;
    for (int i = 0; i < cfg.count(); i++) {
      String name = workerGroup + "-" + i;
      String zone = zones.get(i % zones.size());
      TreeMap<String, String> labels = new TreeMap<>();
      labels.put(ProvisionDefaults.HOSTNAME_LABEL, name);
      labels.put(ProvisionDefaults.ZONE_LABEL, zone);
      labels.put(ProvisionDefaults.INSTANCE_TYPE_LABEL, cfg.instanceType());
      List<Taint> taints = List.of();
      if (cfg.dedicated()) {
        labels.put(ProvisionDefaults.DEDICATED_KEY, workerGroup);
        taints = List.of(new Taint(ProvisionDefaults.DEDICATED_KEY, workerGroup,
            Taint.Effect.NoSchedule));
      }
      out.add(new NodeSpec(name, cfg.group(), cluster, cfg.instanceType(), cfg.cpuMillis(),
          cfg.memoryMiB(), labels, taints, cfg.localDisks(), zone));
    }
    return out;
  }

  /** Default durations with the overrides applied; remembers which names exist. */
  private static final class Durations {
    private final Map<String, Distribution> overrides;
    private final TreeSet<String> known = new TreeSet<>();

    Durations(Map<String, Distribution> overrides) {
      this.overrides = overrides;
    }

    Distribution get(String name, Distribution fallback) {
      known.add(name);
      return overrides.getOrDefault(name, fallback);
    }

    Step step(String name, Distribution fallback) {
      return Step.of(name, get(name, fallback));
    }

    Step setupStep(String setupStep, Distribution fallback, long pollUs) {
      String name = SETUP_ENV + "/" + setupStep;
      return new Step(name, get(name, fallback), pollUs);
    }

    Resource simple(String name, ResourceKind kind, String cluster, Distribution fallback) {
      return Resource.simple(name, kind, cluster, get(name, fallback));
    }

    void checkAllUsed() {
      for (String name : overrides.keySet()) {
        if (!known.contains(name)) {
          throw new IllegalArgumentException("unknown duration override '" + name
              + "'; known names: " + String.join(", ", known));
        }
      }
    }
  }
}
