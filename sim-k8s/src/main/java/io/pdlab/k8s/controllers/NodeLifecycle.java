package io.pdlab.k8s.controllers;

import io.pdlab.k8s.api.Kind;
import io.pdlab.k8s.api.Node;
import io.pdlab.k8s.api.Pod;
import io.pdlab.k8s.store.ObjectStore;
import io.pdlab.k8s.store.WatchEvent;
import io.pdlab.sim.Rng;
import io.pdlab.sim.World;
import java.util.function.Consumer;

/**
 * The model's kube-controller-manager parts that act on a lost node (a real control plane runs the
 * real ones): the node lifecycle controller marks a node whose kubelet stopped renewing its lease
 * NotReady, and its pods not Ready, once its grace period has passed; the pod garbage collector
 * deletes the pods of a Node that was deleted, after its quarantine. Numbers from Kubernetes
 * 1.20.2, each cited where it is defined.
 */
final class NodeLifecycle {
  /**
   * {@code --node-monitor-grace-period} default 40 s
   * ({@code pkg/controller/nodelifecycle/config/v1alpha1/defaults.go}).
   */
  static final long GRACE_PERIOD_US = 40_000_000;

  /** {@code --node-monitor-period} default 5 s (same file): how often nodes are looked at. */
  static final long MONITOR_PERIOD_US = 5_000_000;

  /**
   * How often a kubelet renews its node lease: {@code nodeLeaseRenewIntervalFraction} 0.25 of
   * {@code nodeLeaseDurationSeconds} 40 ({@code pkg/kubelet/kubelet.go}).
   */
  static final long LEASE_RENEW_US = 10_000_000;

  /** {@code gcCheckPeriod} 20 s ({@code pkg/controller/podgc/gc_controller.go}). */
  static final long GC_PERIOD_US = 20_000_000;

  /**
   * {@code quarantineTime} 40 s (same file): how long the pod GC waits before it takes a Node
   * missing from its informer for gone and deletes its pods.
   */
  static final long GC_QUARANTINE_US = 40_000_000;

  private final World world;
  private final ObjectStore store;
  private final Consumer<String> markPodsNotReady;
  private Rng rng;

  /**
   * @param markPodsNotReady marks every pod bound to a node (its name) not Ready
   */
  NodeLifecycle(World world, ObjectStore store, Consumer<String> markPodsNotReady) {
    this.world = world;
    this.store = store;
    this.markPodsNotReady = markPodsNotReady;
    store.watch(Kind.NODE, this::onNode);
  }

  private Rng rng() {
    if (rng == null) {
      rng = world.stream("node-lifecycle");
    }
    return rng;
  }

  /**
   * Node {@code name}'s kubelet stopped now: its last lease renewal was up to
   * {@link #LEASE_RENEW_US} ago, and the controller, looking every {@link #MONITOR_PERIOD_US},
   * marks it NotReady at its first look more than {@link #GRACE_PERIOD_US} after that renewal.
   */
  void kubeletStopped(String name) {
    long sinceRenew = rng().nextLong(LEASE_RENEW_US);
    long expires = GRACE_PERIOD_US - sinceRenew;
    long phase = rng().nextLong(MONITOR_PERIOD_US);
    long look = phase;
    while (look <= expires) {
      look += MONITOR_PERIOD_US;
    }
    world.schedule(look, () -> {
      Node n = store.get(Kind.NODE, name);
      if (n != null && n.ready()) {
        store.update(n.withReady(false));
        markPodsNotReady.accept(name);
      }
    });
  }

  /**
   * A deleted Node: the pod GC's next look (every {@link #GC_PERIOD_US}) puts it in quarantine,
   * and the look {@link #GC_QUARANTINE_US} later deletes the pods still bound to it.
   */
  private void onNode(WatchEvent e) {
    if (e.type() != WatchEvent.Type.DELETED) {
      return;
    }
    String name = e.object().meta().name();
    long firstLook = rng().nextLong(GC_PERIOD_US);
    world.schedule(firstLook + GC_QUARANTINE_US, () -> {
      if (store.get(Kind.NODE, name) != null) {
        return; // it came back
      }
      for (Pod p : store.<Pod>list(Kind.POD, (Pod p) -> name.equals(p.spec().nodeName()))) {
        try {
          store.delete(Kind.POD, p.meta().key());
        } catch (ObjectStore.NotFoundException gone) {
          // deleted meanwhile
        }
      }
    });
  }
}
