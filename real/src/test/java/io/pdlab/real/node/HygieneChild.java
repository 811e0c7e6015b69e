package io.pdlab.real.node;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * A JVM for {@link HygieneIT}: opens a backend under a given base directory, starts one member,
 * prints {@code READY <run dir> <pid|container id>}, then exits through System.exit ("exit"),
 * waits to be killed ("wait"), or opens and closes new backends until killed ("churn").
 */
final class HygieneChild {

  private HygieneChild() {
  }

  public static void main(String[] args) throws Exception {
    String kind = args[0];
    Path base = Path.of(args[1]);
    String mode = args[2];
    EtcdBackend backend = kind.equals("local")
        ? new LocalEtcdBackend(EtcdBinary.locate(), base)
        : new ContainerEtcdBackend(EtcdBinary.locate(), PartitionMethod.detect(), base);
    EtcdNode n = backend.node("child-0");
    n.start(EtcdFlags.defaults(n.name(), Map.of(n.name(), n.peerUrl())));
    n.awaitHealthy(Duration.ofSeconds(60));
    String id = n instanceof LocalEtcdNode l
        ? Long.toString(l.pid().orElseThrow()) : ((ContainerEtcdNode) n).containerId();
    System.out.println("READY " + backend.runDir() + " " + id);
    System.out.flush();
    if (mode.equals("exit")) {
      System.exit(0);
    }
    if (mode.equals("churn")) {
      // A sweep that goes on starting runs while the JVM is being shut down: each new backend
      // makes a run directory; one made after the shutdown hook closed what was open must not
      // outlive the JVM. Something that takes a second to close (as a control plane does) keeps
      // the hook busy meanwhile.
      Hygiene.register(() -> Thread.sleep(1_000));
      for (long deadline = System.nanoTime() + 120_000_000_000L; System.nanoTime() < deadline; ) {
        try {
          new LocalEtcdBackend(EtcdBinary.locate(), base).close();
        } catch (IllegalStateException e) {
          Thread.sleep(120_000); // refused: the JVM is going down
        }
      }
      System.exit(3);
    }
    Thread.sleep(120_000);
    System.exit(3);
  }
}
