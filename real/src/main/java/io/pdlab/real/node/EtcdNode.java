package io.pdlab.real.node;

import java.time.Duration;
import java.util.OptionalInt;
import java.util.function.IntConsumer;

/**
 * One real etcd member, as a local process or a container. Its name and URLs are fixed when the
 * backend allocates it, before it is first started, and stay the same across restarts, so an
 * operator can call MemberAdd with {@link #peerUrl()} before the member exists.
 *
 * <p>Lifecycle: {@link #start} launches etcd (without waiting for it); {@link #kill} is a
 * {@code kill -9}; a later {@link #start} restarts it on the same data; {@link #wipe} deletes
 * the data of a stopped member; {@link #pause}/{@link #resume} freeze and thaw it.
 */
public interface EtcdNode {

  /** The member name (also etcd's {@code --name}). */
  String name();

  /** The advertised peer URL; fixed from allocation on. */
  String peerUrl();

  /** The advertised client URL; fixed from allocation on. */
  String clientUrl();

  /**
   * Where this JVM reaches the member's client port now, as {@code http://host:port}. For
   * processes this is {@link #clientUrl()}; for containers it is the mapped host port, which
   * changes across restarts and reconnects.
   *
   * @throws IllegalStateException for a container that was never started (no port is mapped)
   */
  String hostClientEndpoint();

  /**
   * Where this JVM reaches the member's peer port now, as {@code http://host:port} (for PD's
   * cluster-ID check, which asks a peer's {@code GET /members}): {@link #peerUrl()} for processes,
   * the mapped host port for containers, the pod's address for pods.
   *
   * @throws IllegalStateException while the member has no reachable peer port yet
   */
  String hostPeerEndpoint();

  /**
   * The member's data directory ({@code --data-dir}) as this JVM can read it on the host, when
   * it can: a process's own directory, a container's bind-mounted one, the directory of a
   * kubelet node's pod volume (which is on this host too).
   */
  default java.util.Optional<java.nio.file.Path> hostDataDir() {
    return java.util.Optional.empty();
  }

  /**
   * Launches etcd with these flags and returns at once, without waiting for it to listen or to
   * be healthy (see {@link #awaitListening} and {@link #awaitHealthy}).
   *
   * @throws IllegalStateException when the member is already running
   * @throws IllegalArgumentException when the flags are not this member's (other name, or
   *     another peer URL for it in {@code initialCluster})
   */
  void start(EtcdFlags flags);

  /** Whether the etcd started last is still running (paused counts as running). */
  boolean running();

  /** Whether the member is running and paused. */
  boolean paused();

  /**
   * Kills etcd at once (SIGKILL / docker kill) and returns when it is gone; the data stays.
   * No-op when it is not running.
   */
  void kill();

  /**
   * Freezes the running member (SIGSTOP / docker pause).
   *
   * @throws IllegalStateException when it is not running
   */
  void pause();

  /** Thaws a paused member (SIGCONT / docker unpause); no-op when it is not paused. */
  void resume();

  /**
   * Deletes the member's data directory, so its next start is a brand-new member.
   *
   * @throws IllegalStateException when it is running
   */
  void wipe();

  /**
   * The last {@code lines} lines of etcd's own output (stdout and stderr) since the current (or
   * last) start; empty when it was never started.
   */
  String logTail(int lines);

  /**
   * Registers a listener called (on any thread) with the exit code each time the running etcd
   * exits by itself or is killed. A killed process reports 137 (128 + SIGKILL).
   */
  void onExit(IntConsumer listener);

  /** The exit code of the last start, when that etcd has exited. */
  OptionalInt exitCode();

  /**
   * Waits until the member's client port accepts connections (true of a member that waits for
   * its peers, too).
   *
   * @throws EtcdStartException naming the member, its exit code if it exited, and its log tail,
   *     when it exits or is not listening within {@code timeout}
   */
  void awaitListening(Duration timeout);

  /**
   * Waits until {@code GET /health} answers {@code {"health":"true"}}; do not use it for a member
   * that cannot be healthy alone (a lone member of a larger static cluster).
   *
   * @throws EtcdStartException naming the member, its exit code if it exited, and its log tail,
   *     when it exits or is not healthy within {@code timeout}
   */
  void awaitHealthy(Duration timeout);
}
