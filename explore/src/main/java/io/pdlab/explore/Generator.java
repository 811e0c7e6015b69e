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
 * multiples of 100 ms; every fault has played out ({@code at} plus its delay, pause, heal or
 * restart) by {@link #LAST_CHANGE_US}, so a run has at least 50 s of its 120 s to settle and a
 * slow recovery is not judged stuck.
 */
final class Generator {
  /** The latest time a fault may start or end. */
  static final long LAST_CHANGE_US = 70_000_000L;
  /** At most this many faults in one schedule. */
  static final int MAX_FAULTS = 4;
  private static final long STEP_US = 100_000L;

  private final String strategy;
  private final int members;
  private final List<FaultKind> kinds;
  private final String mutant;

  Generator(String strategy, int members, List<FaultKind> kinds, String mutant) {
    this.strategy = strategy;
    this.members = members;
    this.kinds = List.copyOf(kinds);
    this.mutant = mutant;
  }

  /**
   * The kinds the search uses for {@code strategy} by default: those the simulator carries out
   * and the parser takes for the strategy (probed with one fault of each kind), without {@code
   * tc-write} where there is no TidbCluster to write (it would do nothing). {@code set-replicas}
   * is among them: a resize is the operator's input, not a fault, but the hazards of a resize
   * (the catalog's static scale-ups, a fault on a member a resize created) are what a search
   * must be able to reach.
   */
  static List<FaultKind> defaultKinds(String strategy, int members) {
    List<FaultKind> out = new ArrayList<>();
    for (FaultKind k : FaultKind.values()) {
      if (k.refusal(Backend.SIM) != null
          || k == FaultKind.TC_WRITE && !(strategy.equals("discovery")
              || strategy.equals("v2-static"))) {
        continue;
      }
      if (usable(strategy, members, k)) {
        out.add(k);
      }
    }
    return out;
  }

  /** Whether the parser takes a fault of kind {@code k} on a cluster of this strategy and size. */
  static boolean usable(String strategy, int members, FaultKind k) {
    Generator g = new Generator(strategy, members, List.of(k), null);
    SplittableRandom r = new SplittableRandom(k.ordinal());
    for (int i = 0; i < 5; i++) {
      FaultDef f = g.fault(r, k);
      if (f != null && new Schedule(strategy, members, 1, List.of(f)).valid()) {
        return true;
      }
    }
    return false;
  }

  /** A fresh schedule of 1 to {@link #MAX_FAULTS} faults. */
  Schedule fresh(RandomGenerator r, long seed) {
    int count = 1 + r.nextInt(Math.min(MAX_FAULTS, 3));
    List<FaultDef> faults = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      FaultDef f = fault(r, kinds.get(r.nextInt(kinds.size())));
      if (f != null) {
        faults.add(f);
      }
    }
    return new Schedule(strategy, members, seed, faults, mutant);
  }

  /**
   * One mutation of {@code s}: add a fault, remove one, move one's time, change its member or
   * groups, change its duration, or draw a new simulator seed.
   */
  Schedule mutate(RandomGenerator r, Schedule s, long freshSeed) {
    List<FaultDef> faults = new ArrayList<>(s.faults());
    int op = r.nextInt(6);
    if (faults.isEmpty() || op == 0 && faults.size() < MAX_FAULTS) {
      FaultDef f = fault(r, kinds.get(r.nextInt(kinds.size())));
      if (f != null) {
        faults.add(f);
      }
      return s.withFaults(faults);
    }
    int i = r.nextInt(faults.size());
    FaultDef f = faults.get(i);
    switch (op) {
      case 1 -> faults.remove(i);
      case 2 -> faults.set(i, f.withAt(Math.max(0, f.atUs() + (r.nextInt(41) - 20) * STEP_US
          * 5)));
      case 3 -> faults.set(i, f.withMember(r.nextInt(members), partition(r)));
      case 4 -> faults.set(i, f.withLengthUs(time(r, 1, 40)));
      default -> {
        return s.with(s.members(), freshSeed, faults);
      }
    }
    return s.withFaults(faults);
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

  /** A fault of kind {@code k} at a random time, or null if none fits. */
  FaultDef fault(RandomGenerator r, FaultKind k) {
    long at = r.nextBoolean() ? time(r, 0, 60) / 1_000_000 * 1_000_000 : time(r, 0, 60);
    int member = r.nextInt(members);
    long room = LAST_CHANGE_US - at;
    FaultDef f = switch (k) {
      case NEVER_START -> new FaultDef.NeverStart(0, null, member, 0);
      case LATE_START -> new FaultDef.LateStart(0, null, member, Math.min(room, time(r, 1, 60)),
          0);
      case CRASH -> new FaultDef.Crash(at, null, member, r.nextInt(10) < 3, r.nextInt(10) < 8
          ? OptionalLong.of(Math.min(room, time(r, 0, 30))) : OptionalLong.empty(), 0);
      case PAUSE -> new FaultDef.Pause(at, null, member, Math.max(STEP_US, Math.min(room,
          time(r, 1, 30))), 0);
      case PARTITION -> members < 2 ? null : new FaultDef.Partition(at, null, partition(r),
          r.nextInt(10) < 8 ? OptionalLong.of(Math.max(STEP_US, Math.min(room, time(r, 1, 40))))
              : OptionalLong.empty(), 0);
      case SET_REPLICAS -> setReplicas(r, at);
      case DISCOVERY_RESTART -> new FaultDef.DiscoveryRestart(at, null, 0);
      case TC_WRITE -> new FaultDef.TcWrite(at, null, time(r, 1, 10), OptionalLong.of(Math.max(
          STEP_US, Math.min(room, time(r, 5, 60)))), 0);
      case NODE_LOSS -> new FaultDef.NodeLoss(at, "node-" + member, 0);
      case OPERATOR_RESTART -> new FaultDef.OperatorRestart(at, null, Math.min(room,
          time(r, 0, 30)), 0);
      case ADD_TIMEOUT -> new FaultDef.AddTimeout(at, null, 0);
      // A liveness kill plays out over up to 215 s (3 probe periods of 60 s, etcdctl's 5 s and
      // the 30 s grace), longer than an explored run.
      case LIVENESS_KILL -> null;
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
