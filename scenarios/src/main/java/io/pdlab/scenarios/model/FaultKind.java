package io.pdlab.scenarios.model;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The kinds of {@link FaultDef}: each kind's name in scenario files, the keys it takes there, and
 * how it is carried out, which decides the backends that can do it. The parser takes the kinds and
 * their keys from here; the runners refuse what a backend cannot do with {@link #refusal}.
 *
 * <p>Adding a kind: a constant here and a record in {@link FaultDef}; the compiler then asks for
 * the record's visitor method in every {@link FaultDef.Visitor} and for its construction in the
 * parser. Adding a backend: the compiler asks {@link Means} what each means does there.
 */
public enum FaultKind {
  /** A PD pod's container is never started. */
  NEVER_START("never-start", "keep a member from starting", Means.MODEL, List.of("member"),
      List.of("cluster")),
  /** A PD pod's container starts {@code delay} later than the others. */
  LATE_START("late-start", "delay a member's start", Means.MODEL, List.of("member", "delay"),
      List.of("cluster")),
  /** A member's container is killed, its data kept or wiped, and maybe restarted. */
  CRASH("crash", "crash members", Means.MEMBER, List.of("member"),
      List.of("cluster", "wipe", "restartAfter")),
  /** A running member is frozen for a while. */
  PAUSE("pause", "pause members", Means.MEMBER, List.of("member", "for"), List.of("cluster")),
  /** The members are cut into groups that cannot reach each other, healed after {@code for}. */
  PARTITION("partition", "partition members", Means.NETWORK, List.of("groups"),
      List.of("cluster", "for")),
  /** The cluster's desired PD size is changed. */
  SET_REPLICAS("set-replicas", "resize a cluster", Means.MODEL, List.of("replicas"),
      List.of("cluster", "initialClusterState", "memberAdd")),
  /** tidb-operator's discovery pod is deleted (and re-created, its memory lost). */
  DISCOVERY_RESTART("discovery-restart", "restart the discovery service", Means.MODEL,
      List.of(), List.of("cluster")),
  /** The TidbCluster object is written every {@code every}, for {@code for} or for ever. */
  TC_WRITE("tc-write", "write the TidbCluster", Means.MODEL, List.of("every"),
      List.of("cluster", "for")),
  /**
   * A node is lost: marked not ready and its processes crashed. It names a node, whichever
   * clusters it holds, so it takes no {@code cluster}.
   */
  NODE_LOSS("node-loss", "lose a node", Means.MODEL, List.of("node"), List.of()),
  /**
   * The cluster's operator process is killed (its memory lost) and started again {@code
   * restartAfter} later (at once when absent).
   */
  OPERATOR_RESTART("operator-restart", "restart an operator", Means.MODEL, List.of(),
      List.of("cluster", "restartAfter")),
  /**
   * The first successful MemberAdd answer a client of the cluster gets from {@code at} on is
   * lost: the add is applied, the client times out.
   */
  ADD_TIMEOUT("add-timeout", "lose a MemberAdd's answer", Means.MODEL, List.of(),
      List.of("cluster")),
  /**
   * A member's process hangs (stops answering, as a stopped process does) for good, so that its
   * kubelet's liveness probe fails and kills the container; its pod's restart policy and operator
   * do the rest.
   */
  LIVENESS_KILL("liveness-kill", "have a liveness probe kill a hung member", Means.PROBE,
      List.of("member"), List.of("cluster")),
  /**
   * A backup sidecar's restore: the member's store is saved at {@code snapshotAt} ({@code
   * etcdctl snapshot save}); at {@code at} its container is killed, its volume wiped, the
   * snapshot restored into it ({@code etcdctl snapshot restore} with {@code initialCluster}:
   * {@code same}, the member's own {@code --initial-cluster} and token, or {@code self}, a list
   * of the member alone) and the member started again.
   */
  RESTORE_SNAPSHOT("restore-snapshot", "restore a member from a snapshot", Means.DATA_DIR,
      List.of("member", "snapshotAt"), List.of("cluster", "initialCluster")),
  /**
   * From {@code at} on, every start of a member advertises a peer URL that reaches nothing (a
   * typo'd or stale DNS name) instead of the one its peers and {@code --initial-cluster} use.
   */
  WRONG_PEER_URL("wrong-peer-url", "give a member a wrong advertised peer URL", Means.FLAGS,
      List.of("member"), List.of("cluster"));

  /**
   * Every key any kind takes, in the order messages list them (those about a key no kind takes).
   * It holds exactly the keys of {@link #takes()} over all kinds.
   */
  public static final List<String> KEYS = List.of("at", "kind", "cluster", "member", "wipe",
      "restartAfter", "delay", "for", "groups", "replicas", "initialClusterState", "memberAdd",
      "every", "node", "snapshotAt", "initialCluster");

  private final String label;
  private final String doing;
  private final Means means;
  private final List<String> required;
  private final List<String> optional;

  FaultKind(String label, String doing, Means means, List<String> required,
      List<String> optional) {
    this.label = label;
    this.doing = doing;
    this.means = means;
    this.required = required;
    this.optional = optional;
  }

  /** Its name in scenario files ({@code kind:}), e.g. {@code never-start}. */
  public String label() {
    return label;
  }

  /** {@link #label()}, so that messages read as the files are written. */
  @Override
  public String toString() {
    return label;
  }

  /** How it is carried out, which decides where it can be. */
  public Means means() {
    return means;
  }

  /** The keys it needs besides {@code at} and {@code kind}. */
  public List<String> required() {
    return required;
  }

  /** The keys it may have besides those. */
  public List<String> optional() {
    return optional;
  }

  /** Every key it takes: {@code at}, {@code kind}, then the required, then the optional ones. */
  public List<String> takes() {
    List<String> out = new ArrayList<>(List.of("at", "kind"));
    out.addAll(required);
    out.addAll(optional);
    return List.copyOf(out);
  }

  /** The backends that can carry it out, in declaration order. */
  public Set<Backend> backends() {
    Set<Backend> out = EnumSet.noneOf(Backend.class);
    for (Backend b : Backend.values()) {
      if (refusal(b) == null) {
        out.add(b);
      }
    }
    return out;
  }

  /** Why {@code backend} cannot carry it out, or null when it can. */
  public Refusal refusal(Backend backend) {
    Means.Why why = means.refusal(backend);
    return why == null ? null : new Refusal(this, backend, why.because(), why.instead());
  }

  /** Every kind's label, in declaration order (as messages list them). */
  public static List<String> labels() {
    List<String> out = new ArrayList<>();
    for (FaultKind k : values()) {
      out.add(k.label);
    }
    return List.copyOf(out);
  }

  /** The kind of that label, if there is one. */
  public static Optional<FaultKind> of(String label) {
    for (FaultKind k : values()) {
      if (k.label.equals(label)) {
        return Optional.of(k);
      }
    }
    return Optional.empty();
  }

  /**
   * How a fault is carried out. On a real backend the Kubernetes model (object store,
   * controllers, operators, kubelet) is the simulator's own, driven on the wall clock, and its
   * containers are the real members; so what acts on the model acts wherever the model runs, a
   * member's process is what a backend can kill and freeze, and the network between members is
   * what only some backends can cut.
   */
  public enum Means {
    /**
     * On the model's objects and its kubelet (which pods start, when, the desired size, the
     * discovery pod, the TidbCluster, a node): the model then starts and stops the members.
     */
    MODEL,
    /**
     * On one member's process: kill -9 and SIGSTOP/SIGCONT for etcd processes, docker kill and
     * pause for containers.
     */
    MEMBER,
    /**
     * On the network between members: containers are cut apart in their own network namespaces
     * (the shapes a machine allows are judged when the run starts).
     */
    NETWORK,
    /**
     * By a kubelet's liveness probe of a hung member: the model's kubelet runs the probe
     * ({@code ContainerRuntime.probeLiveness}), judged in the simulator, and on the etcd and
     * etcd-containers backends and the k8s backend's agent nodes run with the host's etcdctl
     * against the real member; on k8s kubelet nodes the real kubelet execs it in the member's
     * container.
     */
    PROBE,
    /**
     * On a member's data directory while it is down: its contents replaced by what a tool
     * (etcdctl) writes there; the real backends, whose data directories are all on this host
     * (a kubelet node's pod volume too), run the host's etcdctl ({@code
     * ContainerRuntime.saveSnapshot}).
     */
    DATA_DIR,
    /**
     * On the flags a member's process starts with, as the model renders them: on a real backend
     * the model's URLs become real addresses, and a wrong advertised peer URL (a DNS name that
     * resolves to nothing) becomes the member's real host at a port nothing listens on ({@code
     * RealContext.unreachable}).
     */
    FLAGS;

    /** Why a backend cannot do what is carried out this way, or null when it can. */
    Why refusal(Backend backend) {
      return switch (backend) {
        case SIM -> null; // the simulator models every means
        case ETCD -> this == NETWORK ? new Why("local processes share the host's loopback",
            Backend.ETCD_CONTAINERS) : null;
        case ETCD_CONTAINERS -> null;
        case K3S -> new Why("no k3s driver exists yet", null);
        case K8S -> switch (this) {
          // the agent's pods are etcd processes, as on etcd; a kubelet node's pod keeps its data
          // on a volume whose directory is on this host, and its kubelet runs the pod's probe
          case MODEL, MEMBER, DATA_DIR, PROBE, FLAGS -> null;
          case NETWORK -> new Why("the node agent's pods are local processes sharing the host's"
              + " loopback", Backend.ETCD_CONTAINERS);
        };
      };
    }

    /** A reason and, where there is one, the backend that can do it instead (else null). */
    record Why(String because, Backend instead) {}
  }

  /**
   * Why a backend cannot carry out a kind.
   *
   * @param kind what was asked
   * @param backend what was asked to do it
   * @param because why it cannot
   * @param instead a backend that can, or null
   */
  public record Refusal(FaultKind kind, Backend backend, String because, Backend instead) {
    /**
     * The message, e.g. {@code backend 'etcd' cannot partition members (local processes share
     * the host's loopback); use backend etcd-containers}.
     *
     * @param option how the reader names a backend: {@code backend} in a scenario file, {@code
     *     --backend} on the command line
     */
    public String message(String option) {
      return "backend '" + backend + "' cannot " + kind.doing + " (" + because + ")"
          + (instead == null ? "" : "; use " + option + " " + instead);
    }
  }
}
