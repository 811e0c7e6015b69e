package io.pdlab.k8s.operator;

import io.pdlab.k8s.api.Images;
import io.pdlab.k8s.api.Container;
import io.pdlab.k8s.api.Deployment;
import io.pdlab.k8s.api.Kind;
import io.pdlab.k8s.api.ObjectMeta;
import io.pdlab.k8s.api.PersistentVolumeClaim;
import io.pdlab.k8s.api.Pod;
import io.pdlab.k8s.api.PodSpec;
import io.pdlab.k8s.api.PodTemplate;
import io.pdlab.k8s.api.Resources;
import io.pdlab.k8s.api.Service;
import io.pdlab.k8s.api.StatefulSet;
import io.pdlab.k8s.api.TidbCluster;
import io.pdlab.k8s.controllers.K8sWorld;
import io.pdlab.pd.etcd.EtcdMessages.ClientOp;
import io.pdlab.pd.etcd.EtcdMessages.ClientResponse;
import io.pdlab.pd.etcd.Member;
import io.pdlab.sim.process.Process;
import io.pdlab.sim.process.ProcessContext;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * tidb-operator v1.5 for one TidbCluster (S4, pkg/manager/member): the discovery Deployment and
 * Service, PD's client and headless peer Services, the PD StatefulSet (Parallel) whose pods run
 * the start script against discovery, then TiKV once PD is available (healthy members at least
 * replicas/2+1) and TiDB once a TiKV store is Up. Reconciles every 30 s (informer resync) and on
 * every TidbCluster change. Status.PD.Synced means PD's health API answered (members and their
 * health); the operator writes the status only when it changed, and every write changes the
 * TidbCluster's resourceVersion, which resets discovery's count. Scaling of PD is gated on Synced;
 * after it, PD failover and recovery follow {@link PdFailover}.
 */
public final class TidbOperatorV1 implements Process {
  /** tidb-operator controller resync period: 30 s (cmd/controller-manager, informer resync). */
  public static final long RESYNC_MS = 30_000;
  /** pkg/pdapi DefaultTimeout = 5 s, for the operator's PD API calls. */
  public static final long PD_API_TIMEOUT_MS = 5_000;
  /** The discovery service's port (pkg/discovery/server). */
  public static final int DISCOVERY_PORT = 10261;
  /**
   * How long PD's health API waits for each member's {@code /pd/api/v1/ping}: tikv/pd v7.1.0
   * {@code server/cluster/cluster.go} CheckHealth, {@code clientTimeout = 3 * time.Second}.
   */
  public static final long PD_PING_TIMEOUT_MS = 3_000;

  private record Resync() {}

  /**
   * tidb-operator v1.5.1 {@code tidb_cluster_controller.go}: the TidbCluster queue's rate
   * limiter is {@code NewControllerRateLimiter(1*time.Second, 100*time.Second)}; a failed sync is
   * put back with {@code AddRateLimited}, a good one {@code Forget}s its failures. Per item that
   * is client-go v0.20.15 {@code workqueue.ItemExponentialFailureRateLimiter.When}: base x
   * 2^failures, at most the max (the limiter's overall 10 qps bucket never binds one cluster).
   */
  static final long REQUEUE_BASE_MS = 1_000;

  /** The rate limiter's max delay, as {@link #REQUEUE_BASE_MS} says. */
  static final long REQUEUE_MAX_MS = 100_000;

  /** A rate-limited requeue of the TidbCluster's key, or the re-run of a key marked dirty. */
  private record Requeue(long id) {}

  private record SyncTimeout(long id) {}

  private record FailoverTimeout(long id) {}

  private record HealthTimeout(long id) {}

  private record ScaleInTimeout(long id) {}

  private final K8sWorld world;
  private final String key;
  private ProcessContext ctx;
  private long syncCall;
  private boolean syncInFlight;
  /**
   * The timers of the sync's call in flight and of its pings, cancelled once the call is
   * answered or the sync ends, so that they do not fire for nothing; null before the first.
   */
  private io.pdlab.sim.TimerHandle syncTimeout;
  private io.pdlab.sim.TimerHandle healthTimeout;
  /** Which call of the sync is in flight (pd_member_manager.go syncTidbClusterStatus's order). */
  private SyncStep step;
  /** GetHealth's answer while GetCluster and GetPDLeader are asked. */
  private TreeMap<String, Boolean> health;

  /**
   * The PD API calls of a status sync, in order: GetHealth (the members, then each one's ping),
   * GetCluster, GetPDLeader; any failing ends the sync with Synced false.
   */
  private enum SyncStep { MEMBERS, PINGS, CLUSTER, LEADER }
  /** PD member IDs by name, from the last members answer. */
  private final TreeMap<String, Long> memberIds = new TreeMap<>();
  /** The named members of the sync's members answer, while their health is being asked. */
  private List<Member> listed;
  /** The health pings in flight: request ID to member name. */
  private final TreeMap<Long, String> pings = new TreeMap<>();
  /** Members that answered their ping at this sync. */
  private final java.util.TreeSet<String> answered = new java.util.TreeSet<>();
  private long pingCall;
  /** The failure member being deleted from PD (phase 2), or null. */
  private TidbCluster.PdFailureMember failingOver;
  /** Request ID of the failover's MemberRemove (negative: never equal to a sync's). */
  private long failoverCall;
  /** The PD member being deleted before the set shrinks, and its call's id. */
  private String scalingIn;
  private long scaleInCall;
  /** Failed syncs since the last good one (the rate limiter's per-item count). */
  private int failures;
  /** The pending requeue: its id (0: none) and when it fires. */
  private long requeueId;
  private long requeueSeq;
  private long requeueAtUs;
  /**
   * The key was added while its sync was in flight: client-go's workqueue keeps it dirty and
   * hands it out again once the sync is done ({@code queue.go} Add / Done).
   */
  private boolean dirty;
  /** The PD StatefulSet as the running (or last) status sync read it at its start. */
  private StatefulSet syncSet;

  public TidbOperatorV1(K8sWorld world, String namespace, String tcName) {
    this.world = world;
    this.key = namespace + "/" + tcName;
  }

  @Override
  public void onStart(ProcessContext ctx) {
    this.ctx = ctx;
    // Request IDs of this incarnation only: a reply to a crashed one's call must not match.
    syncCall = ctx.requestIdBase();
    pingCall = syncCall + (1L << 31);
    failoverCall = -ctx.requestIdBase();
    scaleInCall = failoverCall - (1L << 31);
    // The store cannot take a watch back: one of a crashed incarnation stays, and ignores
    // events from then on (it must not reconcile for a process that is down or restarted).
    String self = ctx.name();
    int incarnation = ctx.incarnation();
    world.store().watch(Kind.TIDB_CLUSTER, e -> {
      if (e.object().meta().key().equals(key)
          && world.kernel().state(self) == io.pdlab.sim.process.ProcessState.RUNNING
          && world.kernel().incarnation(self) == incarnation) {
        reconcile();
      }
    });
    // tidb_cluster_controller.go (v1.5.1) addStatefulSet / updateStatefulSet / deleteStatefulSet:
    // any change of a StatefulSet the TidbCluster controls (its PD, TiKV and TiDB sets; the
    // model's stand-in for the controller reference is the operator's instance labels) enqueues
    // the TidbCluster; the workqueue keeps a key that is already queued once (requeueAfter(0)).
    String tcName = key.substring(key.indexOf('/') + 1);
    String tcNs = key.substring(0, key.indexOf('/'));
    world.store().watch(Kind.STATEFUL_SET, e -> {
      ObjectMeta m = e.object().meta();
      if (m.namespace().equals(tcNs)
          && tcName.equals(m.labels().get("app.kubernetes.io/instance"))
          && "tidb-operator".equals(m.labels().get("app.kubernetes.io/managed-by"))
          && world.kernel().state(self) == io.pdlab.sim.process.ProcessState.RUNNING
          && world.kernel().incarnation(self) == incarnation) {
        requeueAfter(0);
      }
    });
    reconcile();
    ctx.setTimer(RESYNC_MS * 1_000, new Resync());
  }

  @Override
  public void onTimer(ProcessContext ctx, Object tag) {
    this.ctx = ctx;
    if (tag instanceof Resync) {
      reconcile();
      ctx.setTimer(RESYNC_MS * 1_000, tag);
    } else if (tag instanceof Requeue q && q.id() == requeueId) {
      requeueId = 0;
      reconcile();
    } else if (tag instanceof FailoverTimeout t && t.id() == failoverCall && failingOver != null) {
      finishFailover(false);
    } else if (tag instanceof ScaleInTimeout t && t.id() == scaleInCall && scalingIn != null) {
      finishScaleIn(false);
    } else if (tag instanceof HealthTimeout t && t.id() == syncCall && syncInFlight
        && step == SyncStep.PINGS) {
      finishHealth(); // members that did not answer their ping within 3 s are unhealthy
    } else if (tag instanceof SyncTimeout t && t.id() == syncCall && syncInFlight) {
      // pdapi's 5 s covers the whole health call, the pings included
      endSync();
      writeStatus(false, null, null);
    }
  }

  @Override
  public void onMessage(ProcessContext ctx, String from, Object message) {
    this.ctx = ctx;
    if (message instanceof ClientResponse r && r.requestId() == syncCall && syncInFlight
        && step != SyncStep.PINGS) {
      if (!r.ok()) {
        endSync();
        writeStatus(false, null, null);
        return;
      }
      if (step == SyncStep.CLUSTER) {
        askNext(SyncStep.LEADER, io.pdlab.pd.pod.PdHttpApi.PdCall.GET_LEADER);
        return;
      }
      if (step == SyncStep.LEADER) {
        TreeMap<String, Boolean> h = health;
        endSync();
        writeStatus(true, h, (String) r.value());
        return;
      }
      step = SyncStep.PINGS;
      listed = new ArrayList<>();
      for (Member m : PdApi.members(r)) {
        if (!m.name().isEmpty()) { // pd_member_manager.go skips members without a name
          memberIds.put(m.name(), m.id());
          listed.add(m);
        }
      }
      askHealth();
    } else if (message instanceof ClientResponse r && pings.containsKey(r.requestId())) {
      String name = pings.remove(r.requestId());
      if (r.ok()) {
        answered.add(name);
      }
      if (pings.isEmpty()) {
        finishHealth();
      }
    } else if (message instanceof ClientResponse r && failingOver != null
        && r.requestId() == failoverCall) {
      finishFailover(r.ok() || r.error() == io.pdlab.pd.etcd.EtcdError.MEMBER_NOT_FOUND);
    } else if (message instanceof ClientResponse r && scalingIn != null
        && r.requestId() == scaleInCall) {
      finishScaleIn(r.ok() || r.error() == io.pdlab.pd.etcd.EtcdError.MEMBER_NOT_FOUND);
    }
  }

  private static TreeMap<String, String> labels(String tc, String component) {
    TreeMap<String, String> l = new TreeMap<>();
    l.put("app.kubernetes.io/component", component);
    l.put("app.kubernetes.io/instance", tc);
    l.put("app.kubernetes.io/managed-by", "tidb-operator");
    l.put("app.kubernetes.io/name", "tidb-cluster");
    return l;
  }

  /**
   * Creates the object named {@code name} in {@code ns} when it does not exist; {@code make}
   * builds it only then (a sync runs at every change the operator watches).
   */
  private <T extends io.pdlab.k8s.api.K8sObject> void ensure(Kind kind, String ns, String name,
      java.util.function.Supplier<T> make) {
    String key = ObjectMeta.key(ns, name);
    if (world.store().get(kind, key) == null) {
      T obj = make.get();
      if (obj.kind() != kind || !obj.meta().key().equals(key)) {
        throw new IllegalStateException("made " + obj.kind() + " " + obj.meta().key()
            + " for " + kind + " " + key);
      }
      world.store().create(obj);
    }
  }

  /** Makes the world match the TidbCluster, one component after the other. */
  private void reconcile() {
    TidbCluster tc = world.store().get(Kind.TIDB_CLUSTER, key);
    if (tc == null) {
      return;
    }
    String ns = tc.meta().namespace();
    String name = tc.meta().name();
    // discovery
    ensure(Kind.DEPLOYMENT, ns, name + "-discovery", () -> {
      TreeMap<String, String> dl = labels(name, "discovery");
      return new Deployment(ObjectMeta.of(ns, name + "-discovery").withLabels(dl), 1,
          new PodTemplate(dl, podSpec(new Container("discovery", Images.TIDB_OPERATOR,
              "discovery", List.of()), new Resources(80, 50), new TreeMap<>(), List.of())));
    });
    ensure(Kind.SERVICE, ns, name + "-discovery", () -> {
      TreeMap<String, String> dl = labels(name, "discovery");
      return new Service(ObjectMeta.of(ns, name + "-discovery").withLabels(dl), dl, false, false,
          List.of(DISCOVERY_PORT), "ClusterIP");
    });
    // PD
    ensure(Kind.SERVICE, ns, name + "-pd", () -> {
      TreeMap<String, String> pl = labels(name, "pd");
      return new Service(ObjectMeta.of(ns, name + "-pd").withLabels(pl), pl, false, false,
          List.of(2379), "ClusterIP");
    });
    ensure(Kind.SERVICE, ns, name + "-pd-peer", () -> {
      TreeMap<String, String> pl = labels(name, "pd");
      return new Service(ObjectMeta.of(ns, name + "-pd-peer").withLabels(pl), pl, true, true,
          List.of(2380), "ClusterIP");
    });
    TidbCluster.ComponentSpec pd = tc.spec().pd();
    StatefulSet pdSet = world.store().get(Kind.STATEFUL_SET, ns + "/" + name + "-pd");
    if (pdSet == null) {
      TreeMap<String, String> pl = labels(name, "pd");
      // tidb-scheduler: at most one PD of a cluster per node (provisioning.md section 4).
      PodSpec pdSpec = podSpec(new Container("pd", pd.image(), "pd", List.of("--timing=pd")),
          pd.requests(), pd.nodeSelector(), pd.tolerations());
      pdSpec = new PodSpec(null, pdSpec.nodeSelector(), pdSpec.tolerations(), pdSpec.requests(),
          "app.kubernetes.io/component", List.of(), pdSpec.containers(), "Always", null, null);
      world.store().create(new StatefulSet(ObjectMeta.of(ns, name + "-pd").withLabels(pl),
          pd.replicas(), Strategies.podManagementPolicy(world, ns), name + "-pd-peer",
          new PodTemplate(pl, pdSpec),
          claim(ns, "pd", pd)));
    } else {
      int desired = tc.pdStsDesiredReplicas();
      // pd_scaler.go: scale out only when Synced; scale in also requires Synced (one at a time).
      // An error of Scale ends the sync before failover (pd_member_manager.go), as does a
      // scale-in whose member deletion is still in flight.
      boolean scaled = true;
      if (pdSet.replicas() < desired) {
        scaled = tc.status().pdSynced();
        if (scaled) {
          world.modify(Kind.STATEFUL_SET, pdSet.meta().key(),
              (StatefulSet s) -> s.withReplicas(s.replicas() + 1));
        }
      } else if (pdSet.replicas() > desired) {
        scaled = false;
        if (tc.status().pdSynced() && scalingIn == null) {
          scaleIn(tc, name + "-pd-" + (pdSet.replicas() - 1));
        }
      }
      if (scaled && scalingIn == null) {
        failover(tc);
      }
    }
    syncPdStatus(tc);
    // TiKV once PD is available; TiDB once a TiKV store is Up. (The model counts the members;
    // upstream's PDIsAvailable counts the healthy ones and the set's ready replicas.)
    int members = tc.status().pdMembers().size();
    if (tc.status().pdSynced() && members >= pd.replicas() / 2 + 1) {
      ensureSimpleSet(tc, "tikv", tc.spec().tikv(), "tikv");
    }
    if (tc.status().tikvStoresUp() > 0) {
      ensureSimpleSet(tc, "tidb", tc.spec().tidb(), null);
    }
  }

  private void ensureSimpleSet(TidbCluster tc, String component, TidbCluster.ComponentSpec c,
      String claimPrefix) {
    if (c == null || c.replicas() == 0) {
      return;
    }
    String ns = tc.meta().namespace();
    String set = tc.meta().name() + "-" + component;
    ensure(Kind.SERVICE, ns, set + "-peer", () -> {
      TreeMap<String, String> l = labels(tc.meta().name(), component);
      return new Service(ObjectMeta.of(ns, set + "-peer").withLabels(l), l, true, true,
          List.of(20160), "ClusterIP");
    });
    ensure(Kind.STATEFUL_SET, ns, set, () -> {
      TreeMap<String, String> l = labels(tc.meta().name(), component);
      return new StatefulSet(ObjectMeta.of(ns, set).withLabels(l), c.replicas(), "Parallel",
          set + "-peer", new PodTemplate(l, podSpec(new Container(component, c.image(), "simple",
              List.of()), c.requests(), c.nodeSelector(), c.tolerations())),
          claimPrefix == null ? null : claim(ns, claimPrefix, c));
    });
  }

  private static PersistentVolumeClaim claim(String ns, String prefix,
      TidbCluster.ComponentSpec c) {
    return new PersistentVolumeClaim(ObjectMeta.of(ns, prefix), c.storageClassName(),
        c.storageGi(), null);
  }

  private static PodSpec podSpec(Container c, Resources requests,
      java.util.SortedMap<String, String> nodeSelector,
      List<io.pdlab.k8s.api.Toleration> tolerations) {
    return new PodSpec(null, nodeSelector, tolerations, requests, null, List.of(), List.of(c),
        "Always", null, null);
  }

  /**
   * Failover and Recover as tidb-operator v1.5.1 runs them after Scale at every sync
   * ({@code pd_member_manager.go} 246-253): the step comes from {@link PdFailover#decide}; a
   * mark or a recovery is a status write, a deletion goes through PD's API first. One step at a
   * time.
   */
  private void failover(TidbCluster tc) {
    if (failingOver != null) {
      return; // the member deletion is in flight
    }
    List<Pod> pdPods = pdPods(tc);
    PdFailover.Step step = PdFailover.decide(tc, pdPods, ctx.nowUs());
    if (step instanceof PdFailover.Step.Mark m) {
      if (ctx.tracing()) {
        ctx.log("operator: PD failover: mark " + m.failure().podName() + " failed");
      }
      world.modify(Kind.TIDB_CLUSTER, key, (TidbCluster t) -> {
        List<TidbCluster.PdFailureMember> failures = new ArrayList<>(t.status()
            .pdFailureMembers());
        failures.add(m.failure());
        return t.withStatus(t.status().withPdFailureMembers(failures));
      });
    } else if (step instanceof PdFailover.Step.Delete d) {
      String ep = world.serviceEndpoint(tc.meta().name() + "-pd");
      if (ep == null) {
        return; // DeleteMemberByID fails: tried again at the next sync
      }
      failingOver = d.failure();
      if (ctx.tracing()) {
        ctx.log("operator: PD failover: delete member " + failingOver.podName());
      }
      failoverCall--;
      // DELETE /pd/api/v1/members/id/{id}: PD's HTTP API, served by the PD leader
      ctx.send(ep, new io.pdlab.pd.pod.PdHttpApi.Request(failoverCall,
          new ClientOp.MemberRemove(failingOver.memberId())));
      ctx.setTimer(PD_API_TIMEOUT_MS * 1_000, new FailoverTimeout(failoverCall));
    } else if (step instanceof PdFailover.Step.Recover) {
      if (ctx.tracing()) {
        ctx.log("operator: PD failover: recover, clear " + tc.status().pdFailureMembers().size()
            + " failure members");
      }
      world.modify(Kind.TIDB_CLUSTER, key, (TidbCluster t) -> t.withStatus(
          t.status().withPdFailureMembers(List.of())));
    }
  }

  /** The pods of the PD StatefulSet (their count is the set's {@code status.replicas}). */
  private List<Pod> pdPods(TidbCluster tc) {
    return world.store().listIn(Kind.POD, tc.meta().namespace(), (Pod p) -> "pd".equals(p.meta()
        .labels().get("app.kubernetes.io/component")) && tc.meta().name().equals(p.meta()
        .labels().get("app.kubernetes.io/instance")));
  }

  /**
   * tryToDeleteAFailureMember after DeleteMemberByID answered (a member already gone counts as
   * deleted, as pdapi's DeleteMemberByID returns nil for an absent ID): delete the failure pod
   * and its PVC (deletePodAndPvcs; no pod, nothing to delete) and set MemberDeleted.
   */
  private void finishFailover(boolean removed) {
    TidbCluster.PdFailureMember f = failingOver;
    failingOver = null;
    TidbCluster tc = world.store().get(Kind.TIDB_CLUSTER, key);
    if (!removed || tc == null) {
      return; // retried at the next sync
    }
    String ns = tc.meta().namespace();
    String pod = f.podName();
    if (world.store().get(Kind.POD, ns + "/" + pod) != null) {
      world.deletePod(ns + "/" + pod);
      if (world.store().get(Kind.PERSISTENT_VOLUME_CLAIM, ns + "/pd-" + pod) != null) {
        world.store().delete(Kind.PERSISTENT_VOLUME_CLAIM, ns + "/pd-" + pod);
      }
    }
    memberIds.remove(pod);
    world.modify(Kind.TIDB_CLUSTER, key, (TidbCluster t) -> {
      List<TidbCluster.PdFailureMember> failures = new ArrayList<>();
      for (TidbCluster.PdFailureMember m : t.status().pdFailureMembers()) {
        failures.add(m.podName().equals(pod) ? m.deleted() : m);
      }
      return t.withStatus(t.status().withPdFailureMembers(failures));
    });
  }

  /**
   * pd_scaler.go ScaleIn (v1.5.1): the highest ordinal's PD member is deleted through PD's API
   * first ({@code DeleteMember}), and only then is the StatefulSet shrunk by one; an error leaves
   * it for the next sync. (Upstream first moves PD leadership off that member when it leads and
   * requeues; the model's removal of a leading member makes etcd elect another instead.)
   */
  private void scaleIn(TidbCluster tc, String pod) {
    Long id = memberIds.get(pod);
    String ep = world.serviceEndpoint(tc.meta().name() + "-pd");
    if (id == null) {
      shrinkPdSet(tc); // never a member: nothing to delete from PD
      return;
    }
    if (ep == null) {
      return;
    }
    scalingIn = pod;
    scaleInCall--;
    if (ctx.tracing()) {
      ctx.log("operator: PD scale in: delete member " + pod);
    }
    ctx.send(ep, new io.pdlab.pd.pod.PdHttpApi.Request(scaleInCall,
        new ClientOp.MemberRemove(id))); // DELETE /pd/api/v1/members/name: the PD leader's
    ctx.setTimer(PD_API_TIMEOUT_MS * 1_000, new ScaleInTimeout(scaleInCall));
  }

  private void finishScaleIn(boolean deleted) {
    String pod = scalingIn;
    scalingIn = null;
    TidbCluster tc = world.store().get(Kind.TIDB_CLUSTER, key);
    if (deleted && tc != null) {
      memberIds.remove(pod);
      shrinkPdSet(tc);
    }
  }

  private void shrinkPdSet(TidbCluster tc) {
    world.modify(Kind.STATEFUL_SET, tc.meta().namespace() + "/" + tc.meta().name() + "-pd",
        (StatefulSet s) -> s.withReplicas(s.replicas() - 1));
  }

  /**
   * PD's health API (pd_member_manager.go syncTidbClusterStatus calls GetHealth): the members
   * through the {@code <tc>-pd} Service, then each named member pinged at its own client URL
   * with PD's 3 s timeout (tikv/pd v7.1.0 {@code server/api/health.go}, CheckHealth); a member
   * that answers is healthy. The answer becomes status. PD pings the members one after another;
   * the model asks them together, so several dead members cost 3 s, not 3 s each.
   */
  private void syncPdStatus(TidbCluster tc) {
    if (syncInFlight) {
      dirty = true;
      return;
    }
    // syncTidbClusterStatus copies the PD set's status as the informer has it when the sync
    // starts (tc.Status.PD.StatefulSet = &set.Status), before any PD API call
    syncSet = world.store().get(Kind.STATEFUL_SET, key + "-pd");
    io.pdlab.sim.TimerHandle timeout = PdApi.askMembers(ctx, world, tc.meta().name(),
        syncCall + 1, PD_API_TIMEOUT_MS, new SyncTimeout(syncCall + 1));
    if (timeout == null) {
      writeStatus(false, null, null);
      return;
    }
    syncTimeout = timeout;
    syncCall++;
    syncInFlight = true;
    step = SyncStep.MEMBERS;
  }

  /**
   * The sync's next PD API call through the {@code <tc>-pd} Service, each with pdapi's own 5 s
   * timeout; no endpoint fails the sync.
   */
  private void askNext(SyncStep next, Object call) {
    io.pdlab.sim.TimerHandle timeout = PdApi.ask(ctx, world,
        key.substring(key.indexOf('/') + 1), syncCall + 1, call, PD_API_TIMEOUT_MS,
        new SyncTimeout(syncCall + 1));
    if (timeout == null) {
      endSync();
      writeStatus(false, null, null);
      return;
    }
    cancel(syncTimeout); // the call before it is answered
    syncTimeout = timeout;
    syncCall++;
    step = next;
  }

  private void askHealth() {
    if (listed.isEmpty()) {
      finishHealth();
      return;
    }
    for (Member m : listed) {
      pingCall++;
      pings.put(pingCall, m.name());
      // GET <clientURL>/pd/api/v1/ping (cluster.go CheckHealth's healthURL): under /pd, so
      // through the member's redirector like every PD API call.
      ctx.send(m.name(), new io.pdlab.pd.pod.PdHttpApi.Request(pingCall,
          new ClientOp.MemberList()));
    }
    healthTimeout = ctx.setTimer(PD_PING_TIMEOUT_MS * 1_000, new HealthTimeout(syncCall));
  }

  /** GetHealth answered; then GetCluster (pd_member_manager.go syncTidbClusterStatus). */
  private void finishHealth() {
    cancel(healthTimeout);
    health = new TreeMap<>();
    for (Member m : listed) {
      health.put(m.name(), answered.contains(m.name()));
    }
    listed = null;
    pings.clear();
    answered.clear();
    askNext(SyncStep.CLUSTER, io.pdlab.pd.pod.PdHttpApi.PdCall.GET_CLUSTER);
  }

  private void endSync() {
    cancel(syncTimeout); // nothing is left in flight for them
    cancel(healthTimeout);
    syncInFlight = false;
    step = null;
    health = null;
    listed = null;
    pings.clear();
    answered.clear();
  }

  /**
   * Writes the status when it changed. {@code health} is null when a PD API call failed: Synced
   * turns false and the members and leader stay as they were (syncTidbClusterStatus returns
   * early). A member's LastTransitionTime is kept while its health stays, and is now otherwise.
   * {@code leader} is GetPDLeader's answer: Status.PD.Leader when it names a listed member.
   */
  private void writeStatus(boolean synced, TreeMap<String, Boolean> health, String leader) {
    TidbCluster tc = world.store().get(Kind.TIDB_CLUSTER, key);
    if (tc == null) {
      return;
    }
    TidbCluster.Status old = tc.status();
    List<TidbCluster.PdMember> members = old.pdMembers();
    if (health != null) {
      members = new ArrayList<>();
      for (var e : health.entrySet()) {
        TidbCluster.PdMember was = old.pdMembers().stream()
            .filter(m -> m.name().equals(e.getKey())).findFirst().orElse(null);
        long since = was != null && was.health() == e.getValue() ? was.lastTransitionUs()
            : ctx.nowUs();
        members.add(new TidbCluster.PdMember(e.getKey(), memberIds.getOrDefault(e.getKey(), 0L),
            e.getValue(), since));
      }
    }
    int tikvUp = readyPods(tc, "tikv");
    int tidbReady = readyPods(tc, "tidb");
    String pdLeader = health != null && leader != null && health.containsKey(leader) ? leader
        : old.pdLeader();
    // pd_member_manager.go syncTidbClusterStatus: the set's status and the phase are set before
    // the PD API is asked, so a failed sync writes them too; scaling takes precedence over
    // upgrading (pdStatefulSetIsUpgrading: the set's current revision is not its update one).
    StatefulSet.Status pdSts = old.pdStatefulSet();
    String phase = old.pdPhase();
    if (syncSet != null) {
      pdSts = syncSet.status();
      phase = tc.pdStsDesiredReplicas() != syncSet.replicas() ? "Scale"
          : !pdSts.currentRevision().equals(pdSts.updateRevision()) ? "Upgrade" : "Normal";
    }
    TidbCluster.Status synced0 = new TidbCluster.Status(synced, members, pdLeader,
        old.pdFailureMembers(), tikvUp, tidbReady, phase, pdSts, null);
    // UpdateTidbCluster (tidb_cluster_control.go): the condition updater runs after the sync,
    // then the status is written only when it is not DeepEqual to the old one
    TidbCluster.Status now = new TidbCluster.Status(synced, members, pdLeader,
        old.pdFailureMembers(), tikvUp, tidbReady, phase, pdSts,
        readyCondition(tc, synced0, old.ready()));
    if (!now.equals(old)) {
      world.modify(Kind.TIDB_CLUSTER, key, (TidbCluster t) -> t.withStatus(now));
    }
    if (synced) {
      failures = 0; // queue.Forget
    } else {
      long delayMs = Math.min(REQUEUE_BASE_MS << Math.min(failures, 20), REQUEUE_MAX_MS);
      if (ctx.tracing()) {
        ctx.log("operator: PD status sync failed, requeue in " + delayMs / 1_000 + "s");
      }
      requeueAfter(delayMs);
      failures++;
    }
    if (dirty) {
      dirty = false;
      requeueAfter(0);
    }
  }

  /**
   * Puts the key back after {@code delayMs}; a requeue already due earlier stands (the delaying
   * queue keeps an item's earliest time, client-go v0.20.15 {@code delaying_queue.go}).
   */
  private void requeueAfter(long delayMs) {
    long at = ctx.nowUs() + delayMs * 1_000;
    if (requeueId != 0 && requeueAtUs <= at) {
      return;
    }
    requeueId = ++requeueSeq; // ids never repeat: a superseded timer stays ignored
    requeueAtUs = at;
    ctx.setTimer(delayMs * 1_000, new Requeue(requeueId));
  }

  /**
   * The TidbCluster's Ready condition after a sync (tidb-operator v1.5.1
   * {@code tidb_cluster_condition_updater.go} updateReadyCondition, reasons from
   * {@code pkg/util/tidbcluster/tidbcluster.go}): False while a StatefulSet's current revision
   * is not its update revision, then while not all desired PD members are listed and healthy
   * ({@code PDAllMembersReady}), then while TiKV's stores Up or TiDB's ready members are not the
   * desired count; else True. {@code SetTidbClusterCondition} keeps the old condition when
   * status and reason are the same (the message and times do not change then), and keeps its
   * transition time when only the reason changed.
   */
  private TidbCluster.Condition readyCondition(TidbCluster tc, TidbCluster.Status s,
      TidbCluster.Condition old) {
    boolean upToDate = s.pdStatefulSet() == null
        || s.pdStatefulSet().currentRevision().equals(s.pdStatefulSet().updateRevision());
    for (String component : List.of("tikv", "tidb")) {
      StatefulSet set = world.store().get(Kind.STATEFUL_SET, key + "-" + component);
      upToDate &= set == null
          || set.status().currentRevision().equals(set.status().updateRevision());
    }
    String status = "False";
    String reason;
    String message;
    TidbCluster.Spec spec = tc.spec();
    if (!upToDate) {
      reason = "StatefulSetNotUpToDate";
      message = "Statefulset(s) are in progress";
    } else if (spec.pd() != null && (tc.pdStsDesiredReplicas() != s.pdMembers().size()
        || !s.pdMembers().stream().allMatch(TidbCluster.PdMember::health))) {
      reason = "PDUnhealthy";
      message = "PD(s) are not healthy";
    } else if (spec.tikv() != null && spec.tikv().replicas() != s.tikvStoresUp()) {
      reason = "TiKVStoreNotUp";
      message = "TiKV store(s) are not up";
    } else if (spec.tidb() != null && spec.tidb().replicas() != s.tidbReady()) {
      reason = "TiDBUnhealthy";
      message = "TiDB(s) are not healthy";
    } else {
      status = "True";
      reason = "Ready";
      message = "TiDB cluster is fully up and running";
    }
    if (old != null && old.status().equals(status) && old.reason().equals(reason)) {
      return old;
    }
    long now = ctx.nowUs();
    return new TidbCluster.Condition(status, reason, message, now,
        old != null && old.status().equals(status) ? old.lastTransitionUs() : now);
  }

  private int readyPods(TidbCluster tc, String component) {
    return world.store().<Pod>listIn(Kind.POD, tc.meta().namespace(), (Pod p) -> component
        .equals(p.meta().labels().get("app.kubernetes.io/component")) && tc.meta().name()
        .equals(p.meta().labels().get("app.kubernetes.io/instance")) && p.status().ready())
        .size();
  }

  private static void cancel(io.pdlab.sim.TimerHandle timer) {
    if (timer != null) {
      timer.cancel();
    }
  }
}
