package io.pdlab.real.node;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Real etcd members as local processes. Each member gets its own loopback address (127.0.10.1
 * upward) and free peer and client ports on it, fixed for the backend's life, so URLs are known
 * before the member starts and survive restarts. Data directories and logs live in a run
 * directory under {@code /tmp/pdlab-real}; {@link #close()} kills the processes and removes it.
 *
 * <p>It cannot partition members: the processes share this machine's network namespace.
 */
public final class LocalEtcdBackend implements EtcdBackend {

  /** Index of the next loopback address to try, JVM-wide so backends do not share addresses. */
  private static final AtomicInteger NEXT_ADDRESS = new AtomicInteger();
  private static final int MAX_ADDRESS_TRIES = 64;

  private final EtcdBinary binary;
  private final RunDirectory run;
  private final Map<String, LocalEtcdNode> nodes = new LinkedHashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();

  /**
   * A backend running {@link EtcdBinary#locate()}.
   *
   * @throws IllegalStateException when there is no etcd binary (the message says how to get one)
   */
  public LocalEtcdBackend() {
    this(EtcdBinary.locate());
  }

  /** A backend running {@code binary}. */
  public LocalEtcdBackend(EtcdBinary binary) {
    this(binary, RunDirectory.DEFAULT_BASE);
  }

  LocalEtcdBackend(EtcdBinary binary, Path base) {
    this.binary = binary;
    Reaper.reapOrphansOnce();
    this.run = RunDirectory.create(base, Owner.current());
    Hygiene.register(this);
  }

  @Override
  public String kind() {
    return "etcd";
  }

  /** The etcd binary this backend runs. */
  public EtcdBinary binary() {
    return binary;
  }

  @Override
  public synchronized EtcdNode node(String name) {
    AbstractEtcdNode.checkName(name);
    if (closed.get()) {
      throw new IllegalStateException("LocalEtcdBackend " + run + " is closed");
    }
    LocalEtcdNode node = nodes.get(name);
    if (node == null) {
      InetAddress address = nextLoopback();
      int[] ports = freePorts(address);
      node = new LocalEtcdNode(name, binary, address, ports[0], ports[1], run.memberDir(name));
      nodes.put(name, node);
    }
    return node;
  }

  @Override
  public synchronized List<EtcdNode> nodes() {
    return List.copyOf(nodes.values());
  }

  @Override
  public Path runDir() {
    return run.path();
  }

  /** Partitions are impossible here; see {@link #partition(List)}. */
  @Override
  public boolean canPartition(List<List<String>> groups) {
    return false;
  }

  /**
   * Always throws: local etcd processes share this machine's network namespace (loopback), so
   * cutting members apart would take host firewall rules that could also hit other programs.
   */
  @Override
  public void partition(List<List<String>> groups) {
    throw new UnsupportedOperationException("LocalEtcdBackend cannot partition members: its etcd"
        + " processes share this machine's network namespace (loopback), and cutting them apart"
        + " would need host firewall rules that could hit other programs; use"
        + " ContainerEtcdBackend for partitions");
  }

  /** Nothing to heal: this backend never partitions. */
  @Override
  public void healAll() {
    // No partition can be in force (partition always throws).
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    List<LocalEtcdNode> all;
    synchronized (this) {
      all = new ArrayList<>(nodes.values());
    }
    RuntimeException failure = null;
    for (LocalEtcdNode n : all) {
      try {
        n.kill();
      } catch (RuntimeException e) {
        failure = failure == null ? e : failure;
      }
    }
    try {
      run.delete();
    } catch (UncheckedIOException e) {
      failure = failure == null ? e : failure;
    }
    Hygiene.unregister(this);
    if (failure != null) {
      throw new IllegalStateException("closing LocalEtcdBackend " + run + " left something behind",
          failure);
    }
  }

  @Override
  public String toString() {
    return "LocalEtcdBackend[" + run + "]";
  }

  /**
   * The next loopback address 127.0.x.y (from 127.0.10.1) that can be bound; 127.0.0.1 on a
   * system that only routes that one (members then differ by port only).
   */
  private static InetAddress nextLoopback() {
    for (int i = 0; i < MAX_ADDRESS_TRIES; i++) {
      int idx = NEXT_ADDRESS.getAndIncrement();
      int third = 10 + (idx / 254) % 245;
      int fourth = 1 + idx % 254;
      InetAddress a = loopback(third, fourth);
      try {
        new ServerSocket(0, 1, a).close();
        return a;
      } catch (IOException e) {
        // Not usable here; try the next one.
      }
    }
    return loopback(0, 1);
  }

  private static InetAddress loopback(int third, int fourth) {
    try {
      return InetAddress.getByAddress(new byte[] {127, 0, (byte) third, (byte) fourth});
    } catch (UnknownHostException e) {
      throw new IllegalStateException("cannot build address 127.0." + third + "." + fourth, e);
    }
  }

  /** Two distinct free ports on {@code address}: peer, client. */
  private static int[] freePorts(InetAddress address) {
    try (ServerSocket peer = new ServerSocket(0, 1, address);
        ServerSocket client = new ServerSocket(0, 1, address)) {
      return new int[] {peer.getLocalPort(), client.getLocalPort()};
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find free ports on " + address.getHostAddress() + ": "
          + e.getMessage(), e);
    }
  }
}
