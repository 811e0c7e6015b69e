package io.pdlab.k8s.api;

import io.pdlab.pd.tidb.TidbClusterView;
import java.util.List;
import java.util.SortedMap;

/**
 * The pingcap.com/v1alpha1 TidbCluster (provisioning.md section 4): per component a spec and the
 * status the operator writes. Any write, spec or status, changes its resourceVersion, which is
 * what tidb-operator's discovery keys its memory on.
 */
public record TidbCluster(ObjectMeta meta, Spec spec, Status status) implements K8sObject {
  /** One component's spec: replicas, image, requests, storage, placement. */
  public record ComponentSpec(int replicas, String image, Resources requests, long storageGi,
      String storageClassName, SortedMap<String, String> nodeSelector,
      List<Toleration> tolerations) {
    public ComponentSpec {
      if (replicas < 0) {
        throw new IllegalArgumentException("replicas must be >= 0, got " + replicas);
      }
      nodeSelector = java.util.Collections.unmodifiableSortedMap(
          new java.util.TreeMap<>(nodeSelector));
      tolerations = List.copyOf(tolerations);
    }

    public ComponentSpec withReplicas(int n) {
      return new ComponentSpec(n, image, requests, storageGi, storageClassName, nodeSelector,
          tolerations);
    }
  }

  /** TidbClusterSpec. */
  public record Spec(String schedulerName, ComponentSpec pd, ComponentSpec tikv,
      ComponentSpec tidb, String pvReclaimPolicy, String timezone) {
    public Spec withPd(ComponentSpec p) {
      return new Spec(schedulerName, p, tikv, tidb, pvReclaimPolicy, timezone);
    }
  }

  /**
   * One entry of {@code status.pd.members} (tidb-operator v1.5.1 {@code types.go} PDMember): a
   * named PD member, its member ID, whether PD's health API found it healthy, and when that
   * health last changed (virtual microseconds; the time it was first listed when it never
   * changed), as {@code pd_member_manager.go} syncTidbClusterStatus keeps it.
   */
  public record PdMember(String name, long id, boolean health, long lastTransitionUs) {}

  /**
   * One entry of {@code status.pd.failureMembers} (tidb-operator v1.5.1 {@code types.go}
   * PDFailureMember): the failed pod, its PD member ID, whether the member (with its pod and PVC)
   * has been deleted, and when it was marked (virtual microseconds).
   */
  public record PdFailureMember(String podName, long memberId, boolean memberDeleted,
      long createdAtUs) {
    public PdFailureMember deleted() {
      return new PdFailureMember(podName, memberId, true, createdAtUs);
    }
  }

  /**
   * The TidbCluster's {@code Ready} condition (tidb-operator v1.5.1 {@code types.go}
   * TidbClusterCondition, {@code tidb_cluster_condition_updater.go}): "True" or "False", why,
   * when it was last set and when its status last changed (virtual microseconds).
   */
  public record Condition(String status, String reason, String message, long lastUpdateUs,
      long lastTransitionUs) {}

  /**
   * TidbClusterStatus as the model uses it: PD synced (health, cluster and leader APIs answered),
   * its members with their health and leader, failure members, TiKV stores Up, TiDB ready,
   * phases, the PD StatefulSet's status as the operator last copied it ({@code status.pd
   * .statefulSet}, null before) and the Ready condition (null before the first sync). Members
   * and failure members are kept in name order (upstream keeps maps).
   */
  public record Status(boolean pdSynced, List<PdMember> pdMembers, String pdLeader,
      List<PdFailureMember> pdFailureMembers, int tikvStoresUp, int tidbReady, String pdPhase,
      StatefulSet.Status pdStatefulSet, Condition ready) {
    public static final Status EMPTY = new Status(false, List.of(), "", List.of(), 0, 0, "Normal");

    public Status {
      pdMembers = pdMembers.stream().sorted(java.util.Comparator.comparing(PdMember::name))
          .toList();
      pdFailureMembers = pdFailureMembers.stream()
          .sorted(java.util.Comparator.comparing(PdFailureMember::podName)).toList();
    }

    /** A status without the PD StatefulSet's status and the Ready condition. */
    public Status(boolean pdSynced, List<PdMember> pdMembers, String pdLeader,
        List<PdFailureMember> pdFailureMembers, int tikvStoresUp, int tidbReady, String pdPhase) {
      this(pdSynced, pdMembers, pdLeader, pdFailureMembers, tikvStoresUp, tidbReady, pdPhase,
          null, null);
    }

    public Status withPdFailureMembers(List<PdFailureMember> f) {
      return new Status(pdSynced, pdMembers, pdLeader, f, tikvStoresUp, tidbReady, pdPhase,
          pdStatefulSet, ready);
    }

    /** The names of the PD members in {@code status.pd.members}. */
    public List<String> pdMemberNames() {
      return pdMembers.stream().map(PdMember::name).toList();
    }

    /** GetPDDeletedFailureReplicas (tidb-operator v1.5.1 {@code tidbcluster.go}). */
    public int pdDeletedFailureReplicas() {
      return (int) pdFailureMembers.stream().filter(PdFailureMember::memberDeleted).count();
    }
  }

  /** What tidb-operator's discovery reads of this object ({@link TidbClusterView}). */
  public TidbClusterView discoveryView() {
    return new TidbClusterView(Long.toString(meta.resourceVersion()), spec.pd().replicas(),
        status.pdDeletedFailureReplicas(), false);
  }

  /**
   * PDStsDesiredReplicas (tidb-operator v1.5.1 {@code tidbcluster.go}), the rule written once in
   * {@link TidbClusterView#desiredPdReplicas}: the operator sizes the PD StatefulSet by it and
   * discovery counts registrants against it.
   */
  public int pdStsDesiredReplicas() {
    return discoveryView().desiredPdReplicas();
  }

  @Override
  public Kind kind() {
    return Kind.TIDB_CLUSTER;
  }

  @Override
  public TidbCluster withMeta(ObjectMeta m) {
    return new TidbCluster(m, spec, status);
  }

  public TidbCluster withSpec(Spec s) {
    return new TidbCluster(meta, s, status);
  }

  public TidbCluster withStatus(Status s) {
    return new TidbCluster(meta, spec, s);
  }
}
