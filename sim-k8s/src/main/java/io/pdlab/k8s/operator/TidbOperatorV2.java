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
import io.pdlab.pd.etcd.EtcdMessages.ClientResponse;
import io.pdlab.sim.process.Process;
import io.pdlab.sim.process.ProcessContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * tidb-operator v2's static bootstrap of a PD group (S5), after pingcap/tidb-operator v2.0.0
 * (tag v2.0.0, commit 3d4bf8fefcd8d4019b0cbc7415663d2e7603c1d6). The TidbCluster stands for the
 * Cluster and its PDGroup; the PD instances (upstream's PD objects) are kept on it, so they
 * outlive their pods as PD objects do.
 *
 * <ul>
 *   <li>The updater ({@code pdgroup/tasks/updater.go} {@code PDNewer}) creates the missing
 *       instances; while the group is not bootstrapped each is stamped with
 *       {@code pd.core.pingcap.com/initial-cluster-num} = replicas at creation.
 *   <li>The PD controller writes an instance's config and only then creates its pod
 *       ({@code pd/tasks/cm.go} before {@code pod.go}); config generation
 *       ({@link #config}, {@code configs/pd/config.go} {@code Overlay}) refuses a stamped
 *       instance while the number of instances it sees differs from its stamp, so its pod is not
 *       created; an instance without a stamp joins through the PD Service.
 *   <li>The group is bootstrapped when the operator's PD client cache has synced
 *       ({@code pdgroup/tasks/ctx.go} {@code TaskContextPDClient}: {@code pc.HasSynced()}, the
 *       first members and stores lists answered, {@code timanager/pd/pd.go}); then
 *       {@code boot.go} sets the flag and takes the stamp off each instance once it is ready.
 *   <li>Replicas cannot change before bootstrap: the API server refuses the write
 *       ({@link #refusesReplicasChange}).
 * </ul>
 */
public final class TidbOperatorV2 implements Process {
  /** Annotation persisting the group's bootstrapped flag (upstream: PDGroup spec.bootstrapped). */
  public static final String BOOTSTRAPPED = "pd.pingcap.com/bootstrapped";
  /**
   * The instances of the group, {@code name[=initial-cluster-num]} in creation order: upstream's
   * PD objects and their {@code pd.core.pingcap.com/initial-cluster-num} annotation
   * ({@code AnnoKeyInitialClusterNum}, api/core/v1alpha1/pd_types.go, v2.0.0).
   */
  public static final String INSTANCES = "pdlab.io/pd-instances";
  /** tidb-operator v2 requeues a group that is not yet ready (controller-runtime requeue). */
  public static final long REQUEUE_MS = 5_000;
  /** The PD client's request timeout: {@code pdRequestTimeout} = 10 s (timanager/pd/pd.go). */
  public static final long PD_REQUEST_TIMEOUT_MS = 10_000;
  /**
   * The PD client cache's first list is a client-go reflector's: a failed list is tried again
   * after a back-off of 800 ms doubling to 30 s, each with jitter 1.0 (up to twice as long)
   * ({@code NewExponentialBackoffManager(800*time.Millisecond, 30*time.Second, 2*time.Minute, 2.0,
   * 1.0, ...)}, client-go v0.32.6 tools/cache/reflector.go, the version tidb-operator v2.0.0's
   * go.mod pins).
   */
  public static final long SYNC_BACKOFF_INITIAL_MS = 800;
  /** See {@link #SYNC_BACKOFF_INITIAL_MS}: the back-off's cap. */
  public static final long SYNC_BACKOFF_MAX_MS = 30_000;

  private record Requeue() {}

  private record SyncTimeout(long id) {}

  private record SyncRetry(long id) {}

  private final K8sWorld world;
  private final String key;
  private ProcessContext ctx;
  /** The PD client is registered (after the first instance exists); lost with the operator. */
  private boolean registered;
  /** Its cache has synced: stays true once it has (informers' HasSynced). */
  private boolean synced;
  private boolean syncInFlight;
  private long syncCall;
  private long syncBackoffMs;
  /** The last config refusal traced per instance, so a repeated one is not traced again. */
  private final TreeMap<String, String> refused = new TreeMap<>();

  public TidbOperatorV2(K8sWorld world, String namespace, String tcName) {
    this.world = world;
    this.key = namespace + "/" + tcName;
  }

  @Override
  public void onStart(ProcessContext ctx) {
    this.ctx = ctx;
    // Request IDs of this incarnation only: a reply to a crashed one's call never matches.
    syncCall = ctx.requestIdBase();
    reconcile();
    ctx.setTimer(REQUEUE_MS * 1_000, new Requeue());
  }

  @Override
  public void onTimer(ProcessContext ctx, Object tag) {
    this.ctx = ctx;
    if (tag instanceof Requeue) {
      reconcile();
      ctx.setTimer(REQUEUE_MS * 1_000, tag);
    } else if (tag instanceof SyncTimeout t && t.id() == syncCall && syncInFlight) {
      syncFailed();
    } else if (tag instanceof SyncRetry t && t.id() == syncCall && !syncInFlight && !synced) {
      sync();
    }
  }

  @Override
  public void onMessage(ProcessContext ctx, String from, Object message) {
    this.ctx = ctx;
    if (message instanceof ClientResponse r && r.requestId() == syncCall && syncInFlight) {
      if (!r.ok()) {
        syncFailed();
        return;
      }
      syncInFlight = false;
      synced = true;
      if (ctx.tracing()) {
        ctx.log("operator: PD client synced: " + PdApi.members(r).size() + " members");
      }
      // Upstream the synced member cache makes the PD controller update its PDs' status, which
      // reconciles the group (it owns them): here at once.
      reconcile();
    }
  }

  /**
   * The API server's rule on a PD group's replicas: {@code self.bootstrapped || (self.replicas ==
   * oldSelf.replicas)}, "replicas cannot be changed when bootstrapped is false" (PDGroupSpec's
   * XValidation, api/core/v1alpha1/pd_types.go, v2.0.0). Returns the refusal, or null when the
   * write to {@code replicas} is allowed.
   */
  public static String refusesReplicasChange(TidbCluster tc, int replicas) {
    if (!tc.meta().annotations().containsKey(BOOTSTRAPPED)
        && tc.spec().pd().replicas() != replicas) {
      return "replicas cannot be changed when bootstrapped is false";
    }
    return null;
  }

  /**
   * Config generation for one instance ({@code Config.Overlay}, configs/pd/config.go, v2.0.0):
   * an instance without a stamp joins {@code joinUrl}; a stamped one starts the static cluster of
   * all {@code peers}, but only when their number is its stamp:
   * <pre>
   *   if num != int64(len(peers)) {
   *     return fmt.Errorf("unexpected number of replicas, expected is %v, current is %v", ...)
   * </pre>
   * Returns the pd-server flags, or the refusal as a {@link Refused}.
   */
  public static Object config(String tc, String ns, Integer stamp,
      List<String> peers, String joinUrl) {
    if (stamp == null) {
      return List.of("--direct", "--join=" + joinUrl, "--timing=pd");
    }
    if (stamp != peers.size()) {
      return new Refused("unexpected number of replicas, expected is " + stamp
          + ", current is " + peers.size());
    }
    List<String> urls = new ArrayList<>();
    for (String p : peers) {
      urls.add(p + "=http://" + p + "." + tc + "-pd-peer." + ns + ".svc:2380");
    }
    return List.of("--direct", "--initial-cluster=" + String.join(",", urls),
        "--initial-cluster-token=" + tc, "--timing=pd");
  }

  /** Config generation's refusal: the instance's pod is not created. */
  public record Refused(String reason) {}

  /** The instances recorded on the TidbCluster, name to stamp (null: none), in creation order. */
  public static LinkedHashMap<String, Integer> instances(TidbCluster tc) {
    LinkedHashMap<String, Integer> out = new LinkedHashMap<>();
    String v = tc.meta().annotations().get(INSTANCES);
    if (v == null || v.isEmpty()) {
      return out;
    }
    for (String e : v.split(",")) {
      int eq = e.indexOf('=');
      out.put(eq < 0 ? e : e.substring(0, eq),
          eq < 0 ? null : Integer.valueOf(e.substring(eq + 1)));
    }
    return out;
  }

  private static String format(Map<String, Integer> instances) {
    List<String> parts = new ArrayList<>();
    instances.forEach((n, s) -> parts.add(s == null ? n : n + "=" + s));
    return String.join(",", parts);
  }

  private static TreeMap<String, String> labels(String tc) {
    TreeMap<String, String> l = new TreeMap<>();
    l.put("app.kubernetes.io/component", "pd");
    l.put("app.kubernetes.io/instance", tc);
    l.put("app.kubernetes.io/managed-by", "tidb-operator-v2");
    return l;
  }

  /** The PD group's tasks in upstream's order (pdgroup/builder.go), then the PD controller's. */
  private void reconcile() {
    TidbCluster tc = world.store().get(Kind.TIDB_CLUSTER, key);
    if (tc == null) {
      return;
    }
    String ns = tc.meta().namespace();
    String name = tc.meta().name();
    LinkedHashMap<String, Integer> instances = instances(tc);
    // TaskContextPDClient: the PD client is registered once a PD instance exists (below, after
    // the updater, as upstream's next reconcile does); its cache's sync is what bootstraps.
    // TaskBoot
    boolean bootstrapped = tc.meta().annotations().containsKey(BOOTSTRAPPED);
    if (synced || bootstrapped) {
      if (!bootstrapped) {
        bootstrapped = true;
        if (ctx.tracing()) {
          ctx.log("operator: PD group bootstrapped");
        }
      }
      LinkedHashMap<String, Integer> unstamped = new LinkedHashMap<>(instances);
      for (var e : instances.entrySet()) {
        if (e.getValue() == null) {
          continue;
        }
        Pod p = world.store().get(Kind.POD, ns + "/" + e.getKey());
        if (p == null || !p.status().ready()) {
          // "wait until pd %s is ready": v2.0.0 keeps the stamps from the first PD not ready
          // on (v2.2.0-alpha.6's boot.go takes none off until every stamped PD is ready)
          break;
        }
        unstamped.put(e.getKey(), null); // delBootAnnotation
      }
      if (!tc.meta().annotations().containsKey(BOOTSTRAPPED) || !unstamped.equals(instances)) {
        instances = unstamped;
        String v = format(unstamped);
        world.modify(Kind.TIDB_CLUSTER, key, (TidbCluster t) -> t.withMeta(t.meta()
            .withAnnotation(BOOTSTRAPPED, "true").withAnnotation(INSTANCES, v)));
      }
    }
    // TaskService
    TreeMap<String, String> l = labels(name);
    if (world.store().get(Kind.SERVICE, ns + "/" + name + "-pd") == null) {
      world.store().create(new Service(ObjectMeta.of(ns, name + "-pd").withLabels(l), l, false,
          false, List.of(2379), "ClusterIP"));
      world.store().create(new Service(ObjectMeta.of(ns, name + "-pd-peer").withLabels(l), l,
          true, true, List.of(2380), "ClusterIP"));
    }
    // TaskUpdater: scale out to replicas (MaxSurge 0; scale-in is not modelled).
    int replicas = tc.spec().pd().replicas();
    if (instances.size() < replicas) {
      LinkedHashMap<String, Integer> grown = new LinkedHashMap<>(instances);
      for (int i = 0; grown.size() < replicas; i++) {
        if (!grown.containsKey(name + "-pd-" + i)) {
          grown.put(name + "-pd-" + i, bootstrapped ? null : replicas);
        }
      }
      instances = grown;
      String v = format(grown);
      world.modify(Kind.TIDB_CLUSTER, key, (TidbCluster t) -> t.withMeta(t.meta()
          .withAnnotation(INSTANCES, v)));
    }
    if (!instances.isEmpty() && !registered) {
      registered = true;
      syncBackoffMs = 0;
      sync();
    }
    // The PD controller of each instance: config map, then pod.
    List<String> peers = new ArrayList<>(instances.keySet());
    for (var e : instances.entrySet()) {
      String pod = e.getKey();
      if (world.store().get(Kind.POD, ns + "/" + pod) != null) {
        continue;
      }
      Object cfg = config(name, ns, e.getValue(), peers,
          "http://" + name + "-pd." + ns + ":2379");
      if (cfg instanceof Refused r) {
        if (!r.reason().equals(refused.put(pod, r.reason())) && ctx.tracing()) {
          ctx.log("operator: cannot generate pd config of " + pod + ": " + r.reason());
        }
        continue;
      }
      refused.remove(pod);
      @SuppressWarnings("unchecked")
      List<String> args = (List<String>) cfg;
      create(tc, pod, args);
    }
  }

  /** The PD client cache's list (members; the stores list answers whenever PD does). */
  private void sync() {
    TidbCluster tc = world.store().get(Kind.TIDB_CLUSTER, key);
    if (tc == null || synced || syncInFlight) {
      return;
    }
    syncCall++;
    if (PdApi.askMembers(ctx, world, tc.meta().name(), syncCall, PD_REQUEST_TIMEOUT_MS,
        new SyncTimeout(syncCall)) != null) {
      syncInFlight = true;
    } else {
      syncFailed();
    }
  }

  /** A failed list: the reflector tries again after its jittered back-off. */
  private void syncFailed() {
    syncInFlight = false;
    syncBackoffMs = syncBackoffMs == 0 ? SYNC_BACKOFF_INITIAL_MS
        : Math.min(SYNC_BACKOFF_MAX_MS, syncBackoffMs * 2);
    long waitUs = syncBackoffMs * 1_000 + ctx.rng().nextLong(syncBackoffMs * 1_000);
    ctx.setTimer(waitUs, new SyncRetry(syncCall));
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
