package io.pdlab.bench;

import io.pdlab.k8s.api.Node;
import io.pdlab.k8s.api.ObjectMeta;
import io.pdlab.k8s.api.Pod;
import io.pdlab.k8s.api.PodSpec;
import io.pdlab.k8s.api.PodStatus;
import io.pdlab.k8s.api.Resources;
import io.pdlab.k8s.api.Taint;
import io.pdlab.k8s.api.Toleration;
import io.pdlab.k8s.sched.KubeScheduler;
import io.pdlab.k8s.sched.SchedulerCache;
import io.pdlab.k8s.sched.SchedulingDecision;
import io.pdlab.k8s.sched.VolumeLookup;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The kube-scheduler model ({@link KubeScheduler} and its {@link SchedulerCache}) scheduling a
 * whole batch: by default 50,000 pods onto 5,000 nodes, one pod after the other, each decision
 * assumed into the cache before the next (as kube-scheduler does). One measurement is one whole
 * batch on a fresh cache. Target: at most 1 s per batch of 50,000, i.e. at least 50,000 pods/s
 * (kube-scheduler's own scheduler_perf CI floor for SchedulingBasic on 5,000 nodes is 810 pods/s).
 *
 * <p>Nodes: 16 CPU / 64 GiB in 3 zones; 5% pd, 15% tikv, 10% tidb (each tainted and labelled
 * {@code dedicated=<group>}), the rest untainted. Pods: 0.4% PD (nodeSelector, toleration, one per
 * node per TidbCluster), 15% TiKV, ~10% TiDB (nodeSelector and toleration), the rest small
 * untargeted pods. Pods of a narrow group make the scheduler scan far past its sample of 10%,
 * as the real one does.
 *
 * <ul>
 *   <li>{@link #scheduleBatch}: the batch.
 *   <li>{@link #assumeBaseline}: baseline, the cache bookkeeping alone (every pod assumed onto a
 *       round-robin node without any decision).
 * </ul>
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5)
@Measurement(iterations = 5)
@Fork(1)
@Threads(1)
@State(Scope.Thread)
public class SchedulerBenchmark {
  /** Nodes in the cluster. */
  @Param({"5000"})
  public int nodes;

  /** Pods per node in the batch (10: 50,000 pods on 5,000 nodes). */
  @Param({"10"})
  public int podsPerNode;

  private Workload workload;
  private SchedulerCache cache;

  @Setup(Level.Trial)
  public void buildWorkload() {
    workload = Workload.build(nodes, nodes * podsPerNode);
  }

  @Setup(Level.Iteration)
  public void freshCache() {
    cache = workload.freshCache();
  }

  /** Milliseconds to schedule the whole batch; returns the pods bound. */
  @Benchmark
  public int scheduleBatch() {
    return workload.scheduleAll(cache);
  }

  /** Milliseconds to assume the whole batch without deciding anything. */
  @Benchmark
  public int assumeBaseline() {
    return workload.assumeRoundRobin(cache);
  }

  /** The cluster and the pods of one batch, built once (seedless: the mix is fixed). */
  public static final class Workload {
    private static final String INSTANCE = "app.kubernetes.io/instance";
    private final List<Node> nodeList = new ArrayList<>();
    private final List<Pod> pods = new ArrayList<>();

    private Workload() {
    }

    /** {@code nodeCount} nodes and {@code podCount} pods (at most 10 per node fit for sure). */
    public static Workload build(int nodeCount, int podCount) {
      Workload w = new Workload();
      Resources capacity = new Resources(16_000, 64 * 1_024);
      for (int i = 0; i < nodeCount; i++) {
        String group = groupOfNode(i);
        String name = String.format("ip-10-0-%d-%d.us-west-2.compute.internal", i / 250, i % 250);
        TreeMap<String, String> labels = new TreeMap<>();
        labels.put("kubernetes.io/hostname", name);
        String zone = "us-west-2" + "abc".charAt(i % 3);
        labels.put("topology.kubernetes.io/zone", zone);
        List<Taint> taints = new ArrayList<>();
        if (group != null) {
          labels.put("dedicated", group);
          taints.add(new Taint("dedicated", group, Taint.Effect.NoSchedule));
        }
        w.nodeList.add(new Node(ObjectMeta.of("", name).withLabels(labels), taints, capacity,
            List.of(), zone, true, false));
      }
      PodSpec pd = spec("pd", new Resources(2_000, 8 * 1_024), INSTANCE);
      PodSpec tikv = spec("tikv", new Resources(1_000, 4 * 1_024), null);
      PodSpec tidb = spec("tidb", new Resources(1_000, 2 * 1_024), null);
      PodSpec app = spec(null, new Resources(200, 512), null);
      int pdPods = 0;
      for (int j = 0; j < podCount; j++) {
        TreeMap<String, String> labels = new TreeMap<>();
        PodSpec s;
        String name;
        if (j % 250 == 125) {
          labels.put(INSTANCE, "tc-" + pdPods / 3);
          labels.put("app.kubernetes.io/component", "pd");
          name = "tc-" + pdPods / 3 + "-pd-" + pdPods % 3;
          pdPods++;
          s = pd;
        } else {
          int r = j % 20;
          s = r >= 1 && r <= 3 ? tikv : r == 4 || r == 5 ? tidb : app;
          name = "pod-" + j;
          labels.put("app", s == app ? "web" : s == tikv ? "tikv" : "tidb");
        }
        w.pods.add(new Pod(ObjectMeta.of("bench", name).withLabels(labels), s,
            PodStatus.PENDING));
      }
      return w;
    }

    private static String groupOfNode(int i) {
      int r = i % 20;
      if (r == 0) {
        return "pd";
      }
      if (r <= 3) {
        return "tikv";
      }
      return r <= 5 ? "tidb" : null;
    }

    private static PodSpec spec(String group, Resources requests, String antiAffinityLabel) {
      TreeMap<String, String> selector = new TreeMap<>();
      List<Toleration> tolerations = new ArrayList<>();
      if (group != null) {
        selector.put("dedicated", group);
        tolerations.add(Toleration.equal("dedicated", group, Taint.Effect.NoSchedule));
      }
      return new PodSpec(null, selector, tolerations, requests, antiAffinityLabel, List.of(),
          List.of(), "Always", null, null);
    }

    public int podCount() {
      return pods.size();
    }

    /** A cache holding the nodes and no pods. */
    public SchedulerCache freshCache() {
      SchedulerCache c = new SchedulerCache();
      for (Node n : nodeList) {
        c.addNode(n);
      }
      return c;
    }

    /** Schedules every pod in order, assuming each decision; returns the pods bound. */
    public int scheduleAll(SchedulerCache cache) {
      KubeScheduler scheduler = new KubeScheduler(cache);
      int bound = 0;
      for (Pod p : pods) {
        SchedulingDecision d = scheduler.schedule(p, VolumeLookup.NONE);
        if (d instanceof SchedulingDecision.Bound b) {
          cache.assume(p, b);
          bound++;
        }
      }
      return bound;
    }

    /** Assumes every pod onto node {@code i mod nodes} without deciding; returns the count. */
    public int assumeRoundRobin(SchedulerCache cache) {
      int i = 0;
      for (Pod p : pods) {
        String node = nodeList.get(i++ % nodeList.size()).meta().name();
        cache.addPod(p.withSpec(p.spec().withNodeName(node)));
      }
      return i;
    }
  }
}
