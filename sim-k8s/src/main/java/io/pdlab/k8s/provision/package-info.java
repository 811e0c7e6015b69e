/**
 * EKS provisioning for one or more TiDB clusters as a Terraform-like dependency graph, run in
 * virtual time (provisioning.md sections 1 and 2, after pingcap/tidb-operator deploy/aws and
 * deploy/modules/aws, v1.0.0-beta to v1.1.x).
 *
 * <p>{@link io.pdlab.k8s.provision.EksGraph} builds the
 * {@link io.pdlab.k8s.provision.ResourceGraph} (VPC, EKS control plane, per-cluster launch
 * configurations and ASGs, setup-env, helm releases, wait-tidb-ready) from
 * {@link io.pdlab.k8s.provision.ProvisionParameters};
 * {@link io.pdlab.k8s.provision.TerraformApply} walks it on a {@link io.pdlab.sim.Scheduler} with
 * at most {@code -parallelism} operations in flight, draws every duration from a seeded stream,
 * tells a {@link io.pdlab.k8s.provision.ProvisionListener} when nodes join and releases land, and
 * reports the timeline, the critical path and the makespan. The Kubernetes model decides when
 * TiDB is ready through a {@link io.pdlab.k8s.provision.ReadinessProbe}. Every number lives in
 * {@link io.pdlab.k8s.provision.ProvisionDefaults} with its source.
 */
package io.pdlab.k8s.provision;
