package io.pdlab.k8s.operator;

import io.pdlab.k8s.api.Kind;
import io.pdlab.k8s.api.Pod;
import io.pdlab.k8s.controllers.K8sWorld;
import io.pdlab.pd.etcd.EtcdMessages.AddResult;
import io.pdlab.pd.etcd.EtcdMessages.ClientOp;
import io.pdlab.pd.etcd.EtcdMessages.ClientRequest;
import io.pdlab.pd.etcd.EtcdMessages.ClientResponse;
import io.pdlab.pd.etcd.EtcdMessages.StatusResult;
import io.pdlab.sim.process.Process;
import io.pdlab.sim.process.ProcessContext;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Seed plus one-at-a-time joins, as an operator process.
 *
 * <p>Voting joins (S2) follow coreos/etcd-operator v0.9.x (pkg/cluster/cluster.go and
 * reconcile.go): the seed member starts at once with a one-member cluster; then every 8 s the run
 * loop skips while any member pod is Pending, and otherwise makes at most one membership change:
 * delete pods it does not know, add one member (MemberAdd, then a pod with state existing) when
 * all known members run, return "lost quorum" when fewer than a majority run, else remove one dead
 * member. Pods never restart in place (RestartPolicy Never): a member whose process exits is dead.
 *
 * <p>A restarted operator (its process crashed and started again, its memory lost) finds the
 * cluster created and does not seed again; its next pass lists the members from etcd through a
 * running pod and goes on from there (coreos/etcd-operator v0.9.4 pkg/cluster/cluster.go,
 * {@code run()}: "On controller restore, we could have members == nil", then
 * {@code updateMembers}, which names members by their peer URLs).
 *
 * <p>Learner joins (S3, etcd-io/etcd-operator v0.2.0 internal/controller) add each member as a
 * learner, create its pod, and promote it (retrying until etcd agrees it has caught up) before
 * the next add; one learner at a time. A pass that promotes goes on to add the next learner; a
 * pass that created a pod waits for the pods to be Ready ({@link #READY_WAIT_BACKOFF_MS}); the
 * next pass comes {@link #LEARNER_RECONCILE_INTERVAL_MS} after a pass ends.
 */
public final class SeedJoinOperator implements Process {
  /** coreos/etcd-operator pkg/cluster/cluster.go: {@code reconcileInterval = 8 * time.Second}. */
  public static final long RECONCILE_INTERVAL_MS = 8_000;
  /**
   * The learner operator's requeue: etcd-io/etcd-operator v0.2.0
   * internal/controller/etcdcluster_controller.go, {@code requeueDuration = 10 * time.Second},
   * the {@code RequeueAfter} of every pass that changed something or waits for a learner.
   */
  public static final long LEARNER_RECONCILE_INTERVAL_MS = 10_000;
  /**
   * The learner operator promotes a learner once its store's revision is this share of the
   * leader's: etcd-io/etcd-operator v0.2.0 internal/etcdutils/etcdutils.go {@code IsLearnerReady}
   * ({@code learnerReadyPercent >= 0.9}). etcd's own check at promote (match index against the
   * leader's, {@code EtcdConstants.LEARNER_READY_PERCENT}) still applies after it.
   */
  public static final double LEARNER_READY_REVISION_SHARE = 0.9;
  /**
   * The learner operator's {@code waitForStatefulSetReady} after each scale (etcd-io/etcd-operator
   * v0.2.0 internal/controller/utils.go: {@code wait.Backoff{Duration: 3 * time.Second, Factor:
   * 2.0, Steps: 5}} run by apimachinery's {@code ExponentialBackoffWithContext}, which checks at
   * once and sleeps between checks): the waits before the 2nd to 5th check. The pass holds the
   * operator's only worker while it waits; after the 5th check fails the pass ends in an error.
   */
  static final long[] READY_WAIT_BACKOFF_MS = {3_000, 6_000, 12_000, 24_000};
  /**
   * After a pass that ended in an error the controller requeues through its rate limiter,
   * per item {@code 5 ms * 2^(failures-1)} up to 1000 s, reset by a pass that succeeds
   * (controller-runtime v0.23.1 with client-go v0.35.2 workqueue
   * {@code DefaultTypedControllerRateLimiter}: {@code NewTypedItemExponentialFailureRateLimiter(
   * 5*time.Millisecond, 1000*time.Second)}).
   */
  static final long ERROR_REQUEUE_BASE_MS = 5;
  /** See {@link #ERROR_REQUEUE_BASE_MS}. */
  static final long ERROR_REQUEUE_MAX_MS = 1_000_000;
  /** coreos/etcd-operator pkg/util/constants: {@code DefaultRequestTimeout = 5 * time.Second}. */
  public static final long REQUEST_TIMEOUT_MS = 5_000;

  private record Reconcile() {}

  /** The {@code check}-th (from 0) look at whether every member pod is Ready. */
  private record ReadyCheck(int check) {}

  private record CallTimeout(long id) {}

  private final K8sWorld world;
  private final ClusterSpec spec;
  private final boolean learners;
  /** Known members: pod name to etcd member ID. */
  private final TreeMap<String, Long> members = new TreeMap<>();
  /**
   * A restarted operator knows no members until it has listed them from etcd (upstream's
   * {@code c.members == nil} "on controller restore").
   */
  private boolean restoring;
  private String promoting;
  private int nextOrdinal;
  private long nextCall = 1;
  private final TreeMap<Long, Consumer<ClientResponse>> calls = new TreeMap<>();
  private ProcessContext ctx;
  private final List<String> log = new ArrayList<>();
  /**
   * The next pass; none while a pass waits for its pods (upstream's pass holds the controller's
   * only worker in {@code waitForStatefulSetReady}).
   */
  private io.pdlab.sim.TimerHandle nextPass;
  /** Passes that ended in an error since the last that did not (the rate limiter's count). */
  private int failures;
  /** A voting (coreos) pass is under way: its next is armed when its calls are answered. */
  private boolean passOpen;

  public SeedJoinOperator(K8sWorld world, ClusterSpec spec, boolean learners) {
    this.world = world;
    this.spec = spec;
    this.learners = learners;
  }

  /**
   * A write to the EtcdCluster's spec.size: its operator adds or stops adding members, also one
   * that is down now and starts later.
   */
  public static void setSize(K8sWorld world, ClusterSpec spec, int newSize) {
    world.setEtcdClusterSize(spec.namespace() + "/" + spec.name(), newSize);
  }

  private int size() {
    return world.etcdClusterSize(spec.namespace() + "/" + spec.name(), spec.members());
  }

  /** What the operator logged, for tests and reports. */
  public List<String> log() {
    return List.copyOf(log);
  }

  private void note(String line) {
    log.add(line);
    if (ctx.tracing()) {
      ctx.log("operator: " + line);
    }
  }

  /**
   * The member pods' liveness probe: coreos/etcd-operator's ({@link EtcdPods#COREOS_LIVENESS});
   * the learner operator's model pods declare none (not part of its model here).
   */
  private io.pdlab.k8s.api.LivenessProbe liveness() {
    return learners ? null : EtcdPods.COREOS_LIVENESS;
  }

  private String nextName() {
    return String.format("%s-%04d", spec.name(), nextOrdinal++);
  }

  /**
   * The floor of a scenario's {@code reconcileMs} override: 0 asks for "no operator loop on top of
   * etcd", which a loop that never waits cannot give; 50 ms is far below etcd's own timing.
   */
  public static final long MIN_RECONCILE_INTERVAL_MS = 50;

  private long interval() {
    String override = world.timingOverrides(spec.namespace()).get("reconcileMs");
    if (override != null) {
      return Math.max(MIN_RECONCILE_INTERVAL_MS, Long.parseLong(override)) * 1_000;
    }
    return (learners ? LEARNER_RECONCILE_INTERVAL_MS : RECONCILE_INTERVAL_MS) * 1_000;
  }

  /**
   * The wait before look {@code check + 1} at the pods: upstream's back-off, or, when a scenario
   * sets {@code reconcileMs} (the operator's own timing), that interval, so that
   * {@code reconcileMs: 0} still leaves no operator cadence on top of etcd's.
   */
  private long readyWaitUs(int check) {
    return world.timingOverrides(spec.namespace()).containsKey("reconcileMs") ? interval()
        : READY_WAIT_BACKOFF_MS[check] * 1_000;
  }

  @Override
  public void onStart(ProcessContext ctx) {
    this.ctx = ctx;
    passOpen = false;
    // Request IDs of this incarnation only: a reply to a crashed one's call must not match.
    nextCall = ((long) ctx.incarnation() << 32) + 1;
    if (world.store().get(Kind.SERVICE, spec.namespace() + "/" + spec.name()) != null) {
      // A restart: the cluster was created (upstream: its phase is Running, not None), so the
      // operator recovers its members from etcd in its next pass instead of seeding again.
      restoring = true;
      note("restarted: members unknown until listed from etcd");
    } else {
      world.store().create(EtcdPods.headlessService(spec));
      String seed = nextName();
      // Its ID as etcd derives it for a member of a new cluster: peer URL and token.
      members.put(seed, io.pdlab.pd.etcd.MemberIds.memberId(
          List.of(EtcdPods.peerUrl(spec, seed)), spec.name()));
      world.store().create(EtcdPods.pod(spec, seed, EtcdPods.initialCluster(spec, List.of(seed)),
          "new", "Never", new TreeMap<>(), liveness()));
      note("created seed member " + seed);
      if (learners) {
        waitForReady();
        return;
      }
    }
    nextPass = ctx.setTimer(interval(), new Reconcile());
  }

  /**
   * etcd-io/etcd-operator v0.2.0 {@code waitForStatefulSetReady}: after the operator created a
   * member's pod it looks at once whether every member pod is Ready, then again after each wait
   * of {@link #READY_WAIT_BACKOFF_MS}; its next pass comes a requeue after the pods are Ready, or
   * at the rate limiter's delay after the last look failed.
   */
  private void waitForReady() {
    if (nextPass != null) {
      nextPass.cancel();
      nextPass = null;
    }
    ctx.setTimer(0, new ReadyCheck(0));
  }

  private void readyCheck(int check) {
    List<String> notReady = new ArrayList<>();
    for (String name : members.keySet()) {
      Pod p = world.store().get(Kind.POD, spec.namespace() + "/" + name);
      if (p == null || !p.status().ready()) {
        notReady.add(name);
      }
    }
    if (notReady.isEmpty()) {
      note("pods are ready " + members.keySet());
      failures = 0;
      nextPass = ctx.setTimer(interval(), new Reconcile());
    } else if (check < READY_WAIT_BACKOFF_MS.length) {
      ctx.setTimer(readyWaitUs(check), new ReadyCheck(check + 1));
    } else {
      failures++;
      long delayMs = Math.min(ERROR_REQUEUE_MAX_MS,
          ERROR_REQUEUE_BASE_MS << Math.min(failures - 1, 30));
      note("pods did not become ready " + notReady + ": requeue after " + delayMs + " ms");
      nextPass = ctx.setTimer(delayMs * 1_000, new Reconcile());
    }
  }

  @Override
  public void onTimer(ProcessContext ctx, Object tag) {
    this.ctx = ctx;
    if (tag instanceof Reconcile) {
      reconcile();
      if (learners) {
        // Armed after the pass's sends; a learner pass that creates a pod cancels it later,
        // from the call's answer.
        nextPass = ctx.setTimer(interval(), tag);
      } else {
        passOpen = true;
        passEnded();
      }
    } else if (tag instanceof ReadyCheck c) {
      readyCheck(c.check());
    } else if (tag instanceof CallTimeout t) {
      Consumer<ClientResponse> then = calls.remove(t.id());
      if (then != null) {
        then.accept(new ClientResponse(t.id(), io.pdlab.pd.etcd.EtcdError.REQUEST_TIMED_OUT,
            null));
        passEnded();
      }
    }
  }

  /**
   * coreos/etcd-operator v0.9.4 pkg/cluster/cluster.go {@code run()}: the loop waits in a
   * {@code select} on {@code time.After(reconcileInterval)}, a timer made anew each time the loop
   * comes back to the select, so the next pass is due {@link #RECONCILE_INTERVAL_MS} after the
   * last one ended, its calls included (MemberAdd, MemberList, MemberRemove block the loop until
   * answered or timed out after {@link #REQUEST_TIMEOUT_MS}): the period is 8 s plus the pass's
   * own time, not a fixed 8 s tick. (A watch event of the EtcdCluster also makes a new timer;
   * not modelled: the model keeps no EtcdCluster object.)
   */
  private void passEnded() {
    if (!learners && passOpen && calls.isEmpty()) {
      passOpen = false;
      nextPass = ctx.setTimer(interval(), new Reconcile());
    }
  }

  @Override
  public void onMessage(ProcessContext ctx, String from, Object message) {
    this.ctx = ctx;
    if (message instanceof ClientResponse r) {
      if (calls.containsKey(r.requestId()) && world.loseAddAnswer(spec.name(), r)) {
        return; // applied, but the answer is lost: the call times out
      }
      Consumer<ClientResponse> then = calls.remove(r.requestId());
      if (then != null) {
        then.accept(r);
        passEnded();
      }
    }
  }

  private void call(String pod, ClientOp op, Consumer<ClientResponse> then) {
    long id = nextCall++;
    calls.put(id, then);
    ctx.send(pod, new ClientRequest(id, op));
    ctx.setTimer(REQUEST_TIMEOUT_MS * 1_000, new CallTimeout(id));
  }

  private void reconcile() {
    if (!calls.isEmpty()) {
      return; // a membership call is still in flight
    }
    List<String> running = new ArrayList<>();
    List<String> pending = new ArrayList<>();
    for (Pod p : world.store().<Pod>listIn(Kind.POD, spec.namespace(),
        (Pod p) -> spec.name().equals(p.meta().labels().get("etcd_cluster")))) {
      switch (p.status().phase()) {
        case "Running" -> running.add(p.meta().name());
        case "Pending" -> pending.add(p.meta().name());
        default -> { } // Failed: a dead member
      }
    }
    if (!pending.isEmpty()) {
      note("skip reconciliation: running " + running + ", pending " + pending);
      return;
    }
    if (running.isEmpty()) {
      note("all etcd pods are dead");
      return;
    }
    if (restoring) {
      String via = running.get(0);
      call(via, new ClientOp.MemberList(), r -> {
        if (!r.ok()) {
          note("failed to update members: " + r.error().message());
          return;
        }
        @SuppressWarnings("unchecked")
        List<io.pdlab.pd.etcd.Member> list = (List<io.pdlab.pd.etcd.Member>) r.value();
        if (restore(list)) {
          reconcileRunning(running);
        }
      });
      return;
    }
    reconcileRunning(running);
  }

  /**
   * Upstream's {@code updateMembers}: the members are etcd's, each named by the host of its
   * first peer URL (so also members added but never started); a learner is the one being
   * promoted. Names go on after the highest ordinal seen, in etcd or among the pods.
   */
  private boolean restore(List<io.pdlab.pd.etcd.Member> list) {
    TreeMap<String, Long> found = new TreeMap<>();
    String learner = null;
    for (io.pdlab.pd.etcd.Member m : list) {
      String name = m.peerUrls().isEmpty() ? null : memberName(m.peerUrls().get(0));
      if (name == null) {
        // upstream: getMemberName fails, and so does updateMembers; try again next pass
        note("failed to update members: no member name in peer URLs " + m.peerUrls());
        return false;
      }
      found.put(name, m.id());
      if (m.learner()) {
        learner = name;
      }
    }
    members.clear();
    members.putAll(found);
    promoting = learner;
    // Names go on after every one in use: in etcd, or a pod of any phase (a Failed one too).
    List<String> seen = new ArrayList<>(found.keySet());
    for (Pod p : world.store().<Pod>listIn(Kind.POD, spec.namespace(),
        (Pod p) -> spec.name().equals(p.meta().labels().get("etcd_cluster")))) {
      seen.add(p.meta().name());
    }
    for (String name : seen) {
      nextOrdinal = Math.max(nextOrdinal, ordinalOf(name) + 1);
    }
    restoring = false;
    note("restored members " + members.keySet() + (promoting == null ? "" : ", promoting "
        + promoting));
    return true;
  }

  /**
   * The member name a peer URL of this cluster carries ({@code http://<name>.<cluster>.<ns>.svc:
   * 2380}, upstream's {@code MemberNameFromPeerURL}), or null when it is not one.
   */
  private String memberName(String peerUrl) {
    int scheme = peerUrl.indexOf("://");
    String host = scheme < 0 ? peerUrl : peerUrl.substring(scheme + 3);
    int dot = host.indexOf('.');
    String name = dot < 0 ? null : host.substring(0, dot);
    return name != null && ordinalOf(name) >= 0 ? name : null;
  }

  /** The ordinal of a member name this operator gives ({@link #nextName}), or -1 for another. */
  private int ordinalOf(String name) {
    String prefix = spec.name() + "-";
    return name.startsWith(prefix) && name.substring(prefix.length()).matches("\\d{4,}")
        ? Integer.parseInt(name.substring(prefix.length())) : -1;
  }

  private void reconcileRunning(List<String> running) {
    List<String> unknown = new ArrayList<>(running);
    unknown.removeAll(members.keySet());
    if (!unknown.isEmpty()) {
      for (String u : unknown) {
        note("removing unknown pod " + u);
        world.deletePod(spec.namespace() + "/" + u);
      }
      return;
    }
    List<String> alive = new ArrayList<>(running);
    alive.retainAll(members.keySet());
    if (alive.size() == members.size()) {
      if (promoting != null) {
        checkLearner(alive);
      } else if (members.size() < size()) {
        addOneMember(alive.get(0));
      }
    } else if (alive.size() < members.size() / 2 + 1) {
      note("failed to reconcile: lost quorum (running " + alive + " of " + members.keySet()
          + ")");
    } else {
      List<String> dead = new ArrayList<>(members.keySet());
      dead.removeAll(alive);
      removeDeadMember(alive.get(0), dead.get(0));
    }
  }

  private void addOneMember(String via) {
    String name = nextName();
    call(via, new ClientOp.MemberAdd(List.of(EtcdPods.peerUrl(spec, name)), learners), r -> {
      if (!r.ok()) {
        note("fail to add new member (" + name + "): " + r.error().message());
        if (r.error() == io.pdlab.pd.etcd.EtcdError.PEER_URL_EXISTS
            || r.error() == io.pdlab.pd.etcd.EtcdError.MEMBER_EXISTS) {
          // An earlier attempt under this name was applied after all (its answer was lost):
          // list the members from etcd again, which takes that one in and moves the names on.
          restoring = true;
          return;
        }
        if (!mayHaveBeenApplied(r.error())) {
          // Upstream names each attempt at random (k8sutil.UniqueMemberName); a name etcd never
          // took leaves no trace, so the next attempt may take it again. That keeps "member k"
          // of a scenario the k-th joiner the operator starts, however often etcd refused first.
          nextOrdinal--;
        }
        return;
      }
      members.put(name, ((AddResult) r.value()).added().id());
      world.store().create(EtcdPods.pod(spec, name, EtcdPods.initialCluster(spec,
          members.keySet()), "existing", "Never", new TreeMap<>(), liveness()));
      if (learners) {
        promoting = name;
      }
      note("added member " + name + (learners ? " as learner" : ""));
      if (learners) {
        waitForReady();
      }
    });
  }

  /**
   * Whether a failed MemberAdd may have changed the membership: yes unless etcd refused it
   * before proposing (not started, too few started members, unhealthy, too many learners) or the
   * member did not serve the call. A timeout's outcome is unknown; "peer URL exists" means an
   * earlier attempt under that name was applied (see {@link #addOneMember}).
   */
  static boolean mayHaveBeenApplied(io.pdlab.pd.etcd.EtcdError e) {
    return switch (e) {
      // etcd refuses these before proposing anything; a member that is not serving took nothing
      case NOT_STARTED, NOT_ENOUGH_STARTED_MEMBERS, UNHEALTHY, TOO_MANY_LEARNERS,
          CONNECTION_REFUSED -> false;
      default -> true;
    };
  }

  /**
   * etcd-io/etcd-operator v0.2.0 {@code IsLearnerReady}: the learner's revision over the
   * leader's is at least {@link #LEARNER_READY_REVISION_SHARE}.
   */
  public static boolean isLearnerReady(StatusResult leader, StatusResult learner) {
    return (double) learner.revision() / leader.revision() >= LEARNER_READY_REVISION_SHARE;
  }

  /**
   * etcd-io/etcd-operator v0.2.0 {@code healthCheck} (utils.go) and {@code reconcileClusterState}
   * (etcdcluster_controller.go): ask every member for its status at once; any that does not
   * answer fails the pass; the leader is the member that names itself leader, the learner the
   * first that says it is one; promote it when {@link #isLearnerReady}, else wait for the next
   * pass.
   */
  private void checkLearner(List<String> alive) {
    TreeMap<String, ClientResponse> answers = new TreeMap<>();
    for (String pod : alive) {
      call(pod, new ClientOp.Status(), r -> {
        answers.put(pod, r);
        if (answers.size() == alive.size()) {
          judgeLearner(alive.get(0), answers);
        }
      });
    }
  }

  private void judgeLearner(String via, TreeMap<String, ClientResponse> answers) {
    List<String> unhealthy = new ArrayList<>();
    StatusResult leader = null;
    StatusResult learner = null;
    for (var e : answers.entrySet()) {
      ClientResponse r = e.getValue();
      if (!r.ok()) {
        unhealthy.add(e.getKey() + ": " + r.error().message());
        continue;
      }
      StatusResult st = (StatusResult) r.value();
      if (leader == null && st.leader() == st.memberId()) {
        leader = st;
      }
      if (learner == null && st.learner()) {
        learner = st;
      }
    }
    if (!unhealthy.isEmpty()) {
      note("health check failed: " + unhealthy);
      return;
    }
    if (leader == null) {
      note("couldn't find leader, memberCnt: " + members.size());
      return;
    }
    if (learner == null) {
      // Promoted already (the answer to an earlier promote was lost): no learner left, so the
      // pass goes on to the scale-out, as upstream's does.
      note("no learner left: " + promoting + " is a voting member");
      promoted(via);
      return;
    }
    if (!isLearnerReady(leader, learner)) {
      note("the learner member isn't ready to be promoted yet: " + promoting + " at revision "
          + learner.revision() + " of the leader's " + leader.revision());
      return;
    }
    promote(via);
  }

  /**
   * No learner is left: etcd-io/etcd-operator v0.2.0 etcdcluster_controller.go
   * reconcileClusterState falls through to the scale-out in the same pass ("If there are no
   * learners left, we can proceed to scale the cluster towards the desired size").
   */
  private void promoted(String via) {
    promoting = null;
    if (members.size() < size()) {
      addOneMember(via);
    }
  }

  private void promote(String via) {
    String name = promoting;
    call(via, new ClientOp.MemberPromote(members.get(name)), r -> {
      if (r.ok()) {
        note("promoted " + name);
        promoted(via);
      } else {
        note("promote " + name + " failed: " + r.error().message());
      }
    });
  }

  private void removeDeadMember(String via, String dead) {
    long id = members.get(dead);
    call(via, new ClientOp.MemberRemove(id), r -> {
      if (r.ok() || r.error() == io.pdlab.pd.etcd.EtcdError.MEMBER_NOT_FOUND) {
        members.remove(dead);
        if (dead.equals(promoting)) {
          promoting = null;
        }
        world.deletePod(spec.namespace() + "/" + dead);
        note("removed dead member " + dead);
      } else {
        note("fail to remove dead member " + dead + ": " + r.error().message());
      }
    });
  }
}
