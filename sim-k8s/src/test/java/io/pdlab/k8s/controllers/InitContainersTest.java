package io.pdlab.k8s.controllers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pdlab.k8s.api.Container;
import io.pdlab.k8s.api.Kind;
import io.pdlab.k8s.api.Node;
import io.pdlab.k8s.api.ObjectMeta;
import io.pdlab.k8s.api.Pod;
import io.pdlab.k8s.api.PodSpec;
import io.pdlab.k8s.api.PodStatus;
import io.pdlab.k8s.api.Resources;
import io.pdlab.sim.Budget;
import io.pdlab.sim.Simulation;
import io.pdlab.sim.process.Process;
import io.pdlab.sim.process.ProcessContext;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The model kubelet's init containers (kubelet 1.20 kuberuntime_manager.go SyncPod steps 6 and
 * 7): one at a time in order, each to completion, before the app container; a failed one fails
 * the pod under RestartPolicy Never and restarts with back-off otherwise.
 */
class InitContainersTest {
  /** Which container process started when (µs), in order. */
  private final List<String> starts = new ArrayList<>();

  /** An init container that works for {@code ms} and then exits with {@code reason}. */
  private record Step(long ms, String reason) implements Process {
    @Override
    public void onStart(ProcessContext ctx) {
      ctx.setTimer(ms * 1_000, "done");
    }

    @Override
    public void onTimer(ProcessContext ctx, Object tag) {
      ctx.exit(reason);
    }

    @Override
    public void onMessage(ProcessContext ctx, String from, Object message) {}
  }

  private K8sWorld world() {
    Simulation sim = new Simulation(1, Budget.of(1_000_000, 3_600_000_000L), false);
    K8sWorld w = new K8sWorld(sim, null, k -> new ContainerRuntime() {
      @Override
      public Process create(Pod pod, Container c) {
        starts.add(c.name() + "@" + sim.nowUs() / 1_000);
        return switch (c.role()) {
          case "ok" -> new Step(500, K8sWorld.COMPLETED);
          case "fail" -> new Step(500, "exit code 1");
          default -> new SimContainerRuntime.Simple();
        };
      }

      @Override
      public boolean ready(Container c, Process p) {
        return true;
      }
    });
    w.store().create(new Node(ObjectMeta.of("", "n0"), List.of(), new Resources(4_000, 8_192),
        List.of(), "a", true, false));
    return w;
  }

  private static Pod pod(String restartPolicy, String... initRoles) {
    List<Container> init = new ArrayList<>();
    for (int i = 0; i < initRoles.length; i++) {
      init.add(new Container("init" + i, "busybox", initRoles[i], List.of()));
    }
    PodSpec spec = new PodSpec(null, new TreeMap<>(), List.of(), new Resources(100, 128), null,
        List.of(), List.of(new Container("app", "app", "simple", List.of())), restartPolicy,
        "p", "svc", init);
    return new Pod(ObjectMeta.of("ns", "p"), spec, PodStatus.PENDING);
  }

  /**
   * The pod is bound at 1 ms and its first container starts 2 s later; each init container
   * works 0.5 s, its exit is seen at the kubelet's next whole-second relist, and the next
   * container starts 2 s after that.
   */
  @Test
  void initContainersRunOneAfterAnotherBeforeTheApp() {
    K8sWorld w = world();
    w.store().create(pod("Always", "ok", "ok"));
    w.sim().runUntil(3_000_000L);
    assertEquals("Pending", w.store().<Pod>get(Kind.POD, "ns/p").status().phase());
    assertEquals(K8sWorld.POD_INITIALIZING, w.store().<Pod>get(Kind.POD, "ns/p").status()
        .reason());
    w.sim().runUntil(30_000_000L);
    // init0 at 2.002 s, exits 2.502 s, relist 3 s; init1 at 5 s, exits 5.5 s, relist 6 s; app 8 s
    assertEquals(List.of("init0@2002", "init1@5000", "app@8000"), starts);
    assertEquals("Running", w.store().<Pod>get(Kind.POD, "ns/p").status().phase());
  }

  @Test
  void aFailedInitContainerFailsAPodThatNeverRestarts() {
    K8sWorld w = world();
    w.store().create(pod("Never", "ok", "fail"));
    w.sim().runUntil(60_000_000L);
    assertEquals(List.of("init0@2002", "init1@5000"), starts, "the app never starts");
    Pod p = w.store().get(Kind.POD, "ns/p");
    assertEquals("Failed", p.status().phase());
    assertEquals("Init:exit code 1", p.status().reason());
  }

  @Test
  void aFailedInitContainerRestartsWithBackOffAndHoldsTheApp() {
    K8sWorld w = world();
    w.store().create(pod("Always", "fail"));
    w.sim().runUntil(5_000_000L);
    Pod p = w.store().get(Kind.POD, "ns/p");
    assertEquals("Pending", p.status().phase());
    assertTrue(p.status().reason().startsWith("CrashLoopBackOff: back-off 10s (init container"
        + " init0: exit code 1)"), p.status().reason());
    w.sim().runUntil(60_000_000L);
    assertTrue(starts.size() >= 4, starts.toString());
    assertTrue(starts.stream().allMatch(s -> s.startsWith("init0@")), "the app never starts: "
        + starts);
    // as for an app container: the first restart comes at once (within a resync), the second
    // after the 10 s back-off from the second exit (0.5 s after its start), the third 20 s
    long[] at = starts.stream().mapToLong(s -> Long.parseLong(s.substring(6))).toArray();
    assertTrue(at[1] - (at[0] + 500) < 10_000, starts.toString());
    assertTrue(at[2] - (at[1] + 500) >= 10_000, starts.toString());
    assertTrue(at[3] - (at[2] + 500) >= 20_000, starts.toString());
  }

  /**
   * On a node a real kubelet runs, that kubelet orders the containers: an init container that
   * asks runs its process (here check-dns, which exits Completed once the pod's DNS name
   * resolves, 1 s after its first container started, at its loop's second lookup), the model
   * starts no next container itself, and the app container runs its process when it asks.
   */
  @Test
  void onARealKubeletsNodeEachContainerRunsItsProcessWhenItAsks() {
    Simulation sim = new Simulation(1, Budget.of(1_000_000, 3_600_000_000L), false);
    K8sWorld w = new K8sWorld(sim, null, k -> new ContainerRuntime() {
      @Override
      public Process create(Pod pod, Container c) {
        starts.add(c.name() + "@" + sim.nowUs() / 1_000);
        return c.role().equals(CheckDns.NAME) ? CheckDns.of(pod, k)
            : new SimContainerRuntime.Simple();
      }

      @Override
      public boolean ready(Container c, Process p) {
        return true;
      }
    }, new io.pdlab.k8s.store.MemoryStore(sim, 0), n -> { });
    List<String> stopped = new ArrayList<>();
    sim.addLifecycleListener(new io.pdlab.sim.World.LifecycleListener() {
      @Override
      public void stopped(String process, String reason) {
        stopped.add(process + ": " + reason + "@" + sim.nowUs() / 1_000);
      }
    });
    w.store().create(new Node(ObjectMeta.of("", "n0"), List.of(), new Resources(4_000, 8_192),
        List.of(), "a", true, false));
    w.runByKubelet(List.of("n0"));
    PodSpec spec = new PodSpec("n0", new TreeMap<>(), List.of(), new Resources(100, 128), null,
        List.of(), List.of(new Container("app", "app", "simple", List.of())), "Always", "p",
        "svc", List.of(CheckDns.container("p.svc.ns.svc")));
    w.store().create(new Pod(ObjectMeta.of("ns", "p"), spec, PodStatus.PENDING));
    sim.runUntil(1_000_000L);
    assertEquals(List.of(), starts, "nothing runs until the real kubelet's container asks");
    assertTrue(w.kubeletContainerStarted("ns/p", CheckDns.NAME));
    sim.runUntil(20_000_000L);
    assertEquals(List.of("check-dns@1000"), starts, "the app waits for its kubelet");
    assertEquals(List.of("p/check-dns: " + io.pdlab.sim.World.EXITED + K8sWorld.COMPLETED
        + "@2000"), stopped);
    assertTrue(w.kubeletContainerStarted("ns/p", "app"));
    assertEquals(List.of("check-dns@1000", "app@20000"), starts);
    // Run again (its kubelet restarted the pod's sandbox), it finds the name at once.
    assertTrue(w.kubeletContainerStarted("ns/p", CheckDns.NAME));
    assertEquals("p/check-dns: " + io.pdlab.sim.World.EXITED + K8sWorld.COMPLETED + "@20000",
        stopped.get(stopped.size() - 1));
    // An init container whose container ends first (killed, its node lost) stops with it.
    w.store().create(new Pod(ObjectMeta.of("ns", "q"), new PodSpec("n0", new TreeMap<>(),
        List.of(), new Resources(100, 128), null, List.of(), spec.containers(), "Always", "q",
        "svc", List.of(CheckDns.container("q.svc.ns.svc"))), PodStatus.PENDING));
    assertTrue(w.kubeletContainerStarted("ns/q", CheckDns.NAME));
    sim.runUntil(20_500_000L);
    w.kubeletInitContainerEnded("ns/q", CheckDns.NAME);
    assertEquals("q/check-dns: " + K8sWorld.CONTAINER_ENDED + "@20500",
        stopped.get(stopped.size() - 1));
    assertEquals(sim.state("q/check-dns"), io.pdlab.sim.process.ProcessState.DOWN);
  }
}
