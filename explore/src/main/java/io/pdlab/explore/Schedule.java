package io.pdlab.explore;

import io.pdlab.scenarios.model.FaultDef;
import io.pdlab.scenarios.model.Infra;
import io.pdlab.scenarios.model.Scenario;
import io.pdlab.scenarios.model.WorkerGroupDef;
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
 * @param operatorVersion {@code timing.tidbOperatorVersion} other than the default (discovery
 *     only: {@code "1.0"}), or null
 * @param dedicated whether the cluster runs on {@link #dedicatedInfra} (tidb-operator's AWS
 *     layout, a tainted PD worker group) rather than the default infrastructure
 */
public record Schedule(String strategy, int members, long seed, List<FaultDef> faults,
    String mutant, String operatorVersion, boolean dedicated)
    implements java.io.Serializable {
  /** The name of the cluster every explored schedule has. */
  public static final String CLUSTER = "basic";
  /**
   * Virtual time of a run whose faults play out by {@link Generator#LAST_CHANGE_US}: 120 s
   * (issue 17's benchmark unit). A schedule whose faults play out later runs {@link #SETTLE_US}
   * past its last change ({@link #durationUs}).
   */
  public static final long DURATION_US = 120_000_000L;
  /** How long a run goes on after its last fault has played out: 50 s (120 s less 70 s). */
  public static final long SETTLE_US = DURATION_US - Generator.LAST_CHANGE_US;
  /** Durations past {@link #DURATION_US} are whole multiples of this: 10 s. */
  private static final long DURATION_STEP_US = 10_000_000L;
  /** The PD worker group of {@link #dedicatedInfra}. */
  static final String PD_GROUP = "pd";
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

  /** A schedule of the operator as it is (no mutant), on the default infrastructure. */
  public Schedule(String strategy, int members, long seed, List<FaultDef> faults) {
    this(strategy, members, seed, faults, null);
  }

  /** A schedule of the default operator version on the default infrastructure. */
  public Schedule(String strategy, int members, long seed, List<FaultDef> faults,
      String mutant) {
    this(strategy, members, seed, faults, mutant, null, false);
  }

  /** The same cluster and seed with other faults. */
  public Schedule withFaults(List<FaultDef> other) {
    return new Schedule(strategy, members, seed, other, mutant, operatorVersion, dedicated);
  }

  /** The same faults on another size or seed. */
  public Schedule with(int otherMembers, long otherSeed, List<FaultDef> other) {
    return new Schedule(strategy, otherMembers, otherSeed, other, mutant, operatorVersion,
        dedicated);
  }

  /** The same with another operator version (null: the default) and infrastructure. */
  public Schedule withConfig(String otherVersion, boolean otherDedicated) {
    return new Schedule(strategy, members, seed, faults, mutant, otherVersion, otherDedicated);
  }

  /**
   * The run's virtual time: {@link #DURATION_US}, or when a fault plays out later than {@link
   * Generator#LAST_CHANGE_US}, {@link #SETTLE_US} past the last change, rounded up to 10 s.
   */
  public long durationUs() {
    if (!isLong()) {
      return DURATION_US;
    }
    long d = lastChangeUs() + SETTLE_US;
    return Math.max(DURATION_US, (d + DURATION_STEP_US - 1) / DURATION_STEP_US
        * DURATION_STEP_US);
  }

  /** Whether a fault plays out after {@link Generator#LAST_CHANGE_US}, so that it runs longer. */
  public boolean isLong() {
    return lastChangeUs() > Generator.LAST_CHANGE_US;
  }

  /** When the last fault has played out ({@code at} plus its delay, pause, heal or restart). */
  public long lastChangeUs() {
    return FaultDef.lastChangeUs(faults);
  }

  /**
   * tidb-operator's AWS layout for a PD cluster of {@code members} (provisioning.md section 2:
   * the pd worker group of m5d.xlarge nodes, dedicated: labelled and tainted {@code
   * dedicated=pd:NoSchedule}), with one node more than members, where a failed-over PD's new pod
   * goes, as the catalog's failover scenarios have it, and one untainted m5.xlarge node for the
   * rest. Nodes are named {@code pd-<i>}; a node-loss of {@code node-<i>} (how schedules name
   * nodes) is of {@code pd-<i>}.
   */
  public static Infra dedicatedInfra(int members) {
    java.util.TreeMap<String, String> labels = new java.util.TreeMap<>();
    labels.put("dedicated", "pd");
    return new Infra(false, List.of(
        new WorkerGroupDef(PD_GROUP, members + 1, "m5d.xlarge",
            List.of("dedicated=pd:NoSchedule"), labels),
        new WorkerGroupDef("other", 1, "m5.xlarge", List.of(), new java.util.TreeMap<>())));
  }

  /**
   * The schedule a parsed scenario of one cluster stands for: what {@link Run} keeps, so that a
   * run's schedule is the same value whichever engine ran it (its faults as the parser made them,
   * with their lines and cluster, not as a mutation built them).
   */
  public static Schedule of(Scenario sc) {
    io.pdlab.scenarios.model.ClusterDef c = sc.clusters().get(0);
    boolean dedicated = !sc.infra().workerGroups().isEmpty()
        && sc.infra().equals(dedicatedInfra(c.pdReplicas()));
    List<FaultDef> faults = sc.faults();
    if (dedicated) {
      faults = new ArrayList<>();
      for (FaultDef f : sc.faults()) {
        faults.add(f instanceof FaultDef.NodeLoss n && n.node().startsWith(PD_GROUP + "-")
            ? new FaultDef.NodeLoss(n.atUs(), NODE + n.node().substring(PD_GROUP.length() + 1),
                n.line()) : f);
      }
    }
    String version = c.timing().get(io.pdlab.pd.tidb.TidbOperatorVersion.TIMING_KEY);
    return new Schedule(c.strategy(), c.pdReplicas(), sc.seed(), faults,
        c.timing().get("mutant"), DEFAULT_OPERATOR_VERSION.equals(version) ? null : version,
        dedicated);
  }

  /** How schedules name the node of member {@code i}: {@code node-<i>}. */
  private static final String NODE = FaultDef.NodeLoss.MEMBER_NODE;
  /** The operator version a schedule leaves unwritten: tidb-operator v1.5, the model's. */
  static final String DEFAULT_OPERATOR_VERSION =
      io.pdlab.pd.tidb.TidbOperatorVersion.V1_5.label();

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
    if (dedicated) {
      sb.append("infra:\n  workerGroups:\n");
      for (WorkerGroupDef g : dedicatedInfra(members).workerGroups()) {
        sb.append("    - {name: ").append(g.name()).append(", count: ").append(g.count())
            .append(", instanceType: ").append(g.instanceType());
        if (!g.labels().isEmpty()) {
          List<String> labels = new ArrayList<>();
          g.labels().forEach((k, v) -> labels.add(k + ": " + v));
          sb.append(", labels: {").append(String.join(", ", labels)).append('}');
        }
        if (!g.taints().isEmpty()) {
          sb.append(", taints: [\"").append(String.join("\", \"", g.taints())).append("\"]");
        }
        sb.append("}\n");
      }
    }
    sb.append("clusters:\n");
    sb.append("  - name: ").append(CLUSTER).append('\n');
    sb.append("    strategy: ").append(strategy).append('\n');
    sb.append("    pd: {replicas: ").append(members).append("}\n");
    sb.append("    timing: {clientWritesPerSecond: ").append(CLIENT_WRITES_PER_SECOND)
        .append(operatorVersion == null ? "" : ", tidbOperatorVersion: \"" + operatorVersion
            + "\"")
        .append(mutant == null ? "" : ", mutant: " + mutant).append("}\n");
    if (faults.isEmpty()) {
      sb.append("faults: []\n");
    } else {
      sb.append("faults:\n");
      for (FaultDef f : faults) {
        sb.append("  - ").append(flow(onInfra(f))).append('\n');
      }
    }
    sb.append("duration: ").append(duration(durationUs())).append('\n');
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

  /** A fault as the YAML names it: on {@link #dedicatedInfra}, node {@code node-<i>} is {@code pd-<i>}. */
  FaultDef onInfra(FaultDef f) {
    return dedicated && f instanceof FaultDef.NodeLoss n && n.node().startsWith(NODE)
        ? new FaultDef.NodeLoss(n.atUs(), PD_GROUP + "-" + n.node().substring(NODE.length()),
            n.line()) : f;
  }

  /**
   * One line per fault, as in the YAML, for messages and comments, then the operator version
   * and the layout when not the defaults.
   */
  public String describe() {
    List<String> out = new ArrayList<>();
    for (FaultDef f : faults) {
      out.add(flow(onInfra(f)));
    }
    String config = config();
    return (out.isEmpty() ? "no faults" : String.join("; ", out))
        + (config.isEmpty() ? "" : " (" + config + ")");
  }

  /**
   * What it sets other than the defaults, e.g. {@code tidb-operator v1.0, dedicated PD nodes};
   * empty when nothing.
   */
  public String config() {
    List<String> out = new ArrayList<>();
    if (operatorVersion != null) {
      out.add("tidb-operator v" + operatorVersion);
    }
    if (dedicated) {
      out.add("dedicated PD nodes");
    }
    return String.join(", ", out);
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
