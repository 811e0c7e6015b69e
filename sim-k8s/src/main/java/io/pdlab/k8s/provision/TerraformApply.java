package io.pdlab.k8s.provision;

import io.pdlab.sim.Distribution;
import io.pdlab.sim.RandomStreams;
import io.pdlab.sim.Rng;
import io.pdlab.sim.Scheduler;
import io.pdlab.sim.dag.Dags;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Runs a {@link ResourceGraph} the way {@code terraform apply} walks its graph: a resource starts
 * once everything it depends on has finished and a slot is free (at most {@code parallelism}
 * operations in flight); among ready resources the smallest name starts first. Every duration is
 * drawn when its resource starts, from a stream of its own derived from one draw of the given
 * {@link Rng} and the resource's name (so adding a resource or an override does not shift other
 * resources' draws), or taken at the median in medians mode. All work happens on the
 * {@link Scheduler}, in virtual time under a simulation.
 *
 * <p>Side effects, through the {@link ProvisionListener}: when an ASG finishes (instances
 * InService) each of its nodes joins after its own node-join delay; the operator and tidb-cluster
 * releases are announced when they finish. A wait-tidb-ready resource polls the
 * {@link ReadinessProbe} at its start and then every
 * {@link ProvisionDefaults#WAIT_TIDB_READY_POLL_US}, with no timeout (the run's budget is the
 * limit); in {@link ReadinessVariant#TIDB_RUNNING_THEN_LB_HOSTNAMES} it then polls until the
 * cluster's TiDB and Grafana load balancers have host names, which appear a drawn delay after the
 * caller reports the Service created ({@link #loadBalancerServiceCreated}). A poll takes no time.
 *
 * <p>Not thread-safe: call it from the scheduler's thread. Same graph, same seed, same probe
 * answers: same timeline.
 */
public final class TerraformApply {
  private final ResourceGraph plan;
  private final Scheduler scheduler;
  private final RandomStreams streams;
  private final ProvisionListener listener;
  private final ReadinessProbe probe;

  private final Map<String, Integer> waitingOn = new TreeMap<>();
  private final TreeSet<String> ready = new TreeSet<>(ResourceGraph.BY_NAME);
  private final Map<String, Long> started = new LinkedHashMap<>();
  private final Map<String, List<ResourceRun.StepRun>> stepRuns = new TreeMap<>();
  private final Map<String, ResourceRun> done = new TreeMap<>();
  /** "cluster/service" to host name, or to "" while the load balancer is being created. */
  private final Map<String, String> lbHostnames = new TreeMap<>();
  private int inFlight;
  private int maxInFlight;
  private long startUs = -1;
  private ApplyResult result;

  /**
   * @param plan what to apply and how (parallelism, medians, readiness variant)
   * @param scheduler the clock and scheduler (a {@code Simulation} in virtual time)
   * @param rng the apply's random stream; one value is drawn from it here
   * @param listener told about nodes, releases and readiness
   * @param probe the wait-tidb-ready check, answered by the Kubernetes model
   */
  public TerraformApply(ResourceGraph plan, Scheduler scheduler, Rng rng,
      ProvisionListener listener, ReadinessProbe probe) {
    this.plan = Objects.requireNonNull(plan, "plan");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.streams = new RandomStreams(Objects.requireNonNull(rng, "rng").nextLong());
    this.listener = Objects.requireNonNull(listener, "listener");
    this.probe = Objects.requireNonNull(probe, "probe");
  }

  /**
   * Starts the apply now: every resource without dependencies becomes ready.
   *
   * @throws IllegalStateException if already started
   */
  public void start() {
    if (startUs >= 0) {
      throw new IllegalStateException("apply already started at " + startUs + " us");
    }
    startUs = scheduler.nowUs();
    for (String name : plan.names()) {
      int deps = plan.dependencies(name).size();
      waitingOn.put(name, deps);
      if (deps == 0) {
        ready.add(name);
      }
    }
    if (plan.size() == 0) {
      finishApply();
      return;
    }
    fillSlots();
  }

  /** True once every resource has finished. */
  public boolean isFinished() {
    return result != null;
  }

  /**
   * The outcome.
   *
   * @throws IllegalStateException if the apply has not finished; the message names what is left
   */
  public ApplyResult result() {
    if (result == null) {
      List<String> left = new ArrayList<>();
      for (String name : plan.names()) {
        if (!done.containsKey(name)) {
          left.add(name + (started.containsKey(name) ? " (running)" : ""));
        }
      }
      throw new IllegalStateException("apply not finished; left: " + left);
    }
    return result;
  }

  /** Operations in flight now. */
  public int inFlight() {
    return inFlight;
  }

  /**
   * The Kubernetes model created LoadBalancer Service {@code service} of TiDB cluster
   * {@code cluster}: the cloud gives it a host name after a drawn delay, heard through
   * {@link ProvisionListener#loadBalancerReady}. Calling again for the same Service does nothing.
   *
   * @throws IllegalArgumentException if the plan has no such cluster
   */
  public void loadBalancerServiceCreated(String cluster, String service) {
    if (!plan.clusters().contains(cluster)) {
      throw new IllegalArgumentException("unknown TiDB cluster '" + cluster + "'");
    }
    String key = cluster + "/" + service;
    if (lbHostnames.containsKey(key)) {
      return;
    }
    lbHostnames.put(key, "");
    long delayUs = draw(plan.lbHostnameDelay(), streams.stream("lb-hostname/" + key));
    scheduler.schedule(delayUs, () -> {
      String hostname = service + ProvisionDefaults.LB_HOSTNAME_SUFFIX;
      lbHostnames.put(key, hostname);
      listener.loadBalancerReady(cluster, service, hostname);
    });
  }

  /** The host name of a LoadBalancer Service, or "" if it has none yet. */
  public String loadBalancerHostname(String cluster, String service) {
    return lbHostnames.getOrDefault(cluster + "/" + service, "");
  }

  private void fillSlots() {
    while (inFlight < plan.parallelism() && !ready.isEmpty()) {
      begin(ready.pollFirst());
    }
  }

  private void begin(String name) {
    long now = scheduler.nowUs();
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    started.put(name, now);
    listener.resourceStarted(name, now);
    Resource r = plan.resource(name);
    if (r.kind() == ResourceKind.WAIT_TIDB_READY) {
      stepRuns.put(name, List.of());
      scheduler.schedule(0, () -> poll(r, false));
      return;
    }
    Rng rng = streams.stream("resource/" + name);
    List<ResourceRun.StepRun> runs = new ArrayList<>();
    long t = now;
    for (Step s : r.steps()) {
      long d = s.realizedUs(draw(s.duration(), rng));
      runs.add(new ResourceRun.StepRun(s.name(), t, t + d));
      t += d;
    }
    stepRuns.put(name, runs);
    scheduler.schedule(t - now, () -> complete(r));
  }

  /** One kubectl poll of wait-tidb-ready; {@code lbPhase}: the pod check has passed. */
  private void poll(Resource r, boolean lbPhase) {
    boolean lb = lbPhase;
    if (!lb) {
      if (!probe.ready(r.cluster())) {
        scheduler.schedule(ProvisionDefaults.WAIT_TIDB_READY_POLL_US, () -> poll(r, false));
        return;
      }
      if (plan.readiness() == ReadinessVariant.PODS_READY) {
        complete(r);
        return;
      }
      lb = true;
    }
    for (String suffix : ProvisionDefaults.LB_SERVICE_SUFFIXES) {
      if (loadBalancerHostname(r.cluster(), r.cluster() + "-" + suffix).isEmpty()) {
        scheduler.schedule(ProvisionDefaults.WAIT_TIDB_READY_POLL_US, () -> poll(r, true));
        return;
      }
    }
    complete(r);
  }

  private void complete(Resource r) {
    long now = scheduler.nowUs();
    inFlight--;
    done.put(r.name(), new ResourceRun(r.name(), r.kind(), started.get(r.name()), now,
        stepRuns.get(r.name())));
    listener.resourceDone(r.name(), now);
    switch (r.kind()) {
      case AUTO_SCALING_GROUP -> {
        for (NodeSpec node : r.nodes()) {
          long delayUs = draw(plan.nodeJoinDelay(), streams.stream("node-join/" + node.name()));
          scheduler.schedule(delayUs, () -> listener.nodeJoined(node));
        }
      }
      case OPERATOR_RELEASE -> listener.operatorInstalled(now);
      case CLUSTER_RELEASE -> listener.clusterReleaseApplied(r.cluster(), now);
      case WAIT_TIDB_READY -> listener.tidbReady(r.cluster(), now);
      default -> { }
    }
    for (String next : plan.dependents(r.name())) {
      if (waitingOn.merge(next, -1, Integer::sum) == 0) {
        ready.add(next);
      }
    }
    fillSlots();
    if (done.size() == plan.size()) {
      finishApply();
    }
  }

  private void finishApply() {
    List<ResourceRun> timeline = new ArrayList<>();
    for (String name : started.keySet()) {
      timeline.add(done.get(name));
    }
    result = new ApplyResult(startUs, scheduler.nowUs(), timeline,
        Dags.criticalPath(plan.graph(), v -> done.get(v).durationUs(), ResourceGraph.BY_NAME),
        maxInFlight);
  }

  private long draw(Distribution d, Rng rng) {
    return plan.medians() ? medianUs(d) : d.sampleUs(rng);
  }

  /** The median of {@code d}: the clamped mean for the symmetric kinds. */
  static long medianUs(Distribution d) {
    if (d instanceof Distribution.Constant c) {
      return c.us();
    } else if (d instanceof Distribution.Uniform u) {
      return u.minUs() + (u.maxUs() - u.minUs()) / 2;
    } else if (d instanceof Distribution.Normal n) {
      return Math.max(n.minUs(), Math.min(n.maxUs(), n.meanUs()));
    } else if (d instanceof Distribution.ShiftedExponential e) {
      long tail = StrictMath.round(e.tailMeanUs() * StrictMath.log(2));
      return Math.min(e.maxUs(), e.minUs() + tail);
    }
    throw new IllegalArgumentException("no median for " + d);
  }
}
