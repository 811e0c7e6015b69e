package io.pdlab.real.kube;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.pdlab.real.node.EtcdBinary;
import io.pdlab.real.node.PodLaunch;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * The kubelet nodes of one run ({@link KubeletNode}), started together and stopped together; their
 * pods' DNS ({@link PodDns}) answered from the API server, their containers' questions ({@link
 * PodLaunch}) handed to one listener, partitions between them cut in the host's forwarding.
 */
public final class KubeletNodes implements AutoCloseable, io.pdlab.real.node.KubeletOps {
  private final KubeControlPlane cp;
  private final Map<String, KubeletNode> nodes = new LinkedHashMap<>();
  private boolean closed;

  private KubeletNodes(KubeControlPlane cp) {
    this.cp = cp;
  }

  /**
   * Starts a kubelet node for each of {@code names} (at the same time) and waits until all are
   * Ready. The Nodes may exist already (the model made them: the kubelets adopt them).
   *
   * @param images the image names the model's pods use (each node tags its member image so)
   * @throws IllegalStateException when one does not start; none is left running then
   */
  static KubeletNodes start(KubeControlPlane cp, List<String> names, Collection<String> images) {
    KubeBinaries bin = KubeBinaries.locate();
    MemberImage image = new MemberImage(bin.pause(), EtcdBinary.locate());
    KubeletNodes all = new KubeletNodes(cp);
    // Closed by the shutdown hook on ^C or SIGTERM, before the control plane (opened earlier)
    // deletes the run directory their mounts and daemons are in.
    io.pdlab.real.node.Hygiene.register(all);
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, names.size()), r -> {
      Thread t = new Thread(r, "pdlab-kubelet-node-start");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<KubeletNode>> started = new ArrayList<>();
      for (int i = 0; i < names.size(); i++) {
        String n = names.get(i);
        int index = i;
        Path dir = dirOf(cp, n);
        started.add(pool.submit(() -> KubeletNode.start(cp, bin, dir, n, index, image, images,
            all::podAddress)));
      }
      RuntimeException failure = null;
      for (int i = 0; i < started.size(); i++) {
        try {
          KubeletNode node = started.get(i).get();
          synchronized (all) {
            all.nodes.put(node.name(), node);
          }
        } catch (ExecutionException e) {
          RuntimeException r = e.getCause() instanceof RuntimeException re ? re
              : new IllegalStateException(e.getCause());
          if (failure == null) {
            failure = r;
          } else {
            failure.addSuppressed(r);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          failure = new IllegalStateException("interrupted while starting kubelet nodes", e);
          break;
        }
      }
      if (failure != null) {
        all.close();
        throw failure;
      }
      return all;
    } finally {
      pool.shutdown();
    }
  }

  /**
   * Why kubelet nodes cannot run here, or empty when they can: the control plane's binaries, the
   * pause program, dockerd and runc, gcc with a static libc (for pdlab-launch), ip and iptables,
   * and root (bridges, iptables, port 53, the kubelet).
   */
  public static Optional<String> unavailableReason() {
    String cp = KubeControlPlane.unavailableReason();
    if (cp != null) {
      return Optional.of(cp);
    }
    if (!"root".equals(System.getProperty("user.name"))) {
      return Optional.of("kubelet nodes need root (bridges, iptables rules, the kubelet itself)");
    }
    try {
      KubeBinaries.locate().pause();
    } catch (IllegalStateException e) {
      return Optional.of(e.getMessage());
    }
    for (String[] need : new String[][] {{"dockerd", "docker.io"}, {"docker", "docker.io"},
        {"runc", "runc"}, {"gcc", "gcc libc6-dev"}, {"ip", "iproute2"},
        {"iptables", "iptables"}}) {
      if (io.pdlab.real.node.Commands.which(need[0]).isEmpty()) {
        return Optional.of("kubelet nodes need " + need[0] + " (as root: apt-get install -y "
            + need[1] + ")");
      }
    }
    if (!java.nio.file.Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/libc.a"))
        && !java.nio.file.Files.exists(Path.of("/usr/lib/libc.a"))) {
      return Optional.of("kubelet nodes need a static libc to build pdlab-launch (as root:"
          + " apt-get install -y libc6-dev)");
    }
    return Optional.empty();
  }

  /** Node {@code name}'s directory in the run (its daemon, kubelet, logs and local disks). */
  static Path dirOf(KubeControlPlane cp, String name) {
    return cp.dir().resolveSibling("node-" + name);
  }

  /** The node of that name, if it is a kubelet node of this run. */
  public synchronized Optional<KubeletNode> node(String name) {
    return Optional.ofNullable(nodes.get(name));
  }

  /** The names of this run's kubelet nodes, in start order. */
  public synchronized List<String> names() {
    return List.copyOf(nodes.keySet());
  }

  /** Hands every container's question to {@code listener} (on the server's threads). */
  public synchronized void listen(Consumer<PodLaunch> listener) {
    for (KubeletNode n : nodes.values()) {
      n.launches().listen(listener);
    }
  }

  /**
   * Cuts the forwarding between nodes of different groups (both ways); nodes of one group, and
   * nodes in no group, keep theirs. Replaces any cut in force.
   */
  @Override
  public synchronized void partition(List<List<String>> nodeGroups) {
    healAll();
    for (int i = 0; i < nodeGroups.size(); i++) {
      for (int j = 0; j < nodeGroups.size(); j++) {
        if (i == j) {
          continue;
        }
        for (String a : nodeGroups.get(i)) {
          for (String b : nodeGroups.get(j)) {
            require(a).network().dropTo(require(b).network());
          }
        }
      }
    }
  }

  @Override
  public void kill(String node, String namespace, String pod) {
    live(node).ifPresent(n -> n.kill(namespace, pod));
  }

  @Override
  public void pause(String node, String namespace, String pod) {
    live(node).ifPresent(n -> n.pause(namespace, pod));
  }

  @Override
  public void resume(String node, String namespace, String pod) {
    live(node).ifPresent(n -> n.resume(namespace, pod));
  }

  @Override
  public Optional<Path> hostPath(String node, String namespace, String pod,
      String dataDir) {
    return live(node).flatMap(n -> n.hostPath(namespace, pod, dataDir));
  }

  @Override
  public String logTail(String node, String namespace, String pod, int lines) {
    return live(node).map(n -> n.logTail(namespace, pod, lines)).orElse("");
  }

  @Override
  public int exitCode(String node, String namespace, String pod) {
    Optional<KubeletNode> n = live(node);
    return n.isEmpty() ? 137 : n.get().exitCode(namespace, pod); // a lost node's: killed
  }

  /** A node of this run whose machine is not lost. */
  private Optional<KubeletNode> live(String node) {
    return node(node).filter(n -> !n.lost());
  }

  /** Removes every cut between this run's nodes. */
  @Override
  public synchronized void healAll() {
    for (KubeletNode n : nodes.values()) {
      n.network().healAll();
    }
  }

  private KubeletNode require(String name) {
    KubeletNode n = nodes.get(name);
    if (n == null) {
      throw new IllegalArgumentException("node " + name + " is not a kubelet node of this run"
          + " (kubelet nodes: " + nodes.keySet() + ")");
    }
    return n;
  }

  /** The pod DNS answer: the address of the pod with that hostname under that subdomain. */
  String podAddress(String namespace, String subdomain, String hostname) {
    try {
      for (Pod p : cp.client().pods().inNamespace(namespace).list().getItems()) {
        String h = p.getSpec().getHostname();
        if (hostname.equals(h) && subdomain.equals(p.getSpec().getSubdomain())
            && p.getStatus() != null && p.getStatus().getPodIP() != null
            && p.getMetadata().getDeletionTimestamp() == null) {
          return p.getStatus().getPodIP();
        }
      }
    } catch (KubernetesClientException | IllegalStateException e) {
      // the API does not answer: no answer (the resolver retries)
    }
    return null;
  }

  /** Stops every node (in parallel is not worth it: a stop is about a second). Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      KubeletNode.runEach(nodes.values().stream().<Runnable>map(n -> n::close).toList());
    } finally {
      io.pdlab.real.node.Hygiene.unregister(this);
    }
  }
}
