package io.pdlab.sim.fault;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A declarative, timed list of faults, kept sorted by time (faults at the same time keep the order
 * they were given in). The simulator installs each as an event; printing the schedule prints what
 * a run will do.
 */
public record FaultSchedule(List<TimedFault> faults) {
  public static final FaultSchedule NONE = new FaultSchedule(List.of());

  public FaultSchedule {
    List<TimedFault> sorted = new ArrayList<>(faults);
    sorted.sort(Comparator.comparingLong(TimedFault::atUs)); // stable: ties keep given order
    faults = List.copyOf(sorted);
  }

  public static Builder builder() {
    return new Builder();
  }

  public boolean isEmpty() {
    return faults.isEmpty();
  }

  /** One fault a line, e.g. {@code at 5.000000s crash pd-0}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    for (TimedFault f : faults) {
      sb.append(f).append('\n');
    }
    return sb.toString();
  }

  /** Builds a schedule fault by fault. */
  public static final class Builder {
    private final List<TimedFault> faults = new ArrayList<>();

    public Builder at(long atUs, Fault fault) {
      faults.add(new TimedFault(atUs, fault));
      return this;
    }

    public FaultSchedule build() {
      return new FaultSchedule(faults);
    }
  }
}
