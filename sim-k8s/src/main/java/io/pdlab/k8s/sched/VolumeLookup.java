package io.pdlab.k8s.sched;

import io.pdlab.k8s.api.Kind;
import io.pdlab.k8s.api.PersistentVolumeClaim;
import io.pdlab.k8s.api.StorageClass;
import io.pdlab.k8s.store.ObjectStore;

/**
 * Where the scheduler reads a pod's PVCs and their StorageClasses (kube-scheduler's PVC and
 * StorageClass listers). PVs come from the {@link SchedulerCache}.
 */
public interface VolumeLookup {
  /** No PVCs or StorageClasses at all: for pods without volumes. */
  VolumeLookup NONE = new VolumeLookup() {
    @Override
    public PersistentVolumeClaim claim(String namespace, String name) {
      return null;
    }

    @Override
    public StorageClass storageClass(String name) {
      return null;
    }
  };

  /** The PVC, or null if it does not exist. */
  PersistentVolumeClaim claim(String namespace, String name);

  /** The StorageClass, or null if it does not exist. */
  StorageClass storageClass(String name);

  /** Reads straight from the store (the model's informers are never stale for these). */
  static VolumeLookup of(ObjectStore store) {
    return new VolumeLookup() {
      @Override
      public PersistentVolumeClaim claim(String namespace, String name) {
        return store.get(Kind.PERSISTENT_VOLUME_CLAIM, namespace + "/" + name);
      }

      @Override
      public StorageClass storageClass(String name) {
        return store.get(Kind.STORAGE_CLASS, name);
      }
    };
  }
}
