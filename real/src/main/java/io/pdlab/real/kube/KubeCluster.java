package io.pdlab.real.kube;

import io.pdlab.k8s.store.ObjectStore;
import io.pdlab.sim.Scheduler;
import java.nio.file.Path;
import java.util.List;

/**
 * The {@code k8s} backend's cluster for one run: a private control plane ({@link
 * KubeControlPlane}: its own etcd, kube-apiserver, kube-controller-manager, kube-scheduler), the
 * TidbCluster CRD, pdlab's node agents' heartbeats ({@link NodeHeartbeats}) and the model's
 * {@link ObjectStore} over its API ({@link KubeApiStore}).
 *
 * <p>A lost node ({@link #nodeLost}) stops heartbeating; once the node lifecycle controller has
 * marked it NotReady (after its 40 s grace period) the Node is deleted by the model's
 * {@code CloudNodeLifecycle}, the same rule as in the simulator, as EKS's cloud node lifecycle
 * controller deletes the Node of a terminated instance (the controller-manager here runs without
 * a cloud provider). The pod garbage collector then deletes the pods bound to it, and a
 * StatefulSet's replacement pod stays Pending where its volume is local to the lost node.
 */
public final class KubeCluster implements AutoCloseable {
  private final KubeControlPlane cp;
  private final NodeHeartbeats beats;
  private KubeApiStore store;
  private KubeletNodes kubelets;
  private boolean closed;

  private KubeCluster(KubeControlPlane cp) {
    this.cp = cp;
    this.beats = new NodeHeartbeats(cp.client());
  }

  /**
   * Starts a control plane under {@code base} (a run directory of its own; null: the default
   * base) and installs the TidbCluster CRD.
   *
   * @throws IllegalStateException when the binaries are missing or a component does not start;
   *     nothing is left running then
   */
  public static KubeCluster start(Path base) {
    KubeControlPlane cp = base == null ? KubeControlPlane.start() : KubeControlPlane.start(base);
    try {
      cp.installTidbClusterCrd();
      return new KubeCluster(cp);
    } catch (RuntimeException e) {
      cp.close();
      throw e;
    }
  }

  /** Why a cluster cannot be started here, or null when it can. */
  public static String unavailableReason() {
    return KubeControlPlane.unavailableReason();
  }

  public KubeControlPlane controlPlane() {
    return cp;
  }

  /**
   * The model's store over this cluster's API, delivering its watch events to {@code world};
   * made once per cluster, its informers synced when this returns.
   */
  public synchronized KubeApiStore open(Scheduler world) {
    if (store != null) {
      throw new IllegalStateException("the store of " + cp + " is open already");
    }
    store = new KubeApiStore(cp.client(), world, beats);
    store.setLocalVolumeRoots(n -> beats.kubeletNode(n)
        ? KubeletNodes.dirOf(cp, n).resolve("disks") : null);
    store.start();
    return store;
  }

  /**
   * Says which nodes real kubelets will run, before the model creates them: those are created
   * without pdlab's heartbeat (their kubelets adopt them in {@link #startKubeletNodes}).
   */
  public void runByKubelet(List<String> names) {
    beats.runByKubelet(names);
  }

  /**
   * Starts a real kubelet (each with its own docker daemon) for every node {@link #runByKubelet}
   * named, once the model created their Nodes; returns when all are Ready.
   *
   * @param images the image names the model's pods use
   */
  public synchronized KubeletNodes startKubeletNodes(List<String> names,
      java.util.Collection<String> images) {
    if (kubelets != null) {
      throw new IllegalStateException("the kubelet nodes of " + cp + " are started already");
    }
    if (closed) {
      throw new IllegalStateException(cp + " is closed");
    }
    kubelets = KubeletNodes.start(cp, names, images);
    return kubelets;
  }

  /** The run's kubelet nodes, if any were started. */
  public synchronized java.util.Optional<KubeletNodes> kubeletNodes() {
    return java.util.Optional.ofNullable(kubelets);
  }

  /** Whether node {@code name} is (to be) run by a real kubelet. */
  public boolean kubeletNode(String name) {
    return beats.kubeletNode(name);
  }

  /**
   * {@code node} lost its machine: no more heartbeats (a kubelet node's kubelet, daemon and
   * containers stop), and its Node goes once NotReady.
   */
  public void nodeLost(String node) {
    beats.stop(node);
    KubeletNodes k;
    synchronized (this) {
      k = kubelets;
    }
    if (k != null) {
      k.node(node).ifPresent(KubeletNode::lose);
    }
  }

  /** Stops the store's informers, the heartbeats and the control plane. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (store != null) {
        store.close();
      }
      if (kubelets != null) {
        kubelets.close(); // before the control plane, which removes the run directory
      }
    } finally {
      try {
        beats.close();
      } finally {
        cp.close();
      }
    }
  }

  @Override
  public String toString() {
    return cp.toString();
  }
}
