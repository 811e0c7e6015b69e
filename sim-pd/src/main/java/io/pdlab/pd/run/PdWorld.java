package io.pdlab.pd.run;

import io.pdlab.pd.etcd.EtcdTiming;
import io.pdlab.pd.pod.DiscoveryPod;
import io.pdlab.pd.pod.PdPod;
import io.pdlab.pd.pod.PodEnv;
import io.pdlab.pd.tidb.TidbClusterRead;
import io.pdlab.pd.tidb.TidbClusterView;
import io.pdlab.sim.Budget;
import io.pdlab.sim.process.ProcessState;
import io.pdlab.sim.trace.TraceRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * tidb-operator v1.5's PD bootstrap without the rest of Kubernetes: a discovery pod and PD pods
 * that all exist from the start (a Parallel StatefulSet), DNS that resolves every created pod
 * (headless Service with publishNotReadyAddresses), Services that route to running pods, a
 * TidbCluster whose resourceVersion a test can bump, and containers restarted with kubelet's
 * back-off after they exit ({@link RestartBackOff}). sim-k8s replaces these stand-ins with its own controllers.
 */
public final class PdWorld implements PodEnv {

  private final EtcdWorld world;
  private final String namespace;
  private final String tc;
  private final EtcdTiming timing;
  private int resourceVersion = 1;
  private int replicas;
  private final TreeSet<String> unresolvable = new TreeSet<>();
  private final RestartBackOff backOff = new RestartBackOff();
  private final List<String> restarts = new ArrayList<>();
  private boolean discoveryUp = true;

  public PdWorld(long seed, Budget budget, boolean traceEnabled, String namespace, String tc,
      EtcdTiming timing) {
    this.world = new EtcdWorld(seed, budget, traceEnabled);
    this.namespace = namespace;
    this.tc = tc;
    this.timing = timing;
    world.requirePdClusterId(true);
    world.sim().addProcess(discoveryName(), n -> new DiscoveryPod(namespace, this));
    world.sim().addExitListener(this::restartLater);
  }

  public EtcdWorld world() {
    return world;
  }

  public String discoveryName() {
    return tc + "-discovery";
  }

  public String podName(int ordinal) {
    return tc + "-pd-" + ordinal;
  }

  /** Creates PD pods 0..n-1 (not started) and sets spec.pd.replicas to n. */
  public void createPdPods(int n) {
    for (int i = replicas; i < n; i++) {
      String name = podName(i);
      world.addProcess(name, x -> new PdPod(name, namespace, tc, timing, this,
          world.recorder()));
    }
    setReplicas(n);
  }

  /** A write to spec.pd.replicas (bumps resourceVersion, as any write to the object does). */
  public void setReplicas(int n) {
    replicas = n;
    bumpResourceVersion();
  }

  /** Any write to the TidbCluster object, spec or status. */
  public void bumpResourceVersion() {
    resourceVersion++;
  }

  public void setResolvable(String pod, boolean resolvable) {
    if (resolvable) {
      unresolvable.remove(pod);
    } else {
      unresolvable.add(pod);
    }
  }

  /** Container restarts so far, one line each. */
  public List<String> restarts() {
    return List.copyOf(restarts);
  }

  private void restartLater(String process, String reason) {
    if (!process.startsWith(tc + "-pd-")) {
      return;
    }
    long exitUs = world.sim().nowUs();
    long delayUs = backOff.delayUs(process, exitUs);
    restarts.add(TraceRecord.formatTime(exitUs) + " " + process + " exited (" + reason
        + "); restart in " + delayUs / 1_000_000 + "s");
    if (kubelet == null) {
      kubelet = world.sim().stream("kubelet");
    }
    world.sim().schedule(RestartBackOff.restartAfterUs(delayUs, kubelet), () -> {
      if (world.sim().state(process) == ProcessState.DOWN) {
        backOff.restarted(process, exitUs, world.sim().nowUs());
        world.sim().start(process);
      }
    });
  }

  // ------------------------------------------------------------------ PodEnv

  @Override
  public boolean resolves(String name) {
    String pod = name.split("\\.")[0];
    return world.sim().hasProcess(pod) && !unresolvable.contains(pod);
  }

  @Override
  public TidbClusterRead readTidbCluster(String ns, String name) {
    if (!ns.equals(namespace) || !name.equals(tc)) {
      return new TidbClusterRead.Failed("tidbclusters.pingcap.com \"" + name + "\" not found");
    }
    return new TidbClusterRead.Found(TidbClusterView.of(Integer.toString(resourceVersion),
        replicas));
  }

  /**
   * {@code <tc>-discovery} routes to the discovery pod while it runs; {@code <tc>-pd} to one of
   * the running PD pods, drawn at random per connection: PD pods have no readiness probe by
   * default, so each running one is a ready endpoint, and kube-proxy picks one per connection
   * (as sim-k8s's {@code K8sWorld.serviceEndpoint}, which says where from).
   */
  @Override
  public String serviceEndpoint(String service) {
    if (service.equals(discoveryName())) {
      return discoveryUp && world.sim().state(discoveryName()) == ProcessState.RUNNING
          ? discoveryName() : null;
    }
    if (service.equals(tc + "-pd")) {
      List<String> endpoints = new ArrayList<>();
      for (String p : world.expected()) {
        if (world.sim().state(p) == ProcessState.RUNNING) {
          endpoints.add(p);
        }
      }
      if (endpoints.size() <= 1) {
        return endpoints.isEmpty() ? null : endpoints.get(0);
      }
      if (proxy == null) {
        proxy = world.sim().stream("kube-proxy");
      }
      return endpoints.get(proxy.nextInt(endpoints.size()));
    }
    return null;
  }

  /** The kubelet's pod worker's jittered resyncs. */
  private io.pdlab.sim.Rng kubelet;

  /** kube-proxy's random choices (drawn only where a Service has more than one endpoint). */
  private io.pdlab.sim.Rng proxy;

  @Override
  public void pdClusterId(String pod, long id) {
    world.pdClusterId(pod, id);
  }
}
