package io.pdlab.pd.run;

import io.pdlab.pd.etcd.EtcdMessages.ClientOp;
import io.pdlab.pd.etcd.EtcdTiming;
import io.pdlab.sim.Budget;
import io.pdlab.sim.Rng;
import io.pdlab.sim.RunResult;
import io.pdlab.sim.fault.FaultSchedule;
import io.pdlab.sim.fault.RandomFaultGenerator;
import io.pdlab.sim.process.ProcessState;
import io.pdlab.sim.trace.TraceSink;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/**
 * One seeded run of a static etcd cluster under client writes and random faults (crash, pause,
 * partition, one-way cut, delay; no wipes, which lose data by design), then a full heal. Shape,
 * timing profile and faults are all drawn from the seed.
 */
final class RandomFaultRun {
  static final long FAULT_HORIZON_US = 20_000_000;
  static final long HEAL_AT_US = 26_000_000;
  static final long END_US = 40_000_000;

  final long seed;
  final EtcdWorld world;
  final List<String> members = new ArrayList<>();
  final String knobs;
  RunResult result;

  RandomFaultRun(long seed, boolean traced, TraceSink sink) {
    this.seed = seed;
    world = new EtcdWorld(seed, Budget.of(5_000_000, END_US + 1), traced);
    if (sink != null) {
      world.sim().addTraceSink(sink);
    }
    Rng knobsRng = world.sim().stream("knobs");
    int n = knobsRng.chance(0.5) ? 3 : 5;
    EtcdTiming timing = knobsRng.chance(0.5) ? EtcdTiming.ETCD_DEFAULTS : EtcdTiming.PD_PROFILE;
    for (int i = 0; i < n; i++) {
      members.add("m" + i);
    }
    world.addStatic(members, timing, "tok");
    int faults = 2 + knobsRng.nextInt(6);
    FaultSchedule schedule = RandomFaultGenerator.generate(world.sim().stream("faults"), members,
        new RandomFaultGenerator.Params(FAULT_HORIZON_US, faults, 300_000, 5_000_000, 2_000_000,
            EnumSet.of(RandomFaultGenerator.Kind.CRASH, RandomFaultGenerator.Kind.PAUSE,
                RandomFaultGenerator.Kind.PARTITION, RandomFaultGenerator.Kind.CUT,
                RandomFaultGenerator.Kind.DELAY)));
    knobs = "seed=" + seed + " members=" + n + " timing=" + (timing == EtcdTiming.PD_PROFILE
        ? "pd" : "etcd") + " faults:\n" + schedule;
    world.sim().note("-", knobs);
    world.sim().install(schedule);
    world.sim().addInvariant(world.recorder().singleCluster());
    Rng writes = world.sim().stream("writes");
    scheduleWrite(writes, 0);
    world.sim().schedule(HEAL_AT_US, this::healEverything);
    for (String m : members) {
      world.sim().start(m);
    }
  }

  private void scheduleWrite(Rng rng, int i) {
    world.sim().schedule(rng.between(50_000, 400_000), () -> {
      if (world.sim().nowUs() < HEAL_AT_US) {
        String target = members.get(rng.nextInt(members.size()));
        world.client().send(target, new ClientOp.Put("k" + (i % 7), "v" + i));
        scheduleWrite(rng, i + 1);
      }
    });
  }

  private void healEverything() {
    world.sim().network().healAll();
    for (String m : members) {
      if (world.sim().state(m) == ProcessState.PAUSED) {
        world.sim().resume(m);
      } else if (world.sim().state(m) == ProcessState.DOWN) {
        world.sim().start(m);
      }
    }
  }

  RunResult run() {
    result = world.runUntil(END_US);
    return result;
  }

  /**
   * What is wrong with this run, or null: safety violations, a member's panic, lost writes, no
   * leader at the end.
   */
  String problems() {
    List<String> out = new ArrayList<>();
    if (result.outcome() != io.pdlab.sim.RunOutcome.COMPLETED) {
      out.add("run ended early: " + result.describe());
    }
    result.violations().forEach(v -> out.add(v.describe()));
    // etcd panics only on a log that lost entries, and these runs lose no disk.
    world.recorder().exits().forEach((member, reason) -> {
      if (reason.startsWith("panic: ")) {
        out.add(member + " exited with a " + reason);
      }
    });
    world.lostWrites().forEach(w -> out.add("lost acknowledged write " + w));
    if (!world.health().serving()) {
      out.add("no serving leader 14 s after everything healed:\n" + world.status());
    }
    return out.isEmpty() ? null : knobs + String.join("\n", out);
  }
}
