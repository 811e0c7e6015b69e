/**
 * A model of kube-scheduler as a deterministic component the caller drives.
 *
 * <ul>
 *   <li>{@link io.pdlab.k8s.sched.SchedulerCache}: what the scheduler knows of the cluster (nodes
 *       in kube-scheduler's zone-interleaved order, per node the summed requests, pod labels and
 *       anti-affinity terms of the pods bound to it, local PVs by node and storage class), updated
 *       incrementally so that a decision never rescans all pods.
 *   <li>{@link io.pdlab.k8s.sched.KubeScheduler}: one scheduling cycle for one pod, with the default
 *       profile's filters in their order (NodeUnschedulable, TaintToleration, NodeAffinity,
 *       NodeResourcesFit, VolumeBinding, InterPodAffinity), LeastAllocated scoring and the adaptive
 *       node sampling ({@code numFeasibleNodesToFind}). It returns a {@link
 *       io.pdlab.k8s.sched.SchedulingDecision} value: bind (with PVC to PV bindings) or the
 *       "0/N nodes are available: ..." message.
 *   <li>{@link io.pdlab.k8s.sched.SchedulerController}: the driver against the simulated API
 *       server ({@code ObjectStore}): watches, a scheduling queue, binding writes and requeue on
 *       cluster events.
 * </ul>
 *
 * <p>Nothing here reads a clock or draws randomness, and every collection iterates in insertion
 * or key order, so the same inputs give the same bindings. Sources are cited where a number or a
 * message string comes from kubernetes/kubernetes ({@code pkg/scheduler/...}).
 */
package io.pdlab.k8s.sched;
