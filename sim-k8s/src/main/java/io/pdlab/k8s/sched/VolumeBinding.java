package io.pdlab.k8s.sched;

/**
 * A PVC to bind to a PV as part of a scheduling decision.
 *
 * @param claim the PVC's {@code namespace/name} (what {@code PersistentVolume.claim} holds)
 * @param volume the PV's name
 */
public record VolumeBinding(String claim, String volume) {
}
