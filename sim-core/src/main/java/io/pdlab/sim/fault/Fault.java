package io.pdlab.sim.fault;

import java.util.List;

/** One fault, as data. {@link #toString()} is the stable form used in traces and schedules. */
public sealed interface Fault {
  void apply(FaultTarget target);

  record Crash(String process) implements Fault {
    @Override
    public void apply(FaultTarget t) {
      t.crash(process);
    }

    @Override
    public String toString() {
      return "crash " + process;
    }
  }

  record Restart(String process) implements Fault {
    @Override
    public void apply(FaultTarget t) {
      t.restart(process);
    }

    @Override
    public String toString() {
      return "restart " + process;
    }
  }

  record Pause(String process) implements Fault {
    @Override
    public void apply(FaultTarget t) {
      t.pause(process);
    }

    @Override
    public String toString() {
      return "pause " + process;
    }
  }

  record Resume(String process) implements Fault {
    @Override
    public void apply(FaultTarget t) {
      t.resume(process);
    }

    @Override
    public String toString() {
      return "resume " + process;
    }
  }

  record Wipe(String process) implements Fault {
    @Override
    public void apply(FaultTarget t) {
      t.wipe(process);
    }

    @Override
    public String toString() {
      return "wipe " + process;
    }
  }

  /** Cuts every link between different groups, both ways (see {@code Network#partition}). */
  record Partition(List<List<String>> groups) implements Fault {
    public Partition {
      groups = groups.stream().map(List::copyOf).toList();
      if (groups.size() < 2) {
        throw new IllegalArgumentException("a partition needs at least two groups, got " + groups);
      }
    }

    @Override
    public void apply(FaultTarget t) {
      t.network().partition(groups);
    }

    @Override
    public String toString() {
      StringBuilder sb = new StringBuilder("partition");
      for (List<String> g : groups) {
        sb.append(' ').append(String.join(",", g));
      }
      return sb.toString();
    }
  }

  /** Cuts one direction only: {@code from} can no longer reach {@code to}. */
  record Cut(String from, String to) implements Fault {
    @Override
    public void apply(FaultTarget t) {
      t.network().cut(from, to);
    }

    @Override
    public String toString() {
      return "cut " + from + "->" + to;
    }
  }

  /** Restores every link and removes every extra delay. */
  record Heal() implements Fault {
    @Override
    public void apply(FaultTarget t) {
      t.network().healAll();
    }

    @Override
    public String toString() {
      return "heal";
    }
  }

  /** Adds {@code extraUs} to every message to or from {@code process}; 0 removes it. */
  record Delay(String process, long extraUs) implements Fault {
    public Delay {
      if (extraUs < 0) {
        throw new IllegalArgumentException("extra delay must be >= 0 us, got " + extraUs);
      }
    }

    @Override
    public void apply(FaultTarget t) {
      t.network().delay(process, extraUs);
    }

    @Override
    public String toString() {
      return "delay " + process + " +" + extraUs + "us";
    }
  }
}
