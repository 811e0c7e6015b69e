package io.pdlab.k8s.provision;

/**
 * How wait-tidb-ready decides that a TiDB cluster is up (provisioning.md section 1). Both poll
 * every {@link ProvisionDefaults#WAIT_TIDB_READY_POLL_US} with no timeout; a scenario chooses one.
 */
public enum ReadinessVariant {
  /**
   * As the seed describes it: poll until the pd, tikv and tidb pods are ready. The
   * {@link ReadinessProbe} answers "are they ready".
   */
  PODS_READY,
  /**
   * As the v1.0 scripts do it: poll until some TiDB pod is Running (not Ready) - the
   * {@link ReadinessProbe} answers that - then until the TiDB and Grafana LoadBalancer Services
   * have a load balancer host name ({@link TerraformApply#loadBalancerServiceCreated}).
   */
  TIDB_RUNNING_THEN_LB_HOSTNAMES
}
