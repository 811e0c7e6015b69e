package io.pdlab.real.drive;

import io.pdlab.k8s.controllers.K8sWorld;
import io.pdlab.pd.etcd.EtcdConfig;
import io.pdlab.real.client.EtcdOps;
import io.pdlab.real.client.UrlMap;
import io.pdlab.real.node.EtcdBackend;
import io.pdlab.real.node.EtcdNode;
import io.pdlab.real.client.MemberStatusReader;
import io.pdlab.sim.World;
import io.pdlab.sim.process.ProcessState;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the processes of one real run share: the etcd backend (processes or containers), the jetcd
 * bridge, the translation between the model's URLs (pod DNS names) and the real ones, and a way to
 * hand work back to the world's thread (answers arrive on jetcd's and the backend's threads).
 */
public final class RealContext implements UrlMap {
  private final EtcdBackend backend;
  private final EtcdOps ops;
  private final World world;
  private final MemberStatusReader status;
  /** Model URL (peer or client) by member name, as the model's processes name them. */
  private final ConcurrentHashMap<String, String> modelPeerUrl = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, String> modelClientUrl = new ConcurrentHashMap<>();

  /**
   * @param world the real-time world the run's processes live in (answers are posted to it)
   * @param ops makes the jetcd bridge, given the URL translation
   */
  public RealContext(World world, EtcdBackend backend,
      java.util.function.Function<UrlMap, EtcdOps> ops) {
    this.backend = backend;
    this.world = world;
    this.ops = ops.apply(this);
    this.status = new MemberStatusReader(world::nowUs);
  }

  public EtcdBackend backend() {
    return backend;
  }

  public EtcdOps ops() {
    return ops;
  }

  /** Reads members' own status (readiness, leadership). */
  public MemberStatusReader status() {
    return status;
  }

  /**
   * Whether process {@code name} is still in incarnation {@code inc} and not down: the test an
   * answer arriving late must pass to be delivered. World thread only.
   */
  public boolean alive(String name, int inc) {
    return world.hasProcess(name) && world.incarnation(name) == inc
        && world.state(name) != ProcessState.DOWN;
  }

  /**
   * One thread per member (and one for the backend as a whole): a member's operations (start,
   * kill, pause...) happen in the order asked, off the world's thread, while different members'
   * happen at the same time, as a kubelet starts the containers of a Parallel StatefulSet.
   */
  private final ConcurrentHashMap<String, java.util.concurrent.ExecutorService> ioThreads =
      new ConcurrentHashMap<>();

  /**
   * Runs {@code work} (a node operation that may block: starting a container takes a second) on
   * {@code key}'s I/O thread (a member's name, or {@link #BACKEND}), after every operation asked
   * there before it.
   */
  public void io(String key, Runnable work) {
    ioThreads.computeIfAbsent(key, k -> java.util.concurrent.Executors.newSingleThreadExecutor(
        r -> {
          Thread t = new Thread(r, "pdlab-real-io-" + k);
          t.setDaemon(true);
          return t;
        })).execute(() -> {
          try {
            work.run();
          } catch (RuntimeException e) {
            ioFailure(e);
          }
        });
  }

  /** The I/O thread of operations on the backend as a whole (partitions). */
  public static final String BACKEND = " backend";

  private volatile RuntimeException ioFailure;

  private void ioFailure(RuntimeException e) {
    if (ioFailure == null) {
      ioFailure = e;
    }
  }

  /** The first node operation that failed unexpectedly, or null. */
  public RuntimeException ioFailure() {
    return ioFailure;
  }

  /** Stops the I/O threads after the operations already asked, waiting at most {@code ms}. */
  public void drainIo(long ms) {
    long deadline = System.nanoTime() + ms * 1_000_000;
    for (java.util.concurrent.ExecutorService e : ioThreads.values()) {
      e.shutdown();
    }
    try {
      for (java.util.concurrent.ExecutorService e : ioThreads.values()) {
        long left = Math.max(0, deadline - System.nanoTime());
        if (!e.awaitTermination(left, java.util.concurrent.TimeUnit.NANOSECONDS)) {
          e.shutdownNow();
        }
      }
    } catch (InterruptedException e) {
      ioThreads.values().forEach(java.util.concurrent.ExecutorService::shutdownNow);
      Thread.currentThread().interrupt();
    }
  }

  /** Whether {@code name} is a real etcd member of this run (a started one, or one MemberAdd named). */
  public boolean hasMember(String name) {
    return modelPeerUrl.containsKey(name);
  }

  private final ConcurrentHashMap<String, java.util.List<Runnable>> onStop =
      new ConcurrentHashMap<>();

  /**
   * Runs {@code cleanup} when process {@code name} stops (a crash, an exit, its pod deleted) or the
   * run ends, whichever comes first: what a process opened outside the world (a server socket) must
   * not outlive it.
   */
  public void onStop(String name, Runnable cleanup) {
    onStop.computeIfAbsent(name, n -> new java.util.concurrent.CopyOnWriteArrayList<>())
        .add(cleanup);
  }

  /** The process stopped: its cleanups run (world thread). */
  void stopped(String name) {
    java.util.List<Runnable> list = onStop.remove(name);
    if (list != null) {
      list.forEach(Runnable::run);
    }
  }

  /** The run ends: every cleanup still registered runs. */
  void stopAll() {
    for (String name : new java.util.ArrayList<>(onStop.keySet())) {
      stopped(name);
    }
  }

  /** Runs {@code work} on the world's thread, soon. */
  public void post(Runnable work) {
    if (!closed) {
      try {
        world.schedule(0, work);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // the run ended meanwhile: nobody is left to tell
      }
    }
  }

  private volatile boolean closed;

  /** The run is ending: answers and exits arriving from now on are dropped. */
  void close() {
    closed = true;
  }

  /** The node of member {@code name}, allocated on first use. */
  public EtcdNode node(String name) {
    return backend.node(name);
  }

  /**
   * Where the JVM reaches member {@code name}'s client port now, or null while it has none (a
   * container not started yet has no mapped port).
   */
  public String endpointOf(String name) {
    try {
      return backend.node(name).hostClientEndpoint();
    } catch (IllegalStateException e) {
      return null;
    }
  }

  /**
   * Where the JVM reaches member {@code name}'s peer port now, or null while it has none.
   */
  public String peerEndpointOf(String name) {
    try {
      return backend.node(name).hostPeerEndpoint();
    } catch (IllegalStateException e) {
      return null;
    }
  }

  /**
   * The real URL standing for a {@code wrong-peer-url} fault's model URL, a DNS name that resolves
   * to nothing ({@link K8sWorld#wrongPeerUrl}): the member's real peer host at port {@value
   * #UNREACHABLE_PORT}, where nothing listens on the hosts pdlab gives members (a loopback
   * address of their own, a container's or a pod's address), so that every dial of it fails at
   * once, refused, as a dial of a name that resolves to nothing fails at its lookup.
   */
  static String unreachable(String realPeerUrl) {
    java.net.URI u = java.net.URI.create(realPeerUrl);
    return u.getScheme() + "://" + u.getHost() + ":" + UNREACHABLE_PORT;
  }

  /** The port of {@link #unreachable}: tcpmux, which no member's host serves. */
  static final int UNREACHABLE_PORT = 1;

  /** Registers the model's URLs of a member, so answers can name it as the model does. */
  public void register(EtcdConfig cfg) {
    String right = K8sWorld.rightPeerUrl(cfg.peerUrl()); // a wrong advertised one: its right one
    modelPeerUrl.put(cfg.name(), right != null ? right : cfg.peerUrl());
    modelClientUrl.put(cfg.name(), cfg.clientUrl());
  }

  /** The model's peer URL of member {@code name}, or null while the model has not named it. */
  public String modelPeerUrl(String name) {
    return modelPeerUrl.get(name);
  }

  /** The model's client URL of member {@code name}, or null before it started. */
  public String modelClientUrl(String name) {
    return modelClientUrl.get(name);
  }

  @Override
  public String toReal(String modelPeerUrl) {
    if (!modelPeerUrl.contains("://")) {
      return modelPeerUrl;
    }
    String right = K8sWorld.rightPeerUrl(modelPeerUrl);
    if (right != null) {
      return unreachable(toReal(right));
    }
    String name = EtcdConfig.endpointOf(modelPeerUrl);
    this.modelPeerUrl.putIfAbsent(name, modelPeerUrl);
    return backend.peerUrlOf(name);
  }

  @Override
  public String toModel(String realUrl) {
    for (var e : modelPeerUrl.entrySet()) {
      String real = backend.peerUrlOf(e.getKey());
      if (real.equals(realUrl)) {
        return e.getValue();
      }
      if (unreachable(real).equals(realUrl)) {
        return K8sWorld.wrongPeerUrl(e.getValue());
      }
      if (backend.clientUrlOf(e.getKey()).equals(realUrl)) {
        return modelClientUrl.getOrDefault(e.getKey(), realUrl);
      }
    }
    return realUrl;
  }
}
