package io.pdlab.scenarios.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * {@code faults[]}: one fault of a scenario, a record per kind with only the fields its kind
 * takes. Every fault has {@code at:} ({@link #atUs()}) and the line of the file it is on ({@link
 * #line()}); all but node-loss have {@code cluster:}, the cluster whose members are meant (null:
 * the first).
 *
 * <p>The drivers handle faults through {@link #accept}: a new kind is a record here (and a {@link
 * FaultKind}), its method in {@link Visitor}, and then a compile error in every visitor until it
 * says what the kind does there; the record itself answers the explore search's edits ({@link
 * #withAt} and the methods after it). The constructors check their values, so a record never
 * holds a placeholder; the parser builds them only from a file that parsed without a problem.
 */
public sealed interface FaultDef {
  /** {@code at:}, from the start of the run. */
  long atUs();

  /** The line of the scenario file the fault starts on, for messages; 0 when not from a file. */
  int line();

  /** Its kind: the name in files, the keys it takes, the backends that can carry it out. */
  FaultKind kind();

  /**
   * How long after {@link #atUs()} the fault makes its last scheduled change (a restart, resume,
   * heal, delayed start or last write); 0 when it makes none, also when it lasts for ever.
   */
  long playsOutAfterUs();

  /**
   * When the last of {@code faults} makes its last scheduled change ({@link #atUs()} plus {@link
   * #playsOutAfterUs()}); 0 for none.
   */
  static long lastChangeUs(List<FaultDef> faults) {
    long last = 0;
    for (FaultDef f : faults) {
      last = Math.max(last, f.atUs() + f.playsOutAfterUs());
    }
    return last;
  }

  /** Calls the visitor's method for this kind. */
  <R> R accept(Visitor<R> visitor);

  /**
   * The PD member it acts on, as its {@code member:} says; empty for a kind that names none (a
   * partition acts on its groups, node-loss on a node whose member is the scheduler's choice,
   * the others on the cluster or its operator).
   */
  OptionalInt onMember();

  /**
   * What it takes from a cluster of {@code members} members for good, by its own values: the
   * explore search counts a run's outcome as explained when these leave too few members (see
   * {@link TakenAway}).
   */
  TakenAway takenAway(int members);

  /**
   * What a fault takes from a cluster for good.
   *
   * @param members the members it leaves out for good: never started, crashed with no restart,
   *     outside the largest group of a partition never healed
   * @param wiped the members whose data it loses
   * @param nodes how many nodes it loses (which members they hold is the scheduler's choice)
   */
  record TakenAway(List<Integer> members, List<Integer> wiped, int nodes) {
    /** Nothing for good: what it stops, it starts again, or it touches no member. */
    public static final TakenAway NOTHING = new TakenAway(List.of(), List.of(), 0);

    public TakenAway {
      members = List.copyOf(members);
      wiped = List.copyOf(wiped);
      atLeast("nodes", nodes, 0);
    }
  }

  // The edits the explore search makes to a fault (mutating a schedule, shrinking a finding).
  // Each kind answers them itself, so that a new kind says what the search may do with it; an
  // edit a kind does not take returns the fault itself. An edited copy is not from a file: its
  // line is 0.

  /**
   * The same fault at {@code atUs}; itself where its time is not the search's to move (never-start
   * and late-start act at the pod's start, whatever their {@code at:} says).
   */
  FaultDef withAt(long atUs);

  /**
   * The same fault on PD member {@code member} (node-loss: on the node {@code node-<member>}, as
   * explored clusters name their nodes); a partition takes {@code groups} instead, and stays as
   * it is when they are null; itself for a kind that names no member.
   */
  FaultDef withMember(int member, List<List<Integer>> groups);

  /**
   * How long it lasts, as {@link #withLengthUs} sets it (late-start's delay, crash's and
   * operator-restart's restart, pause's, partition's and tc-write's {@code for:}, how long before
   * a restore-snapshot's restore its snapshot is saved); -1 when it has no length or lasts for
   * ever.
   */
  long lengthUs();

  /**
   * The same fault with its length (as {@link #lengthUs}) set to {@code us}; itself when it has
   * none, lasts for ever, or {@code us} is below 1 for a pause, partition, tc-write or
   * restore-snapshot (whose snapshot must come before its restore, and is saved at 0 at the
   * earliest) or below 0 for operator-restart (restarted at once at 0).
   */
  FaultDef withLengthUs(long us);

  /**
   * The same fault in a cluster of {@code members} members: itself, or null when it names a
   * member (node-loss: a node {@code node-<i>}) from {@code members} on; a partition keeps its
   * groups' members below {@code members}, and is null when fewer than two groups remain.
   */
  FaultDef within(int members);

  /** One method per kind: what a driver does with each. */
  interface Visitor<R> {
    R neverStart(NeverStart f);

    R lateStart(LateStart f);

    R crash(Crash f);

    R pause(Pause f);

    R partition(Partition f);

    R setReplicas(SetReplicas f);

    R discoveryRestart(DiscoveryRestart f);

    R tcWrite(TcWrite f);

    R nodeLoss(NodeLoss f);

    R operatorRestart(OperatorRestart f);

    R addTimeout(AddTimeout f);

    R livenessKill(LivenessKill f);
    R restoreSnapshot(RestoreSnapshot f);

    R wrongPeerUrl(WrongPeerUrl f);
  }

  /**
   * {@code restore-snapshot}: a backup sidecar saves member {@code member}'s store at {@code
   * snapshotAt}; at {@code at} the member's container is killed, its volume wiped, the snapshot
   * restored into it and the member started again at once.
   *
   * @param snapshotAtUs {@code snapshotAt:}, when the snapshot is saved (before {@code at})
   * @param selfOnly {@code initialCluster: self}: restored with a list of the member alone;
   *     false ({@code same}, the default): with the member's own {@code --initial-cluster}
   */
  record RestoreSnapshot(long atUs, String cluster, int member, long snapshotAtUs,
      boolean selfOnly, int line) implements FaultDef {
    public RestoreSnapshot {
      check(atUs, member);
      atLeast("snapshotAt", snapshotAtUs, 0);
      if (snapshotAtUs >= atUs) {
        throw new IllegalArgumentException("snapshotAt must be before at: the snapshot is saved"
            + " before it is restored, got snapshotAt " + snapshotAtUs + "us, at " + atUs + "us");
      }
    }

    @Override
    public FaultKind kind() {
      return FaultKind.RESTORE_SNAPSHOT;
    }

    @Override
    public OptionalInt onMember() {
      return OptionalInt.of(member);
    }

    /**
     * Nothing: its member starts again at once, from its own snapshot; a member that cannot go
     * on from it is what the search looks for, not an explanation.
     */
    @Override
    public TakenAway takenAway(int members) {
      return TakenAway.NOTHING;
    }

    @Override
    public long playsOutAfterUs() {
      return 0;
    }

    /**
     * Restored at {@code otherAtUs} from a snapshot saved as long before as this one's, or at 0
     * if that is earlier (as explore draws it; a snapshot saved before the member's pod exists
     * saves nothing, and the member is restored empty); itself at 0, where no snapshot can come
     * before the restore.
     */
    @Override
    public FaultDef withAt(long otherAtUs) {
      return otherAtUs < 1 ? this : new RestoreSnapshot(otherAtUs, cluster, member,
          Math.max(0, otherAtUs - lengthUs()), selfOnly, 0);
    }

    @Override
    public FaultDef withMember(int otherMember, List<List<Integer>> groups) {
      return new RestoreSnapshot(atUs, cluster, otherMember, snapshotAtUs, selfOnly, 0);
    }

    /** How long before the restore the snapshot is saved (the writes it misses). */
    @Override
    public long lengthUs() {
      return atUs - snapshotAtUs;
    }

    /** The snapshot saved {@code us} before the restore, at 0 at the earliest. */
    @Override
    public FaultDef withLengthUs(long us) {
      return us < 1 ? this : new RestoreSnapshot(atUs, cluster, member,
          Math.max(0, atUs - us), selfOnly, 0);
    }

    @Override
    public FaultDef within(int members) {
      return member < members ? this : null;
    }

    @Override
    public <R> R accept(Visitor<R> v) {
      return v.restoreSnapshot(this);
    }
  }

  /**
   * {@code never-start}: the kubelet never starts the container of PD member {@code member}.
   *
   * @param member ordinal of the PD pod
   */
  record NeverStart(long atUs, String cluster, int member, int line) implements FaultDef {
    public NeverStart {
      check(atUs, member);
    }

    @Override
    public FaultKind kind() {
      return FaultKind.NEVER_START;
    }

    @Override
    public OptionalInt onMember() {
      return OptionalInt.of(member);
    }

    @Override
    public TakenAway takenAway(int members) {
      return new TakenAway(List.of(member), List.of(), 0);
    }

    @Override
    public long playsOutAfterUs() {
      return 0;
    }

    /** Itself: it acts at the pod's start. */
    @Override
    public FaultDef withAt(long otherAtUs) {
      return this;
    }

    @Override
    public FaultDef withMember(int otherMember, List<List<Integer>> groups) {
      return new NeverStart(atUs, cluster, otherMember, 0);
    }

    @Override
    public long lengthUs() {
      return -1;
    }

    @Override
    public FaultDef withLengthUs(long us) {
      return this;
    }

    @Override
    public FaultDef within(int members) {
      return member < members ? this : null;
    }

    @Override
    public <R> R accept(Visitor<R> v) {
      return v.neverStart(this);
    }
  }

  /**
   * {@code late-start}: the container of PD member {@code member} starts later than the others.
   *
   * @param delayUs {@code delay:}, added to its start
   */
  record LateStart(long atUs, String cluster, int member, long delayUs, int line)
      implements FaultDef {
    public LateStart {
      check(atUs, member);
      atLeast("delay", delayUs, 0);
    }

    @Override
    public FaultKind kind() {
      return FaultKind.LATE_START;
    }

    @Override
    public OptionalInt onMember() {
      return OptionalInt.of(member);
    }

    /** Nothing: its member starts, later. */
    @Override
    public TakenAway takenAway(int members) {
      return TakenAway.NOTHING;
    }

    @Override
    public long playsOutAfterUs() {
      return delayUs;
    }

    /** Itself: it acts at the pod's start. */
    @Override
    public FaultDef withAt(long otherAtUs) {
      return this;
    }

    @Override
    public FaultDef withMember(int otherMember, List<List<Integer>> groups) {
      return new LateStart(atUs, cluster, otherMember, delayUs, 0);
    }

    @Override
    public long lengthUs() {
      return delayUs;
    }

    @Override
    public FaultDef withLengthUs(long us) {
      return new LateStart(atUs, cluster, member, us, 0);
    }

    @Override
    public FaultDef within(int members) {
      return member < members ? this : null;
    }

    @Override
    public <R> R accept(Visitor<R> v) {
      return v.lateStart(this);
    }
  }

  /**
   * {@code crash}: the container of PD member {@code member} is killed.
   *
   * @param wipe {@code wipe:}, its data is lost as well
   * @param restartAfterUs {@code restartAfter:}, when it starts again; empty: it stays down and
   *     the kubelet handles the exit as any other (back-off restarts)
   */
  record Crash(long atUs, String cluster, int member, boolean wipe, OptionalLong restartAfterUs,
      int line) implements FaultDef {
    public Crash {
      check(atUs, member);
      atLeast("restartAfter", restartAfterUs, 0);
    }

    @Override
    public FaultKind kind() {
      return FaultKind.CRASH;
    }

    @Override
    public OptionalInt onMember() {
      return OptionalInt.of(member);
    }

    @Override
    public TakenAway takenAway(int members) {
      return new TakenAway(restartAfterUs.isPresent() ? List.of() : List.of(member),
          wipe ? List.of(member) : List.of(), 0);
    }

    @Override
    public long playsOutAfterUs() {
      return restartAfterUs.orElse(0);
    }

    @Override
    public FaultDef withAt(long otherAtUs) {
      return new Crash(otherAtUs, cluster, member, wipe, restartAfterUs, 0);
    }

    @Override
    public FaultDef withMember(int otherMember, List<List<Integer>> groups) {
      return new Crash(atUs, cluster, otherMember, wipe, restartAfterUs, 0);
    }

    @Override
    public long lengthUs() {
      return restartAfterUs.orElse(-1);
    }

    @Override
    public FaultDef withLengthUs(long us) {
      return restartAfterUs.isEmpty() ? this
          : new Crash(atUs, cluster, member, wipe, OptionalLong.of(us), 0);
    }

    @Override
    public FaultDef within(int members) {
      return member < members ? this : null;
    }

    @Override
    public <R> R accept(Visitor<R> v) {
      return v.crash(this);
    }
  }

  /**
   * {@code pause}: PD member {@code member}, if it runs then, is frozen and resumed later.
   *
   * @param forUs {@code for:}, how long it is frozen
   */
  record Pause(long atUs, String cluster, int member, long forUs, int line) implements FaultDef {
    public Pause {
      check(atUs, member);
      atLeast("for", forUs, 1);
    }

    @Override
    public FaultKind kind() {
      return FaultKind.PAUSE;
    }

    @Override
    public OptionalInt onMember() {
      return OptionalInt.of(member);
    }

    /** Nothing: its member is resumed. */
    @Override
    public TakenAway takenAway(int members) {
      return TakenAway.NOTHING;
    }

    @Override
    public long playsOutAfterUs() {
      return forUs;
    }

    @Override
    public FaultDef withAt(long otherAtUs) {
      return new Pause(otherAtUs, cluster, member, forUs, 0);
    }

    @Override
    public FaultDef withMember(int otherMember, List<List<Integer>> groups) {
      return new Pause(atUs, cluster, otherMember, forUs, 0);
    }

    @Override
    public long lengthUs() {
      return forUs;
    }

    @Override
    public FaultDef withLengthUs(long us) {
      return us < 1 ? this : new Pause(atUs, cluster, member, us, 0);
    }

    @Override
    public FaultDef within(int members) {
      return member < members ? this : null;
    }

    @Override
    public <R> R accept(Visitor<R> v) {
      return v.pause(this);
    }
  }

  /**
   * {@code partition}: the PD members are cut into groups that cannot reach each other.
   *
   * @param groups {@code groups:}, at least two non-empty lists of member ordinals
   * @param forUs {@code for:}, when every link is healed; empty: never
   */
  record Partition(long atUs, String cluster, List<List<Integer>> groups, OptionalLong forUs,
      int line) implements FaultDef {
    public Partition {
      atLeast("at", atUs, 0);
      groups = groups.stream().map(List::copyOf).toList();
      if (groups.size() < 2 || groups.stream().anyMatch(List::isEmpty)) {
        throw new IllegalArgumentException("a partition needs at least 2 non-empty groups, got "
            + groups);
      }
      atLeast("for", forUs, 1);
    }

    @Override
    public FaultKind kind() {
      return FaultKind.PARTITION;
    }

    @Override
    public OptionalInt onMember() {
      return OptionalInt.empty();
    }

    /** Never healed: the members outside its largest group (the first of the largest). */
    @Override
    public TakenAway takenAway(int members) {
      if (forUs.isPresent()) {
        return TakenAway.NOTHING;
      }
      List<Integer> largest = groups.get(0);
      for (List<Integer> g : groups) {
        largest = g.size() > largest.size() ? g : largest;
      }
      List<Integer> out = new ArrayList<>();
      for (int i = 0; i < members; i++) {
        if (!largest.contains(i)) {
          out.add(i);
        }
      }
      return new TakenAway(out, List.of(), 0);
    }

    @Override
    public long playsOutAfterUs() {
      return forUs.orElse(0);
    }

    @Override
    public FaultDef withAt(long otherAtUs) {
      return new Partition(otherAtUs, cluster, groups, forUs, 0);
    }

    @Override
    public FaultDef withMember(int otherMember, List<List<Integer>> otherGroups) {
      return otherGroups == null ? this : new Partition(atUs, cluster, otherGroups, forUs, 0);
    }

    @Override
    public long lengthUs() {
      return forUs.orElse(-1);
    }

    @Override
    public FaultDef withLengthUs(long us) {
      return us < 1 || forUs.isEmpty() ? this
          : new Partition(atUs, cluster, groups, OptionalLong.of(us), 0);
    }

    @Override
    public FaultDef within(int members) {
      List<List<Integer>> kept = new ArrayList<>();
      for (List<Integer> g : groups) {
        List<Integer> below = g.stream().filter(i -> i < members).toList();
        if (!below.isEmpty()) {
          kept.add(below);
        }
      }
      return kept.size() < 2 ? null : new Partition(atUs, cluster, kept, forUs, 0);
    }

    @Override
    public <R> R accept(Visitor<R> v) {
      return v.partition(this);
    }
  }

  /**
   * {@code set-replicas}: the cluster's desired PD size becomes {@code replicas}.
   *
   * <p>On a {@code static} cluster, {@code initialClusterState} says how a chart's upgrade
   * re-renders the StatefulSet: the template's {@code --initial-cluster} lists all
   * {@code replicas} members and {@code --initial-cluster-state} is {@code new} or {@code
   * existing}; {@code memberAdd} first adds each new member with MemberAdd (as {@code etcdctl
   * member add} or a chart's pre-start script does). Without it the template is unchanged, as
   * {@code kubectl scale} leaves it.
   *
   * @param replicas {@code replicas:}
   * @param initialClusterState {@code initialClusterState:} {@code new}, {@code existing}, or
   *     null (the template is not re-rendered)
   * @param memberAdd {@code memberAdd:} (needs {@code initialClusterState})
   */
  record SetReplicas(long atUs, String cluster, int replicas, String initialClusterState,
      boolean memberAdd, int line) implements FaultDef {
    public SetReplicas {
      atLeast("at", atUs, 0);
      atLeast("replicas", replicas, 1);
      if (initialClusterState != null && !initialClusterState.equals("new")
          && !initialClusterState.equals("existing")) {
        throw new IllegalArgumentException("initialClusterState must be new or existing, got '"
            + initialClusterState + "'");
      }
      if (memberAdd && initialClusterState == null) {
        throw new IllegalArgumentException("memberAdd needs initialClusterState (the new"
            + " members' flags)");
      }
    }

    /** A resize that leaves the pod template as it is. */
    public SetReplicas(long atUs, String cluster, int replicas, int line) {
      this(atUs, cluster, replicas, null, false, line);
    }

    @Override
    public FaultKind kind() {
      return FaultKind.SET_REPLICAS;
    }

    @Override
    public OptionalInt onMember() {
      return OptionalInt.empty();
    }

    /** Nothing: a resize is the operator's input, not a fault. */
    @Override
    public TakenAway takenAway(int members) {
      return TakenAway.NOTHING;
    }

    @Override
    public long playsOutAfterUs() {
      return 0;
    }

    @Override
    public FaultDef withAt(long otherAtUs) {
      return new SetReplicas(otherAtUs, cluster, replicas, initialClusterState, memberAdd, 0);
    }

    @Override
    public FaultDef withMember(int otherMember, List<List<Integer>> groups) {
      return this;
    }

    @Override
    public long lengthUs() {
      return -1;
    }

    @Override
    public FaultDef withLengthUs(long us) {
      return this;
    }

    @Override
    public FaultDef within(int members) {
      return this;
    }

    @Override
    public <R> R accept(Visitor<R> v) {
      return v.setReplicas(this);
    }
  }

  /** {@code discovery-restart}: the cluster's discovery pod is deleted. */
  record DiscoveryRestart(long atUs, String cluster, int line) implements FaultDef {
    public DiscoveryRestart {
      atLeast("at", atUs, 0);
    }

    @Override
    public FaultKind kind() {
      return FaultKind.DISCOVERY_RESTART;
    }

    @Override
    public OptionalInt onMember() {
      return OptionalInt.empty();
    }

    /** Nothing: it touches no member. */
    @Override
    public TakenAway takenAway(int members) {
      return TakenAway.NOTHING;
    }

    @Override
    public long playsOutAfterUs() {
      return 0;
    }

    @Override
    public FaultDef withAt(long otherAtUs) {
      return new DiscoveryRestart(otherAtUs, cluster, 0);
    }

    @Override
    public FaultDef withMember(int otherMember, List<List<Integer>> groups) {
      return this;
    }

    @Override
    public long lengthUs() {
      return -1;
    }

    @Override
    public FaultDef withLengthUs(long us) {
      return this;
    }

    @Override
    public FaultDef within(int members) {
      return this;
    }

    @Override
    public <R> R accept(Visitor<R> v) {
      return v.discoveryRestart(this);
    }
  }

  /**
   * {@code liveness-kill}: PD member {@code member}, if it runs then, hangs for good (it stops
   * answering, as a stopped process does); its kubelet's liveness probe fails and kills the
   * container (only pods that declare a probe: the parser refuses the others).
   */
  record LivenessKill(long atUs, String cluster, int member, int line) implements FaultDef {
    public LivenessKill {
      check(atUs, member);
    }

    @Override
    public FaultKind kind() {
      return FaultKind.LIVENESS_KILL;
    }

    @Override
    public OptionalInt onMember() {
      return OptionalInt.of(member);
    }

    /** Nothing: the kubelet starts the killed container again. */
    @Override
    public TakenAway takenAway(int members) {
      return TakenAway.NOTHING;
    }

    /**
     * The latest the kubelet kills the hung container: its probe's next tick comes within a
     * period, the third failure two periods later, each known when etcdctl gives up, and the
     * kill at the end of the grace period.
     */
    @Override
    public long playsOutAfterUs() {
      io.pdlab.k8s.api.LivenessProbe p = io.pdlab.k8s.operator.EtcdPods.COREOS_LIVENESS;
      return (long) p.periodSeconds() * p.failureThreshold() * 1_000_000L
          + io.pdlab.k8s.controllers.SimContainerRuntime.ETCDCTL_COMMAND_TIMEOUT_MS * 1_000
          + io.pdlab.k8s.controllers.K8sConstants.TERMINATION_GRACE_MS * 1_000;
    }

    @Override
    public FaultDef withAt(long otherAtUs) {
      return new LivenessKill(otherAtUs, cluster, member, 0);
    }

    @Override
    public FaultDef withMember(int otherMember, List<List<Integer>> groups) {
      return new LivenessKill(atUs, cluster, otherMember, 0);
    }

    @Override
    public long lengthUs() {
      return -1;
    }

    @Override
    public FaultDef withLengthUs(long us) {
      return this;
    }

    @Override
    public FaultDef within(int members) {
      return member < members ? this : null;
    }

    @Override
    public <R> R accept(Visitor<R> v) {
      return v.livenessKill(this);
    }
  }

  /**
   * {@code add-timeout}: the first successful MemberAdd answer a client of the cluster (its
   * operator, or a joining PD) gets from {@code at} on is lost: etcd applied the add, the client
   * times out (clientv3's context deadline) and acts on that.
   */
  record AddTimeout(long atUs, String cluster, int line) implements FaultDef {
    public AddTimeout {
      atLeast("at", atUs, 0);
    }

    @Override
    public FaultKind kind() {
      return FaultKind.ADD_TIMEOUT;
    }

    @Override
    public OptionalInt onMember() {
      return OptionalInt.empty();
    }

    /** Nothing: it touches no member. */
    @Override
    public TakenAway takenAway(int members) {
      return TakenAway.NOTHING;
    }

    @Override
    public long playsOutAfterUs() {
      return 0;
    }

    @Override
    public FaultDef withAt(long otherAtUs) {
      return new AddTimeout(otherAtUs, cluster, 0);
    }

    @Override
    public FaultDef withMember(int otherMember, List<List<Integer>> groups) {
      return this;
    }

    @Override
    public long lengthUs() {
      return -1;
    }

    @Override
    public FaultDef withLengthUs(long us) {
      return this;
    }

    @Override
    public FaultDef within(int members) {
      return this;
    }

    @Override
    public <R> R accept(Visitor<R> v) {
      return v.addTimeout(this);
    }
  }

  /**
   * {@code wrong-peer-url}: from {@code at} on, every start of PD member {@code member} advertises
   * a peer URL that reaches nothing (its DNS name with a typo) while its peers and its {@code
   * --initial-cluster} entry keep the right one.
   *
   * @param member ordinal of the PD pod
   */
  record WrongPeerUrl(long atUs, String cluster, int member, int line) implements FaultDef {
    public WrongPeerUrl {
      check(atUs, member);
    }

    @Override
    public FaultKind kind() {
      return FaultKind.WRONG_PEER_URL;
    }

    @Override
    public OptionalInt onMember() {
      return OptionalInt.of(member);
    }

    /**
     * Nothing: whether its member ever joins depends on the strategy (an etcd-operator joiner is
     * added under the right URL and joins); one that does not is a finding.
     */
    @Override
    public TakenAway takenAway(int members) {
      return TakenAway.NOTHING;
    }

    @Override
    public long playsOutAfterUs() {
      return 0;
    }

    @Override
    public FaultDef withAt(long otherAtUs) {
      return new WrongPeerUrl(otherAtUs, cluster, member, 0);
    }

    @Override
    public FaultDef withMember(int otherMember, List<List<Integer>> groups) {
      return new WrongPeerUrl(atUs, cluster, otherMember, 0);
    }

    @Override
    public long lengthUs() {
      return -1;
    }

    @Override
    public FaultDef withLengthUs(long us) {
      return this;
    }

    @Override
    public FaultDef within(int members) {
      return member < members ? this : null;
    }

    @Override
    public <R> R accept(Visitor<R> v) {
      return v.wrongPeerUrl(this);
    }
  }

  /**
   * {@code tc-write}: the cluster's TidbCluster is written at {@code at} and every {@code every}
   * after.
   *
   * @param everyUs {@code every:}
   * @param forUs {@code for:}, how long the writes go on; empty: to the end of the run
   */
  record TcWrite(long atUs, String cluster, long everyUs, OptionalLong forUs, int line)
      implements FaultDef {
    public TcWrite {
      atLeast("at", atUs, 0);
      atLeast("every", everyUs, 1);
      atLeast("for", forUs, 1);
    }

    @Override
    public FaultKind kind() {
      return FaultKind.TC_WRITE;
    }

    @Override
    public OptionalInt onMember() {
      return OptionalInt.empty();
    }

    /** Nothing: it touches no member. */
    @Override
    public TakenAway takenAway(int members) {
      return TakenAway.NOTHING;
    }

    @Override
    public long playsOutAfterUs() {
      return forUs.orElse(0);
    }

    @Override
    public FaultDef withAt(long otherAtUs) {
      return new TcWrite(otherAtUs, cluster, everyUs, forUs, 0);
    }

    @Override
    public FaultDef withMember(int otherMember, List<List<Integer>> groups) {
      return this;
    }

    @Override
    public long lengthUs() {
      return forUs.orElse(-1);
    }

    @Override
    public FaultDef withLengthUs(long us) {
      return us < 1 || forUs.isEmpty() ? this
          : new TcWrite(atUs, cluster, everyUs, OptionalLong.of(us), 0);
    }

    @Override
    public FaultDef within(int members) {
      return this;
    }

    @Override
    public <R> R accept(Visitor<R> v) {
      return v.tcWrite(this);
    }
  }

  /**
   * {@code node-loss}: a node is lost with whatever runs on it, in any cluster.
   *
   * @param node {@code node:}, the node's name
   */
  record NodeLoss(long atUs, String node, int line) implements FaultDef {
    /** How explored clusters name the node of member {@code i}: {@code node-<i>}. */
    public static final String MEMBER_NODE = "node-";

    public NodeLoss {
      atLeast("at", atUs, 0);
      if (Objects.requireNonNull(node, "node").isBlank()) {
        throw new IllegalArgumentException("node must name a node, got '" + node + "'");
      }
    }

    @Override
    public FaultKind kind() {
      return FaultKind.NODE_LOSS;
    }

    @Override
    public OptionalInt onMember() {
      return OptionalInt.empty();
    }

    @Override
    public TakenAway takenAway(int members) {
      return new TakenAway(List.of(), List.of(), 1);
    }

    @Override
    public long playsOutAfterUs() {
      return 0;
    }

    @Override
    public FaultDef withAt(long otherAtUs) {
      return new NodeLoss(otherAtUs, node, 0);
    }

    @Override
    public FaultDef withMember(int otherMember, List<List<Integer>> groups) {
      return new NodeLoss(atUs, MEMBER_NODE + otherMember, 0);
    }

    @Override
    public long lengthUs() {
      return -1;
    }

    @Override
    public FaultDef withLengthUs(long us) {
      return this;
    }

    /**
     * Null when the number its node's name ends with ({@code node-2}, as explored clusters name
     * their nodes) is {@code members} or more; itself when the name ends with no number (it names
     * no member's node).
     */
    @Override
    public FaultDef within(int members) {
      int n = ordinal();
      return n < 0 || n < members ? this : null;
    }

    /**
     * The number its node's name ends with ({@code node-2}: 2), or -1 when it ends with none or
     * with more than 9 digits.
     */
    public int ordinal() {
      int digits = node.length();
      while (digits > 0 && Character.isDigit(node.charAt(digits - 1))) {
        digits--;
      }
      String ordinal = node.substring(digits);
      return ordinal.isEmpty() || ordinal.length() > 9 ? -1 : Integer.parseInt(ordinal);
    }

    @Override
    public <R> R accept(Visitor<R> v) {
      return v.nodeLoss(this);
    }
  }

  /**
   * {@code operator-restart}: the operator of the cluster (etcd-operator or tidb-operator; static
   * has none) crashes and is started again, its memory lost.
   *
   * @param restartAfterUs {@code restartAfter:}, how long it stays down (0: restarted at once)
   */
  record OperatorRestart(long atUs, String cluster, long restartAfterUs, int line)
      implements FaultDef {
    public OperatorRestart {
      atLeast("at", atUs, 0);
      atLeast("restartAfter", restartAfterUs, 0);
    }

    @Override
    public FaultKind kind() {
      return FaultKind.OPERATOR_RESTART;
    }

    @Override
    public OptionalInt onMember() {
      return OptionalInt.empty();
    }

    /** Nothing: it touches no member. */
    @Override
    public TakenAway takenAway(int members) {
      return TakenAway.NOTHING;
    }

    @Override
    public long playsOutAfterUs() {
      return restartAfterUs;
    }

    @Override
    public FaultDef withAt(long otherAtUs) {
      return new OperatorRestart(otherAtUs, cluster, restartAfterUs, 0);
    }

    @Override
    public FaultDef withMember(int otherMember, List<List<Integer>> groups) {
      return this;
    }

    @Override
    public long lengthUs() {
      return restartAfterUs;
    }

    @Override
    public FaultDef withLengthUs(long us) {
      return us < 0 ? this : new OperatorRestart(atUs, cluster, us, 0);
    }

    @Override
    public FaultDef within(int members) {
      return this;
    }

    @Override
    public <R> R accept(Visitor<R> v) {
      return v.operatorRestart(this);
    }
  }

  private static void check(long atUs, int member) {
    atLeast("at", atUs, 0);
    atLeast("member", member, 0);
  }

  private static void atLeast(String key, long value, long min) {
    if (value < min) {
      throw new IllegalArgumentException(key + " must be >= " + min + ", got " + value);
    }
  }

  private static void atLeast(String key, OptionalLong value, long min) {
    if (Objects.requireNonNull(value, key).isPresent()) {
      atLeast(key, value.getAsLong(), min);
    }
  }
}
