package io.pdlab.real.kube;

import java.nio.file.Path;

/**
 * A JVM for {@link KubeHygieneIT}: starts a control plane under a given base directory, prints
 * {@code READY <control plane dir>}, then exits through System.exit ("exit") or waits to be
 * killed ("wait").
 */
final class KubeHygieneChild {
  private KubeHygieneChild() {}

  public static void main(String[] args) throws Exception {
    KubeControlPlane cp = KubeControlPlane.start(Path.of(args[0]));
    System.out.println("READY " + cp.dir());
    System.out.flush();
    if (args[1].equals("exit")) {
      System.exit(0);
    }
    Thread.sleep(180_000);
    System.exit(3);
  }
}
