package io.pdlab.k8s.controllers;

import io.pdlab.k8s.api.Kind;
import io.pdlab.k8s.api.Node;
import io.pdlab.k8s.store.ObjectStore;
import io.pdlab.sim.World;
import java.util.TreeSet;

/**
 * The cloud's node lifecycle controller, for instances that were terminated: it looks at them
 * every {@link #MONITOR_PERIOD_US} and deletes the Node of each once the node lifecycle controller
 * has marked it not Ready, as EKS's cloud node lifecycle controller does for a terminated
 * instance. One rule for the model's cluster and for a real control plane (whose
 * controller-manager runs without a cloud provider, so pdlab plays this part on both); it runs on
 * the world's timers and writes through the store. It looks only while it has terminated
 * instances to watch, from the first at a phase drawn from the world's seed.
 */
public final class CloudNodeLifecycle {
  /**
   * Its {@code nodeMonitorPeriod}: 5 s (k8s.io/cloud-provider controllers/nodelifecycle, Kubernetes
   * 1.20, from the controller-manager's {@code --node-monitor-period} default,
   * {@code pkg/controller/nodelifecycle/config/v1alpha1/defaults.go}).
   */
  public static final long MONITOR_PERIOD_US = 5_000_000;

  private final World world;
  private final ObjectStore store;
  private final TreeSet<String> terminated = new TreeSet<>();
  private boolean looking;
  private io.pdlab.sim.Rng phase;

  public CloudNodeLifecycle(World world, ObjectStore store) {
    this.world = world;
    this.store = store;
  }

  /** The instance behind Node {@code name} was terminated. */
  public void terminated(String name) {
    terminated.add(name);
    if (!looking) {
      looking = true;
      if (phase == null) {
        phase = world.stream("cloud-node-lifecycle");
      }
      world.schedule(phase.nextLong(MONITOR_PERIOD_US), this::look);
    }
  }

  private void look() {
    for (String name : new TreeSet<>(terminated)) {
      Node n = store.get(Kind.NODE, name);
      if (n == null) {
        terminated.remove(name);
      } else if (!n.ready()) {
        try {
          store.delete(Kind.NODE, name);
        } catch (ObjectStore.NotFoundException e) {
          // gone meanwhile
        }
        terminated.remove(name);
      }
    }
    if (terminated.isEmpty()) {
      looking = false;
    } else {
      world.schedule(MONITOR_PERIOD_US, this::look);
    }
  }
}
