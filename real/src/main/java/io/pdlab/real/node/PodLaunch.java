package io.pdlab.real.node;

import java.util.List;

/**
 * A container a real kubelet started, asking pdlab what to run (the {@code pdlab-launch}
 * entrypoint of kubelet nodes' member image). It is answered once: {@link #exec} (an etcd member
 * with these arguments), {@link #idle} (a container without a program: it stays up while the
 * model's process of it runs, until {@link #exit} or {@link #hangUp}), or {@link #hangUp} (the
 * model's process ended first: the container exits 1, and the kubelet's restart policy applies).
 * The connection stays open as long as the container runs, so {@link #ended} turns true when it
 * ends, however it ends (killed, crashed, its node lost).
 */
public interface PodLaunch {
  /** The pod's namespace. */
  String namespace();

  /** The pod's name. */
  String pod();

  /** The pod's address (its sandbox's, on its node's bridge). */
  String podIp();

  /** The node the pod runs on. */
  String node();

  /**
   * Where the member keeps its data inside the container: on the pod's first volume when it has
   * one (it outlives the container, as a PV does), else in the container's own layer.
   */
  String dataDir();

  /**
   * The container's name in its pod (which of the pod's containers asks: its init containers
   * ask before its app container).
   */
  String container();

  /** Answers: run {@code argv} ({@code argv[0]} a path in the image). */
  void exec(List<String> argv);

  /** Answers: run nothing, stay up until pdlab hangs up. */
  void idle();

  /**
   * The model's process of an idle container exited with {@code code} (0 to 255): so does the
   * container (0 is an init container's success: its kubelet goes on to the next container).
   * Answers {@link #idle} first if it was not answered; refused after {@link #exec}.
   */
  void exit(int code);

  /** Answers nothing and hangs up: the container exits 1. No-op once answered and ended. */
  void hangUp();

  /** Whether the container ended (the connection closed). */
  boolean ended();

  /** Runs {@code r} (on any thread) once the container ended; at once if it has. */
  void onEnd(Runnable r);
}
