package io.pdlab.pd.etcd;

import io.pdlab.sim.process.ProcessContext;

/**
 * The etcd a process embeds (PD embeds etcd): the simulated {@link EtcdMember}, or a driver's
 * stand-in for a real etcd. The embedding process hands it its context, the messages that are
 * etcd's ({@link EtcdMessages}) and the timers that are not its own.
 */
public interface EtcdEngine {
  void onStart(ProcessContext ctx);

  void onMessage(ProcessContext ctx, String from, Object message);

  void onTimer(ProcessContext ctx, Object tag);

  /** The member exited by itself (a start error, removed from the cluster, a Raft panic). */
  boolean exited();

  /** The member has published itself and serves clients (etcd's ReadyNotify). */
  boolean ready();

  /** The member leads its cluster now. */
  boolean isLeader();

  /**
   * The etcd cluster ID the member belongs to once etcd's {@code NewServer} has set it up (what
   * {@code etcd.Server.Cluster().ID()} returns after {@code embed.StartEtcd}); 0 before.
   */
  long clusterId();

  /**
   * Whether what this engine answers ({@link #ready}, {@link #isLeader}, {@link #clusterId},
   * {@link #exited}) changes only inside the holder's calls to it ({@code onStart},
   * {@code onMessage}, {@code onTimer}), so the holder may stop polling it between its own events.
   * False for a real etcd, which changes on its own.
   */
  default boolean changesOnlyInItsCalls() {
    return false;
  }

  /** Creates the etcd of a process from its flags. */
  @FunctionalInterface
  interface Factory {
    EtcdEngine create(EtcdConfig cfg, EtcdObserver observer);

    /** The simulator's own member. */
    Factory SIMULATED = EtcdMember::new;
  }
}
