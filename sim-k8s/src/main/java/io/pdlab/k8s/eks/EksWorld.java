package io.pdlab.k8s.eks;

import io.pdlab.k8s.api.Images;
import io.pdlab.k8s.api.Container;
import io.pdlab.k8s.api.Deployment;
import io.pdlab.k8s.api.Kind;
import io.pdlab.k8s.api.Node;
import io.pdlab.k8s.api.ObjectMeta;
import io.pdlab.k8s.api.PersistentVolume;
import io.pdlab.k8s.api.Pod;
import io.pdlab.k8s.api.PodSpec;
import io.pdlab.k8s.api.PodTemplate;
import io.pdlab.k8s.api.Resources;
import io.pdlab.k8s.api.StorageClass;
import io.pdlab.k8s.api.Taint;
import io.pdlab.k8s.api.TidbCluster;
import io.pdlab.k8s.api.Toleration;
import io.pdlab.k8s.controllers.K8sWorld;
import io.pdlab.k8s.operator.Strategies;
import io.pdlab.k8s.operator.TidbOperatorV1;
import io.pdlab.k8s.provision.ApplyResult;
import io.pdlab.k8s.provision.NodeSpec;
import io.pdlab.k8s.provision.ProvisionListener;
import io.pdlab.k8s.provision.ProvisionParameters;
import io.pdlab.k8s.provision.ReadinessProbe;
import io.pdlab.k8s.provision.ResourceGraph;
import io.pdlab.k8s.provision.TerraformApply;
import io.pdlab.sim.Budget;
import io.pdlab.sim.RunResult;
import java.util.List;
import java.util.TreeMap;

/**
 * One EKS cluster hosting one or more TidbClusters, provisioned from nothing: a {@link
 * TerraformApply} over a {@link K8sWorld}. Each TidbCluster gets the chart's defaults (3 PD,
 * 3 TiKV, 2 TiDB unless told otherwise) pinned to its own worker groups by nodeSelector and
 * toleration, and a monitor pod on the untainted monitor node.
 */
public final class EksWorld implements ProvisionListener, ReadinessProbe {
  /** The local volume provisioner scans /mnt/disks every 10 s (provisioning.md section 3). */
  public static final long LOCAL_VOLUME_SCAN_MS = 10_000;
  /** Capacity of a local PV: the NVMe disk of the group (provisioning.md section 2). */
  static final long PD_DISK_GI = 150;
  static final long TIKV_DISK_GI = 1_900;

  /** Replicas per component of each TidbCluster. */
  public record Shape(int pd, int tikv, int tidb) {
    public static final Shape CHART_DEFAULTS = new Shape(3, 3, 2);
  }

  private final K8sWorld world;
  private final ProvisionParameters params;
  private final Shape shape;
  private final TerraformApply apply;
  private final TreeMap<String, Long> tidbReadyUs = new TreeMap<>();

  public EksWorld(long seed, Budget budget, boolean traceEnabled, ProvisionParameters params,
      Shape shape) {
    this(seed, budget, traceEnabled, params, shape, null);
  }

  /** As above, with a trace sink attached from the start. */
  public EksWorld(long seed, Budget budget, boolean traceEnabled, ProvisionParameters params,
      Shape shape, io.pdlab.sim.trace.TraceSink sink) {
    this(new K8sWorld(seed, budget, traceEnabled, sink), params, shape, null);
  }

  /**
   * The same provisioning over {@code world}, simulated or a real control plane's (the {@code
   * k8s} backend, where {@link EksGraph#onExistingCluster} gives the plan: the cloud's resources
   * take no time and the Kubernetes work is real). {@code startMeasuring} is called when the
   * first tidb-cluster release is applied, where bootstrap time counts from; null: the world's
   * own measures (a simulated world).
   */
  public EksWorld(K8sWorld world, ProvisionParameters params, Shape shape,
      Runnable startMeasuring) {
    this.world = world;
    this.params = params;
    this.shape = shape;
    this.startMeasuring = startMeasuring != null ? startMeasuring
        : () -> world.measures().startMeasuring();
    ResourceGraph plan = ResourceGraph.forEks(params);
    this.apply = new TerraformApply(plan, world.kernel(), world.kernel().stream("terraform"),
        this, this);
  }

  private final Runnable startMeasuring;

  public K8sWorld world() {
    return world;
  }

  /** Applies the plan and runs until TiDB serves in every cluster (or the budget ends). */
  public RunResult run() {
    apply.start();
    return world.sim().run(apply::isFinished);
  }

  /** Starts the apply without running: the caller drives the simulation (and adds faults). */
  public void start() {
    apply.start();
  }

  /** Whether wait-tidb-ready saw every cluster serving. */
  public boolean finished() {
    return apply.isFinished();
  }

  public ApplyResult result() {
    return apply.result();
  }

  /** When wait-tidb-ready saw each cluster serving. */
  public TreeMap<String, Long> tidbReadyUs() {
    return new TreeMap<>(tidbReadyUs);
  }

  private boolean several() {
    return params.clusters().size() > 1;
  }

  /** The worker group's dedicated label and taint value: {@code pd} or {@code <cluster>-pd}. */
  String groupValue(String cluster, String group) {
    return several() ? cluster + "-" + group : group;
  }

  // ------------------------------------------------------------------ ProvisionListener

  @Override
  public void nodeJoined(NodeSpec n) {
    world.store().create(new Node(ObjectMeta.of("", n.name()).withLabels(n.labels()),
        n.taints(), new Resources(n.cpuMillis(), n.memoryMiB()), n.localDisks(), n.zone(), true,
        false));
    if (!n.localDisks().isEmpty()) {
      world.kernel().schedule(LOCAL_VOLUME_SCAN_MS * 1_000, () -> {
        int i = 0;
        for (String disk : n.localDisks()) {
          String pv = "local-pv-" + n.name() + "-" + i++;
          long gi = n.group().key().equals("tikv") ? TIKV_DISK_GI : PD_DISK_GI;
          world.store().create(new PersistentVolume(ObjectMeta.of("", pv), "local-storage", gi,
              n.name(), disk, null));
        }
      });
    }
  }

  /** Each resource's start and end go into the trace, under the plan's names, on any backend. */
  @Override
  public void resourceStarted(String name, long atUs) {
    world.kernel().note("terraform", name + " started");
  }

  @Override
  public void resourceDone(String name, long atUs) {
    world.kernel().note("terraform", name + " done");
    if (name.equals("setup-env")) {
      world.store().create(new StorageClass(ObjectMeta.of("", "local-storage"),
          "kubernetes.io/no-provisioner", "WaitForFirstConsumer", "Retain"));
      world.store().create(new StorageClass(ObjectMeta.of("", "ebs-gp2"),
          "kubernetes.io/aws-ebs", "WaitForFirstConsumer", "Retain"));
    }
  }

  @Override
  public void clusterReleaseApplied(String cluster, long atUs) {
    // Bootstrap time counts from the first pod created (protocols.md section 4): the release.
    startMeasuring.run();
    world.store().create(tidbCluster(cluster));
    String op = Strategies.tidbOperatorProcess(cluster);
    world.kernel().addProcess(op, Strategies.CONTROL_PLANE,
        x -> new TidbOperatorV1(world, cluster, cluster));
    world.kernel().start(op);
    TreeMap<String, String> ml = new TreeMap<>();
    ml.put("app.kubernetes.io/component", "monitor");
    ml.put("app.kubernetes.io/instance", cluster);
    world.store().create(new Deployment(ObjectMeta.of(cluster, cluster + "-monitor")
        .withLabels(ml), 1, new PodTemplate(ml, new PodSpec(null, new TreeMap<>(), List.of(),
            new Resources(1_000, 2_048), null, List.of(), List.of(new Container("grafana",
                Images.GRAFANA, "simple", List.of())), "Always", null, null))));
  }

  @Override
  public void tidbReady(String cluster, long atUs) {
    tidbReadyUs.put(cluster, atUs);
  }

  /** The chart's TidbCluster, pinned to this cluster's worker groups. */
  TidbCluster tidbCluster(String cluster) {
    return new TidbCluster(ObjectMeta.of(cluster, cluster), new TidbCluster.Spec(
        "tidb-scheduler",
        component(cluster, "pd", shape.pd(), Images.PD, new Resources(1_000, 2_048),
            10),
        component(cluster, "tikv", shape.tikv(), Images.TIKV,
            new Resources(2_000, 8_192), 100),
        component(cluster, "tidb", shape.tidb(), Images.TIDB,
            new Resources(2_000, 4_096), 0),
        "Retain", "UTC"), TidbCluster.Status.EMPTY);
  }

  private TidbCluster.ComponentSpec component(String cluster, String group, int replicas,
      String image, Resources requests, long storageGi) {
    TreeMap<String, String> selector = new TreeMap<>();
    String value = groupValue(cluster, group);
    selector.put("dedicated", value);
    return new TidbCluster.ComponentSpec(replicas, image, requests, storageGi,
        storageGi > 0 ? "local-storage" : "", selector,
        List.of(Toleration.equal("dedicated", value, Taint.Effect.NoSchedule)));
  }

  // ------------------------------------------------------------------ ReadinessProbe

  /** wait-tidb-ready: every pd, tikv and tidb pod of the cluster is Ready. */
  @Override
  public boolean ready(String cluster) {
    int want = shape.pd() + shape.tikv() + shape.tidb();
    List<Pod> pods = world.store().listIn(Kind.POD, cluster, (Pod p) -> p.status().ready()
        && List.of("pd", "tikv", "tidb").contains(p.meta().labels()
        .getOrDefault("app.kubernetes.io/component", "")));
    return pods.size() == want;
  }
}
