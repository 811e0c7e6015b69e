package io.pdlab.scenarios.yaml;

import io.pdlab.pd.tidb.TidbOperatorVersion;
import io.pdlab.scenarios.model.Backend;
import io.pdlab.scenarios.model.ClusterDef;
import io.pdlab.scenarios.model.Expect;
import io.pdlab.scenarios.model.FaultDef;
import io.pdlab.scenarios.model.FaultKind;
import io.pdlab.scenarios.model.Infra;
import io.pdlab.scenarios.model.Scenario;
import io.pdlab.scenarios.model.WorkerGroupDef;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.reader.ReaderException;

/**
 * Reads scenario files into {@link Scenario}s. The file is composed into SnakeYAML nodes (never
 * constructed into Java objects, so no tag can instantiate anything) and walked once; every
 * problem is collected with its position and all are thrown together as a {@link
 * ScenarioException} whose lines read {@code <file>:<line>:<column>: <what is wrong>}.
 *
 * <p>Integers are decimal (YAML 1.1 octal or sexagesimal forms are not honoured), booleans are
 * {@code true}/{@code false} in any case, durations need a unit (see {@link #parseDuration}). An
 * empty value ({@code key:}, {@code ~}, {@code null}) of an optional key means "use the default".
 * The format and its rules are those of the project's issue on scenario files.
 */
public final class ScenarioParser {
  /** {@code seed:} when absent. */
  public static final long DEFAULT_SEED = 1;
  /** {@code duration:} when absent: 300 s. */
  public static final long DEFAULT_DURATION_US = 300_000_000L;
  /** The largest {@code duration:}: 24 h of virtual time. */
  public static final long MAX_DURATION_US = 24L * 3_600_000_000L;
  /** The largest {@code pd.replicas} (and {@code set-replicas} target). */
  public static final int MAX_PD_REPLICAS = 9;
  /** The largest {@code tikv.replicas} and {@code tidb.replicas}. */
  public static final int MAX_OTHER_REPLICAS = 20;
  /**
   * The smallest {@code electionMs} in ticks when both it and {@code tickMs} are given (the
   * scenario-file issue's rule): fewer leaves no room between heartbeats and an election.
   */
  public static final int MIN_ELECTION_TICKS = 3;

  private static final List<String> TOP_KEYS = List.of("name", "backend", "seed", "infra",
      "clusters", "faults", "duration", "expect");
  private static final List<String> INFRA_KEYS = List.of("provision", "workerGroups", "nodes");
  private static final List<String> WORKER_GROUP_KEYS =
      List.of("name", "count", "instanceType", "taints", "labels");
  private static final List<String> CLUSTER_KEYS =
      List.of("name", "strategy", "pd", "tikv", "tidb", "timing");
  private static final List<String> REPLICAS_KEYS = List.of("replicas");
  private static final List<String> EXPECT_KEYS =
      List.of("outcome", "clusterIds", "pdClusterIds", "bootstrapWithin", "bootstrapAfter",
          "unavailableAtMost", "unavailableAtLeast");
  /**
   * The most client writes a second a scenario may ask for: enough to see every lost write of a
   * fault, few enough that a 24 h run's acknowledged writes fit in memory.
   */
  private static final int MAX_CLIENT_WRITES_PER_SECOND = 100;
  /** The etcd versions whose defaults a cluster's members may take ({@code EtcdTiming}). */
  private static final List<String> ETCD_VERSIONS = List.of("3.4", "3.5");
  private static final List<String> TAINT_EFFECTS =
      List.of("NoSchedule", "PreferNoSchedule", "NoExecute");
  private static final List<String> PROFILES = List.of("etcd", "pd");
  private static final List<String> POD_MANAGEMENT_POLICIES = List.of("Parallel", "OrderedReady");

  /** RFC 1123 label, as Kubernetes object names (kubernetes apimachinery IsDNS1123Label). */
  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final int DNS_LABEL_MAX = 63;
  private static final Pattern INTEGER = Pattern.compile("[+-]?[0-9]+");
  /** {@code key=value:Effect}, the form Taint.parse (sim-k8s) and kubectl taint accept. */
  private static final Pattern TAINT = Pattern.compile(
      "([A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?)=([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?"
          + ":(NoSchedule|PreferNoSchedule|NoExecute)");

  /** What a valid (or partly valid) cluster tells the fault checks; -1 / null when unknown. */
  private record ClusterInfo(String name, String strategy, int pdReplicas) {}

  private final String source;
  private final Problems problems;

  private ScenarioParser(String source) {
    this.source = source;
    this.problems = new Problems(source);
  }

  /**
   * Reads and parses a scenario file (UTF-8); messages name it as {@code file.toString()}.
   *
   * @throws ScenarioException when the file is not a valid scenario
   * @throws UncheckedIOException when it cannot be read
   */
  public static Scenario parse(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read scenario file " + file, e);
    }
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    return parse(text, file.toString());
  }

  /**
   * Parses scenario text.
   *
   * @param sourceName names the text in messages and becomes {@link Scenario#source()}
   * @throws ScenarioException listing every problem found, sorted by position
   */
  public static Scenario parse(String text, String sourceName) {
    return new ScenarioParser(sourceName).scenario(text);
  }

  /**
   * Parses a duration: a number with a unit, {@code ms}, {@code s}, {@code m} or {@code h} ({@code
   * 500ms}, {@code 1.5s}, {@code 2m}, {@code 1h}), terms chainable as in Go ({@code 1m30s}), an
   * optional leading sign.
   *
   * @return microseconds
   * @throws IllegalArgumentException for a bare number (it names the missing unit), an unknown
   *     unit, anything that is not a duration, a value finer than 1 us, or one beyond a long
   */
  public static long parseDuration(String text) {
    return Durations.parseUs(text);
  }

  // ------------------------------------------------------------------------------- the walk

  private Scenario scenario(String text) {
    Node root = compose(text);
    if (root == null || isNull(root)) {
      problems.at(1, 1, "the file is empty: a scenario is a map with at least 'name' and "
          + "'clusters'");
      throw problems.toException();
    }
    if (!(root instanceof MappingNode rootMap)) {
      problems.at(root, "a scenario must be a map (name:, clusters:, ...), got "
          + describe(root));
      throw problems.toException();
    }
    YamlMap top = new YamlMap(rootMap, "", problems);
    top.allowOnly(TOP_KEYS);

    Node nameNode = top.required("name");
    String name = nameNode == null ? null : dnsLabel(nameNode, "name");
    Node backendNode = top.optional("backend");
    Backend backend = backendNode == null ? Backend.SIM
        : Backend.of(oneOf(backendNode, "backend", Backend.labels())).orElse(null);
    Node seedNode = top.optional("seed");
    Long seed = seedNode == null ? Long.valueOf(DEFAULT_SEED) : integer(seedNode, "seed");
    Node infraNode = top.optional("infra");
    Infra infra = infraNode == null ? Infra.DEFAULT : infra(infraNode);

    Long durationUs = DEFAULT_DURATION_US;
    String durationText = Durations.format(DEFAULT_DURATION_US) + ", the default";
    Node durationNode = top.optional("duration");
    if (durationNode != null) {
      durationUs = duration(durationNode, "duration");
      if (durationUs != null && (durationUs <= 0 || durationUs > MAX_DURATION_US)) {
        problems.at(durationNode, "duration must be > 0 and at most "
            + Durations.format(MAX_DURATION_US) + ", got '" + scalarText(durationNode) + "'");
        durationUs = null;
      }
      durationText = durationUs == null ? null : scalarText(durationNode);
    }

    List<ClusterDef> clusters = new ArrayList<>();
    List<ClusterInfo> infos = new ArrayList<>();
    Node clustersNode = top.required("clusters");
    if (clustersNode != null) {
      List<Node> items = list(clustersNode, "clusters");
      if (items != null && items.isEmpty()) {
        problems.at(clustersNode, "clusters must not be empty: a scenario needs a cluster");
      }
      if (items != null) {
        for (int i = 0; i < items.size(); i++) {
          clusters.add(cluster(items.get(i), i, infos));
        }
      }
    }

    List<FaultDef> faults = new ArrayList<>();
    Node faultsNode = top.optional("faults");
    if (faultsNode != null) {
      List<Node> items = list(faultsNode, "faults");
      if (items != null) {
        List<Resize> resizes = resizes(items, infos);
        for (int i = 0; i < items.size(); i++) {
          faults.add(fault(items.get(i), "faults[" + i + "]", infos, resizes, durationUs,
              durationText));
        }
      }
    }

    Node expectNode = top.optional("expect");
    Expect expect = expectNode == null ? null : expect(expectNode);

    problems.throwIfAny();
    return new Scenario(source, name, backend, seed, infra, clusters, faults, durationUs, expect);
  }

  /** Composes the text into a node tree; a YAML syntax error is thrown at its position. */
  private Node compose(String text) {
    LoaderOptions options = new LoaderOptions();
    options.setProcessComments(false);
    try {
      return new Yaml(options).compose(new StringReader(text));
    } catch (MarkedYAMLException e) {
      String problem = String.valueOf(e.getProblem());
      String msg = "YAML syntax: " + problem;
      if (e.getContext() != null) {
        String context = e.getContext() + (e.getContextMark() == null ? ""
            : " at " + (e.getContextMark().getLine() + 1) + ":"
                + (e.getContextMark().getColumn() + 1));
        // SnakeYAML splits some messages as context "expected X" + problem "but found Y".
        msg = problem.startsWith("but ") ? "YAML syntax: " + context + ", " + problem
            : msg + " (" + context + ")";
      }
      problems.at(e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark(), msg);
    } catch (ReaderException e) {
      int[] lineColumn = lineColumn(text, e.getPosition());
      problems.at(lineColumn[0], lineColumn[1], "YAML syntax: special character U+"
          + String.format("%04X", e.getCodePoint()) + " is not allowed");
    } catch (YAMLException e) {
      problems.at(1, 1, "YAML: " + e.getMessage());
    }
    throw problems.toException();
  }

  /** 1-based line and column of a code-point index into {@code text}. */
  private static int[] lineColumn(String text, int codePointIndex) {
    int line = 1;
    int column = 1;
    int i = 0;
    for (int cp = 0; cp < codePointIndex && i < text.length(); cp++) {
      int c = text.codePointAt(i);
      i += Character.charCount(c);
      if (c == '\n') {
        line++;
        column = 1;
      } else {
        column++;
      }
    }
    return new int[] {line, column};
  }

  private Infra infra(Node node) {
    YamlMap m = map(node, "infra");
    if (m == null) {
      return Infra.DEFAULT;
    }
    m.allowOnly(INFRA_KEYS);
    Node provisionNode = m.optional("provision");
    Boolean provision = provisionNode == null ? Boolean.FALSE
        : bool(provisionNode, "infra.provision");
    List<WorkerGroupDef> groups = new ArrayList<>();
    Node groupsNode = m.optional("workerGroups");
    if (groupsNode != null) {
      List<Node> items = list(groupsNode, "infra.workerGroups");
      List<String> names = new ArrayList<>();
      for (int i = 0; items != null && i < items.size(); i++) {
        WorkerGroupDef g = workerGroup(items.get(i), "infra.workerGroups[" + i + "]", names);
        if (g != null) {
          groups.add(g);
        }
      }
    }
    if (Boolean.TRUE.equals(provision) && groupsNode != null) {
      problems.at(groupsNode, "infra.workerGroups does not apply with infra.provision: true (the"
          + " EKS path brings its own worker groups, provisioning.md section 2); give one or the"
          + " other");
    }
    Node nodesNode = m.optional("nodes");
    String nodes = nodesNode == null ? null : oneOf(nodesNode, "infra.nodes", Infra.NODE_KINDS);
    if (Boolean.TRUE.equals(provision) && Infra.KUBELET.equals(nodes)) {
      problems.at(nodesNode, "infra.nodes: kubelet does not apply with infra.provision: true (the"
          + " provisioned cluster's nodes are run by pdlab's node agent); use nodes: agent, or"
          + " worker groups without provision");
      nodes = null;
    }
    return new Infra(Boolean.TRUE.equals(provision), groups, nodes);
  }

  private WorkerGroupDef workerGroup(Node node, String path, List<String> names) {
    YamlMap m = map(node, path);
    if (m == null) {
      return null;
    }
    m.allowOnly(WORKER_GROUP_KEYS);
    Node nameNode = m.required("name");
    String name = nameNode == null ? null : dnsLabel(nameNode, m.child("name"));
    if (name != null) {
      int first = names.indexOf(name);
      if (first >= 0) {
        problems.at(nameNode, m.child("name") + " '" + name
            + "' is already used by infra.workerGroups[" + first + "]");
      }
    }
    names.add(name);
    Node countNode = m.required("count");
    Integer count = countNode == null ? null : intInRange(countNode, m.child("count"), 1,
        Integer.MAX_VALUE);
    Node typeNode = m.required("instanceType");
    String instanceType = typeNode == null ? null : string(typeNode, m.child("instanceType"));
    List<String> taints = new ArrayList<>();
    Node taintsNode = m.optional("taints");
    if (taintsNode != null) {
      List<Node> items = list(taintsNode, m.child("taints"));
      for (int i = 0; items != null && i < items.size(); i++) {
        String p = m.child("taints") + "[" + i + "]";
        String taint = string(items.get(i), p);
        if (taint != null && !TAINT.matcher(taint).matches()) {
          problems.at(items.get(i), p + " must be key=value:Effect with Effect one of "
              + String.join(", ", TAINT_EFFECTS) + ", got '" + taint + "'");
        }
        if (taint != null) {
          taints.add(taint);
        }
      }
    }
    TreeMap<String, String> labels = new TreeMap<>();
    Node labelsNode = m.optional("labels");
    if (labelsNode != null) {
      YamlMap lm = map(labelsNode, m.child("labels"));
      for (String k : lm == null ? List.<String>of() : lm.keys()) {
        String v = string(lm.get(k), lm.child(k));
        if (v != null) {
          labels.put(k, v);
        }
      }
    }
    return new WorkerGroupDef(name, count == null ? 0 : count, instanceType, taints, labels);
  }

  private ClusterDef cluster(Node node, int index, List<ClusterInfo> infos) {
    String path = "clusters[" + index + "]";
    YamlMap m = map(node, path);
    if (m == null) {
      infos.add(new ClusterInfo(null, null, -1));
      return null;
    }
    m.allowOnly(CLUSTER_KEYS);
    Node nameNode = m.required("name");
    String name = nameNode == null ? null : dnsLabel(nameNode, m.child("name"));
    if (name != null) {
      for (int j = 0; j < infos.size(); j++) {
        if (name.equals(infos.get(j).name())) {
          problems.at(nameNode, m.child("name") + " '" + name + "' is already used by clusters["
              + j + "]");
          break;
        }
      }
    }
    Node strategyNode = m.required("strategy");
    String strategy = strategyNode == null ? null
        : oneOf(strategyNode, m.child("strategy"), Scenario.STRATEGIES);
    Integer pd = replicas(m, "pd", true, 1, MAX_PD_REPLICAS);
    Integer tikv = replicas(m, "tikv", false, 0, MAX_OTHER_REPLICAS);
    Integer tidb = replicas(m, "tidb", false, 0, MAX_OTHER_REPLICAS);
    Node timingNode = m.optional("timing");
    TreeMap<String, String> timing = timingNode == null ? new TreeMap<>()
        : timing(timingNode, m.child("timing"), strategy);
    infos.add(new ClusterInfo(name, strategy, pd == null ? -1 : pd));
    return new ClusterDef(name, strategy, pd == null ? 0 : pd, tikv == null ? 0 : tikv,
        tidb == null ? 0 : tidb, timing);
  }

  /** {@code pd: {replicas: N}} and the like; null when missing (if required) or invalid. */
  private Integer replicas(YamlMap cluster, String key, boolean required, int min, int max) {
    Node node = required ? cluster.required(key) : cluster.optional(key);
    if (node == null) {
      return required ? null : Integer.valueOf(0);
    }
    YamlMap m = map(node, cluster.child(key));
    if (m == null) {
      return null;
    }
    m.allowOnly(REPLICAS_KEYS);
    Node r = m.required("replicas");
    return r == null ? null : intInRange(r, m.child("replicas"), min, max);
  }

  /** A cluster's {@code timing:}; {@code strategy} is null when it was invalid. */
  private TreeMap<String, String> timing(Node node, String path, String strategy) {
    TreeMap<String, String> timing = new TreeMap<>();
    YamlMap m = map(node, path);
    if (m == null) {
      return timing;
    }
    m.allowOnly(ClusterDef.TIMING_KEYS);
    Long tickMs = null;
    Long electionMs = null;
    for (String key : m.keys()) {
      if (!ClusterDef.TIMING_KEYS.contains(key)) {
        continue;
      }
      Node v = m.get(key);
      String p = m.child(key);
      String value = switch (key) {
        case "tickMs", "electionMs", "containerStartMs", "reconcileMs" -> {
          boolean delay = key.equals("containerStartMs") || key.equals("reconcileMs");
          Long n = integer(v, p, delay ? "a non-negative integer" : "a positive integer");
          if (n != null && (delay ? n < 0 : n <= 0)) {
            problems.at(v, p + " must be a " + (delay ? "non-negative" : "positive")
                + " integer, got " + n);
            n = null;
          }
          if ("tickMs".equals(key)) {
            tickMs = n;
          } else if ("electionMs".equals(key)) {
            electionMs = n;
          }
          yield n == null ? null : Long.toString(n);
        }
        case "preVote", "strictReconfigCheck" -> {
          Boolean b = bool(v, p);
          yield b == null ? null : b.toString();
        }
        case "profile" -> oneOf(v, p, PROFILES);
        case "podManagementPolicy" -> oneOf(v, p, POD_MANAGEMENT_POLICIES);
        case "etcdVersion" -> oneOf(v, p, ETCD_VERSIONS);
        case TidbOperatorVersion.TIMING_KEY -> {
          String version = oneOf(v, p, TidbOperatorVersion.labels());
          if (version != null && strategy != null && !"discovery".equals(strategy)) {
            problems.at(v, p + " chooses tidb-operator v1's discovery service, so it needs"
                + " strategy discovery, got '" + strategy + "'");
            version = null;
          }
          yield version;
        }
        case "mutant" -> oneOf(v, p, ClusterDef.MUTANTS);
        case "clientWritesPerSecond" -> {
          Integer n = intInRange(v, p, 1, MAX_CLIENT_WRITES_PER_SECOND);
          yield n == null ? null : n.toString();
        }
        default -> throw new IllegalStateException("timing key without a check: " + key);
      };
      if (value != null) {
        timing.put(key, value);
      }
    }
    if (tickMs != null && electionMs != null) {
      Node v = m.get("electionMs");
      if (electionMs % tickMs != 0) {
        problems.at(v, m.child("electionMs") + " " + electionMs + " must be a multiple of tickMs "
            + tickMs);
      } else if (electionMs < MIN_ELECTION_TICKS * tickMs) {
        problems.at(v, m.child("electionMs") + " " + electionMs + " must be at least "
            + MIN_ELECTION_TICKS + " ticks (tickMs " + tickMs + ")");
      }
    }
    return timing;
  }

  private Expect expect(Node node) {
    YamlMap m = map(node, "expect");
    if (m == null) {
      return null;
    }
    m.allowOnly(EXPECT_KEYS);
    Node outcomeNode = m.optional("outcome");
    List<String> outcomes = outcomeNode == null ? null : outcomes(outcomeNode);
    Node idsNode = m.optional("clusterIds");
    Integer clusterIds = idsNode == null ? null
        : intInRange(idsNode, "expect.clusterIds", 0, Integer.MAX_VALUE);
    Node pdIdsNode = m.optional("pdClusterIds");
    Integer pdClusterIds = pdIdsNode == null ? null
        : intInRange(pdIdsNode, "expect.pdClusterIds", 0, Integer.MAX_VALUE);
    Long within = expectDuration(m, "bootstrapWithin", 1);
    Long after = expectDuration(m, "bootstrapAfter", 0);
    bothCanHold(m, "bootstrapAfter", after, "is later than", "bootstrapWithin", within);
    Long unavailable = expectDuration(m, "unavailableAtMost", 0);
    Long atLeast = expectDuration(m, "unavailableAtLeast", 0);
    bothCanHold(m, "unavailableAtLeast", atLeast, "is more than", "unavailableAtMost",
        unavailable);
    return new Expect(outcomes, clusterIds, pdClusterIds, within, after, unavailable, atLeast);
  }

  /** {@code expect.<key>}, a duration of at least {@code minUs}; null when absent or invalid. */
  private Long expectDuration(YamlMap m, String key, long minUs) {
    Node node = m.optional(key);
    return node == null ? null : durationAtLeast(node, "expect." + key, minUs);
  }

  /** Reports a lower bound {@code low} above its upper bound {@code high}: no run meets both. */
  private void bothCanHold(YamlMap m, String lowKey, Long low, String relation, String highKey,
      Long high) {
    if (low != null && high != null && low > high) {
      problems.at(m.optional(lowKey), "expect." + lowKey + " (" + Durations.format(low) + ") "
          + relation + " expect." + highKey + " (" + Durations.format(high)
          + "): no run can meet both");
    }
  }

  /** {@code outcome:} one outcome, or a non-empty list of distinct ones (any of them will do). */
  private List<String> outcomes(Node node) {
    if (!(node instanceof SequenceNode)) {
      String one = oneOf(node, "expect.outcome", Scenario.OUTCOMES);
      return one == null ? null : List.of(one);
    }
    List<Node> items = list(node, "expect.outcome");
    if (items.isEmpty()) {
      problems.at(node, "expect.outcome must name at least one outcome (one of "
          + String.join(", ", Scenario.OUTCOMES) + "), got an empty list");
      return null;
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      String o = oneOf(items.get(i), "expect.outcome[" + i + "]", Scenario.OUTCOMES);
      if (o != null && out.contains(o)) {
        problems.at(items.get(i), "expect.outcome[" + i + "] '" + o + "' is listed twice");
      }
      out.add(o);
    }
    return out.contains(null) ? null : out;
  }

  // ------------------------------------------------------------------------------- faults

  /**
   * One fault. The kinds and the keys each takes are {@link FaultKind}'s; the record is built only
   * when the file has no problem so far (with one, it is refused and nothing is built).
   */
  /** A {@code set-replicas} fault: cluster {@code cluster} has {@code replicas} from {@code atUs}. */
  private record Resize(String cluster, long atUs, int replicas) {}

  /**
   * The well-formed {@code set-replicas} faults of the list, read before the faults themselves,
   * so that a fault may name a member that a resize earlier in time (anywhere in the list)
   * creates. The faults' own parse reports what is wrong with them.
   */
  private static List<Resize> resizes(List<Node> items, List<ClusterInfo> clusters) {
    List<Resize> out = new ArrayList<>();
    for (Node item : items) {
      if (!(item instanceof MappingNode map)) {
        continue;
      }
      TreeMap<String, String> scalars = new TreeMap<>();
      for (var t : map.getValue()) {
        if (t.getKeyNode() instanceof ScalarNode k && t.getValueNode() instanceof ScalarNode v) {
          scalars.put(k.getValue(), v.getValue());
        }
      }
      if (!FaultKind.SET_REPLICAS.label().equals(scalars.get("kind"))
          || scalars.get("replicas") == null || scalars.get("at") == null) {
        continue;
      }
      try {
        String cluster = scalars.getOrDefault("cluster",
            clusters.isEmpty() ? null : clusters.get(0).name());
        out.add(new Resize(cluster, Durations.parseUs(scalars.get("at")),
            Integer.parseInt(scalars.get("replicas"))));
      } catch (IllegalArgumentException e) {
        // malformed: reported when the fault itself is read
      }
    }
    return out;
  }

  private FaultDef fault(Node node, String path, List<ClusterInfo> clusters,
      List<Resize> resizes, Long durationUs, String durationText) {
    YamlMap m = map(node, path);
    if (m == null) {
      return null;
    }
    int line = node.getStartMark().getLine() + 1;
    Node kindNode = m.required("kind");
    FaultKind kind = kindNode == null ? null
        : FaultKind.of(oneOf(kindNode, m.child("kind"), FaultKind.labels())).orElse(null);
    List<String> takes = kind == null ? List.of("at", "kind") : kind.takes();
    for (String k : m.keys()) {
      if (kind == null && !FaultKind.KEYS.contains(k)) {
        problems.at(m.keyNode(k), "unknown key '" + k + "' " + m.where() + " (known: "
            + String.join(", ", FaultKind.KEYS) + ")");
      } else if (kind != null && !takes.contains(k)) {
        String what = FaultKind.KEYS.contains(k) ? "key '" + k + "' does not apply to"
            : "unknown key '" + k + "' for";
        problems.at(m.keyNode(k), what + " kind " + kind + " " + m.where() + " (" + kind
            + " takes: " + String.join(", ", takes) + ")");
      }
    }

    Long atUs = null;
    Node atNode = m.required("at");
    if (atNode != null) {
      atUs = durationAtLeast(atNode, m.child("at"), 0);
      if (atUs != null && durationUs != null && atUs >= durationUs) {
        problems.at(atNode, m.child("at") + " must be before the end of the run (duration "
            + durationText + "), got '" + scalarText(atNode) + "'");
      }
    }
    if (kind == null) {
      return null;
    }
    for (String k : kind.required()) {
      if (m.get(k) == null) {
        problems.at(m.node(), "missing required key '" + k + "' " + m.where() + " (kind " + kind
            + ")");
      }
    }

    // The cluster the fault is about: the named one, else the first.
    String cluster = null;
    ClusterInfo target = clusters.isEmpty() ? null : clusters.get(0);
    Node clusterNode = takes.contains("cluster") ? m.optional("cluster") : null;
    if (clusterNode != null) {
      cluster = string(clusterNode, m.child("cluster"));
      target = null;
      if (cluster != null) {
        String named = cluster;
        target = clusters.stream().filter(c -> named.equals(c.name())).findFirst().orElse(null);
        boolean allNamed = clusters.stream().allMatch(c -> c.name() != null);
        if (target == null && allNamed) {
          problems.at(clusterNode, m.child("cluster") + " '" + cluster
              + "' is not a cluster of this scenario (clusters: "
              + String.join(", ", clusters.stream().map(ClusterInfo::name).distinct().toList())
              + ")");
        }
      }
    }

    Integer member = null;
    Node memberNode = takes.contains("member") ? m.get("member") : null;
    if (memberNode != null) {
      member = ordinal(memberNode, m.child("member"), grown(target, resizes, atUs));
    }
    boolean wipe = false;
    Node wipeNode = takes.contains("wipe") ? m.optional("wipe") : null;
    if (wipeNode != null) {
      wipe = Boolean.TRUE.equals(bool(wipeNode, m.child("wipe")));
    }
    Long restartAfterUs = optionalDuration(m, takes, "restartAfter", 0);
    Long forUs = optionalDuration(m, takes, "for", 1);
    Long delayUs = optionalDuration(m, takes, "delay", 0);
    Long everyUs = optionalDuration(m, takes, "every", 1);
    Integer replicas = null;
    Node replicasNode = takes.contains("replicas") ? m.get("replicas") : null;
    if (replicasNode != null) {
      replicas = intInRange(replicasNode, m.child("replicas"), 1, MAX_PD_REPLICAS);
    }
    String initialClusterState = null;
    Node stateNode = takes.contains("initialClusterState") ? m.optional("initialClusterState")
        : null;
    if (stateNode != null) {
      initialClusterState = oneOf(stateNode, m.child("initialClusterState"),
          List.of("new", "existing"));
    }
    boolean memberAdd = false;
    Node memberAddNode = takes.contains("memberAdd") ? m.optional("memberAdd") : null;
    if (memberAddNode != null) {
      memberAdd = Boolean.TRUE.equals(bool(memberAddNode, m.child("memberAdd")));
      if (memberAdd && stateNode == null) {
        problems.at(memberAddNode, m.child("memberAdd") + " needs initialClusterState (the"
            + " flags the added members start with)");
      }
    }
    Node rerender = stateNode != null ? stateNode : memberAddNode;
    if (rerender != null && target != null && target.strategy() != null
        && !"static".equals(target.strategy())) {
      problems.at(rerender, path + ": initialClusterState and memberAdd re-render a static"
          + " cluster's StatefulSet, but cluster '" + target.name() + "' uses "
          + target.strategy() + " (its operator decides the new members' flags)");
    }
    List<List<Integer>> groups = List.of();
    Node groupsNode = takes.contains("groups") ? m.get("groups") : null;
    if (groupsNode != null) {
      groups = groups(groupsNode, m.child("groups"), grown(target, resizes, atUs));
    }
    String nodeName = null;
    Node nodeNode = takes.contains("node") ? m.get("node") : null;
    if (nodeNode != null) {
      nodeName = string(nodeNode, m.child("node"));
      if (nodeName != null && nodeName.isBlank()) {
        problems.at(nodeNode, m.child("node") + " must name a node, got ''");
      }
    }
    if (kind == FaultKind.DISCOVERY_RESTART && target != null && target.strategy() != null
        && !"discovery".equals(target.strategy())) {
      problems.at(clusterNode != null ? clusterNode : kindNode, path
          + ": discovery-restart needs a cluster with strategy discovery, but cluster '"
          + target.name() + "' uses " + target.strategy());
    }
    if (kind == FaultKind.ADD_TIMEOUT && target != null && "static".equals(target.strategy())) {
      problems.at(clusterNode != null ? clusterNode : kindNode, path
          + ": add-timeout needs a cluster whose members are added at runtime (seed-join,"
          + " seed-join-learner, discovery, v2-static), but cluster '" + target.name()
          + "' uses static (its members all start from one list)");
    }
    Long snapshotAtUs = optionalDuration(m, takes, "snapshotAt", 0);
    if (snapshotAtUs != null && atUs != null && snapshotAtUs >= atUs) {
      problems.at(m.get("snapshotAt"), m.child("snapshotAt") + " must be before at (the"
          + " snapshot is saved before it is restored), got '" + scalarText(m.get("snapshotAt"))
          + "'");
    }
    boolean selfOnly = false;
    Node listNode = takes.contains("initialCluster") ? m.optional("initialCluster") : null;
    if (listNode != null) {
      selfOnly = "self".equals(oneOf(listNode, m.child("initialCluster"),
          List.of("same", "self")));
    }
    if (kind == FaultKind.RESTORE_SNAPSHOT && target != null && target.strategy() != null
        && !"static".equals(target.strategy())) {
      problems.at(clusterNode != null ? clusterNode : kindNode, path
          + ": restore-snapshot is modelled for static clusters (plain etcd members, restored"
          + " with their own flags), but cluster '" + target.name() + "' uses "
          + target.strategy());
    }
    if (kind == FaultKind.OPERATOR_RESTART && target != null
        && "static".equals(target.strategy())) {
      problems.at(clusterNode != null ? clusterNode : kindNode, path
          + ": operator-restart needs a cluster with an operator (seed-join, seed-join-learner,"
          + " discovery, v2-static), but cluster '" + target.name() + "' uses static");
    }
    if (kind == FaultKind.LIVENESS_KILL && target != null && target.strategy() != null
        && !"seed-join".equals(target.strategy())) {
      problems.at(clusterNode != null ? clusterNode : kindNode, path
          + ": liveness-kill needs member pods with a liveness probe, which only seed-join's"
          + " declare (coreos/etcd-operator: etcdctl endpoint status every 60 s), but cluster '"
          + target.name() + "' uses " + target.strategy() + ", whose pods have none, so a hung"
          + " member would never be killed (a pause without end is such a hang: use pause)");
    }
    if (!problems.isEmpty()) {
      return null; // a required value may be missing; the file is refused anyway
    }
    long at = atUs;
    return switch (kind) {
      case NEVER_START -> new FaultDef.NeverStart(at, cluster, member, line);
      case LATE_START -> new FaultDef.LateStart(at, cluster, member, delayUs, line);
      case CRASH -> new FaultDef.Crash(at, cluster, member, wipe, optional(restartAfterUs),
          line);
      case PAUSE -> new FaultDef.Pause(at, cluster, member, forUs, line);
      case PARTITION -> new FaultDef.Partition(at, cluster, groups, optional(forUs), line);
      case SET_REPLICAS -> new FaultDef.SetReplicas(at, cluster, replicas,
          initialClusterState, memberAdd, line);
      case DISCOVERY_RESTART -> new FaultDef.DiscoveryRestart(at, cluster, line);
      case TC_WRITE -> new FaultDef.TcWrite(at, cluster, everyUs, optional(forUs), line);
      case NODE_LOSS -> new FaultDef.NodeLoss(at, nodeName, line);
      case OPERATOR_RESTART -> new FaultDef.OperatorRestart(at, cluster,
          restartAfterUs == null ? 0 : restartAfterUs, line);
      case ADD_TIMEOUT -> new FaultDef.AddTimeout(at, cluster, line);
      case LIVENESS_KILL -> new FaultDef.LivenessKill(at, cluster, member, line);
      case RESTORE_SNAPSHOT -> new FaultDef.RestoreSnapshot(at, cluster, member, snapshotAtUs,
          selfOnly, line);
      case WRONG_PEER_URL -> new FaultDef.WrongPeerUrl(at, cluster, member, line);
    };
  }

  /** A duration field the kind takes; null when absent (or invalid: then reported). */
  private Long optionalDuration(YamlMap m, List<String> takes, String key, long minUs) {
    Node node = takes.contains(key) ? m.get(key) : null;
    return node == null ? null : durationAtLeast(node, m.child(key), minUs);
  }

  private static OptionalLong optional(Long us) {
    return us == null ? OptionalLong.empty() : OptionalLong.of(us);
  }

  /**
   * {@code target} with the most PD replicas it has at any time up to {@code atUs}: its own, or
   * a {@code set-replicas} at or before then (a member it creates can be faulted after it).
   */
  private static ClusterInfo grown(ClusterInfo target, List<Resize> resizes, Long atUs) {
    if (target == null || target.name() == null || atUs == null) {
      return target;
    }
    int most = target.pdReplicas();
    for (Resize r : resizes) {
      if (target.name().equals(r.cluster()) && r.atUs() <= atUs) {
        most = Math.max(most, r.replicas());
      }
    }
    return most == target.pdReplicas() ? target
        : new ClusterInfo(target.name(), target.strategy(), most);
  }

  /** A PD member ordinal of {@code target} (range unchecked when the cluster is unknown). */
  private Integer ordinal(Node node, String path, ClusterInfo target) {
    Long v = integer(node, path);
    if (v == null) {
      return null;
    }
    if (v < 0) {
      problems.at(node, path + " must be >= 0, got " + v);
      return null;
    }
    if (target != null && target.pdReplicas() > 0 && v >= target.pdReplicas()) {
      problems.at(node, path + " " + v + " is out of range: cluster '" + target.name() + "' has "
          + target.pdReplicas() + " PD replica" + (target.pdReplicas() == 1 ? "" : "s")
          + " by then");
      return null;
    }
    if (v >= MAX_PD_REPLICAS) {
      // The cluster is unknown or invalid (reported there), but no cluster has this member.
      problems.at(node, path + " " + v + " is out of range: a cluster has at most "
          + MAX_PD_REPLICAS + " PD replicas");
      return null;
    }
    return v.intValue();
  }

  private List<List<Integer>> groups(Node node, String path, ClusterInfo target) {
    List<Node> items = list(node, path);
    if (items == null) {
      return List.of();
    }
    if (items.size() < 2) {
      problems.at(node, path + " must have at least 2 groups, got " + items.size());
    }
    List<List<Integer>> groups = new ArrayList<>();
    List<Integer> seen = new ArrayList<>();
    List<Integer> seenIn = new ArrayList<>();
    for (int g = 0; g < items.size(); g++) {
      String groupPath = path + "[" + g + "]";
      List<Node> members = list(items.get(g), groupPath);
      if (members == null) {
        continue;
      }
      if (members.isEmpty()) {
        problems.at(items.get(g), groupPath + " must not be empty: a group lists member ordinals");
      }
      List<Integer> group = new ArrayList<>();
      for (int i = 0; i < members.size(); i++) {
        Integer o = ordinal(members.get(i), groupPath + "[" + i + "]", target);
        if (o == null) {
          continue;
        }
        int first = seen.indexOf(o);
        if (first >= 0) {
          problems.at(members.get(i), groupPath + "[" + i + "]: member " + o
              + " is already in " + path + "[" + seenIn.get(first) + "]");
        }
        seen.add(o);
        seenIn.add(g);
        group.add(o);
      }
      groups.add(group);
    }
    return groups;
  }

  // ------------------------------------------------------------------------------- values

  /** "a map", "a list", "an empty value" or the scalar quoted, for "got ..." in messages. */
  static String describe(Node node) {
    if (node instanceof MappingNode) {
      return "a map";
    }
    if (node instanceof SequenceNode) {
      return "a list";
    }
    if (node instanceof ScalarNode s) {
      return isNull(s) ? (s.getValue().isEmpty() ? "an empty value" : "null ('" + s.getValue()
          + "')") : "'" + s.getValue() + "'";
    }
    return "a " + node.getNodeId();
  }

  /** A YAML null: an empty value, {@code ~} or {@code null}. */
  static boolean isNull(Node node) {
    return node instanceof ScalarNode && Tag.NULL.equals(node.getTag());
  }

  private static String scalarText(Node node) {
    return node instanceof ScalarNode s ? s.getValue() : describe(node);
  }

  /** The non-null scalar text of {@code node}; else reports "must be {@code expected}". */
  private String scalar(Node node, String path, String expected) {
    if (node instanceof ScalarNode s && !isNull(s)) {
      return s.getValue();
    }
    problems.at(node, path + " must be " + expected + ", got " + describe(node));
    return null;
  }

  private String string(Node node, String path) {
    return scalar(node, path, "a string");
  }

  private YamlMap map(Node node, String path) {
    if (node instanceof MappingNode m) {
      return new YamlMap(m, path, problems);
    }
    problems.at(node, path + " must be a map, got " + describe(node));
    return null;
  }

  private List<Node> list(Node node, String path) {
    if (node instanceof SequenceNode s) {
      return s.getValue();
    }
    problems.at(node, path + " must be a list, got " + describe(node));
    return null;
  }

  private Long integer(Node node, String path) {
    return integer(node, path, "an integer");
  }

  private Long integer(Node node, String path, String expected) {
    String s = scalar(node, path, expected);
    if (s == null) {
      return null;
    }
    if (!INTEGER.matcher(s).matches()) {
      problems.at(node, path + " must be " + expected + ", got '" + s + "'");
      return null;
    }
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      problems.at(node, path + " must be " + expected + " that fits 64 bits, got '" + s + "'");
      return null;
    }
  }

  private Integer intInRange(Node node, String path, int min, int max) {
    Long v = integer(node, path);
    if (v == null) {
      return null;
    }
    if (v < min || v > max) {
      String range = max == Integer.MAX_VALUE ? ">= " + min : "between " + min + " and " + max;
      problems.at(node, path + " must be " + range + ", got " + v);
      return null;
    }
    return v.intValue();
  }

  private Boolean bool(Node node, String path) {
    String s = scalar(node, path, "true or false");
    if (s == null) {
      return null;
    }
    if ("true".equalsIgnoreCase(s)) {
      return Boolean.TRUE;
    }
    if ("false".equalsIgnoreCase(s)) {
      return Boolean.FALSE;
    }
    problems.at(node, path + " must be true or false, got '" + s + "'");
    return null;
  }

  private String oneOf(Node node, String path, List<String> allowed) {
    String expected = "one of " + String.join(", ", allowed);
    String s = scalar(node, path, expected);
    if (s != null && !allowed.contains(s)) {
      problems.at(node, path + " must be " + expected + ", got '" + s + "'");
      return null;
    }
    return s;
  }

  private String dnsLabel(Node node, String path) {
    String expected = "a DNS label (lower-case letters, digits and '-', starting and ending "
        + "with a letter or digit, at most " + DNS_LABEL_MAX + " characters)";
    String s = scalar(node, path, expected);
    if (s != null && (s.length() > DNS_LABEL_MAX || !DNS_LABEL.matcher(s).matches())) {
      problems.at(node, path + " must be " + expected + ", got '" + s + "'");
      return null;
    }
    return s;
  }

  private Long duration(Node node, String path) {
    String s = scalar(node, path, "a duration such as '5s'");
    if (s == null) {
      return null;
    }
    try {
      return Durations.parseUs(s);
    } catch (IllegalArgumentException e) {
      problems.at(node, path + ": " + e.getMessage());
      return null;
    }
  }

  private Long durationAtLeast(Node node, String path, long minUs) {
    Long us = duration(node, path);
    if (us != null && us < minUs) {
      problems.at(node, path + " must be " + (minUs == 0 ? ">= 0" : "> 0") + ", got '"
          + scalarText(node) + "'");
      return null;
    }
    return us;
  }
}
