package io.pdlab.scenarios.run;

import io.pdlab.k8s.api.Kind;
import io.pdlab.k8s.api.Node;
import io.pdlab.k8s.api.ObjectMeta;
import io.pdlab.k8s.api.PersistentVolume;
import io.pdlab.k8s.api.Pod;
import io.pdlab.k8s.api.Resources;
import io.pdlab.k8s.api.StatefulSet;
import io.pdlab.k8s.api.StorageClass;
import io.pdlab.k8s.api.Taint;
import io.pdlab.k8s.api.TidbCluster;
import io.pdlab.k8s.api.Toleration;
import io.pdlab.k8s.controllers.K8sWorld;
import io.pdlab.real.drive.RealWorld;
import io.pdlab.k8s.operator.BootstrapStrategy;
import io.pdlab.k8s.operator.ClusterSpec;
import io.pdlab.k8s.operator.SeedJoinOperator;
import io.pdlab.k8s.operator.Strategies;
import io.pdlab.k8s.operator.TidbOperatorV2;
import io.pdlab.pd.run.RunMeasures;
import io.pdlab.scenarios.model.Backend;
import io.pdlab.scenarios.model.ClusterDef;
import io.pdlab.scenarios.model.Expect;
import io.pdlab.scenarios.model.FaultDef;
import io.pdlab.scenarios.model.Infra;
import io.pdlab.scenarios.model.FaultKind;
import io.pdlab.scenarios.model.Scenario;
import io.pdlab.scenarios.model.WorkerGroupDef;
import io.pdlab.sim.Budget;
import io.pdlab.sim.fault.Fault;
import io.pdlab.sim.process.ProcessState;
import io.pdlab.sim.trace.TraceRecord;
import io.pdlab.sim.trace.TraceSink;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Runs scenarios on the simulated backend. The measures cover every cluster of the scenario
 * together; a scenario with one cluster (the common case) measures that cluster.
 */
public final class ScenarioRunner {
  /** Default infrastructure: per pod a node of this size with one local disk. */
  static final Resources DEFAULT_NODE = new Resources(16_000, 65_536);
  /** Local disk capacity of a default node (GiB). */
  static final long DEFAULT_DISK_GI = 500;
  /** Event budget of a run: far above any scenario's needs, low enough to stop a runaway. */
  static final long MAX_EVENTS = 50_000_000;

  /** Allocatable resources of the instance types of provisioning.md section 2. */
  static final Map<String, Resources> INSTANCE_TYPES = instanceTypes();

  private static Map<String, Resources> instanceTypes() {
    Map<String, Resources> m = new TreeMap<>();
    m.put("m5d.xlarge", new Resources(4_000, 16_384));
    m.put("i3.2xlarge", new Resources(8_000, 62_464));
    m.put("c4.4xlarge", new Resources(16_000, 30_720));
    m.put("c5.xlarge", new Resources(4_000, 8_192));
    return m;
  }

  private ScenarioRunner() {}

  /**
   * Runs {@code s} with its own seed, or {@code seedOverride} when not null; {@code trace} (may be
   * null) receives every trace record.
   *
   * @throws IllegalArgumentException if the scenario needs something the simulated backend does
   *     not offer (another backend)
   */
  public static ScenarioResult run(Scenario s, Long seedOverride, TraceSink trace) {
    return run(s, seedOverride, trace, false);
  }

  /** How long an early-stopping run goes on after it bootstrapped and its faults played out. */
  public static final long SETTLE_US = 30_000_000;

  /**
   * As {@link #run(Scenario, Long, TraceSink)}; with {@code stopEarly}, a run that bootstrapped
   * ends {@link #SETTLE_US} after both its bootstrap and the end of its last fault, instead of at
   * the scenario's duration (sweeps do not pay for idle heartbeats).
   */
  public static ScenarioResult run(Scenario s, Long seedOverride, TraceSink trace,
      boolean stopEarly) {
    long seed = seedOverride != null ? seedOverride : s.seed();
    boolean simulated = switch (s.backend()) {
      case SIM -> true;
      case ETCD, ETCD_CONTAINERS, K8S -> false;
      case K3S -> throw new IllegalArgumentException(RealRunner.k3sRefusal(s));
    };
    if (!simulated) {
      return RealRunner.run(s, seed, trace, stopEarly);
    }
    refuseUnsupported(s);
    if (s.infra().provision()) {
      return runProvisioned(s, seed, trace);
    }
    K8sWorld w = new K8sWorld(seed, Budget.of(MAX_EVENTS, s.durationUs() + 1), trace != null,
        trace);
    w.sim().note("-", "scenario " + s.name() + " seed=" + seed);
    buildInfra(w, s);
    w.measures().startMeasuring();
    measure(w.measures(), s);
    List<Installed> installed = install(w, s, null);
    startClientWrites(w, s);
    if (stopEarly) {
      long quiet = quietUs(s);
      w.sim().run(() -> {
        long boot = w.measures().bootstrappedAtUs();
        return w.sim().nowUs() >= s.durationUs()
            || (boot >= 0 && w.sim().nowUs() >= Math.max(boot, quiet) + SETTLE_US);
      });
    } else {
      w.sim().runUntil(s.durationUs());
    }
    RunMeasures m = w.measures().measures();
    SortedMap<String, RunMeasures> perCluster = w.measures().clusterMeasures();
    return new ScenarioResult(s, seed, m, w.sim().eventsRun(), check(s.expect(), m, perCluster),
        List.of(), w.nodeKinds(), w.podTimes().lives(), perCluster);
  }

  /**
   * {@code timing.clientWritesPerSecond}: a client writes that many distinct keys a second to
   * the cluster's members in turn (the simulator's; the real backends' measures write their probe
   * key every 50 ms already). Each acknowledged write is one the run's lost-write check looks
   * for at the end, so data loss shows for the etcd-only strategies too, not only through PD's
   * own cluster-ID write.
   */
  static void startClientWrites(K8sWorld w, Scenario s) {
    for (ClusterDef c : s.clusters()) {
      String rate = c.timing().get("clientWritesPerSecond");
      if (rate != null) {
        long everyUs = 1_000_000 / Long.parseLong(rate);
        w.kernel().schedule(everyUs, () -> clientWrite(w, s, c.name(), everyUs, new long[1]));
      }
    }
  }

  private static void clientWrite(K8sWorld w, Scenario s, String cluster, long everyUs,
      long[] count) {
    List<String> members = new ArrayList<>();
    for (String m : w.measures().expected()) {
      if (s.clusters().size() < 2 || cluster.equals(clusterOf(s, m))) {
        members.add(m);
      }
    }
    if (!members.isEmpty()) {
      long n = count[0]++;
      w.measures().client().send(members.get((int) (n % members.size())),
          new io.pdlab.pd.etcd.EtcdMessages.ClientOp.Put("/pdlab/load/" + cluster + "/" + n,
              Long.toString(n)));
    }
    w.kernel().schedule(everyUs, () -> clientWrite(w, s, cluster, everyUs, count));
  }

  /**
   * How the run's measures are split, on every backend: a run of one cluster is measured as one
   * (under ""), meant to reach its members, with a PD cluster ID if it runs PD; a run of several
   * is measured cluster by cluster (two clusters are two cluster IDs, not a split-brain), each
   * meant to reach its own PD replicas.
   */
  static SortedMap<String, RealWorld.Goal> measuredClusters(Scenario s) {
    TreeMap<String, RealWorld.Goal> goals = new TreeMap<>();
    if (s.clusters().size() < 2) {
      goals.put("", new RealWorld.Goal(desiredSize(s), runsPd(s)));
    } else {
      for (ClusterDef c : s.clusters()) {
        goals.put(c.name(), new RealWorld.Goal(c.pdReplicas(), runsPd(c)));
      }
    }
    return goals;
  }

  /** The key of {@link #measuredClusters} that member {@code member}'s measures go under. */
  static String measuredClusterOf(Scenario s, String member) {
    return s.clusters().size() < 2 ? "" : clusterOf(s, member);
  }

  /** The simulator's measures split as {@link #measuredClusters} says. */
  static void measure(io.pdlab.pd.run.EtcdWorld m, Scenario s) {
    SortedMap<String, RealWorld.Goal> goals = measuredClusters(s);
    RealWorld.Goal one = goals.get("");
    if (one != null) {
      m.expectSize(one.desiredSize());
      m.requirePdClusterId(one.requirePdClusterId());
      return;
    }
    goals.forEach((name, g) -> m.measureCluster(name, g.desiredSize(), g.requirePdClusterId(),
        member -> measuredClusterOf(s, member)));
  }

  /**
   * The cluster whose member {@code member} is: every strategy names its members after the
   * cluster ({@code <cluster>-<i>}, tidb-operator {@code <cluster>-pd-<i>}); the longest such
   * name wins. Null for a name of no cluster.
   */
  static String clusterOf(Scenario s, String member) {
    String best = null;
    for (ClusterDef c : s.clusters()) {
      if (member != null && member.startsWith(c.name() + "-")
          && (best == null || c.name().length() > best.length())) {
        best = c.name();
      }
    }
    return best;
  }

  /**
   * The expectations that did not hold: of the run, or with several clusters of each cluster,
   * each message prefixed with the cluster's name.
   */
  static List<String> check(Expect e, RunMeasures m, SortedMap<String, RunMeasures> perCluster) {
    if (perCluster.isEmpty()) {
      return check(e, m);
    }
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, RunMeasures> c : perCluster.entrySet()) {
      for (String f : check(e, c.getValue())) {
        out.add("cluster " + c.getKey() + ": " + f);
      }
    }
    return out;
  }

  /**
   * What {@code s} asks that {@code backend} cannot do, one message per problem (empty: it can
   * run).
   */
  public static List<String> unsupported(Scenario s, Backend backend) {
    List<String> out = new ArrayList<>();
    boolean provisions = switch (backend) {
      case SIM, K8S -> true; // on k8s: against its real control plane
      case ETCD, ETCD_CONTAINERS, K3S -> false;
    };
    if (s.infra().provision() && !provisions) {
      out.add("infra.provision: the EKS provisioning graph runs on the simulated backend and on"
          + " k8s (its steps after EKS against the real control plane)");
    }
    if (backend != Backend.SIM) {
      for (ClusterDef c : s.clusters()) {
        if ("3.5".equals(c.timing().get("etcdVersion"))) {
          out.add("clusters '" + c.name() + "': timing.etcdVersion 3.5: the real backends run"
              + " etcd 3.4.23 (Debian's etcd-server); 3.5's defaults are the simulator's only");
        }
      }
    }
    boolean kubelets = backend == Backend.K8S && !kubeletNodes(s).isEmpty();
    for (FaultDef f : s.faults()) {
      FaultKind.Refusal refusal = f.kind().refusal(backend);
      // On k8s, kubelet nodes cut their network apart.
      if (refusal != null && !(kubelets && f.kind() == FaultKind.PARTITION)) {
        out.add("fault at " + f.atUs() / 1_000 + " ms: " + refusal.message("backend"));
      }
    }
    if (backend == Backend.K8S && Infra.KUBELET.equals(s.infra().nodes())) {
      int need = memberNodes(s).size();
      if (need > MAX_KUBELET_NODES) {
        out.add("infra.nodes: kubelet: members may run on " + need + " nodes, and this machine"
            + " runs at most " + MAX_KUBELET_NODES + " kubelet nodes; give the members a worker"
            + " group named pd (or <cluster>-pd) of at most " + MAX_KUBELET_NODES + " nodes, or"
            + " use nodes: agent");
      }
    }
    return out;
  }

  /**
   * How many kubelet nodes (each a kubelet and a docker daemon of its own) one run may start on a
   * machine of this project's kind (2 cores, 24 GiB): measured in the README's "Kubernetes
   * backend" section.
   */
  public static final int MAX_KUBELET_NODES = 6;

  /**
   * The nodes a {@code k8s} run has real kubelets run: the nodes members may be placed on (a
   * cluster pinned to its pd worker group: that group's nodes; otherwise every node), when
   * {@code infra.nodes} is {@code kubelet}, or by default when they are at most {@link
   * #MAX_KUBELET_NODES}; none with {@code nodes: agent}, with {@code provision: true}, or by
   * default when more would be needed (the others run on pdlab's node agent).
   */
  public static List<String> kubeletNodes(Scenario s) {
    if (s.infra().provision() || Infra.AGENT.equals(s.infra().nodes())) {
      return List.of();
    }
    List<String> members = memberNodes(s);
    return members.size() <= MAX_KUBELET_NODES ? members : List.of();
  }

  /** The names of the nodes members may be placed on, as {@link #buildInfra} names them. */
  static List<String> memberNodes(Scenario s) {
    List<String> out = new ArrayList<>();
    if (s.infra().workerGroups().isEmpty()) {
      int nodes = 0;
      for (ClusterDef c : s.clusters()) {
        nodes += c.pdReplicas() + c.tikvReplicas() + c.tidbReplicas() + 2;
      }
      for (int i = 0; i < nodes; i++) {
        out.add(FaultDef.NodeLoss.MEMBER_NODE + i);
      }
      return out;
    }
    java.util.LinkedHashSet<String> groups = new java.util.LinkedHashSet<>();
    for (ClusterDef c : s.clusters()) {
      boolean pinned = false;
      for (WorkerGroupDef g : s.infra().workerGroups()) {
        if (pinsMembers(g, c)) {
          groups.add(g.name());
          pinned = true;
        }
      }
      if (!pinned) {
        s.infra().workerGroups().forEach(g -> groups.add(g.name()));
      }
    }
    for (WorkerGroupDef g : s.infra().workerGroups()) {
      if (groups.contains(g.name())) {
        for (int i = 0; i < g.count(); i++) {
          out.add(g.name() + "-" + i);
        }
      }
    }
    return out;
  }

  /** Refuses {@code s} before anything starts if it asks what its backend cannot do. */
  static void refuseUnsupported(Scenario s) {
    List<String> problems = unsupported(s, s.backend());
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(s.source() + ": backend '" + s.backend()
          + "' cannot run this scenario: " + String.join("; ", problems));
    }
  }

  /**
   * Whether the scenario runs PD (discovery, v2-static): then bootstrap also needs the PD cluster
   * ID written, on every backend alike.
   */
  static boolean runsPd(Scenario s) {
    boolean pd = false;
    for (ClusterDef c : s.clusters()) {
      pd |= runsPd(c);
    }
    return pd;
  }

  /** Whether cluster {@code c}'s members are PD (tidb-operator's strategies). */
  static boolean runsPd(ClusterDef c) {
    return c.strategy().equals("discovery") || c.strategy().equals("v2-static");
  }

  /** How many members the scenario's clusters should reach together. */
  static int desiredSize(Scenario s) {
    int desired = 0;
    for (ClusterDef c : s.clusters()) {
      desired += c.pdReplicas();
    }
    return desired;
  }

  /** When the last fault has played out (its start plus its duration, delay or restart). */
  static long quietUs(Scenario s) {
    return FaultDef.lastChangeUs(s.faults());
  }

  /**
   * Sets each cluster's timing, schedules the faults and installs the strategies (on the world's
   * thread for a real world, {@code real} then non-null).
   */
  static List<Installed> install(K8sWorld w, Scenario s, RealWorld real) {
    List<Installed> installed = new ArrayList<>();
    for (ClusterDef c : s.clusters()) {
      BootstrapStrategy strategy = Strategies.byName(c.strategy());
      ClusterSpec spec = placement(s, c);
      applyTiming(w, c);
      installed.add(new Installed(c, strategy, spec));
    }
    scheduleFaults(w, s, installed, real);
    w.podTimes().startAt();
    for (Installed i : installed) {
      i.strategy.install(w, i.spec);
    }
    return installed;
  }

  /** A cluster's {@code timing:}: its etcd overrides, and the containers' start time. */
  static void applyTiming(K8sWorld w, ClusterDef c) {
    Map<String, String> timing = new TreeMap<>(c.timing());
    if (timing.containsKey("containerStartMs")) {
      w.setContainerStartMs(Long.parseLong(timing.remove("containerStartMs")));
    }
    w.setTimingOverrides(c.name(), timing);
  }

  /** Before a provisioned apply starts: each cluster's timing, and the faults scheduled. */
  static void prepareProvisioned(K8sWorld w, Scenario s, Provisioning p, RealWorld real) {
    for (ClusterDef c : s.clusters()) {
      applyTiming(w, c);
    }
    scheduleFaults(w, s, p.installed(), real);
  }

  /**
   * What {@code infra.provision: true} provisions for {@code s}: one TidbCluster per cluster on
   * EKS's worker groups, each reaching its PD replicas. Only tidb-operator's discovery strategy is
   * provisioned this way (it is what the AWS scripts deploy), so a provisioned scenario
   * {@link #runsPd runs PD}.
   */
  record Provisioning(io.pdlab.k8s.provision.ProvisionParameters params,
      io.pdlab.k8s.eks.EksWorld.Shape shape, List<Installed> installed) {}

  static Provisioning provisioning(Scenario s) {
    List<String> names = new ArrayList<>();
    for (ClusterDef c : s.clusters()) {
      if (!c.strategy().equals("discovery")) {
        throw new IllegalArgumentException(s.source() + ": infra.provision: true provisions"
            + " tidb-operator v1 clusters (strategy discovery); cluster '" + c.name()
            + "' uses " + c.strategy());
      }
      names.add(c.name());
    }
    ClusterDef first = s.clusters().get(0);
    List<Installed> installed = new ArrayList<>();
    for (ClusterDef c : s.clusters()) {
      installed.add(new Installed(c, Strategies.DISCOVERY, new ClusterSpec(c.name(), c.name(),
          c.pdReplicas(), "pd", new TreeMap<>(), List.of(), c.tikvReplicas(), c.tidbReplicas())));
    }
    return new Provisioning(
        io.pdlab.k8s.provision.ProvisionParameters.of(names.toArray(new String[0])),
        new io.pdlab.k8s.eks.EksWorld.Shape(first.pdReplicas(), first.tikvReplicas(),
            first.tidbReplicas()), installed);
  }

  /**
   * Whether a provisioned run (on any backend) is over at {@code nowUs}: the apply finished, and
   * the PD clusters bootstrapped ({@code bootUs}, -1: not yet) with the faults played out
   * ({@code quietUs}). wait-tidb-ready holds once every pd, tikv and tidb pod is Ready, and a PD
   * pod is Ready as soon as it runs (no readiness probe by default, tidb-operator v1.5.1
   * pd_member_manager.go), so the apply can finish while a PD still waits to join (one refused
   * 'unhealthy cluster' and restarted): the run then goes on to judge the cluster, not the apply.
   */
  static boolean provisionedRunEnds(io.pdlab.k8s.eks.EksWorld e, long bootUs, long quietUs,
      long nowUs) {
    return e.finished() && bootUs >= 0 && nowUs >= Math.max(bootUs, quietUs);
  }

  /** The apply's timeline, or what it had left when the run ended. */
  static List<String> applyTimeline(io.pdlab.k8s.eks.EksWorld e) {
    if (!e.finished()) {
      try {
        e.result();
      } catch (IllegalStateException left) {
        return List.of(left.getMessage());
      }
    }
    return e.result().toText().lines().toList();
  }

  /**
   * {@code infra.provision: true}: the Terraform-like graph builds EKS (worker groups per
   * cluster), Helm installs tidb-operator and one TidbCluster per cluster, and the run goes on
   * until the apply finished ({@link #provisionedRunEnds}) or the duration ends; faults count
   * from the apply's start.
   */
  private static ScenarioResult runProvisioned(Scenario s, long seed, TraceSink trace) {
    Provisioning p = provisioning(s);
    io.pdlab.k8s.eks.EksWorld e = new io.pdlab.k8s.eks.EksWorld(seed,
        Budget.of(MAX_EVENTS, s.durationUs() + 1), trace != null, p.params(), p.shape(), trace);
    K8sWorld w = e.world();
    measure(w.measures(), s); // provisioning installs PD clusters (discovery)
    prepareProvisioned(w, s, p, null);
    e.start();
    long quiet = quietUs(s);
    w.sim().run(() -> w.sim().nowUs() >= s.durationUs()
        || provisionedRunEnds(e, w.measures().bootstrappedAtUs(), quiet, w.sim().nowUs()));
    RunMeasures m = w.measures().measures();
    SortedMap<String, RunMeasures> perCluster = w.measures().clusterMeasures();
    return new ScenarioResult(s, seed, m, w.sim().eventsRun(), check(s.expect(), m, perCluster),
        applyTimeline(e), w.nodeKinds(), w.podTimes().lives(), perCluster);
  }

  /**
   * Schedules every fault at its time; pod start faults are registered with the kubelet now. Each
   * fault is one event at its time, also those that have nothing left to do then.
   */
  static void scheduleFaults(K8sWorld w, Scenario s, List<Installed> installed,
      RealWorld real) {
    FaultActions actions = new FaultActions(w, installed, real, new TreeMap<>());
    for (FaultDef f : s.faults()) {
      w.kernel().schedule(f.atUs(), f.accept(actions));
    }
  }

  record Installed(ClusterDef def, BootstrapStrategy strategy, ClusterSpec spec) {}

  private static Installed find(List<Installed> all, String cluster) {
    if (cluster == null) {
      return all.get(0);
    }
    for (Installed i : all) {
      if (i.def.name().equals(cluster)) {
        return i;
      }
    }
    throw new IllegalArgumentException("unknown cluster '" + cluster + "'");
  }

  /** Whether worker group {@code g} is where cluster {@code c}'s members are pinned. */
  static boolean pinsMembers(WorkerGroupDef g, ClusterDef c) {
    return g.name().equals("pd") || g.name().equals(c.name() + "-pd");
  }

  /** Each cluster in its own namespace; with worker groups, pinned to the group named after it. */
  static ClusterSpec placement(Scenario s, ClusterDef c) {
    String timing = c.timing().getOrDefault("profile", c.strategy().equals("discovery")
        || c.strategy().equals("v2-static") ? "pd" : "etcd");
    TreeMap<String, String> selector = new TreeMap<>();
    List<Toleration> tolerations = new ArrayList<>();
    for (WorkerGroupDef g : s.infra().workerGroups()) {
      if (pinsMembers(g, c)) {
        selector.putAll(g.labels());
        for (String t : g.taints()) {
          Taint taint = Taint.parse(t);
          tolerations.add(Toleration.equal(taint.key(), taint.value(), taint.effect()));
        }
      }
    }
    return new ClusterSpec(c.name(), c.name(), c.pdReplicas(), timing, selector, tolerations,
        c.tikvReplicas(), c.tidbReplicas());
  }

  static void buildInfra(K8sWorld w, Scenario s) {
    w.store().create(new StorageClass(ObjectMeta.of("", "local-storage"),
        "kubernetes.io/no-provisioner", "WaitForFirstConsumer", "Retain"));
    w.store().create(new StorageClass(ObjectMeta.of("", "ebs-gp2"), "kubernetes.io/aws-ebs",
        "WaitForFirstConsumer", "Retain"));
    if (s.infra().workerGroups().isEmpty()) {
      for (String n : memberNodes(s)) { // every default node may hold members
        addNode(w, n, new TreeMap<>(), List.of(), DEFAULT_NODE, true, DEFAULT_DISK_GI);
      }
      return;
    }
    for (WorkerGroupDef g : s.infra().workerGroups()) {
      List<Taint> taints = new ArrayList<>();
      for (String t : g.taints()) {
        taints.add(Taint.parse(t));
      }
      Resources r = INSTANCE_TYPES.getOrDefault(g.instanceType(), DEFAULT_NODE);
      boolean disk = g.instanceType().startsWith("m5d") || g.instanceType().startsWith("i3");
      for (int i = 0; i < g.count(); i++) {
        addNode(w, g.name() + "-" + i, g.labels(), taints, r, disk, g.instanceType()
            .startsWith("i3") ? 1_900 : 150);
      }
    }
  }

  private static void addNode(K8sWorld w, String name, Map<String, String> labels,
      List<Taint> taints, Resources r, boolean disk, long diskGi) {
    TreeMap<String, String> l = new TreeMap<>(labels);
    l.put("kubernetes.io/hostname", name);
    w.store().create(new Node(ObjectMeta.of("", name).withLabels(l), taints, r,
        disk ? List.of("/mnt/disks/ssd1") : List.of(), "us-west-2a", true, false));
    if (disk) {
      w.store().create(new PersistentVolume(ObjectMeta.of("", "local-pv-" + name),
          "local-storage", diskGi, name, "/mnt/disks/ssd1", null));
    }
  }

  /**
   * What each kind of fault does on the Kubernetes model, simulated or driving a real backend
   * ({@code real} non-null): a visit resolves the fault's cluster and pods, registers what must
   * be known before the pods start, and returns what happens at the fault's time. Where a fault
   * is a primitive of the simulator (pause, resume, partition, heal) it is that {@link Fault}
   * applied to the kernel; a crash goes through the kubelet (which restarts containers) and a
   * node loss through the model's node, so the pods see them as Kubernetes would.
   */
  private record FaultActions(K8sWorld w, List<Installed> installed, RealWorld real,
      TreeMap<String, Long> downUntilUs) implements FaultDef.Visitor<Runnable> {
    private static final Runnable NOTHING = () -> { };

    private String pod(String cluster, int member) {
      Installed t = find(installed, cluster);
      return Strategies.podName(t.strategy, t.spec, member);
    }

    @Override
    public Runnable neverStart(FaultDef.NeverStart f) {
      w.neverStart(pod(f.cluster(), f.member()));
      return NOTHING; // the kubelet knows already
    }

    @Override
    public Runnable lateStart(FaultDef.LateStart f) {
      w.delayStart(pod(f.cluster(), f.member()), f.delayUs());
      return NOTHING;
    }

    @Override
    public Runnable crash(FaultDef.Crash f) {
      String pod = pod(f.cluster(), f.member());
      return () -> w.crashContainer(pod, f.wipe(), f.restartAfterUs().orElse(-1));
    }

    @Override
    public Runnable pause(FaultDef.Pause f) {
      String pod = pod(f.cluster(), f.member());
      return () -> {
        if (w.kernel().hasProcess(pod) && w.kernel().state(pod) == ProcessState.RUNNING) {
          new Fault.Pause(pod).apply(w.kernel());
          w.kernel().schedule(f.forUs(), () -> new Fault.Resume(pod).apply(w.kernel()));
        }
      };
    }

    @Override
    public Runnable partition(FaultDef.Partition f) {
      Installed t = find(installed, f.cluster());
      List<List<String>> groups = new ArrayList<>();
      for (List<Integer> g : f.groups()) {
        List<String> names = new ArrayList<>();
        for (int ordinal : g) {
          names.add(Strategies.podName(t.strategy, t.spec, ordinal));
        }
        groups.add(names);
      }
      if (real != null) {
        return () -> {
          real.partition(groups); // between the real members; the model's links stay up
          f.forUs().ifPresent(us -> w.kernel().schedule(us, real::healAll));
        };
      }
      return () -> {
        for (List<String> g : groups) {
          g.forEach(w.kernel().network()::addEndpoint);
        }
        new Fault.Partition(groups).apply(w.kernel());
        f.forUs().ifPresent(us -> w.kernel().schedule(us,
            () -> new Fault.Heal().apply(w.kernel())));
      };
    }

    @Override
    public Runnable setReplicas(FaultDef.SetReplicas f) {
      Installed t = find(installed, f.cluster());
      if (f.initialClusterState() != null) {
        if (!t.strategy.name().equals("static")) {
          throw new IllegalArgumentException("set-replicas: initialClusterState re-renders a"
              + " static cluster's StatefulSet; strategy " + t.strategy.name() + " has none");
        }
        return () -> Strategies.upgradeStatic(w, t.spec, f.replicas(), f.initialClusterState(),
            f.memberAdd());
      }
      return () -> ScenarioRunner.setReplicas(w, t, f.replicas());
    }

    @Override
    public Runnable discoveryRestart(FaultDef.DiscoveryRestart f) {
      Installed t = find(installed, f.cluster());
      return () -> {
        for (Pod p : w.store().<Pod>listIn(Kind.POD, t.spec.namespace(), (Pod p) -> "discovery"
            .equals(p.meta().labels().get("app.kubernetes.io/component")))) {
          w.deletePod(p.meta().key());
        }
      };
    }

    @Override
    public Runnable tcWrite(FaultDef.TcWrite f) {
      Installed t = find(installed, f.cluster());
      return () -> ScenarioRunner.tcWrite(w, t, f, w.kernel().nowUs());
    }

    @Override
    public Runnable addTimeout(FaultDef.AddTimeout f) {
      Installed t = find(installed, f.cluster());
      return () -> w.loseNextAddAnswer(t.spec.name());
    }

    /**
     * A backup sidecar saves the member's store at {@code snapshotAt} (the member it runs beside,
     * through {@code etcdctl snapshot save}, which streams that member's backend; a member not
     * serving then gives no snapshot), with the flags the member runs with. At {@code at} the
     * member's container is killed and its volume wiped; with a snapshot, it is restored there
     * ({@code etcdctl snapshot restore}) with those flags' {@code --initial-cluster} (or the
     * member alone) and token, and the member is started again at once. The tool is the
     * runtime's ({@link io.pdlab.k8s.controllers.ContainerRuntime#saveSnapshot}): the simulator's
     * store, or the real etcdctl against the real member.
     */
    @Override
    public Runnable restoreSnapshot(FaultDef.RestoreSnapshot f) {
      String pod = pod(f.cluster(), f.member());
      io.pdlab.k8s.controllers.ContainerRuntime.Backup[] saved =
          new io.pdlab.k8s.controllers.ContainerRuntime.Backup[1];
      w.kernel().schedule(f.snapshotAtUs(), () -> w.runtime().saveSnapshot(pod,
          // Before its pod exists (a snapshot at 0 s), the member serves nothing either.
          w.kernel().hasProcess(pod) ? w.kernel().instance(pod) : null, (backup, why) -> {
            if (backup == null) {
              w.kernel().note(pod, "restore-snapshot: snapshot save failed: " + why);
              return;
            }
            saved[0] = backup;
            w.kernel().note(pod, "restore-snapshot: saved " + pod + "'s store: "
                + backup.what());
          }));
      return () -> {
        if (!w.kernel().hasProcess(pod)) {
          return;
        }
        w.crashContainer(pod, true, 0); // killed, volume wiped; started again at once
        if (saved[0] == null) {
          w.kernel().note(pod, "restore-snapshot: no snapshot to restore; " + pod
              + " starts from an empty volume");
          return;
        }
        io.pdlab.pd.etcd.EtcdConfig c = saved[0].flags();
        Map<String, String> list = f.selfOnly() ? java.util.Collections.singletonMap(c.name(),
            c.initialCluster().get(c.name())) : c.initialCluster();
        java.util.StringJoiner flag = new java.util.StringJoiner(",");
        list.forEach((name, url) -> flag.add(name + "=" + url));
        w.runtime().restoreSnapshot(pod, w.kernel().disk(pod), saved[0], c.name(), list,
            c.token(), error -> w.kernel().note(pod, error == null
                ? "restore-snapshot: restored " + pod + " with --initial-cluster=" + flag
                    + " --initial-cluster-token=" + c.token()
                // etcdctl snapshot restore exits with its error (a name its flags' list lacks:
                // a member running from its WAL under a template re-rendered without it), and
                // the volume stays empty.
                : "restore-snapshot: etcdctl snapshot restore failed: " + error + "; " + pod
                    + " starts from an empty volume"));
      };
    }

    @Override
    public Runnable livenessKill(FaultDef.LivenessKill f) {
      String pod = pod(f.cluster(), f.member());
      return () -> w.hang(pod);
    }

    @Override
    public Runnable wrongPeerUrl(FaultDef.WrongPeerUrl f) {
      Installed t = find(installed, f.cluster());
      String pod = pod(f.cluster(), f.member());
      return () -> w.advertiseWrongPeerUrl(t.spec.namespace(), pod);
    }

    @Override
    public Runnable operatorRestart(FaultDef.OperatorRestart f) {
      Installed t = find(installed, f.cluster());
      String op = Strategies.operatorProcess(t.strategy, t.spec);
      if (op == null) {
        throw new IllegalArgumentException("operator-restart: strategy " + t.strategy.name()
            + " has no operator");
      }
      return () -> {
        if (!w.kernel().hasProcess(op)) {
          // provisioned: the operator is installed with the cluster's release, later
          w.kernel().note(op, "operator-restart: no operator installed yet, nothing to restart");
          return;
        }
        // Overlapping restarts: it stays down until the last one's restart.
        long until = w.kernel().nowUs() + f.restartAfterUs();
        downUntilUs.merge(op, until, Math::max);
        if (w.kernel().state(op) != ProcessState.DOWN) {
          w.kernel().crash(op);
        }
        w.kernel().schedule(f.restartAfterUs(), () -> {
          if (w.kernel().state(op) == ProcessState.DOWN
              && w.kernel().nowUs() >= downUntilUs.get(op)) {
            w.kernel().start(op);
          }
        });
      };
    }

    @Override
    public Runnable nodeLoss(FaultDef.NodeLoss f) {
      return () -> w.loseNode(f.node());
    }
  }

  private static void setReplicas(K8sWorld w, Installed t, int n) {
    String key = t.spec.namespace() + "/" + t.spec.name();
    if (t.strategy.name().equals("v2-static")) {
      // The API server validates the PD group's replicas against its bootstrapped flag.
      TidbCluster tc = w.store().get(Kind.TIDB_CLUSTER, key);
      String refusal = tc == null ? null : TidbOperatorV2.refusesReplicasChange(tc, n);
      if (refusal != null) {
        w.kernel().note(Strategies.operatorProcess(t.strategy, t.spec),
            "set-replicas " + n + " refused by the API server: " + refusal);
        return;
      }
    }
    switch (t.strategy.name()) {
      case "static" -> w.modify(Kind.STATEFUL_SET, key, (StatefulSet s) -> s.withReplicas(n));
      case "seed-join", "seed-join-learner" -> SeedJoinOperator.setSize(w, t.spec, n);
      default -> w.modify(Kind.TIDB_CLUSTER, key, (TidbCluster tc) -> tc.withSpec(
          tc.spec().withPd(tc.spec().pd().withReplicas(n))));
    }
  }

  /** Writes the TidbCluster every {@code every} (an annotation bump: any write changes rv). */
  private static void tcWrite(K8sWorld w, Installed t, FaultDef.TcWrite f, long startUs) {
    String key = t.spec.namespace() + "/" + t.spec.name();
    if (w.store().get(Kind.TIDB_CLUSTER, key) != null) {
      w.modify(Kind.TIDB_CLUSTER, key, (TidbCluster tc) -> tc.withMeta(tc.meta()
          .withAnnotation("pdlab.io/writes", Long.toString(w.kernel().nowUs()))));
    }
    if (f.forUs().isEmpty()
        || w.kernel().nowUs() + f.everyUs() <= startUs + f.forUs().getAsLong()) {
      w.kernel().schedule(f.everyUs(), () -> tcWrite(w, t, f, startUs));
    }
  }

  /** The expectations that did not hold, as "expected X, got Y" messages. */
  static List<String> check(Expect e, RunMeasures m) {
    List<String> out = new ArrayList<>();
    if (e == null) {
      return out;
    }
    if (e.outcomes() != null && !e.outcomes().contains(m.outcome().label())) {
      out.add("outcome: expected " + (e.outcomes().size() == 1 ? e.outcomes().get(0)
          : "one of " + String.join(", ", e.outcomes())) + ", got " + m.outcome().label());
    }
    if (e.clusterIds() != null && e.clusterIds() != m.clusterIds().size()) {
      out.add("clusterIds: expected " + e.clusterIds() + ", got " + m.clusterIds().size());
    }
    if (e.pdClusterIds() != null && e.pdClusterIds() != m.pdClusterIds().size()) {
      out.add("pdClusterIds: expected " + e.pdClusterIds() + ", got "
          + m.pdClusterIds().size());
    }
    String bootstrap = m.bootstrapUs() < 0 ? "never" : TraceRecord.formatTime(m.bootstrapUs())
        + "s";
    if (e.bootstrapWithinUs() != null && (m.bootstrapUs() < 0
        || m.bootstrapUs() > e.bootstrapWithinUs())) {
      out.add("bootstrapWithin: expected at most " + TraceRecord.formatTime(e.bootstrapWithinUs())
          + "s, got " + bootstrap);
    }
    if (e.bootstrapAfterUs() != null && (m.bootstrapUs() < 0
        || m.bootstrapUs() < e.bootstrapAfterUs())) {
      out.add("bootstrapAfter: expected a bootstrap at " + TraceRecord.formatTime(
          e.bootstrapAfterUs()) + "s or later, got " + bootstrap);
    }
    if (e.unavailableAtMostUs() != null && m.unavailableUs() > e.unavailableAtMostUs()) {
      out.add("unavailableAtMost: expected at most "
          + TraceRecord.formatTime(e.unavailableAtMostUs()) + "s, got "
          + TraceRecord.formatTime(m.unavailableUs()) + "s");
    }
    if (e.unavailableAtLeastUs() != null && m.unavailableUs() < e.unavailableAtLeastUs()) {
      out.add("unavailableAtLeast: expected at least "
          + TraceRecord.formatTime(e.unavailableAtLeastUs()) + "s, got "
          + TraceRecord.formatTime(m.unavailableUs()) + "s");
    }
    return out;
  }
}
