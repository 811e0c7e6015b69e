package io.pdlab.sim.toy;

import io.pdlab.sim.Budget;
import io.pdlab.sim.Distribution;
import io.pdlab.sim.RunResult;
import io.pdlab.sim.Simulation;
import io.pdlab.sim.check.Invariant;
import io.pdlab.sim.fault.FaultSchedule;
import io.pdlab.sim.fault.RandomFaultGenerator;
import io.pdlab.sim.net.LinkSpec;
import io.pdlab.sim.trace.TraceBuffer;
import io.pdlab.sim.trace.TraceKind;
import io.pdlab.sim.trace.TraceRecord;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Builds and runs the 5-process gossip world with random faults used by the determinism tests. */
final class GossipWorld {
  static final List<String> NODES = List.of("n0", "n1", "n2", "n3", "n4");

  private GossipWorld() {}

  /** The full run for {@code seed}: its trace and result. */
  record Run(String trace, RunResult result) {}

  static Run run(long seed) {
    Simulation sim = new Simulation(seed, Budget.of(200_000, 30_000_000), true);
    TraceBuffer buf = new TraceBuffer();
    sim.addTraceSink(buf);
    sim.network().setDefaultSpec(new LinkSpec(Distribution.shiftedExponential(200, 800, 20_000),
        0.02, 0.01, true));
    for (String n : NODES) {
      sim.addProcess(n, name -> new Gossip(NODES, 40, 100_000, 0.05));
    }
    FaultSchedule faults = RandomFaultGenerator.generate(sim.stream("faults"), NODES,
        new RandomFaultGenerator.Params(4_000_000, 4, 100_000, 1_500_000, 50_000,
            EnumSet.allOf(RandomFaultGenerator.Kind.class)));
    sim.note("-", "seed=" + seed + " faults:\n" + faults);
    sim.addInvariant(new RumorsOnlyGrowUntilWiped());
    sim.install(faults);
    sim.startAll();
    RunResult r = sim.run();
    return new Run(buf.toText(), r);
  }

  /** A process never forgets a rumor it persisted, unless its disk was wiped. */
  static final class RumorsOnlyGrowUntilWiped implements Invariant {
    private final Map<String, Integer> known = new TreeMap<>();

    @Override
    public String name() {
      return "rumors-only-grow";
    }

    @Override
    public String onRecord(TraceRecord r) {
      if (r.kind() != TraceKind.STATE) {
        return null;
      }
      if (r.detail().equals("disk wiped")) {
        known.put(r.node(), 0);
      } else if (r.detail().startsWith("knows ")) {
        int n = Integer.parseInt(r.detail().split(" ")[1]);
        int before = known.getOrDefault(r.node(), 0);
        known.put(r.node(), n);
        if (n < before) {
          return r.node() + " restarted knowing " + n + " rumors, had " + before;
        }
      } else if (r.detail().startsWith("learned ")) {
        known.put(r.node(), Integer.parseInt(r.detail().split(" ")[3]));
      } else if (r.detail().startsWith("new rumor")) {
        known.merge(r.node(), 1, Integer::sum);
      }
      return null;
    }
  }
}
