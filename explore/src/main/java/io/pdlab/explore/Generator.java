package io.pdlab.explore;

import io.pdlab.scenarios.model.Backend;
import io.pdlab.scenarios.model.FaultDef;
import io.pdlab.scenarios.model.FaultKind;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Fresh schedules and mutations of schedules, drawn from a seeded random stream. Times are whole
 * multiples of 100 ms. A short schedule's faults have played out ({@code at} plus its delay,
 * pause, heal or restart) by {@link #LAST_CHANGE_US}, so its run of 120 s has at least 50 s to
 * settle and a slow recovery is not judged stuck. With long runs on, one fresh schedule in
 * {@link #LONG_ONE_IN} is long: its faults are drawn to start by {@link #LONG_START_US}, with
 * pauses and partitions of up to 14 minutes, and it may kill a member by its liveness probe; its
 * faults play out by {@link #LONG_LAST_CHANGE_US} (mutations too), and its run goes on 50 s past
 * its last change, rounded up to 10 s ({@link Schedule#durationUs}). For discovery, a schedule may also run tidb-operator v1.0's discovery
 * service and tidb-operator's AWS layout ({@link Schedule#dedicatedInfra}).
 */
final class Generator {
  /** The latest time a short schedule's fault may start or end. */
  static final long LAST_CHANGE_US = 70_000_000L;
  /**
   * The latest time a long schedule's fault may end: 15 minutes, so that a member can hang past
   * tidb-operator's 5-minute PD failover period and the failover's aftermath can play out, as
   * the catalog's longest scenarios (900 s) need. A search parameter, not an upstream value.
   */
  static final long LONG_LAST_CHANGE_US = 900_000_000L;
  /** The latest time a long schedule's fault may start: 7 minutes. */
  static final long LONG_START_US = 420_000_000L;
  /** The longest pause or partition of a long schedule, in seconds: 14 minutes. */
  static final int LONG_HOLD_S = 840;
  /** The longest wait before a restart in a long schedule, in seconds: 5 minutes. */
  static final int LONG_RESTART_S = 300;
  /** The latest time a short schedule's fault may start. */
  private static final long SHORT_START_US = 60_000_000L;
  /** One fresh schedule in this many is long, when long runs are on. */
  static final int LONG_ONE_IN = 8;
  /** At most this many faults in one schedule. */
  static final int MAX_FAULTS = 4;
  /** The tidb-operator version a discovery schedule may run instead of the default. */
  static final String OTHER_OPERATOR_VERSION = io.pdlab.pd.tidb.TidbOperatorVersion.V1_0.label();
  private static final long STEP_US = 100_000L;

  private final String strategy;
  private final int members;
  private final List<FaultKind> kinds;
  /** The kinds a short schedule has room for. */
  private final List<FaultKind> shortKinds;
  private final String mutant;
  private final boolean longRuns;

  Generator(String strategy, int members, List<FaultKind> kinds, String mutant) {
    this(strategy, members, kinds, mutant, false);
  }

  /** @param longRuns whether it draws long schedules too */
  Generator(String strategy, int members, List<FaultKind> kinds, String mutant,
      boolean longRuns) {
    this.strategy = strategy;
    this.members = members;
    this.kinds = List.copyOf(kinds);
    this.shortKinds = kinds.stream().filter(k -> k != FaultKind.LIVENESS_KILL).toList();
    this.mutant = mutant;
    this.longRuns = longRuns;
  }

  /**
   * Whether the search varies the operator version and the infrastructure for {@code strategy}:
   * for discovery, tidb-operator's, whose v1.0 discovery service and AWS layout the model has.
   */
  static boolean variesConfig(String strategy) {
    return strategy.equals("discovery");
  }

  /**
   * The kinds the search uses for {@code strategy} by default: those the simulator carries out
   * and the parser takes for the strategy (probed with one fault of each kind), without {@code
   * tc-write} where there is no TidbCluster to write (it would do nothing). {@code set-replicas}
   * is among them: a resize is the operator's input, not a fault, but the hazards of a resize
   * (the catalog's static scale-ups, a fault on a member a resize created) are what a search
   * must be able to reach. With {@code longRuns}, also the kinds only long schedules draw
   * ({@code liveness-kill}).
   */
  static List<FaultKind> defaultKinds(String strategy, int members, boolean longRuns) {
    List<FaultKind> out = new ArrayList<>();
    for (FaultKind k : FaultKind.values()) {
      if (k.refusal(Backend.SIM) != null
          || k == FaultKind.TC_WRITE && !(strategy.equals("discovery")
              || strategy.equals("v2-static"))) {
        continue;
      }
      if (usable(strategy, members, k, longRuns)) {
        out.add(k);
      }
    }
    return out;
  }

  /**
   * Whether the parser takes a fault of kind {@code k} drawn for a cluster of this strategy and
   * size, in a short schedule or (with {@code longRuns}) a long one.
   */
  static boolean usable(String strategy, int members, FaultKind k, boolean longRuns) {
    Generator g = new Generator(strategy, members, List.of(k), null);
    SplittableRandom r = new SplittableRandom(k.ordinal());
    for (int i = 0; i < 6; i++) {
      FaultDef f = g.fault(r, k, longRuns && i % 2 == 1);
      if (f != null && new Schedule(strategy, members, 1, List.of(f)).valid()) {
        return true;
      }
    }
    return false;
  }

  /**
   * A fresh schedule of 1 to 3 faults; with long runs, long one time in {@link #LONG_ONE_IN}.
   * For discovery, tidb-operator v1.0 one time in four and the AWS layout one time in four.
   */
  Schedule fresh(RandomGenerator r, long seed) {
    boolean isLong = longRuns && (shortKinds.isEmpty() || r.nextInt(LONG_ONE_IN) == 0);
    int count = 1 + r.nextInt(Math.min(MAX_FAULTS, 3));
    List<FaultDef> faults = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      FaultDef f = fault(r, kind(r, isLong), isLong);
      if (f != null) {
        faults.add(f);
      }
    }
    String version = null;
    boolean dedicated = false;
    if (variesConfig(strategy)) {
      version = r.nextInt(4) == 0 ? OTHER_OPERATOR_VERSION : null;
      dedicated = r.nextInt(4) == 0;
    }
    return new Schedule(strategy, members, seed, faults, mutant, version, dedicated);
  }

  /**
   * One mutation of {@code s}: add a fault, remove one, move one's time, change its member or
   * groups, change its duration, draw a new simulator seed, copy a fault onto another member
   * (faults that strike together, as a rack's or a disk's), or for discovery switch the operator
   * version or the infrastructure. A long schedule's faults are added and lengthened as a long
   * schedule's are drawn and moved by up to a minute; a short schedule's new fault is long one
   * time in {@link #LONG_ONE_IN} (with long runs). A moved or lengthened fault still plays out by
   * the schedule's limit ({@link #fit}), so a short schedule stays short and a long one ends by
   * {@link #LONG_LAST_CHANGE_US}.
   */
  Schedule mutate(RandomGenerator r, Schedule s, long freshSeed) {
    List<FaultDef> faults = new ArrayList<>(s.faults());
    boolean isLong = longRuns && s.isLong();
    long limit = isLong ? LONG_LAST_CHANGE_US : LAST_CHANGE_US;
    boolean config = variesConfig(strategy);
    int op = r.nextInt(config ? 8 : 7);
    if (op == 6 && !config) {
      op = 7;
    }
    if (op == 6) {
      return r.nextBoolean() ? s.withConfig(s.operatorVersion() == null ? OTHER_OPERATOR_VERSION
          : null, s.dedicated()) : s.withConfig(s.operatorVersion(), !s.dedicated());
    }
    if (faults.isEmpty() || op == 0 && faults.size() < MAX_FAULTS) {
      // a short schedule's new fault is long as often as a fresh schedule is
      boolean longFault = isLong || longRuns && r.nextInt(LONG_ONE_IN) == 0;
      FaultDef f = fault(r, kind(r, longFault), longFault);
      if (f == null || faults.contains(f)) {
        return s.with(s.members(), freshSeed, faults); // nothing new to add: a new seed
      }
      faults.add(f);
      return s.withFaults(faults);
    }
    int i = r.nextInt(faults.size());
    FaultDef f = faults.get(i);
    switch (op) {
      case 1 -> faults.remove(i);
      case 2 -> faults.set(i, fit(f.withAt(Math.max(0, f.atUs() + (r.nextInt(isLong ? 241 : 41)
          - (isLong ? 120 : 20)) * STEP_US * 5)), f, limit, false));
      case 3 -> faults.set(i, f.withMember(r.nextInt(members), partition(r)));
      case 4 -> faults.set(i, fit(f.withLengthUs(length(r, f.kind(), isLong)), f, limit, true));
      case 7 -> {
        FaultDef copy = faults.size() < MAX_FAULTS ? copy(r, f) : null;
        if (copy == null || faults.contains(copy)) {
          return s.with(s.members(), freshSeed, faults);
        }
        faults.add(copy);
      }
      default -> {
        return s.with(s.members(), freshSeed, faults);
      }
    }
    return s.withFaults(faults);
  }

  /**
   * A kind to draw a fault of: any searched kind for a long fault, else one a short schedule
   * has room for (all but those only long schedules draw, when there are others).
   */
  private FaultKind kind(RandomGenerator r, boolean longFault) {
    List<FaultKind> from = longFault || shortKinds.isEmpty() ? kinds : shortKinds;
    return from.get(r.nextInt(from.size()));
  }

  /**
   * A new length for a fault of kind {@code k} ({@link FaultDef#withLengthUs}), as {@link
   * #fault} draws them: in a long schedule a pause or partition of up to {@link #LONG_HOLD_S},
   * a restart after up to {@link #LONG_RESTART_S}; otherwise up to 40 s.
   */
  private static long length(RandomGenerator r, FaultKind k, boolean isLong) {
    if (isLong && (k == FaultKind.PAUSE || k == FaultKind.PARTITION)) {
      return time(r, 1, LONG_HOLD_S);
    }
    if (isLong && (k == FaultKind.CRASH || k == FaultKind.OPERATOR_RESTART)) {
      return time(r, 0, LONG_RESTART_S);
    }
    return time(r, 1, 40);
  }

  /**
   * {@code f} copied onto another member at the same time and for as long (a node-loss onto
   * another member's node), or null when it names no member or the cluster has one.
   */
  private FaultDef copy(RandomGenerator r, FaultDef f) {
    int on;
    if (f instanceof FaultDef.NodeLoss n) {
      on = n.node().startsWith(FaultDef.NodeLoss.MEMBER_NODE) ? n.ordinal() : -1;
    } else {
      on = f.onMember().orElse(-1);
    }
    if (on < 0 || on >= members || members < 2) {
      return null;
    }
    return f.withMember((on + 1 + r.nextInt(members - 1)) % members, null);
  }

  /**
   * {@code changed} (a mutation of {@code before}) as it is when it plays out by {@code limit}
   * (the schedule's: {@link #LAST_CHANGE_US} for a short one, so that it stays short, {@link
   * #LONG_LAST_CHANGE_US} for a long one); else shortened to end there or moved earlier to,
   * in the order {@code shorterFirst} says; else {@code before}.
   */
  private static FaultDef fit(FaultDef changed, FaultDef before, long limit,
      boolean shorterFirst) {
    if (endsBy(changed, limit)) {
      return changed;
    }
    FaultDef earlier = changed.withAt(Math.max(0, limit - changed.playsOutAfterUs()));
    FaultDef shorter = changed.lengthUs() > 0 && changed.atUs() < limit
        ? changed.withLengthUs(limit - changed.atUs()) : changed;
    for (FaultDef c : shorterFirst ? List.of(shorter, earlier) : List.of(earlier, shorter)) {
      if (endsBy(c, limit)) {
        return c;
      }
    }
    return before;
  }

  private static boolean endsBy(FaultDef f, long limit) {
    return f.atUs() + f.playsOutAfterUs() <= limit;
  }

  /**
   * A resize to any other size from 1 to {@code members + 2}. A static cluster's resize is a
   * chart's upgrade, drawn as the catalog's static scale-ups do it: the pod template left alone,
   * or {@code --initial-cluster} re-rendered with the new members started {@code new} or {@code
   * existing}, with or without a MemberAdd before each; other strategies' operators are only
   * given the new replica count.
   */
  private FaultDef setReplicas(RandomGenerator r, long at) {
    int to = 1 + r.nextInt(members + 1);
    if (to >= members) {
      to++;
    }
    String state = null;
    boolean memberAdd = false;
    if (strategy.equals("static")) {
      int pick = r.nextInt(3);
      state = pick == 0 ? null : pick == 1 ? "new" : "existing";
      memberAdd = state != null && r.nextBoolean();
    }
    return new FaultDef.SetReplicas(at, null, to, state, memberAdd, 0);
  }

  /** A fault of kind {@code k} at a random time, as a short schedule draws it, or null. */
  FaultDef fault(RandomGenerator r, FaultKind k) {
    return fault(r, k, false);
  }

  /**
   * A fault of kind {@code k} at a random time, or null if none fits: in a short schedule,
   * starting by 60 s and over by {@link #LAST_CHANGE_US}; in a long one ({@code isLong}),
   * starting by {@link #LONG_START_US} with pauses and partitions of up to 840 s and restarts
   * after up to 300 s, over by {@link #LONG_LAST_CHANGE_US}.
   */
  FaultDef fault(RandomGenerator r, FaultKind k, boolean isLong) {
    int startS = (int) ((isLong ? LONG_START_US : SHORT_START_US) / 1_000_000);
    long at = r.nextBoolean() ? time(r, 0, startS) / 1_000_000 * 1_000_000 : time(r, 0, startS);
    int member = r.nextInt(members);
    long room = (isLong ? LONG_LAST_CHANGE_US : LAST_CHANGE_US) - at;
    int hold = isLong ? LONG_HOLD_S : 30;
    int cut = isLong ? LONG_HOLD_S : 40;
    int restart = isLong ? LONG_RESTART_S : 30;
    FaultDef f = switch (k) {
      case NEVER_START -> new FaultDef.NeverStart(0, null, member, 0);
      case LATE_START -> new FaultDef.LateStart(0, null, member, Math.min(room, time(r, 1, 60)),
          0);
      case CRASH -> new FaultDef.Crash(at, null, member, r.nextInt(10) < 3, r.nextInt(10) < 8
          ? OptionalLong.of(Math.min(room, time(r, 0, restart))) : OptionalLong.empty(), 0);
      case PAUSE -> new FaultDef.Pause(at, null, member, Math.max(STEP_US, Math.min(room,
          time(r, 1, hold))), 0);
      case PARTITION -> members < 2 ? null : new FaultDef.Partition(at, null, partition(r),
          r.nextInt(10) < 8 ? OptionalLong.of(Math.max(STEP_US, Math.min(room, time(r, 1, cut))))
              : OptionalLong.empty(), 0);
      case SET_REPLICAS -> setReplicas(r, at);
      case DISCOVERY_RESTART -> new FaultDef.DiscoveryRestart(at, null, 0);
      case TC_WRITE -> new FaultDef.TcWrite(at, null, time(r, 1, 10), OptionalLong.of(Math.max(
          STEP_US, Math.min(room, time(r, 5, 60)))), 0);
      case NODE_LOSS -> new FaultDef.NodeLoss(at, FaultDef.NodeLoss.MEMBER_NODE + member, 0);
      case OPERATOR_RESTART -> new FaultDef.OperatorRestart(at, null, Math.min(room,
          time(r, 0, restart)), 0);
      case ADD_TIMEOUT -> new FaultDef.AddTimeout(at, null, 0);
      // A liveness kill plays out over up to 215 s (3 probe periods of 60 s, etcdctl's 5 s and
      // the 30 s grace): only a long schedule has room for it.
      case LIVENESS_KILL -> isLong ? new FaultDef.LivenessKill(at, null, member, 0) : null;
      case WRONG_PEER_URL -> new FaultDef.WrongPeerUrl(at, null, member, 0);
      case RESTORE_SNAPSHOT -> at < STEP_US ? null : new FaultDef.RestoreSnapshot(at, null,
          member, Math.max(0, at - Math.max(STEP_US, time(r, 1, 30))), r.nextInt(10) < 3, 0);
    };
    return f;
  }

  /** Two non-empty groups of the members. */
  List<List<Integer>> partition(RandomGenerator r) {
    if (members < 2) {
      return null;
    }
    List<Integer> a = new ArrayList<>();
    List<Integer> b = new ArrayList<>();
    int mask = 1 + r.nextInt((1 << members) - 2);
    for (int i = 0; i < members; i++) {
      ((mask >> i & 1) == 1 ? a : b).add(i);
    }
    return List.of(a, b);
  }

  /** A time between {@code fromS} and {@code toS} seconds, in steps of 100 ms. */
  private static long time(RandomGenerator r, int fromS, int toS) {
    return (fromS * 10L + r.nextInt((toS - fromS) * 10 + 1)) * STEP_US;
  }
}
