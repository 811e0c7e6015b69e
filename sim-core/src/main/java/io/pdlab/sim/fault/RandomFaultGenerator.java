package io.pdlab.sim.fault;

import io.pdlab.sim.Rng;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Draws a {@link FaultSchedule} from a seeded stream: faults at uniform times within a horizon,
 * each paired with its undoing (crash then restart, pause then resume, partition or cut or delay
 * then heal, wipe then restart) after a uniform duration. Same stream, same parameters: same
 * schedule.
 */
public final class RandomFaultGenerator {
  /** The kinds of fault the generator may draw. */
  public enum Kind { CRASH, PAUSE, PARTITION, CUT, DELAY, WIPE }

  /**
   * @param horizonUs faults start in [0, horizonUs)
   * @param count how many faults to draw (each with its undoing)
   * @param minDurationUs shortest time until the undoing
   * @param maxDurationUs longest time until the undoing
   * @param maxDelayUs largest extra delay a DELAY fault adds
   * @param kinds the kinds to draw from, uniformly
   */
  public record Params(long horizonUs, int count, long minDurationUs, long maxDurationUs,
      long maxDelayUs, Set<Kind> kinds) {
    public Params {
      if (horizonUs < 1) {
        throw new IllegalArgumentException("fault horizon must be >= 1 us, got " + horizonUs);
      }
      if (count < 0) {
        throw new IllegalArgumentException("fault count must be >= 0, got " + count);
      }
      if (minDurationUs < 0 || maxDurationUs < minDurationUs) {
        throw new IllegalArgumentException("fault durations need 0 <= min <= max, got ["
            + minDurationUs + ", " + maxDurationUs + "] us");
      }
      if (maxDelayUs < 1 && kinds.contains(Kind.DELAY)) {
        throw new IllegalArgumentException("DELAY faults need maxDelayUs >= 1, got " + maxDelayUs);
      }
      if (kinds.isEmpty()) {
        throw new IllegalArgumentException("at least one fault kind is needed");
      }
      kinds = Collections.unmodifiableSet(EnumSet.copyOf(kinds));
    }
  }

  private RandomFaultGenerator() {}

  /**
   * Draws a schedule over {@code processes} (in the given order, which the draws depend on).
   *
   * @throws IllegalArgumentException if there are no processes, or fewer than two for network
   *     faults between processes
   */
  public static FaultSchedule generate(Rng rng, List<String> processes, Params p) {
    if (processes.isEmpty()) {
      throw new IllegalArgumentException("no processes to inject faults into");
    }
    if (new LinkedHashSet<>(processes).size() != processes.size()) {
      throw new IllegalArgumentException("process names repeat: " + processes);
    }
    List<Kind> kinds = new ArrayList<>(EnumSet.copyOf(p.kinds())); // enum order: stable
    if (processes.size() < 2) {
      kinds.remove(Kind.PARTITION);
      kinds.remove(Kind.CUT);
      if (kinds.isEmpty()) {
        throw new IllegalArgumentException("partition and cut faults need at least 2 processes");
      }
    }
    FaultSchedule.Builder b = FaultSchedule.builder();
    for (int i = 0; i < p.count(); i++) {
      long at = rng.nextLong(p.horizonUs());
      long until = at + rng.between(p.minDurationUs(), p.maxDurationUs());
      Kind kind = kinds.get(rng.nextInt(kinds.size()));
      String victim = processes.get(rng.nextInt(processes.size()));
      switch (kind) {
        case CRASH -> b.at(at, new Fault.Crash(victim)).at(until, new Fault.Restart(victim));
        case WIPE -> b.at(at, new Fault.Wipe(victim)).at(until, new Fault.Restart(victim));
        case PAUSE -> b.at(at, new Fault.Pause(victim)).at(until, new Fault.Resume(victim));
        case DELAY -> b.at(at, new Fault.Delay(victim, rng.between(1, p.maxDelayUs())))
            .at(until, new Fault.Delay(victim, 0));
        case CUT -> {
          String other = otherThan(rng, processes, victim);
          b.at(at, new Fault.Cut(victim, other)).at(until, new Fault.Heal());
        }
        case PARTITION -> {
          List<String> left = new ArrayList<>();
          List<String> right = new ArrayList<>();
          left.add(victim);
          right.add(otherThan(rng, processes, victim));
          for (String n : processes) {
            if (!left.contains(n) && !right.contains(n)) {
              (rng.chance(0.5) ? left : right).add(n);
            }
          }
          b.at(at, new Fault.Partition(List.of(left, right))).at(until, new Fault.Heal());
        }
        default -> throw new IllegalStateException("unhandled fault kind " + kind);
      }
    }
    return b.build();
  }

  private static String otherThan(Rng rng, List<String> processes, String victim) {
    List<String> others = new ArrayList<>(processes);
    others.remove(victim);
    return others.get(rng.nextInt(others.size()));
  }
}
