package io.pdlab.real.kube;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.util.List;

/**
 * A JVM for {@link KubeletHygieneIT}: starts a control plane and one kubelet node under a given
 * base directory, runs a pod there (its container idles), prints {@code READY <run dir>} once the
 * pod runs, then waits to be killed.
 */
final class KubeletHygieneChild {
  private KubeletHygieneChild() {}

  public static void main(String[] args) throws Exception {
    KubeCluster kube = KubeCluster.start(Path.of(args[0]));
    kube.runByKubelet(List.of("pd-0"));
    KubeletNodes nodes = kube.startKubeletNodes(List.of("pd-0"), List.of("pingcap/pd:v7.1.0"));
    nodes.listen(l -> l.idle());
    KubernetesClient c = kube.controlPlane().client();
    c.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("h").endMetadata()
        .build()).create();
    for (int i = 0; i < 300 && c.serviceAccounts().inNamespace("h").list().getItems().isEmpty();
        i++) {
      Thread.sleep(100);
    }
    c.pods().inNamespace("h").resource(new PodBuilder().withNewMetadata().withName("p")
        .endMetadata().withNewSpec().withNodeName("pd-0")
        .addNewVolume().withName("data").withNewEmptyDir().endEmptyDir().endVolume()
        .addNewContainer().withName("pd").withImage("pingcap/pd:v7.1.0")
        .addNewVolumeMount().withName("data").withMountPath("/var/lib/pd").endVolumeMount()
        .endContainer().endSpec().build()).create();
    for (int i = 0; i < 600; i++) {
      var p = c.pods().inNamespace("h").withName("p").get();
      if (p.getStatus() != null && "Running".equals(p.getStatus().getPhase())) {
        System.out.println("READY " + kube.controlPlane().dir().getParent());
        System.out.flush();
        Thread.sleep(300_000);
        System.exit(3);
      }
      Thread.sleep(100);
    }
    System.exit(4);
  }
}
