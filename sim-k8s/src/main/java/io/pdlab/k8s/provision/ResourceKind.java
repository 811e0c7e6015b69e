package io.pdlab.k8s.provision;

/**
 * What a resource of the provisioning graph is. {@link TerraformApply} gives four kinds extra
 * behaviour: ASGs emit node joins, the two helm releases are announced, and the wait polls the
 * caller's {@link ReadinessProbe}; the others just take their time.
 */
public enum ResourceKind {
  AVAILABILITY_ZONES,
  VPC,
  KEY_PAIR,
  EKS_CONTROL_PLANE,
  AWS_AUTH_CONFIGMAP,
  KUBECONFIG,
  SETUP_ENV,
  LAUNCH_CONFIG,
  AUTO_SCALING_GROUP,
  OPERATOR_RELEASE,
  CLUSTER_RELEASE,
  WAIT_TIDB_READY,
  /** Anything else (custom graphs). */
  OTHER
}
