/**
 * Lean Kubernetes object types for the simulator's hot path: immutable records holding the fields
 * the model reads (the pingcap.com/v1alpha1 TidbCluster included). Every object can be rendered as
 * a real manifest by {@code io.pdlab.k8s.manifest}, where the maintained model library lives, so a
 * real API server accepts what the operators create here.
 */
package io.pdlab.k8s.api;
