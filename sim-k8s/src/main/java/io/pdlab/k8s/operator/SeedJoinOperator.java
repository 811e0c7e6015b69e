package io.pdlab.k8s.operator;

import io.pdlab.k8s.api.Kind;
import io.pdlab.k8s.api.Pod;
import io.pdlab.k8s.controllers.K8sWorld;
import io.pdlab.pd.etcd.EtcdMessages.AddResult;
import io.pdlab.pd.etcd.EtcdMessages.ClientOp;
import io.pdlab.pd.etcd.EtcdMessages.ClientRequest;
import io.pdlab.pd.etcd.EtcdMessages.ClientResponse;
import io.pdlab.sim.process.Process;
import io.pdlab.sim.process.ProcessContext;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Seed plus one-at-a-time voting joins, as an operator process (the learner operator, S3, is
 * {@link LearnerOperator}).
 *
 * <p>Voting joins (S2) follow coreos/etcd-operator v0.9.x (pkg/cluster/cluster.go and
 * reconcile.go): the seed member starts at once with a one-member cluster; then every 8 s the run
 * loop skips while any member pod is Pending, and otherwise makes at most one membership change:
 * delete pods it does not know, add one member (MemberAdd, then a pod with state existing) when
 * all known members run, return "lost quorum" when fewer than a majority run, else remove one dead
 * member. Pods never restart in place (RestartPolicy Never): a member whose process exits is dead.
 * Each member pod's etcd starts only once its {@code check-dns} init container has seen the
 * pod's DNS name resolve ({@link EtcdPods#coreosMember}); until then the pod is Pending, and the
 * loop skips.
 *
 * <p>A restarted operator (its process crashed and started again, its memory lost) finds the
 * cluster created and does not seed again; its next pass lists the members from etcd through a
 * running pod and goes on from there (coreos/etcd-operator v0.9.4 pkg/cluster/cluster.go,
 * {@code run()}: "On controller restore, we could have members == nil", then
 * {@code updateMembers}, which names members by their peer URLs).
 */
public final class SeedJoinOperator implements Process {
  /** coreos/etcd-operator pkg/cluster/cluster.go: {@code reconcileInterval = 8 * time.Second}. */
  public static final long RECONCILE_INTERVAL_MS = 8_000;
  /** coreos/etcd-operator pkg/util/constants: {@code DefaultRequestTimeout = 5 * time.Second}. */
  public static final long REQUEST_TIMEOUT_MS = 5_000;

  private record Reconcile() {}

  private record CallTimeout(long id) {}

  private final K8sWorld world;
  private final ClusterSpec spec;
  /** Known members: pod name to etcd member ID. */
  private final TreeMap<String, Long> members = new TreeMap<>();
  /**
   * A restarted operator knows no members until it has listed them from etcd (upstream's
   * {@code c.members == nil} "on controller restore").
   */
  private boolean restoring;
  private int nextOrdinal;
  private final PendingCalls calls = new PendingCalls();
  private ProcessContext ctx;
  private final List<String> log = new ArrayList<>();
  /** A voting (coreos) pass is under way: its next is armed when its calls are answered. */
  private boolean passOpen;

  public SeedJoinOperator(K8sWorld world, ClusterSpec spec) {
    this.world = world;
    this.spec = spec;
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
    return RECONCILE_INTERVAL_MS * 1_000;
  }

  @Override
  public void onStart(ProcessContext ctx) {
    this.ctx = ctx;
    passOpen = false;
    calls.restart(ctx);
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
      world.store().create(EtcdPods.coreosMember(spec, seed,
          EtcdPods.initialCluster(spec, List.of(seed)), "new"));
      note("created seed member " + seed);
    }
    ctx.setTimer(interval(), new Reconcile());
  }

  @Override
  public void onTimer(ProcessContext ctx, Object tag) {
    this.ctx = ctx;
    if (tag instanceof Reconcile) {
      reconcile();
      passOpen = true;
      passEnded();
    } else if (tag instanceof CallTimeout t) {
      if (calls.timeOut(t.id())) {
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
    if (passOpen && calls.isEmpty()) {
      passOpen = false;
      ctx.setTimer(interval(), new Reconcile());
    }
  }

  @Override
  public void onMessage(ProcessContext ctx, String from, Object message) {
    this.ctx = ctx;
    if (message instanceof ClientResponse r && calls.answer(r, world, spec.name())) {
      passEnded();
    }
  }

  private void call(String pod, ClientOp op, Consumer<ClientResponse> then) {
    long id = calls.open(then);
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
   * first peer URL (so also members added but never started). Names go on after the highest ordinal seen, in etcd or among the pods.
   */
  private boolean restore(List<io.pdlab.pd.etcd.Member> list) {
    TreeMap<String, Long> found = new TreeMap<>();
    for (io.pdlab.pd.etcd.Member m : list) {
      String name = m.peerUrls().isEmpty() ? null : memberName(m.peerUrls().get(0));
      if (name == null) {
        // upstream: getMemberName fails, and so does updateMembers; try again next pass
        note("failed to update members: no member name in peer URLs " + m.peerUrls());
        return false;
      }
      found.put(name, m.id());
    }
    members.clear();
    members.putAll(found);
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
    note("restored members " + members.keySet());
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
      if (members.size() < size()) {
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
    call(via, new ClientOp.MemberAdd(List.of(EtcdPods.peerUrl(spec, name)), false), r -> {
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
      world.store().create(EtcdPods.coreosMember(spec, name, EtcdPods.initialCluster(spec,
          members.keySet()), "existing"));
      note("added member " + name);
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

  private void removeDeadMember(String via, String dead) {
    long id = members.get(dead);
    call(via, new ClientOp.MemberRemove(id), r -> {
      if (r.ok() || r.error() == io.pdlab.pd.etcd.EtcdError.MEMBER_NOT_FOUND) {
        members.remove(dead);
        world.deletePod(spec.namespace() + "/" + dead);
        note("removed dead member " + dead);
      } else {
        note("fail to remove dead member " + dead + ": " + r.error().message());
      }
    });
  }
}
