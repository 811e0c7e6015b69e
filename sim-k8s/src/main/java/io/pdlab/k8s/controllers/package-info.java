/**
 * Kubernetes controllers as state machines: a reconcile function looks at the whole desired and
 * observed state and returns actions as values; the {@link io.pdlab.k8s.controllers.K8sWorld}
 * driver carries them out against the object store, in virtual time here and in real time later.
 */
package io.pdlab.k8s.controllers;
