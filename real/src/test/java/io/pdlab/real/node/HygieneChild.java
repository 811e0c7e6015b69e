package io.pdlab.real.node;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * A JVM for {@link HygieneIT}: opens a backend under a given base directory, starts one member,
 * prints {@code READY <run dir> <pid|container id>}, then exits through System.exit ("exit") or
 * waits to be killed ("wait").
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
    Thread.sleep(120_000);
    System.exit(3);
  }
}
