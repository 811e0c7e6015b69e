package io.pdlab.k8s.operator;

import io.pdlab.k8s.api.ConfigMap;
import io.pdlab.k8s.api.Container;
import io.pdlab.k8s.api.Images;
import io.pdlab.k8s.api.Kind;
import io.pdlab.k8s.api.ObjectMeta;
import io.pdlab.k8s.api.Pod;
import io.pdlab.k8s.api.PodSpec;
import io.pdlab.k8s.api.PodTemplate;
import io.pdlab.k8s.api.Resources;
import io.pdlab.k8s.api.Service;
import io.pdlab.k8s.api.StatefulSet;
import io.pdlab.k8s.controllers.K8sWorld;
import io.pdlab.k8s.controllers.StatefulSetController;
import io.pdlab.pd.etcd.EtcdMessages.ClientOp;
import io.pdlab.pd.etcd.EtcdMessages.ClientRequest;
import io.pdlab.pd.etcd.EtcdMessages.ClientResponse;
import io.pdlab.pd.etcd.EtcdMessages.StatusResult;
import io.pdlab.pd.etcd.Member;
import io.pdlab.k8s.controllers.K8sConstants;
import io.pdlab.k8s.store.WatchEvent;
import io.pdlab.sim.process.Process;
import io.pdlab.sim.process.ProcessContext;
import io.pdlab.sim.process.ProcessState;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Seed plus learner joins (S3) as etcd-io/etcd-operator v0.2.0 does them
 * (internal/controller/etcdcluster_controller.go {@code Reconcile}, utils.go,
 * internal/etcdutils/etcdutils.go).
 *
 * <p>The members are the pods of one StatefulSet named after the cluster (utils.go
 * {@code createOrPatchStatefulSet}: no podManagementPolicy, so apps/v1's OrderedReady; the pod
 * template's restartPolicy is left to its default, Always; no probes; pods {@code <name>-<i>}
 * under the headless Service {@code <name>}). Each container takes its environment from the
 * ConfigMap {@code <name>-state} ({@code envFrom}), which the operator rewrites before every scale
 * ({@code newEtcdClusterState}): {@code ETCD_INITIAL_CLUSTER} lists ordinals 0 to replicas-1,
 * {@code ETCD_INITIAL_CLUSTER_STATE} is {@code new} for one replica and {@code existing} above. A
 * member whose container exits is restarted in place by the kubelet, under its back-off, on the
 * same disk: the same member comes back, with its data. The model's disk is the pod's, as with
 * the EtcdCluster's {@code spec.storageSpec} (a per-pod PVC, {@code etcd-data}); the set has no
 * claim template, so on real kubelets the data lives on the pod's emptyDir, which a container
 * restart keeps too. Without a storageSpec upstream's data would be in the container's own
 * layer, lost at every restart; the model does not model that variant.
 *
 * <p>A pass ({@code Reconcile}): no StatefulSet yet, or one with 0 replicas: scale it to 1
 * ({@code bootstrapStatefulSet}); else list the members through the pods' client URLs and ask
 * every member's status ({@code healthCheck}, any failure ends the pass in an error); a member
 * count that differs from the replicas moves the replicas one towards it; no leader is an error; a
 * learner is promoted once {@link #isLearnerReady}, else the pass ends; then, in the same pass,
 * one learner is added (MemberAdd as learner, then the StatefulSet scaled by one) or, above the
 * size, the last member removed and the set shrunk by one. Every scale waits for the set's pods
 * to be Ready ({@link #READY_WAIT_BACKOFF_MS}). There is no rule about Pending pods: the wait is
 * the gate. Nothing is kept between passes but the StatefulSet, the ConfigMap and etcd's
 * member list, so a restarted operator just goes on.
 *
 * <p>When a pass runs: the EtcdCluster's key goes through controller-runtime's queue (see
 * {@link #enqueue}), put there by a watch event of the EtcdCluster or of an object it owns
 * (StatefulSet, Service, ConfigMap), by {@link #REQUEUE_MS} after a pass that changed something or
 * waits for a learner, and after an error by the rate limiter ({@link #ERROR_REQUEUE_BASE_MS}). An
 * up-to-date pass puts nothing back: the next pass is the next event's (cmd/main.go sets no
 * {@code SyncPeriod}, so the informers resync after controller-runtime v0.23.1's default of 10 h,
 * pkg/cache/cache.go {@code defaultSyncPeriod}, beyond any run). The manager runs one worker
 * ({@code MaxConcurrentReconciles} defaults to 1). Events reach the operator one watch hop after
 * the write that makes them, the store's delay.
 */
public final class LearnerOperator implements Process {
  /**
   * etcd-io/etcd-operator v0.2.0 internal/controller/etcdcluster_controller.go:
   * {@code requeueDuration = 10 * time.Second}, the {@code RequeueAfter} of every pass that
   * changed something or waits for a learner.
   */
  public static final long REQUEUE_MS = 10_000;
  /**
   * The learner operator promotes a learner once its store's revision is this share of the
   * leader's: etcd-io/etcd-operator v0.2.0 internal/etcdutils/etcdutils.go {@code IsLearnerReady}
   * ({@code learnerReadyPercent >= 0.9}). etcd's own check at promote (match index against the
   * leader's, {@code EtcdConstants.LEARNER_READY_PERCENT}) still applies after it.
   */
  public static final double LEARNER_READY_REVISION_SHARE = 0.9;
  /**
   * {@code waitForStatefulSetReady} after each scale (etcd-io/etcd-operator v0.2.0
   * internal/controller/utils.go: {@code wait.Backoff{Duration: 3 * time.Second, Factor: 2.0,
   * Steps: 5}} run by apimachinery's {@code ExponentialBackoffWithContext}, which checks at once
   * and sleeps between checks): the waits before the 2nd to 5th check. The pass holds the
   * operator's only worker while it waits; after the 5th check fails the pass ends in an error.
   */
  static final long[] READY_WAIT_BACKOFF_MS = {3_000, 6_000, 12_000, 24_000};
  /**
   * After a pass that ended in an error the controller requeues through its rate limiter, per
   * item {@code 5 ms * 2^(failures-1)} up to 1000 s, reset by a pass that succeeds
   * (controller-runtime v0.23.1 with client-go v0.35.2 workqueue
   * {@code DefaultTypedControllerRateLimiter}: {@code NewTypedItemExponentialFailureRateLimiter(
   * 5*time.Millisecond, 1000*time.Second)}).
   */
  static final long ERROR_REQUEUE_BASE_MS = 5;
  /** See {@link #ERROR_REQUEUE_BASE_MS}. */
  static final long ERROR_REQUEUE_MAX_MS = 1_000_000;
  /**
   * Every etcd call of the operator (MemberList, Status, MemberAddAsLearner, MemberPromote,
   * MemberRemove) runs under {@code context.WithTimeout(context.Background(), 30*time.Second)}
   * (etcd-io/etcd-operator v0.2.0 internal/etcdutils/etcdutils.go).
   */
  static final long CALL_TIMEOUT_MS = 30_000;

  /** The queued key may be ready: {@code seq} tells a superseded wake-up from the current one. */
  private record Wake(long seq) {}

  /** The {@code check}-th (from 0) look at whether the StatefulSet is ready. */
  private record ReadyCheck(int check) {}

  private record CallTimeout(long id) {}

  /** Call {@code id} looks again for an endpoint that accepts connections ({@code attempt} from 1). */
  private record Redial(long id, int attempt) {}

  /**
   * A call waits for a connection: etcd's clientv3 (3.5) makes every call with
   * {@code grpc.WaitForReady(true)} ({@code client/v3/options.go} {@code defaultWaitForReady}), and
   * gRPC dials a refused endpoint again after its connection back-off, 1 s growing 1.6 times per
   * attempt up to 120 s (grpc-go {@code backoff.DefaultConfig}: BaseDelay 1 s, Multiplier 1.6,
   * MaxDelay 120 s; its 20 % jitter is left out). The first redial's delay, in ms.
   */
  static final long REDIAL_BASE_MS = 1_000;
  /** See {@link #REDIAL_BASE_MS}: the growth per attempt. */
  static final double REDIAL_MULTIPLIER = 1.6;
  /** See {@link #REDIAL_BASE_MS}: the longest wait between two dials, in ms. */
  static final long REDIAL_MAX_MS = 120_000;

  /** Calls waiting for a connection: their endpoints and what they send. */
  private record Waiting(List<String> endpoints, ClientOp op) {}

  private final TreeMap<Long, Waiting> waiting = new TreeMap<>();

  private final K8sWorld world;
  private final ClusterSpec spec;
  private final PendingCalls calls = new PendingCalls();
  private ProcessContext ctx;
  /** A pass runs: the key is handed out to the controller's only worker and not yet Done. */
  private boolean running;
  /** The key is in the queue (waiting or ready), apart from a pass that runs. */
  private boolean queued;
  /** When the queued key is ready, in us of sim time (at most now: ready). */
  private long readyAtUs;
  /** The current wake-up's number (older {@link Wake}s are ignored). */
  private long wakeSeq;
  /** What the running pass does once the StatefulSet is ready. */
  private Runnable afterReady;
  /** Passes that ended in an error since the last that did not (the rate limiter's count). */
  private int failures;

  public LearnerOperator(K8sWorld world, ClusterSpec spec) {
    this.world = world;
    this.spec = spec;
  }

  private int size() {
    return world.etcdClusterSize(spec.namespace() + "/" + spec.name(), spec.members());
  }

  private void note(String line) {
    if (ctx.tracing()) {
      ctx.log("operator: " + line);
    }
  }

  /** The StatefulSet's, the pods' and the Service's labels (utils.go: app and controller). */
  static TreeMap<String, String> labels(ClusterSpec c) {
    TreeMap<String, String> l = new TreeMap<>();
    l.put("app", c.name());
    l.put("controller", c.name());
    return l;
  }

  /** {@code configMapNameForEtcdCluster}: {@code <name>-state}. */
  static String configMapName(ClusterSpec c) {
    return c.name() + "-state";
  }

  /** Member pod {@code ordinal}: {@code peerEndpointForOrdinalIndex}'s name. */
  static String podName(ClusterSpec c, int ordinal) {
    return c.name() + "-" + ordinal;
  }

  /**
   * {@code newEtcdClusterState}: "We always add members one by one, so the state is always
   * 'existing' if replica > 1"; the initial cluster is every ordinal below {@code replicas}.
   */
  static ConfigMap clusterState(ClusterSpec c, int replicas) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < replicas; i++) {
      names.add(podName(c, i));
    }
    TreeMap<String, String> data = new TreeMap<>();
    data.put("ETCD_INITIAL_CLUSTER_STATE", replicas > 1 ? "existing" : "new");
    data.put("ETCD_INITIAL_CLUSTER", EtcdPods.initialCluster(c, names));
    data.put("ETCD_DATA_DIR", "/var/lib/etcd");
    return new ConfigMap(ObjectMeta.of(c.namespace(), configMapName(c)).withLabels(labels(c)),
        data);
  }

  /**
   * {@code createOrPatchStatefulSet}: etcd with the ConfigMap as its environment, from which it
   * reads ETCD_INITIAL_CLUSTER and ETCD_INITIAL_CLUSTER_STATE itself (no such flags: etcd exits
   * when a variable and its flag are both given, {@code SimContainerRuntime.etcdFlag}); no
   * resources, probes, podManagementPolicy or restartPolicy, so the API's defaults (none,
   * OrderedReady, Always).
   */
  static StatefulSet statefulSet(ClusterSpec c, int replicas) {
    PodSpec pod = new PodSpec(null, c.nodeSelector(), c.tolerations(), Resources.NONE, null,
        List.of(), List.of(new Container("etcd", Images.ETCD, "etcd", List.of(
            "--timing=" + c.timing()), Container.NO_PROBE, configMapName(c))),
        "Always", null, null);
    return new StatefulSet(ObjectMeta.of(c.namespace(), c.name()).withLabels(labels(c)),
        replicas, "OrderedReady", c.name(), new PodTemplate(labels(c), pod), null);
  }

  /** {@code createHeadlessServiceIfNotExist}: ClusterIP None, selecting the pods, no ports. */
  static Service headlessService(ClusterSpec c) {
    return new Service(ObjectMeta.of(c.namespace(), c.name()).withLabels(labels(c)), labels(c),
        true, false, List.of(), "ClusterIP");
  }

  private String key() {
    return spec.namespace() + "/" + spec.name();
  }

  /**
   * Watches the EtcdCluster and the objects it owns, and queues the key at once: upstream's
   * informers list the EtcdCluster (and its objects) when the operator starts, an ADDED event each.
   */
  @Override
  public void onStart(ProcessContext ctx) {
    this.ctx = ctx;
    calls.restart(ctx);
    running = false;
    queued = false;
    failures = 0;
    afterReady = null;
    // The store cannot take a watch back: one of a crashed incarnation stays, and ignores
    // events from then on (as TidbOperatorV1's does).
    String self = ctx.name();
    int incarnation = ctx.incarnation();
    java.util.function.BooleanSupplier current = () -> world.kernel().state(self)
        == ProcessState.RUNNING && world.kernel().incarnation(self) == incarnation;
    // SetupWithManager (etcd-io/etcd-operator v0.2.0 internal/controller/etcdcluster_controller.go):
    // For(&EtcdCluster{}), Owns(&StatefulSet{}), Owns(&Service{}), Owns(&ConfigMap{}), without
    // predicates: every create, update (status included) and delete of the cluster or of an object
    // whose controller it is (utils.go SetControllerReference on each) queues the cluster's key.
    world.watchEtcdClusters(k -> {
      if (k.equals(key()) && current.getAsBoolean()) {
        enqueue(0, false);
      }
    });
    String svc = key();
    String cm = spec.namespace() + "/" + configMapName(spec);
    world.store().watch(Kind.STATEFUL_SET, e -> owned(e, svc, current));
    world.store().watch(Kind.SERVICE, e -> owned(e, svc, current));
    world.store().watch(Kind.CONFIG_MAP, e -> owned(e, cm, current));
    enqueue(0, false);
  }

  private void owned(WatchEvent e, String ownedKey, java.util.function.BooleanSupplier current) {
    if (e.object().meta().key().equals(ownedKey) && current.getAsBoolean()) {
      enqueue(0, false);
    }
  }

  /** The set's member pods: its selector's labels and a name {@code <set>-<ordinal>}. */
  private List<Pod> setPods() {
    TreeMap<String, String> selector = labels(spec);
    return world.store().<Pod>listIn(Kind.POD, spec.namespace(), (Pod p) -> isSetPod(p,
        selector));
  }

  private boolean isSetPod(Pod p, TreeMap<String, String> selector) {
    return selector.entrySet().stream().allMatch(e -> e.getValue().equals(p.meta().labels()
        .get(e.getKey()))) && StatefulSetController.ordinalOf(spec.name(), p.meta().name()) >= 0;
  }

  @Override
  public void onTimer(ProcessContext ctx, Object tag) {
    this.ctx = ctx;
    if (tag instanceof Wake w) {
      if (w.seq() == wakeSeq) {
        startReady();
      }
    } else if (tag instanceof ReadyCheck c) {
      readyCheck(c.check());
    } else if (tag instanceof Redial d) {
      Waiting w = waiting.get(d.id());
      if (w != null) {
        dial(d.id(), w, d.attempt());
      }
    } else if (tag instanceof CallTimeout t) {
      waiting.remove(t.id());
      calls.timeOut(t.id());
    }
  }

  @Override
  public void onMessage(ProcessContext ctx, String from, Object message) {
    this.ctx = ctx;
    if (message instanceof ClientResponse r) {
      calls.answer(r, world, spec.name());
    }
  }

  // ------------------------------------------------------------------ the queue

  /**
   * Puts the key in the queue, ready after {@code afterUs}, or, {@code rateLimited}, after the rate
   * limiter's delay if that is sooner (it counts one more failure). controller-runtime v0.23.1
   * runs each controller on its priority queue (pkg/config/controller.go: UsePriorityQueue "is
   * enabled by default"), pkg/controller/priorityqueue/priorityqueue.go {@code lockedAddWithOpts}:
   * a key not queued is queued with that ready time; a key already queued keeps one entry, ready
   * at the earlier of the two times (ready stays ready). A key handed out to a pass and added
   * meanwhile is queued but handed out only after the pass's {@code Done}, so a write of the pass
   * itself, or an event during its wait, runs the next pass as soon as it ends.
   */
  private void enqueue(long afterUs, boolean rateLimited) {
    long after = afterUs;
    if (rateLimited) {
      long rl = rateLimiterDelayMs(failures++) * 1_000;
      if (after == 0 || rl < after) {
        after = rl;
      }
    }
    long at = ctx.nowUs() + after;
    if (queued && readyAtUs <= at) {
      return;
    }
    queued = true;
    readyAtUs = at;
    ctx.setTimer(after, new Wake(++wakeSeq));
  }

  /** Hands the key to the worker if it is queued, ready, and no pass runs. */
  private void startReady() {
    if (running || !queued || readyAtUs > ctx.nowUs()) {
      return;
    }
    queued = false;
    running = true;
    pass();
  }

  // ------------------------------------------------------------------ ends of a pass

  /**
   * The pass ended with {@code Result{RequeueAfter: requeueDuration}}: controller-runtime v0.23.1
   * pkg/internal/controller/controller.go {@code reconcileHandler} {@code Forget}s the key's
   * failures and adds it {@code After} the duration; then {@code Done}.
   */
  private void requeue() {
    failures = 0;
    enqueue(interval(), false);
    done();
  }

  /** The pass ended with {@code Result{}} and no error: {@code Forget}, nothing queued; Done. */
  private void upToDate() {
    failures = 0;
    done();
  }

  /** The pass ended in an error: {@code AddWithOpts(RateLimited: true)}, no Forget; Done. */
  private void error(String message) {
    note(message + ": requeue after " + rateLimiterDelayMs(failures) + " ms");
    enqueue(0, true);
    done();
  }

  /** The rate limiter's delay after {@code failures} earlier failures (client-go {@code When}). */
  private static long rateLimiterDelayMs(int failures) {
    return Math.min(ERROR_REQUEUE_MAX_MS, ERROR_REQUEUE_BASE_MS << Math.min(failures, 30));
  }

  /** The queue's {@code Done}: a key queued during the pass is handed out when it is ready. */
  private void done() {
    running = false;
    if (queued && readyAtUs <= ctx.nowUs()) {
      startReady();
    }
  }

  /**
   * The requeue in us, or when a scenario sets {@code reconcileMs} (the operator's own timing),
   * that interval, floored at {@link SeedJoinOperator#MIN_RECONCILE_INTERVAL_MS}.
   */
  private long interval() {
    String override = world.timingOverrides(spec.namespace()).get("reconcileMs");
    if (override != null) {
      return Math.max(SeedJoinOperator.MIN_RECONCILE_INTERVAL_MS, Long.parseLong(override))
          * 1_000;
    }
    return REQUEUE_MS * 1_000;
  }

  /**
   * The wait before look {@code check + 1} at the set: upstream's back-off, or, when a scenario
   * sets {@code reconcileMs}, that interval, so that {@code reconcileMs: 0} leaves no operator
   * cadence on top of etcd's.
   */
  private long readyWaitUs(int check) {
    return world.timingOverrides(spec.namespace()).containsKey("reconcileMs") ? interval()
        : READY_WAIT_BACKOFF_MS[check] * 1_000;
  }

  // ------------------------------------------------------------------ the pass

  private void pass() {
    StatefulSet sts = world.store().get(Kind.STATEFUL_SET, key());
    if (sts == null || sts.replicas() == 0) {
      // bootstrapStatefulSet: no set, create it with 0 replicas; a set of 0 replicas, scale it to
      // 1; each then the headless Service if missing, and a requeue. The events of the pass's own
      // writes run the next pass as soon as this one ends.
      Runnable then = () -> {
        if (world.store().get(Kind.SERVICE, key()) == null) {
          world.store().create(headlessService(spec));
        }
        requeue();
      };
      if (sts == null) {
        note("creating StatefulSet with 0 replicas");
        scaleTo(0, then);
      } else {
        note("creating a new cluster with 1 member");
        scaleTo(1, then);
      }
      return;
    }
    healthCheck(sts);
  }

  /**
   * {@code reconcileStatefulSet}: the ConfigMap for {@code replicas}, the StatefulSet patched
   * to them, then {@code waitForStatefulSetReady}; {@code then} once the set is ready.
   */
  private void scaleTo(int replicas, Runnable then) {
    ConfigMap cm = clusterState(spec, replicas);
    if (world.store().get(Kind.CONFIG_MAP, cm.meta().key()) == null) {
      world.store().create(cm);
    } else {
      world.modify(Kind.CONFIG_MAP, cm.meta().key(), (ConfigMap c) -> new ConfigMap(c.meta(),
          cm.data()));
    }
    if (world.store().get(Kind.STATEFUL_SET, key()) == null) {
      world.store().create(statefulSet(spec, replicas));
    } else {
      world.modify(Kind.STATEFUL_SET, key(), (StatefulSet s) -> s.withReplicas(replicas));
    }
    note("StatefulSet scaled to " + replicas);
    afterReady = then;
    ctx.setTimer(0, new ReadyCheck(0));
  }

  /**
   * {@code sts.Status.ReadyReplicas == *sts.Spec.Replicas}, the ready replicas counted from the
   * set's pods (its selector's labels and a name {@code <set>-<ordinal>}), as the StatefulSet
   * controller counts them; read the same way from the model's store and from a real API server,
   * whose pods carry no model owner label.
   */
  private void readyCheck(int check) {
    StatefulSet sts = world.store().get(Kind.STATEFUL_SET, key());
    int replicas = sts == null ? 0 : sts.replicas();
    int ready = 0;
    for (Pod p : setPods()) {
      if (p.status().ready()) {
        ready++;
      }
    }
    if (ready == replicas) {
      note("StatefulSet is ready: " + ready + " of " + replicas);
      Runnable then = afterReady;
      afterReady = null;
      then.run();
    } else if (check < READY_WAIT_BACKOFF_MS.length) {
      ctx.setTimer(readyWaitUs(check), new ReadyCheck(check + 1));
    } else {
      afterReady = null;
      error("StatefulSet " + key() + " did not become ready: " + ready + " of " + replicas
          + " ready");
    }
  }

  /** The members' client endpoints, ordinals 0 to {@code n}-1 ({@code clientEndpointsFromStatefulsets}). */
  private List<String> endpoints(int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(podName(spec, i));
    }
    return out;
  }

  /**
   * {@code healthCheck}: the member list through the endpoints, then every member's status
   * through its own endpoint, for the first min(replicas, members) ordinals, all at once; any
   * that fails fails the pass.
   */
  private void healthCheck(StatefulSet sts) {
    List<String> eps = endpoints(sts.replicas());
    call(eps, new ClientOp.MemberList(), r -> {
      if (!r.ok()) {
        error("health check failed: " + r.error().message());
        return;
      }
      @SuppressWarnings("unchecked")
      List<Member> members = (List<Member>) r.value();
      List<String> checked = eps.subList(0, Math.min(eps.size(), members.size()));
      TreeMap<String, ClientResponse> answers = new TreeMap<>();
      for (String ep : checked) {
        call(List.of(ep), new ClientOp.Status(), s -> {
          answers.put(ep, s);
          if (answers.size() == checked.size()) {
            healthChecked(sts, members, answers);
          }
        });
      }
    });
  }

  private void healthChecked(StatefulSet sts, List<Member> members,
      TreeMap<String, ClientResponse> answers) {
    List<String> unhealthy = new ArrayList<>();
    // ClusterHealth sorts its report by endpoint URL; the pods' names sort the same way.
    List<StatusResult> health = new ArrayList<>();
    for (var e : answers.entrySet()) {
      if (e.getValue().ok()) {
        health.add((StatusResult) e.getValue().value());
      } else {
        unhealthy.add(e.getKey() + ": " + e.getValue().error().message());
      }
    }
    if (!unhealthy.isEmpty()) {
      error("health check failed: " + unhealthy);
      return;
    }
    reconcileClusterState(sts, members.size(), health);
  }

  /** {@code reconcileClusterState}. */
  private void reconcileClusterState(StatefulSet sts, int memberCnt, List<StatusResult> health) {
    int target = sts.replicas();
    if (target != memberCnt) {
      // "An etcd member was added into the cluster, but the StatefulSet hasn't scaled out yet",
      // or one removed and the set not scaled in: one step towards the member count.
      int to = target < memberCnt ? target + 1 : target - 1;
      note("replicas " + target + " but " + memberCnt + " members: scaling to " + to);
      scaleTo(to, this::requeue);
      return;
    }
    StatusResult leader = null;
    StatusResult learner = null;
    for (StatusResult st : health) {
      if (leader == null && st.leader() == st.memberId()) {
        leader = st;
      }
      if (learner == null && st.learner()) {
        learner = st;
      }
    }
    if (leader == null) {
      error("couldn't find leader, memberCnt: " + memberCnt);
      return;
    }
    if (learner == null) {
      scale(sts, memberCnt, health);
      return;
    }
    if (!isLearnerReady(leader, learner)) {
      note("the learner member isn't ready to be promoted yet: " + Long.toHexString(
          learner.memberId()) + " at revision " + learner.revision() + " of the leader's "
          + leader.revision());
      requeue();
      return;
    }
    long id = learner.memberId();
    // Through every endpoint but the last: the learner's own, which cannot serve a promote.
    List<String> eps = endpoints(target);
    call(eps.subList(0, eps.size() - 1), new ClientOp.MemberPromote(id), r -> {
      if (!r.ok()) {
        error("promote " + Long.toHexString(id) + " failed: " + r.error().message());
        return;
      }
      note("promoted " + Long.toHexString(id));
      // "If there are no learners left, we can proceed to scale the cluster towards the desired
      // size", in the same pass.
      scale(sts, memberCnt, health);
    });
  }

  /** The second half of {@code reconcileClusterState}: one member towards {@code spec.size}. */
  private void scale(StatefulSet sts, int memberCnt, List<StatusResult> health) {
    int target = sts.replicas();
    int size = size();
    List<String> eps = endpoints(target);
    if (target == size) {
      note("EtcdCluster is already up-to-date");
      upToDate();
    } else if (target < size) {
      String name = podName(spec, target);
      call(eps, new ClientOp.MemberAdd(List.of(EtcdPods.peerUrl(spec, name)), true), r -> {
        if (!r.ok()) {
          error("fail to add learner member " + name + ": " + r.error().message());
          return;
        }
        note("added member " + name + " as learner");
        scaleTo(target + 1, this::requeue);
      });
    } else {
      long id = health.get(memberCnt - 1).memberId();
      call(eps.subList(0, target - 1), new ClientOp.MemberRemove(id), r -> {
        if (!r.ok()) {
          error("fail to remove member " + Long.toHexString(id) + ": " + r.error().message());
          return;
        }
        note("removed member " + Long.toHexString(id));
        scaleTo(target - 1, this::requeue);
      });
    }
  }

  /**
   * etcd-io/etcd-operator v0.2.0 {@code IsLearnerReady}: the learner's revision over the
   * leader's is at least {@link #LEARNER_READY_REVISION_SHARE}.
   */
  public static boolean isLearnerReady(StatusResult leader, StatusResult learner) {
    return (double) learner.revision() / leader.revision() >= LEARNER_READY_REVISION_SHARE;
  }

  /**
   * A call through a client of {@code endpoints}, under its 30 s context: clientv3's balancer
   * uses an endpoint that accepts connections, so the model sends to the first whose member
   * process runs; while none does, the call waits and dials again ({@link #REDIAL_BASE_MS}).
   */
  private void call(List<String> endpoints, ClientOp op, Consumer<ClientResponse> then) {
    long id = calls.open(then);
    ctx.setTimer(CALL_TIMEOUT_MS * 1_000, new CallTimeout(id));
    dial(id, new Waiting(List.copyOf(endpoints), op), 1);
  }

  private void dial(long id, Waiting w, int attempt) {
    for (String ep : w.endpoints()) {
      if (world.kernel().hasProcess(ep) && world.kernel().state(ep) == ProcessState.RUNNING) {
        waiting.remove(id);
        ctx.send(ep, new ClientRequest(id, w.op()));
        return;
      }
    }
    waiting.put(id, w);
    long delayMs = (long) Math.min(REDIAL_MAX_MS, REDIAL_BASE_MS * StrictMath.pow(REDIAL_MULTIPLIER,
        attempt - 1));
    ctx.setTimer(delayMs * 1_000, new Redial(id, attempt + 1));
  }
}
