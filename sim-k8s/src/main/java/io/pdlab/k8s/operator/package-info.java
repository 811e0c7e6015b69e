/**
 * The bootstrap strategies as the operators that implement them (protocols.md section 2): each
 * runs as a simulated process on the control plane, reconciles on a timer and on the answers of
 * the etcd API it calls, and writes Kubernetes objects through the store. Interfaces are named for
 * the problem ({@link io.pdlab.k8s.operator.BootstrapStrategy}), operators for the method.
 */
package io.pdlab.k8s.operator;
