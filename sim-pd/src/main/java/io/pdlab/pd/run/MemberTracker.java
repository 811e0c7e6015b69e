package io.pdlab.pd.run;

import io.pdlab.pd.etcd.EtcdObserver;

/**
 * What a driver that creates members (a Kubernetes model) tells the measures: which processes
 * should end up as members, and what their members do. The simulator's {@link EtcdWorld} watches
 * simulated members through the observer; a real backend observes real etcd from outside instead.
 */
public interface MemberTracker {
  /** Counts process {@code name} as a member the cluster should end up with. */
  void expect(String name);

  /** No longer counts {@code name} (a deleted or scaled-in member). */
  void unexpect(String name);

  /** Where simulated members report what they do ({@link EtcdObserver#NONE} if unused). */
  EtcdObserver observer();

  /** PD wrote (or found) a PD cluster ID. */
  default void pdClusterId(String pod, long id) {}
}
