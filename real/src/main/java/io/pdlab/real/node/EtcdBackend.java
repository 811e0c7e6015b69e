package io.pdlab.real.node;

import java.nio.file.Path;
import java.util.List;

/**
 * A place where real etcd members run: local processes ({@link LocalEtcdBackend}) or containers
 * ({@link ContainerEtcdBackend}). It allocates a node per member name, partitions members where
 * it can, and removes everything it created on {@link #close()}.
 */
public interface EtcdBackend extends AutoCloseable {

  /** {@code "etcd"} for processes, {@code "etcd-containers"} for containers. */
  String kind();

  /**
   * The node for this member name, allocated (addresses, ports or container alias) on the first
   * call; the same node afterwards. Names are DNS labels: lower-case letters, digits and
   * {@code -}, at most 63 characters, starting and ending with a letter or digit.
   *
   * @throws IllegalArgumentException for an invalid name
   * @throws IllegalStateException after {@link #close()}
   */
  EtcdNode node(String name);

  /** The nodes allocated so far, in allocation order. */
  List<EtcdNode> nodes();

  /** The run directory holding this backend's data directories and logs. */
  Path runDir();

  /**
   * The peer URL member {@code name} has or will have. Backends that can tell it without
   * allocating the member say so here: an operator that retries MemberAdd under new names must
   * not use up the backend's addresses.
   */
  default String peerUrlOf(String name) {
    return node(name).peerUrl();
  }

  /** The client URL member {@code name} has or will have (see {@link #peerUrlOf}). */
  default String clientUrlOf(String name) {
    return node(name).clientUrl();
  }

  /** Whether {@link #partition(List)} can cut members into these groups here. */
  boolean canPartition(List<List<String>> groups);

  /**
   * Cuts the network so that members in different groups cannot reach each other, while members
   * of one group can; members in no group are unaffected. Replaces the partition in force (as
   * if {@link #healAll()} came first). The cut also holds for members started later.
   *
   * @throws IllegalArgumentException when a group is empty, a name is in two groups, or a name
   *     was never allocated
   * @throws UnsupportedOperationException with the reason, when this backend cannot do it
   */
  void partition(List<List<String>> groups);

  /** Restores full connectivity between all members. */
  void healAll();

  /**
   * Kills every node and removes every container, network and directory this backend created.
   * Idempotent.
   */
  @Override
  void close();
}
