package io.pdlab.real.node;

import java.util.List;

/**
 * What the {@link KubeletEtcdBackend} does to the containers real kubelets run, through each
 * node's own docker daemon and network (implemented by the kube package's kubelet nodes).
 */
public interface KubeletOps {
  /** {@code docker kill} of the pod's running container on {@code node}. */
  void kill(String node, String namespace, String pod);

  /** SIGSTOP of its process (a hung member). */
  void pause(String node, String namespace, String pod);

  /** SIGCONT of it. */
  void resume(String node, String namespace, String pod);

  /**
   * Where {@code dataDir} (a path inside the pod's containers) is on the host, when it is on one
   * of the pod's volumes (whose directories are on the host); else empty.
   */
  java.util.Optional<java.nio.file.Path> hostPath(String node, String namespace, String pod,
      String dataDir);

  /** The last lines of the pod's newest container's output. */
  String logTail(String node, String namespace, String pod, int lines);

  /** The exit code of the pod's newest container; -1 while it runs or when there is none. */
  int exitCode(String node, String namespace, String pod);

  /** Cuts the forwarding between nodes of different groups (replacing any cut in force). */
  void partition(List<List<String>> nodeGroups);

  /** Restores the forwarding between all nodes. */
  void healAll();
}
