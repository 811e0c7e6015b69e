package io.pdlab.k8s.controllers;

import io.pdlab.k8s.api.Container;
import io.pdlab.k8s.api.Pod;
import io.pdlab.k8s.api.LivenessProbe;
import io.pdlab.pd.etcd.EtcdConfig;
import io.pdlab.pd.etcd.EtcdHolder;
import io.pdlab.pd.etcd.EtcdMember;
import io.pdlab.pd.etcd.StoreSnapshot;
import io.pdlab.pd.etcd.EtcdTiming;
import io.pdlab.pd.pod.DiscoveryPod;
import io.pdlab.pd.pod.PdPod;
import io.pdlab.pd.tidb.TidbOperatorVersion;
import io.pdlab.sim.process.Disk;
import io.pdlab.sim.process.Process;
import io.pdlab.sim.process.ProcessContext;
import io.pdlab.sim.process.ProcessState;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * What the kubelet runs for a container: the simulated process behind an image's entrypoint,
 * chosen by the container's role, and how its readiness probe answers (asked only for a container
 * that declares one, {@link Container#ETCD_HEALTH}; the others are Ready when running).
 *
 * <ul>
 *   <li>{@code etcd}: an {@link EtcdMember} from the container's etcd flags; ready when it has
 *       published and knows a leader (a quorum-gated health check);
 *   <li>{@code pd}: a {@link PdPod} (tidb-operator v1's start script, or with {@code --direct}
 *       pd-server run with its flags as v2 does; join, embedded etcd); ready once PD has its
 *       cluster ID;
 *   <li>{@code discovery}: tidb-operator's {@link DiscoveryPod}, of the release the cluster's
 *       {@code tidbOperatorVersion} names (v1.5 by default); ready when running;
 *   <li>{@code simple}: a process with no protocol (TiKV, TiDB, monitor stand-ins); ready when
 *       running;
 *   <li>{@code check-dns}: coreos/etcd-operator's init container, {@link CheckDns}.
 * </ul>
 */
public final class SimContainerRuntime implements ContainerRuntime {
  private final K8sWorld world;

  /** The namespaces whose discovery pod was created (for a test's mutant only). */
  private final java.util.Set<String> discoveries = new java.util.TreeSet<>();

  public SimContainerRuntime(K8sWorld world) {
    this.world = world;
  }

  @Override
  public Process create(Pod pod, Container c) {
    String ns = pod.meta().namespace();
    String name = pod.meta().name();
    return switch (c.role()) {
      case "etcd" -> new EtcdMember(memberConfig(world, pod, c), world.tracker().observer());
      case "pd" -> new PdPod(name, ns, pod.meta().labels().getOrDefault(
          "app.kubernetes.io/instance", ""), timing(c, world.timingOverrides(ns)), world,
          world.tracker().observer(),
          c.args().contains("--direct") ? c.args() : null);
      case "discovery" -> {
        String mutant = world.timingOverrides(ns).get("mutant");
        if (!discoveries.add(ns) && "discovery-fails-on-restart".equals(mutant)) {
          throw new IllegalStateException("mutant discovery-fails-on-restart: the discovery pod "
              + name + " was created again");
        }
        yield new DiscoveryPod(ns, world, TidbOperatorVersion.of(world.timingOverrides(ns)),
            !"discovery-without-count".equals(mutant));
      }
      case "simple" -> new Simple();
      case CheckDns.NAME -> CheckDns.of(pod, world);
      default -> throw new IllegalArgumentException("pod " + pod.meta().key() + " container "
          + c.name() + ": unknown role '" + c.role() + "' (etcd, pd, discovery, simple, "
          + CheckDns.NAME + ")");
    };
  }

  @Override
  public boolean ready(Container c, Process p) {
    return switch (c.role()) {
      case "etcd" -> {
        EtcdMember m = (EtcdMember) p;
        yield m.ready() && m.raft() != null && m.raft().lead() != 0;
      }
      // No readiness probe: tidb-operator v1.5.1 pd_member_manager.go sets one only when
      // spec.pd.readinessProbe is given (then TCP 2379); a running PD container is Ready.
      case "pd" -> true;
      default -> true;
    };
  }

  @Override
  public boolean runsLivenessProbes() {
    return true;
  }

  /**
   * etcdctl 3.4 v3 {@code endpoint status} (the only liveness probe the model's pods declare:
   * coreos/etcd-operator's): the member's maintenance {@code Status} is answered locally, with or
   * without a leader (etcd v3.4.23 etcdserver/api/v3rpc/maintenance.go {@code Status}: no leader is
   * an entry in the answer's errors, not an error), so it passes while the member serves clients;
   * before it has published itself etcd serves no client request (the call waits on its
   * connection), and a stopped process answers nothing: etcdctl gives up after its {@code
   * --command-timeout} ({@link #ETCDCTL_COMMAND_TIMEOUT_MS}) and exits non-zero, within the
   * probe's own timeout. (Measured on etcd 3.4.23: against a SIGSTOPped member, etcdctl endpoint
   * status exits 1 "context deadline exceeded" after 5.0 s.)
   */
  @Override
  public void probeLiveness(Container c, Process p, boolean hung, LivenessProbe probe,
      LongConsumer failsAfterUs) {
    boolean answers = !hung && (!(p instanceof EtcdMember m) || m.ready());
    failsAfterUs.accept(answers ? -1 : Math.min(probe.timeoutSeconds() * 1_000_000L,
        ETCDCTL_COMMAND_TIMEOUT_MS * 1_000));
  }

  /**
   * {@code etcdctl snapshot save} streams the member's backend ({@link EtcdMember#snapshot});
   * a member that does not serve clients now (not started, not published, hung) gives none.
   */
  @Override
  public void saveSnapshot(String pod, Process p, BiConsumer<Backup, String> done) {
    EtcdMember m = p instanceof EtcdHolder h ? h.etcd() : null;
    if (m == null || !m.ready() || world.kernel().state(pod) != ProcessState.RUNNING) {
      done.accept(null, pod + " does not serve clients now");
      return;
    }
    StoreSnapshot s = m.snapshot();
    done.accept(new Backup(m.config(), s.kv().size() + " keys, revision " + s.revision()
        + ", applied index " + m.raft().applied(), s), null);
  }

  /** {@link EtcdMember#restore} into the model's volume. */
  @Override
  public void restoreSnapshot(String pod, Disk disk, Backup backup, String name,
      Map<String, String> initialCluster, String token, Consumer<String> done) {
    try {
      EtcdMember.restore(disk, (StoreSnapshot) backup.data(), name, initialCluster, token);
    } catch (IllegalArgumentException refused) {
      done.accept(refused.getMessage());
      return;
    }
    done.accept(null);
  }

  /** etcd v3.4.23 etcdctl/ctlv3/ctl.go {@code defaultCommandTimeOut = 5 * time.Second}. */
  public static final long ETCDCTL_COMMAND_TIMEOUT_MS = 5_000;

  public static String flag(List<String> args, String name, String fallback) {
    for (String a : args) {
      if (a.startsWith("--" + name + "=")) {
        return a.substring(name.length() + 3);
      }
    }
    return fallback;
  }

  /**
   * The container's timing profile ({@code --timing=etcd|pd}) with a scenario's overrides of
   * profile, etcdVersion (3.4 or 3.5: the etcd profile's defaults), tickMs, electionMs, preVote
   * and strictReconfigCheck.
   */
  public static EtcdTiming timing(Container c, Map<String, String> overrides) {
    String profile = overrides.getOrDefault("profile", flag(c.args(), "timing", "etcd"));
    EtcdTiming t = profile.equals("pd") ? EtcdTiming.PD_PROFILE
        : "3.5".equals(overrides.get("etcdVersion")) ? EtcdTiming.ETCD_3_5_DEFAULTS
        : EtcdTiming.ETCD_DEFAULTS;
    if (overrides.containsKey("tickMs") || overrides.containsKey("electionMs")) {
      t = t.withTicks(Long.parseLong(overrides.getOrDefault("tickMs", Long.toString(t.tickMs()))),
          Long.parseLong(overrides.getOrDefault("electionMs", Long.toString(t.electionMs()))));
    }
    if (overrides.containsKey("preVote")) {
      t = t.withPreVote(Boolean.parseBoolean(overrides.get("preVote")));
    }
    if (overrides.containsKey("strictReconfigCheck")) {
      t = t.withStrictReconfigCheck(Boolean.parseBoolean(overrides.get("strictReconfigCheck")));
    }
    return t;
  }

  /**
   * The environment a container gets from the ConfigMap it names ({@link Container#envFrom}), as
   * that ConfigMap is now: the kubelet reads it when it creates the container, at every start and
   * restart (kubelet 1.20 kubelet_pods.go {@code makeEnvironmentVariables}). A missing ConfigMap
   * fails the container's start (CreateContainerConfigError); the model refuses it.
   */
  static Map<String, String> environment(Pod pod, Container c,
      io.pdlab.k8s.store.ObjectStore store) {
    if (c.envFrom().equals(Container.NO_ENV)) {
      return java.util.Collections.emptySortedMap();
    }
    io.pdlab.k8s.api.ConfigMap cm = store.get(io.pdlab.k8s.api.Kind.CONFIG_MAP,
        pod.meta().namespace() + "/" + c.envFrom());
    if (cm == null) {
      throw new IllegalStateException("pod " + pod.meta().key() + ": configmap \""
          + c.envFrom() + "\" not found");
    }
    return cm.data();
  }

  /**
   * The pod's DNS name under its headless Service: {@code <name>.<subdomain>.<namespace>.svc}
   * (the pods' hostname is their name).
   */
  public static String podDnsName(Pod pod) {
    return pod.meta().name() + "." + pod.spec().subdomain() + "." + pod.meta().namespace()
        + ".svc";
  }

  /**
   * The container's args with each {@code $(KEY)} replaced by KEY's value in {@code env}
   * (kubelet 1.20 {@code expansion.Expand} of the args over the container's environment).
   */
  static List<String> expandArgs(List<String> args, Map<String, String> env) {
    List<String> out = new java.util.ArrayList<>();
    for (String a : args) {
      String x = a;
      for (Map.Entry<String, String> e : env.entrySet()) {
        x = x.replace("$(" + e.getKey() + ")", e.getValue());
      }
      out.add(x);
    }
    return out;
  }

  /**
   * What an etcd container of {@code pod} starts with, on every backend: its flags ({@link
   * #etcdConfig}) with the peer URL it advertises ({@link K8sWorld#advertised}).
   */
  public static EtcdConfig memberConfig(K8sWorld world, Pod pod, Container c) {
    String ns = pod.meta().namespace();
    return world.advertised(ns, etcdConfig(pod, c, world.store(), world.timingOverrides(ns)));
  }

  /**
   * The etcd flags of a container in a pod with a stable DNS name under its headless Service,
   * from its args and its environment as etcd 3.4.23 reads them ({@link #etcdFlag}).
   */
  public static EtcdConfig etcdConfig(Pod pod, Container c, io.pdlab.k8s.store.ObjectStore store,
      Map<String, String> overrides) {
    Map<String, String> env = environment(pod, c, store);
    List<String> args = expandArgs(c.args(), env);
    for (String a : args) {
      int eq = a.indexOf('=');
      if (a.startsWith("--") && eq > 2 && env.containsKey(envName(a.substring(2, eq)))) {
        throw new IllegalStateException("pod " + pod.meta().key() + " container " + c.name()
            + ": etcd would exit: conflicting environment variable \""
            + envName(a.substring(2, eq)) + "\" is shadowed by corresponding command-line flag"
            + " (either unset environment variable or disable flag)");
      }
    }
    String host = podDnsName(pod);
    String state = etcdFlag(args, env, "initial-cluster-state", "new");
    return new EtcdConfig(pod.meta().name(), "http://" + host + ":2380",
        "http://" + host + ":2379",
        EtcdConfig.parseInitialCluster(etcdFlag(args, env, "initial-cluster", "")),
        state.equals("existing") ? EtcdConfig.State.EXISTING : EtcdConfig.State.NEW,
        etcdFlag(args, env, "initial-cluster-token", "etcd-cluster"), timing(c, overrides));
  }

  /**
   * One etcd flag as etcd 3.4.23 takes it (pkg/flags/flag.go {@code SetFlagsFromEnv}): from the
   * command line, else from the environment variable {@code ETCD_<NAME>} (upper case, '-' to
   * '_'), else its default. A variable whose flag is also on the command line is fatal there
   * ({@code verifyEnv}: "conflicting environment variable ... is shadowed by corresponding
   * command-line flag"); {@link #etcdConfig} refuses such a container, which no modelled operator
   * writes (etcd-io/etcd-operator's StatefulSet gives the initial cluster by environment only).
   */
  static String etcdFlag(List<String> args, Map<String, String> env, String name,
      String fallback) {
    return flag(args, name, env.getOrDefault(envName(name), fallback));
  }

  /** etcd 3.4.23 pkg/flags/flag.go {@code FlagToEnv}: ETCD_ and the name, upper case, '_' for '-'. */
  static String envName(String flag) {
    return "ETCD_" + flag.toUpperCase(java.util.Locale.ROOT).replace('-', '_');
  }

  /** A container with no protocol of its own. */
  public static final class Simple implements Process {
    @Override
    public void onStart(ProcessContext ctx) {
      if (ctx.tracing()) {
        ctx.log("container started");
      }
    }

    @Override
    public void onMessage(ProcessContext ctx, String from, Object message) {}
  }
}
