package io.pdlab.k8s.operator;

import io.pdlab.k8s.api.Pod;
import io.pdlab.k8s.api.TidbCluster;
import io.pdlab.k8s.api.TidbCluster.PdFailureMember;
import io.pdlab.k8s.api.TidbCluster.PdMember;
import java.util.List;

/**
 * tidb-operator v1.5.1's PD failover and recovery rules as one pure decision: given the
 * TidbCluster and the PD StatefulSet's pods at a sync, which step the operator takes. {@link
 * TidbOperatorV1} carries the step out through the object store and PD's API, on the simulator
 * and on the real backends alike.
 *
 * <p>Sources (tag v1.5.1): {@code pkg/manager/member/pd_member_manager.go}
 * syncPDStatefulSetForTidbCluster (after Scale: {@code if shouldRecover(tc) Recover(tc) else if
 * MaxFailoverCount > 0 && (PDAllPodsStarted() && !PDAllMembersReady() || PDAutoFailovering())
 * Failover(tc)}) and shouldRecover; {@code pkg/manager/member/pd_failover.go} Failover,
 * tryToMarkAPeerAsFailure, tryToDeleteAFailureMember, isPDInQuorum, isPodDesired, Recover;
 * {@code pkg/apis/pingcap/v1alpha1/tidbcluster.go} PDAllPodsStarted, PDAllMembersReady,
 * PDAutoFailovering, GetPDDeletedFailureReplicas, PDStsDesiredOrdinals. Upstream walks Go maps
 * (random order); the model walks members in name order. {@code --detect-node-failure} is off by
 * default (dependences.go), so RestartPodOnHostDown and canDoCleanUpNow's host-down wait do
 * nothing and are not modelled.
 */
final class PdFailover {
  /**
   * {@code --pd-failover-period} default 5 min (tidb-operator v1.5.1
   * {@code pkg/controller/dependences.go}: {@code PDFailoverPeriod: 5 * time.Minute}): how long a
   * member must have been unhealthy, since its health last changed, before it is marked failed.
   */
  static final long PERIOD_MS = 5 * 60_000;

  /**
   * {@code spec.pd.maxFailoverCount} default 3 (tidb-operator v1.5.1
   * {@code pkg/apis/pingcap/v1alpha1/defaulting/tidbcluster.go}): failover stops once this many
   * failure members have been deleted. The model's TidbCluster spec does not carry the field.
   */
  static final int MAX_FAILOVER_COUNT = 3;

  private PdFailover() {}

  /** What the operator does about failover at one sync. */
  sealed interface Step {
    /** Nothing; {@code why} says which gate held (for the trace and the tests). */
    record None(String why) implements Step {}

    /** Phase 1: record {@code failure} (not yet deleted) in {@code status.pd.failureMembers}. */
    record Mark(PdFailureMember failure) implements Step {}

    /**
     * Phase 2: delete the failure member from PD by its member ID, then its pod and PVCs, then
     * set {@code memberDeleted}; desired replicas then grow by one.
     */
    record Delete(PdFailureMember failure) implements Step {}

    /** Recover: clear the failure members; the StatefulSet then scales back in. */
    record Recover() implements Step {}
  }

  /**
   * The step for this sync. {@code pdPods} are the pods of the PD StatefulSet (their count is
   * {@code status.pd.statefulSet.replicas}, what PDAllPodsStarted compares with the desired
   * replicas).
   */
  static Step decide(TidbCluster tc, List<Pod> pdPods, long nowUs) {
    TidbCluster.Status st = tc.status();
    if (shouldRecover(tc, pdPods)) {
      return new Step.Recover();
    }
    int desired = tc.pdStsDesiredReplicas();
    boolean allPodsStarted = desired == pdPods.size();
    boolean allMembersReady = desired == st.pdMembers().size()
        && st.pdMembers().stream().allMatch(PdMember::health);
    boolean autoFailovering = st.pdFailureMembers().stream().anyMatch(f -> !f.memberDeleted());
    if (!(MAX_FAILOVER_COUNT > 0 && (allPodsStarted && !allMembersReady || autoFailovering))) {
      return new Step.None(!allPodsStarted ? "not all pods started (" + pdPods.size() + " of "
          + desired + ")" : "all members ready");
    }
    // pd_failover.go Failover
    if (!st.pdSynced()) {
      return new Step.None("Status.PD.Synced = false");
    }
    long healthCount = st.pdMembers().stream().filter(PdMember::health).count();
    if (healthCount <= st.pdMembers().size() / 2) {
      return new Step.None("not in quorum: healthy " + healthCount + " / "
          + st.pdMembers().size());
    }
    int deleted = st.pdDeletedFailureReplicas();
    if (deleted >= MAX_FAILOVER_COUNT) {
      return new Step.None("failover replicas (" + deleted + ") reach the limit ("
          + MAX_FAILOVER_COUNT + ")");
    }
    if (st.pdFailureMembers().size() - deleted == 0) {
      return markAPeerAsFailure(tc, pdPods, nowUs);
    }
    // tryToDeleteAFailureMember: the first not-deleted failure member that is not healthy again
    for (PdFailureMember f : st.pdFailureMembers()) {
      if (!f.memberDeleted() && !healthy(st, f.podName())) {
        return new Step.Delete(f);
      }
    }
    return new Step.None("failure members are healthy again");
  }

  private static Step markAPeerAsFailure(TidbCluster tc, List<Pod> pdPods, long nowUs) {
    TidbCluster.Status st = tc.status();
    for (PdMember m : st.pdMembers()) {
      // isPodDesired: PDStsDesiredOrdinals(true), the spec's ordinals (failover pods excluded)
      int ordinal = ordinal(tc, m.name());
      if (ordinal < 0 || ordinal >= tc.spec().pd().replicas()) {
        continue;
      }
      boolean exists = st.pdFailureMembers().stream().anyMatch(f -> f.podName()
          .equals(m.name()));
      if (m.health() || nowUs < m.lastTransitionUs() + PERIOD_MS * 1_000 || exists) {
        continue;
      }
      if (pdPods.stream().noneMatch(p -> p.meta().name().equals(m.name()))) {
        return new Step.None("failed to get pod " + m.name()); // upstream: an error, requeued
      }
      return new Step.Mark(new PdFailureMember(m.name(), m.id(), false, nowUs));
    }
    return new Step.None("no member unhealthy for " + PERIOD_MS / 1_000 + " s");
  }

  /**
   * shouldRecover: failure members exist, and every pod of the spec's ordinals exists, is Ready
   * and is a healthy PD member (failover pods are not looked at: they are going away).
   */
  static boolean shouldRecover(TidbCluster tc, List<Pod> pdPods) {
    if (tc.status().pdFailureMembers().isEmpty()) {
      return false;
    }
    for (int i = 0; i < tc.spec().pd().replicas(); i++) {
      String name = tc.meta().name() + "-pd-" + i;
      Pod pod = pdPods.stream().filter(p -> p.meta().name().equals(name)).findFirst()
          .orElse(null);
      if (pod == null || !pod.status().ready() || !healthy(tc.status(), name)) {
        return false;
      }
    }
    return true;
  }

  private static boolean healthy(TidbCluster.Status st, String name) {
    return st.pdMembers().stream().anyMatch(m -> m.name().equals(name) && m.health());
  }

  /** The StatefulSet ordinal of a PD pod of this cluster ({@code <tc>-pd-<i>}), or -1. */
  private static int ordinal(TidbCluster tc, String podName) {
    return io.pdlab.k8s.controllers.StatefulSetController.ordinalOf(tc.meta().name() + "-pd",
        podName);
  }
}
