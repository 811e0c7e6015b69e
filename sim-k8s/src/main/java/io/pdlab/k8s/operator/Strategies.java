package io.pdlab.k8s.operator;

import io.pdlab.k8s.api.Images;
import io.pdlab.k8s.api.Container;
import io.pdlab.k8s.api.ObjectMeta;
import io.pdlab.k8s.api.PodSpec;
import io.pdlab.k8s.api.PodTemplate;
import io.pdlab.k8s.api.StatefulSet;
import io.pdlab.k8s.controllers.K8sWorld;
import java.util.ArrayList;
import java.util.List;

/** The bootstrap strategies of protocols.md section 2, by name. */
public final class Strategies {
  private Strategies() {}

  /** Host name of the simulated control plane, where operators run. */
  public static final String CONTROL_PLANE = "control-plane";

  /** S1: a StatefulSet (Parallel) whose pods all start with the full initial cluster. */
  public static final BootstrapStrategy STATIC = new BootstrapStrategy() {
    @Override
    public String name() {
      return "static";
    }

    @Override
    public void install(K8sWorld world, ClusterSpec c) {
      world.store().create(EtcdPods.headlessService(c));
      world.store().create(new StatefulSet(ObjectMeta.of(c.namespace(), c.name()),
          c.members(), podManagementPolicy(world, c.namespace()), c.name(),
          staticTemplate(c, c.members(), "new"), null));
    }
  };

  /**
   * The static StatefulSet's pod template as a chart renders it for {@code replicas} members:
   * {@code --initial-cluster} lists pods 0..replicas-1 (bitnami/etcd renders it from
   * {@code replicaCount}), with {@code --initial-cluster-state=state} and the cluster's name as
   * token.
   */
  static PodTemplate staticTemplate(ClusterSpec c, int replicas, String state) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < replicas; i++) {
      names.add(c.name() + "-" + i);
    }
    PodSpec spec = new PodSpec(null, c.nodeSelector(), c.tolerations(), EtcdPods.REQUESTS,
        null, List.of(), List.of(new Container("etcd", Images.ETCD, "etcd",
            List.of("--initial-cluster=" + EtcdPods.initialCluster(c, names),
                "--initial-cluster-state=" + state, "--initial-cluster-token=" + c.name(),
                "--timing=" + c.timing()))), "Always", null, null);
    return new PodTemplate(EtcdPods.labels(c), spec);
  }

  /**
   * A chart upgrade of a static cluster to {@code replicas} members: the StatefulSet's replicas
   * and its re-rendered template in one write. The new pods start with the new flags; the
   * existing ones are replaced by the StatefulSet's rolling update ({@link
   * io.pdlab.k8s.controllers.StatefulSetController}), where etcd ignores the flags since their
   * WAL exists (etcd 3.4 etcdserver/server.go NewServer, case haveWAL).
   */
  public static void rerenderStatic(K8sWorld world, ClusterSpec c, int replicas, String state) {
    world.modify(io.pdlab.k8s.api.Kind.STATEFUL_SET, c.namespace() + "/" + c.name(),
        (StatefulSet s) -> s.withReplicas(replicas).withTemplate(staticTemplate(c, replicas,
            state)));
  }

  /**
   * A chart upgrade of static cluster {@code c} to {@code replicas} members whose new pods start
   * with {@code --initial-cluster-state=state}: with {@code memberAdd}, after {@code etcdctl member
   * add} for each new member ({@link StaticMemberAdd}, a process of its own on the control
   * plane), else at once.
   */
  public static void upgradeStatic(K8sWorld world, ClusterSpec c, int replicas, String state,
      boolean memberAdd) {
    if (!memberAdd) {
      rerenderStatic(world, c, replicas, state);
      return;
    }
    StatefulSet set = world.store().get(io.pdlab.k8s.api.Kind.STATEFUL_SET,
        c.namespace() + "/" + c.name());
    int from = set == null ? 0 : set.replicas();
    int n = 0;
    while (world.kernel().hasProcess("etcdctl-" + c.name() + "-" + n)) {
      n++;
    }
    String name = "etcdctl-" + c.name() + "-" + n;
    world.kernel().addProcess(name, CONTROL_PLANE,
        p -> new StaticMemberAdd(world, c, from, replicas, state));
    world.kernel().start(name);
  }

  /**
   * The StatefulSet's pod management policy: Parallel (etcd's own recipe; tidb-operator v1.5
   * {@code ComponentAccessor.PodManagementPolicy()} defaults to it), or what a scenario's
   * {@code timing: {podManagementPolicy: OrderedReady}} asks for.
   */
  public static String podManagementPolicy(K8sWorld world, String namespace) {
    return world.timingOverrides(namespace).getOrDefault("podManagementPolicy", "Parallel");
  }

  /** S2: coreos/etcd-operator's seed plus voting joins. */
  public static final BootstrapStrategy SEED_JOIN = operator("seed-join", false);

  /** S3: etcd-io/etcd-operator's seed plus learner joins, on a StatefulSet. */
  public static final BootstrapStrategy SEED_JOIN_LEARNER = operator("seed-join-learner", true);

  private static BootstrapStrategy operator(String name, boolean learners) {
    return new BootstrapStrategy() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public void install(K8sWorld world, ClusterSpec c) {
        String op = operatorProcess(this, c);
        world.kernel().addProcess(op, CONTROL_PLANE, n -> learners
            ? new LearnerOperator(world, c) : new SeedJoinOperator(world, c));
        world.kernel().start(op);
      }
    };
  }

  /** S4: tidb-operator v1.5 with its discovery service. */
  public static final BootstrapStrategy DISCOVERY = tidb("discovery", false);

  /** S5: tidb-operator v2's annotation-based static bootstrap. */
  public static final BootstrapStrategy V2_STATIC = tidb("v2-static", true);

  /**
   * A TidbCluster of {@code c.members()} PD replicas and {@code c.tikv()}/{@code c.tidb()} TiKV
   * and TiDB replicas, and the tidb-operator that reconciles it.
   */
  private static BootstrapStrategy tidb(String name, boolean v2) {
    return new BootstrapStrategy() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public void install(K8sWorld world, ClusterSpec c) {
        world.store().create(TidbClusters.tidbCluster(c, c.tikv(), c.tidb()));
        String op = operatorProcess(this, c);
        world.kernel().addProcess(op, CONTROL_PLANE, n -> v2
            ? new TidbOperatorV2(world, c.namespace(), c.name())
            : new TidbOperatorV1(world, c.namespace(), c.name()));
        world.kernel().start(op);
      }
    };
  }

  /**
   * The pod holding member {@code ordinal} (in creation order) under strategy {@code s}: the
   * StatefulSet ordinal for static and the learner operator, the n-th member coreos
   * etcd-operator created, the n-th PD pod.
   */
  public static String podName(BootstrapStrategy s, ClusterSpec c, int ordinal) {
    return switch (s.name()) {
      case "static" -> c.name() + "-" + ordinal;
      case "seed-join" -> String.format("%s-%04d", c.name(), ordinal);
      case "seed-join-learner" -> LearnerOperator.podName(c, ordinal);
      default -> c.name() + "-pd-" + ordinal;
    };
  }

  /**
   * The process of the operator that bootstraps cluster {@code c} under strategy {@code s}, or
   * null for static (a StatefulSet: Kubernetes' own controller, no operator of its own).
   */
  public static String operatorProcess(BootstrapStrategy s, ClusterSpec c) {
    return switch (s.name()) {
      case "static" -> null;
      case "seed-join", "seed-join-learner" -> "etcd-operator-" + c.name();
      default -> tidbOperatorProcess(c.name());
    };
  }

  /** The process of the tidb-operator reconciling TidbCluster {@code cluster}. */
  public static String tidbOperatorProcess(String cluster) {
    return "tidb-operator-" + cluster;
  }

  /** Every strategy, in report order. */
  public static List<BootstrapStrategy> all() {
    return List.of(STATIC, SEED_JOIN, SEED_JOIN_LEARNER, DISCOVERY, V2_STATIC);
  }

  /** The strategy of that name. */
  public static BootstrapStrategy byName(String name) {
    for (BootstrapStrategy s : all()) {
      if (s.name().equals(name)) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown strategy '" + name + "'; known: "
        + all().stream().map(BootstrapStrategy::name).toList());
  }
}
