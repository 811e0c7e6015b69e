package io.pdlab.scenarios.run;

import io.pdlab.k8s.operator.Strategies;
import io.pdlab.pd.run.RunMeasures;
import io.pdlab.real.drive.RealWorld;
import io.pdlab.real.kube.KubeCluster;
import io.pdlab.scenarios.model.Backend;
import io.pdlab.real.node.ContainerEtcdBackend;
import io.pdlab.real.node.EtcdBackend;
import io.pdlab.real.node.LocalEtcdBackend;
import io.pdlab.scenarios.model.ClusterDef;
import io.pdlab.scenarios.model.FaultDef;
import io.pdlab.scenarios.model.Scenario;
import io.pdlab.sim.trace.TraceSink;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs scenarios on the real backends: {@code etcd} (etcd 3.4 processes on loopback),
 * {@code etcd-containers} (etcd in containers built from the host's binary) and {@code k8s} (a
 * private Kubernetes control plane under the same operators, its pods run by pdlab's node agent
 * as etcd processes). The operators, start script, PD join and discovery are the simulator's,
 * driven on the wall clock; on etcd and etcd-containers so are the scheduler, controllers and
 * object store, on k8s those are the real ones; the members are real; the measures are observed
 * from outside. A scenario that asks for
 * something a backend cannot do is refused before anything starts.
 */
public final class RealRunner {
  /**
   * How long an early-stopping real run goes on after it bootstrapped and its faults played out:
   * long enough for the probes to see a settled cluster, short enough for sweeps.
   */
  public static final long SETTLE_US = 3_000_000;

  private RealRunner() {}

  /** Runs {@code s} on its backend with {@code seed}; see {@link ScenarioRunner#run}. */
  public static ScenarioResult run(Scenario s, long seed, TraceSink trace, boolean stopEarly) {
    return run(s, seed, trace, stopEarly, w -> { });
  }

  /**
   * As {@link #run(Scenario, long, TraceSink, boolean)}; {@code atEnd} looks at the Kubernetes
   * world (the model's, or on k8s the real API's objects) on the world's thread when the run
   * ends, before anything is stopped.
   */
  public static ScenarioResult run(Scenario s, long seed, TraceSink trace, boolean stopEarly,
      java.util.function.Consumer<io.pdlab.k8s.controllers.K8sWorld> atEnd) {
    ScenarioRunner.refuseUnsupported(s);
    // Judged before anything starts: a scenario it refuses must not leave a control plane.
    ScenarioRunner.Provisioning provisioning = s.infra().provision()
        ? ScenarioRunner.provisioning(s) : null;
    KubeCluster kube = null;
    List<String> kubelets = s.backend() == Backend.K8S ? ScenarioRunner.kubeletNodes(s)
        : List.of();
    if (s.backend() == Backend.K8S) {
      String why = kubelets.isEmpty() ? KubeCluster.unavailableReason()
          : io.pdlab.real.kube.KubeletNodes.unavailableReason().orElse(null);
      if (why != null) {
        throw new IllegalStateException(s.source() + ": backend 'k8s' cannot run here: " + why
            + (kubelets.isEmpty() ? "" : " (or run the scenario with infra: {nodes: agent})"));
      }
      kube = KubeCluster.start(null);
      kube.runByKubelet(kubelets);
    }
    EtcdBackend backend = switch (s.backend()) {
      case K8S -> kubelets.isEmpty() ? new LocalEtcdBackend()
          : new io.pdlab.real.node.KubeletEtcdBackend(kube.controlPlane().dir().getParent());
      case ETCD -> new LocalEtcdBackend();
      case ETCD_CONTAINERS -> new ContainerEtcdBackend();
      case SIM, K3S -> throw new IllegalArgumentException(s.source() + ": backend '"
          + s.backend() + "' is not a real backend (etcd, etcd-containers, k8s)");
    };
    // Measured as the simulator measures it (ScenarioRunner.measuredClusters).
    try (RealWorld real = new RealWorld(seed, backend, ScenarioRunner.measuredClusters(s),
        member -> ScenarioRunner.measuredClusterOf(s, member), trace, kube)) {
      checkPartitions(s, real);
      real.run(w -> {
        w.kernel().note("-", "scenario " + s.name() + " seed=" + seed + " backend="
            + s.backend());
        if (provisioning == null) {
          ScenarioRunner.buildInfra(w, s);
        }
      });
      if (!kubelets.isEmpty()) {
        // Their Nodes exist (the model made them); the kubelets adopt them before time 0, as
        // the nodes of a cluster are there before an operator installs anything.
        real.startKubeletNodes(kubelets, io.pdlab.k8s.api.Images.ALL);
      }
      io.pdlab.k8s.eks.EksWorld eks;
      if (provisioning == null) {
        eks = null;
        real.startMeasuring();
        real.run(w -> ScenarioRunner.install(w, s, real));
      } else {
        // The same apply as the simulator's, its cloud resources taking no time: nodes, storage
        // classes, volumes, the operator and the TidbCluster go to the real API server.
        eks = real.call(w -> {
          io.pdlab.k8s.eks.EksWorld e = new io.pdlab.k8s.eks.EksWorld(w,
              io.pdlab.k8s.provision.EksGraph.onExistingCluster(provisioning.params()),
              provisioning.shape(), real::startMeasuring);
          ScenarioRunner.prepareProvisioned(w, s, provisioning, real);
          e.start();
          return e;
        });
      }
      long quiet = ScenarioRunner.quietUs(s);
      try {
        real.waitUntil(() -> {
          long now = real.nowUs();
          if (eks != null) {
            return now >= s.durationUs() || real.call(w -> ScenarioRunner.provisionedRunEnds(
                eks, real.bootstrappedAtUs(), quiet, now));
          }
          long boot = real.bootstrappedAtUs();
          return now >= s.durationUs()
              || (stopEarly && boot >= 0 && now >= Math.max(boot, quiet) + SETTLE_US);
        });
      } catch (IllegalStateException e) {
        throw new IllegalStateException(s.source() + ": the run failed on backend '"
            + s.backend() + "': " + e.getMessage(), e);
      }
      java.util.SortedMap<String, RunMeasures> perCluster = real.clusterMeasures();
      RunMeasures m = perCluster.isEmpty() ? real.measures() : RealWorld.combine(perCluster);
      real.run(atEnd);
      List<String> applied = eks == null ? List.of()
          : real.call(w -> ScenarioRunner.applyTimeline(eks));
      return new ScenarioResult(s, seed, m, 0, ScenarioRunner.check(s.expect(), m, perCluster),
          applied, real.call(w -> w.nodeKinds()), real.call(w -> w.podTimes().lives()),
          perCluster);
    }
  }

  /**
   * Why scenario {@code s} cannot run on backend k3s, said before anything starts: the k3s image
   * is asked for first (K3S_IMAGE, never pulled), as {@link io.pdlab.real.kube.K3sCluster}
   * checks it; with an image at hand, its pods would still need real kubelets to run pdlab's
   * members, which this backend does not drive yet.
   */
  static String k3sRefusal(Scenario s) {
    String image = io.pdlab.real.kube.K3sCluster.image(System.getenv());
    String why = io.pdlab.real.kube.K3sCluster.unavailableReason(image);
    return s.source() + ": backend 'k3s' cannot run here: " + (why != null ? why
        : "k3s image '" + image + "' is here, but pdlab does not yet run its members as pods of"
        + " k3s's own kubelets (that comes with the real-kubelet work)");
  }

  /** Partition faults must name shapes the backend can cut. */
  private static void checkPartitions(Scenario s, RealWorld real) {
    if (real.backend() instanceof io.pdlab.real.node.KubeletEtcdBackend) {
      return; // cut between nodes: which nodes is known once the scheduler placed the pods
    }
    for (FaultDef f : s.faults()) {
      if (!(f instanceof FaultDef.Partition p)) {
        continue;
      }
      ClusterDef c = s.clusters().get(0);
      for (ClusterDef d : s.clusters()) {
        if (d.name().equals(p.cluster())) {
          c = d;
        }
      }
      List<List<String>> groups = new ArrayList<>();
      for (List<Integer> g : p.groups()) {
        List<String> names = new ArrayList<>();
        for (int ordinal : g) {
          names.add(Strategies.podName(Strategies.byName(c.strategy()), ScenarioRunner
              .placement(s, c), ordinal));
        }
        groups.add(names);
      }
      for (List<String> g : groups) {
        g.forEach(real.backend()::node); // allocate: the shape is judged on allocated members
      }
      if (!real.backend().canPartition(groups)) {
        throw new IllegalArgumentException(s.source() + ": backend '" + s.backend()
            + "' cannot cut the partition " + groups + " (fault at " + p.atUs() / 1_000
            + " ms)");
      }
    }
  }
}
