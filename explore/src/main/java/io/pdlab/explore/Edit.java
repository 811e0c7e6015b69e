package io.pdlab.explore;

import io.pdlab.scenarios.model.FaultDef;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/** Copies of a fault with one value changed: what mutations and shrinking do to a fault. */
final class Edit {
  private Edit() {}

  /** {@code f} at {@code atUs} (start faults stay at 0: their time is the pod's start). */
  static FaultDef at(FaultDef f, long atUs) {
    if (f instanceof FaultDef.NeverStart || f instanceof FaultDef.LateStart) {
      return f;
    }
    if (f instanceof FaultDef.Crash x) {
      return new FaultDef.Crash(atUs, x.cluster(), x.member(), x.wipe(), x.restartAfterUs(), 0);
    }
    if (f instanceof FaultDef.Pause x) {
      return new FaultDef.Pause(atUs, x.cluster(), x.member(), x.forUs(), 0);
    }
    if (f instanceof FaultDef.Partition x) {
      return new FaultDef.Partition(atUs, x.cluster(), x.groups(), x.forUs(), 0);
    }
    if (f instanceof FaultDef.DiscoveryRestart x) {
      return new FaultDef.DiscoveryRestart(atUs, x.cluster(), 0);
    }
    if (f instanceof FaultDef.TcWrite x) {
      return new FaultDef.TcWrite(atUs, x.cluster(), x.everyUs(), x.forUs(), 0);
    }
    if (f instanceof FaultDef.NodeLoss x) {
      return new FaultDef.NodeLoss(atUs, x.node(), 0);
    }
    if (f instanceof FaultDef.OperatorRestart x) {
      return new FaultDef.OperatorRestart(atUs, x.cluster(), x.restartAfterUs(), 0);
    }
    if (f instanceof FaultDef.AddTimeout x) {
      return new FaultDef.AddTimeout(atUs, x.cluster(), 0);
    }
    return f;
  }

  /** {@code f} on another member (a partition: other groups, when given). */
  static FaultDef member(FaultDef f, int member, List<List<Integer>> groups) {
    if (f instanceof FaultDef.NeverStart x) {
      return new FaultDef.NeverStart(x.atUs(), x.cluster(), member, 0);
    }
    if (f instanceof FaultDef.LateStart x) {
      return new FaultDef.LateStart(x.atUs(), x.cluster(), member, x.delayUs(), 0);
    }
    if (f instanceof FaultDef.Crash x) {
      return new FaultDef.Crash(x.atUs(), x.cluster(), member, x.wipe(), x.restartAfterUs(), 0);
    }
    if (f instanceof FaultDef.Pause x) {
      return new FaultDef.Pause(x.atUs(), x.cluster(), member, x.forUs(), 0);
    }
    if (f instanceof FaultDef.Partition x && groups != null) {
      return new FaultDef.Partition(x.atUs(), x.cluster(), groups, x.forUs(), 0);
    }
    if (f instanceof FaultDef.NodeLoss x) {
      return new FaultDef.NodeLoss(x.atUs(), "node-" + member, 0);
    }
    return f;
  }

  /**
   * {@code f} with its length (delay, restart, pause, partition or write period) set to {@code
   * us}, kept where {@code us} is not allowed (a pause or partition of 0); for ever stays for
   * ever.
   */
  static FaultDef length(FaultDef f, long us) {
    if (f instanceof FaultDef.LateStart x) {
      return new FaultDef.LateStart(x.atUs(), x.cluster(), x.member(), us, 0);
    }
    if (f instanceof FaultDef.Crash x && x.restartAfterUs().isPresent()) {
      return new FaultDef.Crash(x.atUs(), x.cluster(), x.member(), x.wipe(), OptionalLong.of(us),
          0);
    }
    if (us < 1) {
      return f;
    }
    if (f instanceof FaultDef.Pause x) {
      return new FaultDef.Pause(x.atUs(), x.cluster(), x.member(), us, 0);
    }
    if (f instanceof FaultDef.Partition x && x.forUs().isPresent()) {
      return new FaultDef.Partition(x.atUs(), x.cluster(), x.groups(), OptionalLong.of(us), 0);
    }
    if (f instanceof FaultDef.TcWrite x && x.forUs().isPresent()) {
      return new FaultDef.TcWrite(x.atUs(), x.cluster(), x.everyUs(), OptionalLong.of(us), 0);
    }
    if (f instanceof FaultDef.OperatorRestart x) {
      return new FaultDef.OperatorRestart(x.atUs(), x.cluster(), us, 0);
    }
    return f;
  }

  /** Its length as {@link #length} sets it, or -1 when it has none. */
  static long lengthOf(FaultDef f) {
    if (f instanceof FaultDef.LateStart x) {
      return x.delayUs();
    }
    if (f instanceof FaultDef.Crash x) {
      return x.restartAfterUs().orElse(-1);
    }
    if (f instanceof FaultDef.Pause x) {
      return x.forUs();
    }
    if (f instanceof FaultDef.Partition x) {
      return x.forUs().orElse(-1);
    }
    if (f instanceof FaultDef.TcWrite x) {
      return x.forUs().orElse(-1);
    }
    if (f instanceof FaultDef.OperatorRestart x) {
      return x.restartAfterUs();
    }
    return -1;
  }

  /**
   * {@code f} in a cluster of {@code n} members, or null if it names a member beyond (a partition
   * keeps its groups' members below {@code n}, null if fewer than two groups remain).
   */
  static FaultDef within(FaultDef f, int n) {
    if (f instanceof FaultDef.Partition x) {
      List<List<Integer>> groups = new ArrayList<>();
      for (List<Integer> g : x.groups()) {
        List<Integer> kept = g.stream().filter(i -> i < n).toList();
        if (!kept.isEmpty()) {
          groups.add(kept);
        }
      }
      return groups.size() < 2 ? null
          : new FaultDef.Partition(x.atUs(), x.cluster(), groups, x.forUs(), 0);
    }
    int member = f instanceof FaultDef.NeverStart x ? x.member()
        : f instanceof FaultDef.LateStart x ? x.member()
        : f instanceof FaultDef.Crash x ? x.member()
        : f instanceof FaultDef.Pause x ? x.member()
        : f instanceof FaultDef.NodeLoss x ? Integer.parseInt(x.node().replaceAll("\\D", ""))
        : -1;
    return member >= n ? null : f;
  }
}
