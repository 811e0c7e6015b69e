package io.pdlab.pd.etcd;

/**
 * Receives what members do, for checkers and measures. Shared by the members of a run and kept
 * across their restarts. Default methods ignore everything.
 */
public interface EtcdObserver {
  EtcdObserver NONE = new EtcdObserver() {};

  /** The member runs with this cluster ID (after bootstrap, join or restart). */
  default void onCluster(String member, long memberId, long clusterId, long nowUs) {}

  /** Role, term or known leader changed. */
  default void onRole(String member, long clusterId, Raft.Role role, long term, long nowUs) {}

  /** A committed entry was applied. */
  default void onApply(String member, long clusterId, Entry entry, long nowUs) {}

  /**
   * The member's commit index is {@code commit}: the one its WAL holds when it starts, then after
   * every rise.
   */
  default void onCommit(String member, long clusterId, long commit, long nowUs) {}

  /**
   * As leader, the member recorded {@code match} as the match index of member {@code followerId};
   * its own last index was {@code lastIndex} then.
   */
  default void onMatch(String member, long clusterId, long followerId, long match, long lastIndex,
      long nowUs) {}

  /** The membership changed by an applied entry. */
  default void onMembership(String member, long clusterId, Membership membership, long nowUs) {}

  /** The member published its name and serves clients (etcd ReadyNotify). */
  default void onReady(String member, long clusterId, long nowUs) {}

  /** A write was acknowledged to a client. */
  default void onWriteAcked(String member, long clusterId, String key, String value, long nowUs) {}

  /** The member process exited by itself. */
  default void onExit(String member, String reason, long nowUs) {}
}
