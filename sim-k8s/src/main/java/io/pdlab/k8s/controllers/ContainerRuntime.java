package io.pdlab.k8s.controllers;

import io.pdlab.k8s.api.Container;
import io.pdlab.k8s.api.LivenessProbe;
import io.pdlab.k8s.api.Pod;
import io.pdlab.pd.etcd.EtcdConfig;
import io.pdlab.sim.process.Disk;
import io.pdlab.sim.process.Process;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * What the kubelet runs for a container, and how its readiness probe answers. The simulator runs
 * model processes ({@link SimContainerRuntime}); a real backend runs processes that stand for real
 * etcd processes or containers.
 */
public interface ContainerRuntime {
  /** The process behind container {@code c} of {@code pod} (called at each start). */
  Process create(Pod pod, Container c);

  /** The readiness probe of a running container. */
  boolean ready(Container c, Process p);

  /**
   * Whether this runtime can run liveness probes ({@link #probeLiveness}); the kubelet runs a
   * container's liveness probe only where it can.
   */
  default boolean runsLivenessProbes() {
    return false;
  }

  /**
   * Runs the liveness probe {@code probe} of container {@code c}, whose process {@code p} runs
   * ({@code hung}: it is stopped and answers nothing), and hands {@code failsAfterUs} -1 when it
   * passed, else how long after the probe began the kubelet counts its failure (at most the
   * probe's timeout): the simulator judges it at once and says when it would fail; a real
   * backend runs the probe's command against the real member and answers when it has ended (0:
   * the time has passed). The answer comes on the world's thread.
   */
  default void probeLiveness(Container c, Process p, boolean hung, LivenessProbe probe,
      LongConsumer failsAfterUs) {
    throw new UnsupportedOperationException("this runtime does not run liveness probes");
  }

  /**
   * {@code etcdctl snapshot save} run beside the etcd of pod {@code pod}, whose process is
   * {@code p} (null: it has none): {@code done} gets the backup, with the flags the member runs
   * with, or null and why it failed (a member that does not serve clients gives none). The
   * answer comes on the world's thread.
   */
  default void saveSnapshot(String pod, Process p, BiConsumer<Backup, String> done) {
    throw new UnsupportedOperationException("this runtime cannot save a member's snapshot");
  }

  /**
   * {@code etcdctl snapshot restore} of {@code backup} into the volume of pod {@code pod},
   * whose container was just killed and its volume wiped ({@code disk}: the model's view of it)
   * and is not started again yet: {@code --name name --initial-cluster initialCluster
   * --initial-cluster-token token}. {@code done} gets null, or etcdctl's error (the volume then
   * stays empty); on the world's thread. The restore is done before the container starts again.
   */
  default void restoreSnapshot(String pod, Disk disk, Backup backup, String name,
      Map<String, String> initialCluster, String token, Consumer<String> done) {
    throw new UnsupportedOperationException("this runtime cannot restore a member's snapshot");
  }

  /**
   * A member's store as {@code etcdctl snapshot save} copied it: {@code flags} the member ran
   * with then, {@code what} a line saying what it holds, {@code data} the runtime's own form of
   * it (the simulator's store, a real snapshot file).
   */
  record Backup(EtcdConfig flags, String what, Object data) {}
}
