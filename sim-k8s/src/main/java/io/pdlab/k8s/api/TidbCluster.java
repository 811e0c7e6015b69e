package io.pdlab.k8s.api;

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
   * TidbClusterStatus as the model uses it: PD synced (health, cluster and leader APIs answered),
   * its members and leader, failure members, TiKV stores Up, TiDB ready, phases.
   */
  public record Status(boolean pdSynced, List<String> pdMembers, String pdLeader,
      List<String> pdFailureMembers, int tikvStoresUp, int tidbReady, String pdPhase) {
    public static final Status EMPTY = new Status(false, List.of(), "", List.of(), 0, 0, "Normal");

    public Status {
      pdMembers = List.copyOf(pdMembers);
      pdFailureMembers = List.copyOf(pdFailureMembers);
    }
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
