package io.pdlab.explore;

import io.pdlab.scenarios.model.FaultDef;
import io.pdlab.scenarios.model.Scenario;
import io.pdlab.scenarios.yaml.ScenarioParser;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;

/**
 * One point of the search: a cluster of {@code members} under {@code strategy}, a few faults, and
 * the simulator's seed. Its form for running, for Spark and for the findings is the scenario YAML
 * of {@link #yaml}: a schedule becomes a {@link Scenario} only through {@link ScenarioParser}, so
 * whatever the search generates is validated by the same rules as a hand-written file, and a
 * finding's file is exactly what was run.
 *
 * @param faults in time order (ties kept in the order given)
 * @param mutant {@code timing.mutant} (a deliberately broken operator, for tests), or null
 */
public record Schedule(String strategy, int members, long seed, List<FaultDef> faults,
    String mutant) implements java.io.Serializable {
  /** The name of the cluster every explored schedule has. */
  public static final String CLUSTER = "basic";
  /** Virtual time of a run: 120 s (issue 17's benchmark unit). */
  public static final long DURATION_US = 120_000_000L;
  /**
   * A client writes this many distinct keys a second ({@code timing.clientWritesPerSecond}), so a
   * re-bootstrap that drops acknowledged writes shows as data loss for every strategy (not only
   * through PD's cluster-ID write).
   */
  public static final int CLIENT_WRITES_PER_SECOND = 2;

  public Schedule {
    List<FaultDef> sorted = new ArrayList<>(faults);
    sorted.sort(Comparator.comparingLong(FaultDef::atUs));
    faults = List.copyOf(sorted);
  }

  /** A schedule of the operator as it is (no mutant). */
  public Schedule(String strategy, int members, long seed, List<FaultDef> faults) {
    this(strategy, members, seed, faults, null);
  }

  /** The same cluster and seed with other faults. */
  public Schedule withFaults(List<FaultDef> other) {
    return new Schedule(strategy, members, seed, other, mutant);
  }

  /** The same faults on another size or seed. */
  public Schedule with(int otherMembers, long otherSeed, List<FaultDef> other) {
    return new Schedule(strategy, otherMembers, otherSeed, other, mutant);
  }

  /**
   * The schedule a parsed scenario of one cluster stands for: what {@link Run} keeps, so that a
   * run's schedule is the same value whichever engine ran it (its faults as the parser made them,
   * with their lines and cluster, not as a mutation built them).
   */
  public static Schedule of(Scenario sc) {
    io.pdlab.scenarios.model.ClusterDef c = sc.clusters().get(0);
    return new Schedule(c.strategy(), c.pdReplicas(), sc.seed(), sc.faults(),
        c.timing().get("mutant"));
  }

  /**
   * A schedule goes to another JVM as its YAML (its faults hold {@code OptionalLong}s, which
   * Java serialization does not take) and comes back through the parser, as {@link #of}.
   */
  private Object writeReplace() {
    return new Wire(yaml());
  }

  /** A schedule in transit: its YAML. */
  private record Wire(String yaml) implements java.io.Serializable {
    private Object readResolve() {
      return of(ScenarioParser.parse(yaml, "explore"));
    }
  }

  /** The scenario YAML with no comment and no expectation. */
  public String yaml() {
    return yaml("explored", List.of(), null);
  }

  /**
   * The scenario YAML: {@code comment} lines first (each prefixed with {@code # }), then the
   * scenario named {@code name}, with {@code expect: outcome: <expectOutcome>} when not null.
   */
  public String yaml(String name, List<String> comment, String expectOutcome) {
    StringBuilder sb = new StringBuilder();
    for (String c : comment) {
      sb.append(c.isEmpty() ? "#" : "# " + c).append('\n');
    }
    sb.append("name: ").append(name).append('\n');
    sb.append("seed: ").append(seed).append('\n');
    sb.append("clusters:\n");
    sb.append("  - name: ").append(CLUSTER).append('\n');
    sb.append("    strategy: ").append(strategy).append('\n');
    sb.append("    pd: {replicas: ").append(members).append("}\n");
    sb.append("    timing: {clientWritesPerSecond: ").append(CLIENT_WRITES_PER_SECOND)
        .append(mutant == null ? "" : ", mutant: " + mutant).append("}\n");
    if (faults.isEmpty()) {
      sb.append("faults: []\n");
    } else {
      sb.append("faults:\n");
      for (FaultDef f : faults) {
        sb.append("  - ").append(flow(f)).append('\n');
      }
    }
    sb.append("duration: ").append(duration(DURATION_US)).append('\n');
    if (expectOutcome != null) {
      sb.append("expect:\n  outcome: ").append(expectOutcome).append('\n');
    }
    return sb.toString();
  }

  /**
   * The scenario it stands for, through the parser.
   *
   * @throws io.pdlab.scenarios.yaml.ScenarioException if the parser refuses it
   */
  public Scenario scenario() {
    synchronized (PARSED) {
      Scenario sc = PARSED.get(this);
      if (sc != null) {
        return sc;
      }
    }
    Scenario sc = ScenarioParser.parse(yaml(), "explore");
    synchronized (PARSED) {
      PARSED.put(this, sc);
    }
    return sc;
  }

  /** How many parsed schedules {@link #PARSED} keeps: more than two batches of the search. */
  private static final int PARSED_KEPT = 256;

  /**
   * The last schedules parsed, with their scenarios: the search validates a candidate when it
   * draws it ({@link #valid}) and runs it later, maybe on another thread, and parsing was a tenth
   * of a run's CPU. Parsing is a pure function of the YAML, which is a function of the schedule,
   * so a kept scenario is the one a new parse would give (a scenario is immutable). A refused
   * schedule is not kept: it throws again.
   */
  private static final java.util.Map<Schedule, Scenario> PARSED =
      new java.util.LinkedHashMap<>(PARSED_KEPT * 2, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(java.util.Map.Entry<Schedule, Scenario> eldest) {
          return size() > PARSED_KEPT;
        }
      };

  /** Whether the parser takes it (a generated schedule that it refuses is never run). */
  public boolean valid() {
    try {
      scenario();
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** One line per fault, as in the YAML, for messages and comments. */
  public String describe() {
    if (faults.isEmpty()) {
      return "no faults";
    }
    List<String> out = new ArrayList<>();
    for (FaultDef f : faults) {
      out.add(flow(f));
    }
    return String.join("; ", out);
  }

  /** A fault as a YAML flow mapping, e.g. {@code {at: 5s, kind: crash, member: 0}}. */
  public static String flow(FaultDef f) {
    StringBuilder sb = new StringBuilder("{at: ").append(duration(f.atUs())).append(", kind: ")
        .append(f.kind().label());
    String rest = f.accept(new FaultDef.Visitor<String>() {
      @Override
      public String neverStart(FaultDef.NeverStart x) {
        return ", member: " + x.member();
      }

      @Override
      public String lateStart(FaultDef.LateStart x) {
        return ", member: " + x.member() + ", delay: " + duration(x.delayUs());
      }

      @Override
      public String crash(FaultDef.Crash x) {
        return ", member: " + x.member() + (x.wipe() ? ", wipe: true" : "")
            + optional("restartAfter", x.restartAfterUs());
      }

      @Override
      public String pause(FaultDef.Pause x) {
        return ", member: " + x.member() + ", for: " + duration(x.forUs());
      }

      @Override
      public String partition(FaultDef.Partition x) {
        return ", groups: " + x.groups().toString().replace(" ", "").replace(",", ", ")
            + optional("for", x.forUs());
      }

      @Override
      public String setReplicas(FaultDef.SetReplicas x) {
        return ", replicas: " + x.replicas() + (x.initialClusterState() == null ? ""
            : ", initialClusterState: " + x.initialClusterState() + ", memberAdd: "
                + x.memberAdd());
      }

      @Override
      public String discoveryRestart(FaultDef.DiscoveryRestart x) {
        return "";
      }

      @Override
      public String tcWrite(FaultDef.TcWrite x) {
        return ", every: " + duration(x.everyUs()) + optional("for", x.forUs());
      }

      @Override
      public String nodeLoss(FaultDef.NodeLoss x) {
        return ", node: " + x.node();
      }

      @Override
      public String operatorRestart(FaultDef.OperatorRestart x) {
        return ", restartAfter: " + duration(x.restartAfterUs());
      }

      @Override
      public String addTimeout(FaultDef.AddTimeout x) {
        return "";
      }

      @Override
      public String livenessKill(FaultDef.LivenessKill x) {
        return ", member: " + x.member();
      }

      @Override
      public String wrongPeerUrl(FaultDef.WrongPeerUrl x) {
        return ", member: " + x.member();
      }

      @Override
      public String restoreSnapshot(FaultDef.RestoreSnapshot x) {
        return ", member: " + x.member() + ", snapshotAt: " + duration(x.snapshotAtUs())
            + (x.selfOnly() ? ", initialCluster: self" : "");
      }
    });
    return sb.append(rest).append('}').toString();
  }

  private static String optional(String key, OptionalLong us) {
    return us.isPresent() ? ", " + key + ": " + duration(us.getAsLong()) : "";
  }

  /** A duration as files write it: whole seconds as {@code 5s}, else milliseconds. */
  public static String duration(long us) {
    if (us % 1_000_000 == 0) {
      return us / 1_000_000 + "s";
    }
    return us / 1_000 + "ms";
  }
}
