package io.pdlab.pd.tidb;

/**
 * The part of a TidbCluster object that discovery reads. Any write to the object (spec or status)
 * changes {@code resourceVersion}, and a changed version makes discovery forget the peers it has
 * counted.
 *
 * <p>The replica count discovery compares against is {@code PDStsDesiredReplicas()} of
 * {@code pkg/apis/pingcap/v1alpha1/tidbcluster.go}: {@code spec.pd.replicas} plus the failure
 * members whose {@code MemberDeleted} is true ({@code GetPDDeletedFailureReplicas()}). Failure
 * members not yet deleted do not count. {@code tlsEnabled} is {@code spec.tlsCluster.enabled}; it
 * picks the {@code http}/{@code https} scheme ({@code tc.Scheme()}).
 *
 * @param resourceVersion the object's {@code metadata.resourceVersion}
 * @param pdReplicas {@code spec.pd.replicas}
 * @param deletedFailureMembers failure members in {@code status.pd.failureMembers} with
 *     {@code memberDeleted: true}
 * @param tlsEnabled {@code spec.tlsCluster.enabled}
 */
public record TidbClusterView(
    String resourceVersion, int pdReplicas, int deletedFailureMembers, boolean tlsEnabled) {

  public TidbClusterView {
    if (resourceVersion == null) {
      throw new IllegalArgumentException("resourceVersion must not be null");
    }
    if (pdReplicas < 0 || deletedFailureMembers < 0) {
      throw new IllegalArgumentException(
          "replica counts must be >= 0, got pdReplicas=" + pdReplicas
              + " deletedFailureMembers=" + deletedFailureMembers);
    }
  }

  /** A plain-HTTP cluster without failure members. */
  public static TidbClusterView of(String resourceVersion, int pdReplicas) {
    return new TidbClusterView(resourceVersion, pdReplicas, 0, false);
  }

  /** {@code PDStsDesiredReplicas()}: the count that earns {@code --initial-cluster}. */
  public int desiredPdReplicas() {
    return pdReplicas + deletedFailureMembers;
  }

  /** {@code tc.Scheme()}. */
  public String scheme() {
    return tlsEnabled ? "https" : "http";
  }
}
