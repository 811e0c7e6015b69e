package io.pdlab.real.drive;

import io.pdlab.k8s.controllers.K8sWorld;
import io.pdlab.pd.etcd.EtcdObserver;
import io.pdlab.pd.run.MemberTracker;
import io.pdlab.pd.run.RunMeasures;
import io.pdlab.real.client.EtcdOps;
import io.pdlab.real.client.ExternalMeasures;
import io.pdlab.real.client.MemberDirectory;
import io.pdlab.real.kube.KubeCluster;
import io.pdlab.real.node.EtcdBackend;
import io.pdlab.sim.World;
import io.pdlab.sim.realtime.RealTimeRuntime;
import io.pdlab.sim.trace.TraceSink;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One run on a real backend: the Kubernetes model (object store, scheduler, controllers,
 * operators, kubelet) on the wall clock, its containers real etcd members (processes or
 * containers), and measures observed from outside through etcd's API. Everything that touches the
 * model runs on the world's one thread ({@link #run}, {@link #call}); faults of the model's
 * processes (crash, pause, wipe) are carried out on the real members by a lifecycle listener.
 * Closing it stops the clock, the probes, every member and the backend, whatever state the run is
 * in.
 */
public final class RealWorld implements AutoCloseable {
  /** How long closing waits for node operations already asked (a container start) to finish. */
  private static final long DRAIN_MS = 30_000;

  private final RealTimeRuntime runtime;
  private final EtcdBackend backend;
  private final RealContext rc;
  private final Tracker tracker = new Tracker();
  /**
   * The measures, one per cluster by name in a run of several ({@link Goal}); in a run measured
   * as one, a single entry under "".
   */
  private final java.util.TreeMap<String, ExternalMeasures> measures = new java.util.TreeMap<>();
  private final K8sWorld k8s;
  private final KubeCluster kube;
  private boolean closed;

  /**
   * @param backend where the members run; closed with this world
   * @param desiredSize how many members the cluster should reach (as {@code expectSize})
   * @param requirePdClusterId PD runs: bootstrap needs the PD cluster ID written
   * @param sink receives the trace (null: no trace)
   */
  public RealWorld(long seed, EtcdBackend backend, int desiredSize, boolean requirePdClusterId,
      TraceSink sink) {
    this(seed, backend, desiredSize, requirePdClusterId, sink, null);
  }

  /**
   * As above, on a real Kubernetes ({@code kube} non-null, the {@code k8s} backend; closed with
   * this world): the model's operators, discovery and start script read and write its API, its
   * scheduler and controllers bind and own the pods, and this world is the agent of its nodes,
   * running the pods bound to them as real etcd members on {@code backend}.
   */
  public RealWorld(long seed, EtcdBackend backend, int desiredSize, boolean requirePdClusterId,
      TraceSink sink, KubeCluster kube) {
    this(seed, backend, new java.util.TreeMap<>(Map.of("", new Goal(desiredSize,
        requirePdClusterId))), n -> "", sink, kube);
  }

  /**
   * What one cluster of a run is meant to reach: its size and, for PD, a PD cluster ID.
   *
   * @param desiredSize how many members (as {@code EtcdWorld.expectSize})
   * @param requirePdClusterId bootstrap needs the PD cluster ID written
   */
  public record Goal(int desiredSize, boolean requirePdClusterId) {}

  /**
   * As above, a run of several clusters measured cluster by cluster (as the simulator's {@code
   * EtcdWorld.measureCluster}): {@code clusters} by name, {@code clusterOf} naming the cluster of
   * each member. Each cluster has its own {@link ExternalMeasures} (its polls and probe writes go
   * to its own members only).
   */
  public RealWorld(long seed, EtcdBackend backend, java.util.SortedMap<String, Goal> clusters,
      java.util.function.Function<String, String> clusterOf, TraceSink sink, KubeCluster kube) {
    if (clusters.isEmpty()) {
      throw new IllegalArgumentException("a run measures at least one cluster");
    }
    this.backend = backend;
    this.kube = kube;
    RealTimeRuntime rt = null;
    RealContext ctx = null;
    try {
      rt = new RealTimeRuntime(seed, sink != null);
      World kernel = rt.call(w -> w);
      if (sink != null) {
        rt.run(w -> w.addTraceSink(sink));
      }
      ctx = new RealContext(kernel, backend, EtcdOps::new);
      RealContext rcRef = ctx;
      if (backend instanceof io.pdlab.real.node.KubeletEtcdBackend kb) {
        kb.bindModelUrls(rcRef::modelPeerUrl, rcRef::modelClientUrl);
      }
      for (Map.Entry<String, Goal> c : clusters.entrySet()) {
        String name = c.getKey();
        io.pdlab.real.client.MemberDirectory d = clusters.size() == 1 ? tracker : () -> {
          Map<String, String> mine = new LinkedHashMap<>();
          tracker.endpoints().forEach((member, url) -> {
            if (name.equals(clusterOf.apply(member))) {
              mine.put(member, url);
            }
          });
          return mine;
        };
        measures.put(name, new ExternalMeasures(d, c.getValue().desiredSize(),
            c.getValue().requirePdClusterId(), this::nowUs));
      }
      this.k8s = rt.call(w -> {
        w.addLifecycleListener(new Faults(rcRef, launches));
        if (kube == null) {
          return new K8sWorld(w, tracker, k -> new RealContainerRuntime(k, rcRef));
        }
        io.pdlab.real.kube.KubeApiStore api = kube.open(w);
        api.setPodAddresses(p -> RealContainerRuntime.address(p, rcRef));
        return new K8sWorld(w, tracker, k -> new RealContainerRuntime(k, rcRef), api,
            kube::nodeLost);
      });
    } catch (RuntimeException e) {
      measures.values().forEach(ExternalMeasures::close);
      if (ctx != null) {
        ctx.drainIo(DRAIN_MS);
        ctx.ops().close();
        ctx.status().close();
      }
      if (rt != null) {
        rt.close();
      }
      backend.close();
      if (kube != null) {
        kube.close();
      }
      throw e;
    }
    this.runtime = rt;
    this.rc = ctx;
  }

  /**
   * The container of each pod on a kubelet node that asked last (by process name: the pod's for
   * its app container, {@link K8sWorld#initProcess} for an init container).
   */
  private final java.util.concurrent.ConcurrentHashMap<String, io.pdlab.real.node.PodLaunch>
      launches = new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * Starts a real kubelet for each of {@code nodes} (the model has created their Nodes; {@link
   * KubeCluster#runByKubelet} named them first) and returns once they are Ready: from then on the
   * pods bound to them are run by their kubelets, each container asking this world what to run.
   * Needs a {@link io.pdlab.real.node.KubeletEtcdBackend} (the members live in those containers).
   *
   * @param images every image name the model's pods use
   */
  public void startKubeletNodes(List<String> nodes, java.util.Collection<String> images) {
    if (kube == null || !(backend instanceof io.pdlab.real.node.KubeletEtcdBackend kb)) {
      throw new IllegalStateException("kubelet nodes need the k8s backend's kubelet members");
    }
    runtime.run(w -> k8s.runByKubelet(nodes));
    io.pdlab.real.kube.KubeletNodes started = kube.startKubeletNodes(nodes, images);
    kb.bind(started);
    started.listen(this::launched);
  }

  /** A container a real kubelet started asks what to run (a launch server's thread). */
  private void launched(io.pdlab.real.node.PodLaunch l) {
    rc.post(() -> {
      String key = l.namespace() + "/" + l.pod();
      io.pdlab.k8s.api.Pod pod = k8s.store().get(io.pdlab.k8s.api.Kind.POD, key);
      if (pod == null) {
        l.hangUp();
        return;
      }
      int init = K8sWorld.initIndex(pod, l.container());
      if (init >= 0) {
        initLaunched(l, key, K8sWorld.initProcess(l.pod(), pod.spec().initContainers()
            .get(init)));
        return;
      }
      String role = pod.spec().containers().get(0).role();
      boolean member = role.equals("etcd") || role.equals("pd");
      io.pdlab.real.node.PodLaunch previous = launches.put(l.pod(), l);
      if (previous != null && previous != l) {
        // The pod's next container asks before the end of the last one was handled here: that
        // one ended (a pod runs one container at a time), and its end is handled now.
        k8s.kubeletContainerEnded(key);
      }
      if (member) {
        ((io.pdlab.real.node.KubeletEtcdBackend) backend).attach(l);
      }
      l.onEnd(() -> rc.post(() -> {
        if (launches.remove(l.pod(), l)) {
          if (member && k8s.kernel().hasProcess(l.pod())
              && k8s.kernel().state(l.pod()) != io.pdlab.sim.process.ProcessState.DOWN) {
            lastWords(l.pod());
          }
          k8s.kubeletContainerEnded(key);
        }
      }));
      boolean runs = k8s.kubeletContainerStarted(key);
      if (!member || !runs) {
        l.idle(); // no etcd in it: it stays up until its model process ends
      }
    });
  }

  /**
   * Notes why the etcd of member {@code process} ended with its container, which nothing of the
   * model ended (etcd exited by itself, as a restored follower's raft panic, or its kubelet
   * killed it): its log's {@code panic:} line or last line ({@link RealEtcd#exitReason}), read
   * off the world's thread right away, before the kubelet starts the pod's next container.
   */
  private void lastWords(String process) {
    io.pdlab.real.node.EtcdNode node = rc.node(process);
    java.util.concurrent.CompletableFuture.runAsync(() -> {
      String reason = RealEtcd.exitReason(node.logTail(RealEtcd.EXIT_LOG_LINES));
      if (!reason.isEmpty()) {
        rc.post(() -> k8s.kernel().note(process, CONTAINER_ENDED_LOG + reason));
      }
    });
  }

  /** What the trace notes, followed by the log line, when a member's container ended by itself. */
  static final String CONTAINER_ENDED_LOG = "real etcd: its container ended; its log ends: ";

  /**
   * An init container of pod {@code key} asks (on the world's thread): it runs no program but
   * waits while the model's process of it ({@code process}, e.g. {@link
   * io.pdlab.k8s.controllers.CheckDns}) runs, and exits with its exit code ({@link Faults}): 0,
   * and its kubelet starts the next container. Answered before the process starts, so that an
   * exit at its start finds the container waiting.
   */
  private void initLaunched(io.pdlab.real.node.PodLaunch l, String key, String process) {
    io.pdlab.real.node.PodLaunch previous = launches.put(process, l);
    if (previous != null && previous != l) {
      k8s.kubeletInitContainerEnded(key, l.container()); // (as for an app container, above)
    }
    l.onEnd(() -> rc.post(() -> {
      if (launches.remove(process, l)) {
        k8s.kubeletInitContainerEnded(key, l.container());
      }
    }));
    l.idle();
    k8s.kubeletContainerStarted(key, l.container());
  }

  /** Runs {@code work} with the Kubernetes model on the world's thread and waits for it. */
  public void run(Consumer<K8sWorld> work) {
    runtime.run(w -> work.accept(k8s));
  }

  /** As {@link #run}, returning a value. */
  public <T> T call(Function<K8sWorld, T> work) {
    return runtime.call(w -> work.apply(k8s));
  }

  /** The world's time when measuring started: the run's time 0. */
  private volatile long originUs;

  /**
   * Wall-clock microseconds of the run: since measuring started (the scenario's time 0, where its
   * faults count from), or since the world was made before that.
   */
  public long nowUs() {
    return runtime.nowUs() - originUs;
  }

  private volatile boolean measuring;

  /**
   * Starts measuring now (the bootstrap clock and the probes): the run's time 0. Later calls do
   * nothing, as the simulator's (a provisioned run calls it at each cluster's release).
   */
  public synchronized void startMeasuring() {
    if (measuring) {
      return;
    }
    measuring = true;
    originUs = runtime.nowUs();
    measures.values().forEach(ExternalMeasures::start);
  }

  /**
   * When the cluster bootstrapped, from the start of measuring; -1 if not (yet). With several
   * clusters, when the last of them did.
   */
  public long bootstrappedAtUs() {
    long last = 0;
    for (ExternalMeasures m : measures.values()) {
      long b = m.bootstrappedAtUs();
      if (b < 0) {
        return -1;
      }
      last = Math.max(last, b);
    }
    return last;
  }

  /** The run's measures; with several clusters, theirs combined ({@code RunMeasures.ofClusters}). */
  public RunMeasures measures() {
    if (measures.size() == 1) {
      return measures.firstEntry().getValue().measures();
    }
    return combine(clusterMeasures());
  }

  /**
   * The measures of a run from its clusters' ({@link #clusterMeasures}): {@code
   * RunMeasures.ofClusters}, with the clusters' timelines and joins one after the other.
   */
  public static RunMeasures combine(java.util.SortedMap<String, RunMeasures> each) {
    List<String> timeline = new ArrayList<>();
    List<io.pdlab.pd.run.ClusterRecorder.Join> joins = new ArrayList<>();
    each.values().forEach(m -> {
      timeline.addAll(m.timeline());
      joins.addAll(m.joins());
    });
    return RunMeasures.ofClusters(each, timeline, joins);
  }

  /** Each cluster's measures by name in a run of several; empty in a run measured as one. */
  public java.util.SortedMap<String, RunMeasures> clusterMeasures() {
    java.util.TreeMap<String, RunMeasures> out = new java.util.TreeMap<>();
    if (measures.size() > 1) {
      measures.forEach((name, m) -> out.put(name, m.measures()));
    }
    return out;
  }

  public EtcdBackend backend() {
    return backend;
  }

  /**
   * Whatever went wrong outside the model so far: an exception on the world's thread, or a node
   * operation that failed; null when nothing did.
   */
  public Throwable failure() {
    return runtime.failure() != null ? runtime.failure() : rc.ioFailure();
  }

  /** How often {@link #waitUntil} looks. */
  private static final long WAIT_POLL_NANOS = 20_000_000;

  /**
   * Waits on the caller's thread until {@code done} holds (it is asked every 20 ms; it must be
   * bounded by the run's own clock, e.g. a duration).
   *
   * @throws IllegalStateException when the run failed outside the model, or on interruption
   */
  public void waitUntil(java.util.function.BooleanSupplier done) {
    while (!done.getAsBoolean()) {
      Throwable f = failure();
      if (f != null) {
        throw new IllegalStateException(f.toString(), f);
      }
      if (Thread.interrupted()) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted");
      }
      java.util.concurrent.locks.LockSupport.parkNanos(WAIT_POLL_NANOS);
    }
  }

  /** Partitions the members of {@code groups} from each other on the backend. */
  public void partition(List<List<String>> groups) {
    rc.io(RealContext.BACKEND, () -> backend.partition(groups));
  }

  public void healAll() {
    rc.io(RealContext.BACKEND, backend::healAll);
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    rc.close();
    try {
      measures.values().forEach(ExternalMeasures::close);
    } finally {
      try {
        runtime.run(w -> rc.stopAll());
      } catch (RuntimeException e) {
        // the world's thread is gone: nothing of it left to stop
      } finally {
        runtime.close();
        rc.drainIo(DRAIN_MS);
        rc.ops().close();
        rc.status().close();
        try {
          backend.close();
        } finally {
          if (kube != null) {
            kube.close();
          }
        }
      }
    }
  }

  /** The model's faults on its processes, carried out on the real members. */
  private static final class Faults implements World.LifecycleListener {
    private final RealContext rc;

    private final java.util.Map<String, io.pdlab.real.node.PodLaunch> launches;

    Faults(RealContext rc, java.util.Map<String, io.pdlab.real.node.PodLaunch> launches) {
      this.rc = rc;
      this.launches = launches;
    }

    @Override
    public void stopped(String process, String reason) {
      rc.stopped(process);
      if (K8sWorld.CONTAINER_ENDED.equals(reason)) {
        return; // its container (a real kubelet's) is gone already
      }
      if (rc.hasMember(process)) {
        rc.io(process, () -> rc.node(process).kill());
      } else {
        io.pdlab.real.node.PodLaunch l = launches.get(process);
        if (l != null && (World.EXITED + K8sWorld.COMPLETED).equals(reason)) {
          l.exit(0); // its process did its work (an init container's check): so does it
        } else if (l != null) {
          l.hangUp(); // a kubelet node's container without etcd ends with its process
        }
      }
    }

    @Override
    public void paused(String process) {
      if (rc.hasMember(process)) {
        rc.io(process, () -> rc.node(process).pause());
      }
    }

    @Override
    public void resumed(String process) {
      if (rc.hasMember(process)) {
        rc.io(process, () -> rc.node(process).resume());
      }
    }

    @Override
    public void wiped(String process) {
      if (rc.hasMember(process)) {
        rc.io(process, () -> rc.node(process).wipe());
      }
    }
  }

  /** The expected members, and where to reach each now. */
  private final class Tracker implements MemberTracker, MemberDirectory {
    private final LinkedHashSet<String> expected = new LinkedHashSet<>();

    @Override
    public synchronized void expect(String name) {
      expected.add(name);
    }

    @Override
    public synchronized void unexpect(String name) {
      expected.remove(name);
    }

    @Override
    public EtcdObserver observer() {
      return EtcdObserver.NONE;
    }

    @Override
    public Map<String, String> endpoints() {
      List<String> names;
      synchronized (this) {
        names = new ArrayList<>(expected);
      }
      Map<String, String> out = new LinkedHashMap<>();
      for (String n : names) {
        if (rc != null && rc.hasMember(n)) {
          out.put(n, rc.endpointOf(n)); // null while it has no address yet
        }
      }
      return out;
    }
  }
}
