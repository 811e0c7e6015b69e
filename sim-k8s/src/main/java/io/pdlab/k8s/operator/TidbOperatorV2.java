package io.pdlab.k8s.operator;

import io.pdlab.k8s.api.Container;
import io.pdlab.k8s.api.Kind;
import io.pdlab.k8s.api.ObjectMeta;
import io.pdlab.k8s.api.Pod;
import io.pdlab.k8s.api.PodSpec;
import io.pdlab.k8s.api.PodStatus;
import io.pdlab.k8s.api.Service;
import io.pdlab.k8s.api.TidbCluster;
import io.pdlab.k8s.controllers.K8sWorld;
import io.pdlab.sim.process.Process;
import io.pdlab.sim.process.ProcessContext;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * tidb-operator v2's static bootstrap of a PD group (S5): while the group is not bootstrapped,
 * every PD instance is created with {@code initial-cluster-num} = replicas at creation and they
 * all start pd-server with one static list (state new, token = cluster name); once all are ready
 * the operator persists {@code bootstrapped} on the group (here an annotation on the
 * TidbCluster). PDs added later join through the PD Service URL.
 */
public final class TidbOperatorV2 implements Process {
  /** Annotation persisting the group's bootstrapped flag. */
  public static final String BOOTSTRAPPED = "pd.pingcap.com/bootstrapped";
  /** tidb-operator v2 requeues a group that is not yet ready (controller-runtime requeue). */
  public static final long REQUEUE_MS = 5_000;

  private record Requeue() {}

  private final K8sWorld world;
  private final String key;

  public TidbOperatorV2(K8sWorld world, String namespace, String tcName) {
    this.world = world;
    this.key = namespace + "/" + tcName;
  }

  @Override
  public void onStart(ProcessContext ctx) {
    reconcile();
    ctx.setTimer(REQUEUE_MS * 1_000, new Requeue());
  }

  @Override
  public void onTimer(ProcessContext ctx, Object tag) {
    reconcile();
    ctx.setTimer(REQUEUE_MS * 1_000, tag);
  }

  @Override
  public void onMessage(ProcessContext ctx, String from, Object message) {}

  private static TreeMap<String, String> labels(String tc) {
    TreeMap<String, String> l = new TreeMap<>();
    l.put("app.kubernetes.io/component", "pd");
    l.put("app.kubernetes.io/instance", tc);
    l.put("app.kubernetes.io/managed-by", "tidb-operator-v2");
    return l;
  }

  private void reconcile() {
    TidbCluster tc = world.store().get(Kind.TIDB_CLUSTER, key);
    if (tc == null) {
      return;
    }
    String ns = tc.meta().namespace();
    String name = tc.meta().name();
    TreeMap<String, String> l = labels(name);
    if (world.store().get(Kind.SERVICE, ns + "/" + name + "-pd") == null) {
      world.store().create(new Service(ObjectMeta.of(ns, name + "-pd").withLabels(l), l, false,
          false, List.of(2379), "ClusterIP"));
      world.store().create(new Service(ObjectMeta.of(ns, name + "-pd-peer").withLabels(l), l,
          true, true, List.of(2380), "ClusterIP"));
    }
    boolean bootstrapped = tc.meta().annotations().containsKey(BOOTSTRAPPED);
    int replicas = tc.spec().pd().replicas();
    List<Pod> pods = world.store().listIn(Kind.POD, ns,
        (Pod p) -> name.equals(p.meta().labels().get("app.kubernetes.io/instance")));
    if (!bootstrapped && pods.isEmpty()) {
      List<String> peers = new ArrayList<>();
      for (int i = 0; i < replicas; i++) {
        String pod = name + "-pd-" + i;
        peers.add(pod + "=http://" + pod + "." + name + "-pd-peer." + ns + ".svc:2380");
      }
      for (int i = 0; i < replicas; i++) {
        create(tc, name + "-pd-" + i, List.of("--direct", "--initial-cluster-num=" + replicas,
            "--initial-cluster=" + String.join(",", peers), "--initial-cluster-token=" + name,
            "--timing=pd"));
      }
      return;
    }
    if (!bootstrapped) {
      long ready = pods.stream().filter(p -> p.status().ready()).count();
      if (ready == pods.size() && ready > 0) {
        world.modify(Kind.TIDB_CLUSTER, key, (TidbCluster t) -> t.withMeta(
            t.meta().withAnnotation(BOOTSTRAPPED, "true")));
      }
      return;
    }
    // Bootstrapped: later PDs join through the PD Service.
    for (int i = pods.size(); i < replicas; i++) {
      create(tc, name + "-pd-" + i, List.of("--direct",
          "--join=http://" + name + "-pd." + ns + ":2379", "--timing=pd"));
    }
  }

  private void create(TidbCluster tc, String pod, List<String> args) {
    TidbCluster.ComponentSpec pd = tc.spec().pd();
    PodSpec spec = new PodSpec(null, pd.nodeSelector(), pd.tolerations(), pd.requests(), null,
        List.of(), List.of(new Container("pd", pd.image(), "pd", args)), "Always", pod,
        tc.meta().name() + "-pd-peer");
    world.store().create(new Pod(ObjectMeta.of(tc.meta().namespace(), pod)
        .withLabels(labels(tc.meta().name())), spec, PodStatus.PENDING));
  }
}
