package io.pdlab.explore;

import io.pdlab.scenarios.engine.Engine;
import io.pdlab.scenarios.model.FaultDef;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Shrinks a finding to a smaller schedule with the same outcome and mechanism, greedily: each
 * round lists the simpler schedules in a fixed order (drop a fault; the default operator version;
 * the default infrastructure; fewer members; a fault
 * earlier, at a round time of 10 s, 5 s or 1 s or at 0; a shorter delay, pause, partition,
 * restart or gap between a restore and its snapshot ({@link FaultDef#lengthUs}): 0, rounded the
 * same way or halved; a crash without its wipe), runs them a batch at a time
 * (whole-duration runs, as {@code pdlab run} replays them) and takes the first that still shows
 * the finding; it stops when a round takes none or its run
 * budget is spent. Deterministic: the order and the batches do not depend on the engine.
 */
final class Shrinker {
  private static final long[] ROUND_US = {10_000_000L, 5_000_000L, 1_000_000L};

  private final Engine engine;
  private final int budget;

  Shrinker(Engine engine, int budget) {
    this.engine = engine;
    this.budget = budget;
  }

  Explorer.Finding shrink(Explorer.Finding f) {
    Run best = f.original();
    List<String> steps = new ArrayList<>();
    int used = 0;
    boolean progress = true;
    while (progress && used < budget) {
      progress = false;
      List<Schedule> candidates = simpler(best.schedule());
      for (int from = 0; from < candidates.size() && used < budget && !progress;
          from += Explorer.BATCH) {
        List<Schedule> batch = candidates.subList(from, Math.min(candidates.size(),
            Math.min(from + Explorer.BATCH, from + budget - used)));
        List<Run> runs = engine.map(batch, Run::full, k -> { });
        used += runs.size();
        for (Run r : runs) {
          if (same(f, r)) {
            steps.add(step(best.schedule(), r.schedule()));
            best = r;
            progress = true;
            break;
          }
        }
      }
    }
    return new Explorer.Finding(f.strategy(), f.members(), f.outcome(), f.mechanism(),
        f.original(), f.index(), f.runs(), best, steps, used);
  }

  static boolean same(Explorer.Finding f, Run r) {
    return f.outcome().equals(r.outcome()) && f.mechanism().equals(r.mechanism());
  }

  /** The simpler schedules than {@code s}, in the order they are tried. */
  static List<Schedule> simpler(Schedule s) {
    Set<Schedule> out = new LinkedHashSet<>();
    List<FaultDef> faults = s.faults();
    for (int i = 0; i < faults.size(); i++) {
      List<FaultDef> less = new ArrayList<>(faults);
      less.remove(i);
      out.add(s.withFaults(less));
    }
    if (s.operatorVersion() != null) {
      out.add(s.withConfig(null, s.dedicated()));
    }
    if (s.dedicated()) {
      out.add(s.withConfig(s.operatorVersion(), false));
    }
    for (int n = 1; n < s.members(); n++) {
      List<FaultDef> kept = new ArrayList<>();
      for (FaultDef f : faults) {
        FaultDef w = f.within(n);
        if (w != null) {
          kept.add(w);
        }
      }
      out.add(s.with(n, s.seed(), kept));
    }
    for (int i = 0; i < faults.size(); i++) {
      FaultDef f = faults.get(i);
      List<Long> ats = new ArrayList<>();
      for (long unit : ROUND_US) {
        ats.add(f.atUs() / unit * unit);
      }
      ats.add(0L);
      for (long at : ats) {
        if (at < f.atUs()) {
          out.add(replace(s, i, f.withAt(at)));
        }
      }
      long len = f.lengthUs();
      if (len > 0) {
        List<Long> lens = new ArrayList<>();
        lens.add(0L);
        for (long unit : ROUND_US) {
          lens.add(len / unit * unit);
        }
        lens.add(len / 2 / 100_000 * 100_000);
        for (long l : lens) {
          if (l < len) {
            out.add(replace(s, i, f.withLengthUs(l)));
          }
        }
      }
      if (f instanceof FaultDef.Crash x && x.wipe()) {
        out.add(replace(s, i, new FaultDef.Crash(x.atUs(), x.cluster(), x.member(), false,
            x.restartAfterUs(), 0)));
      }
    }
    out.remove(s);
    List<Schedule> valid = new ArrayList<>();
    for (Schedule c : out) {
      if (c.valid()) {
        valid.add(c);
      }
    }
    return valid;
  }

  private static Schedule replace(Schedule s, int i, FaultDef f) {
    List<FaultDef> faults = new ArrayList<>(s.faults());
    faults.set(i, f);
    return s.withFaults(faults);
  }

  /** What a step changed, for the finding's comment. */
  private static String step(Schedule from, Schedule to) {
    if (from.operatorVersion() != null && to.operatorVersion() == null) {
      return "tidb-operator v" + from.operatorVersion() + " -> the default";
    }
    if (from.dedicated() && !to.dedicated()) {
      return "dedicated PD nodes -> the default infrastructure";
    }
    if (from.members() != to.members()) {
      return from.members() + " -> " + to.members() + " members";
    }
    if (to.faults().size() < from.faults().size()) {
      for (FaultDef f : from.faults()) {
        if (!to.faults().contains(f)) {
          return "dropped " + Schedule.flow(from.onInfra(f));
        }
      }
    }
    for (int i = 0; i < from.faults().size() && i < to.faults().size(); i++) {
      if (!from.faults().get(i).equals(to.faults().get(i))) {
        return Schedule.flow(from.onInfra(from.faults().get(i))) + " -> "
            + Schedule.flow(to.onInfra(to.faults().get(i)));
      }
    }
    return "simplified";
  }
}
