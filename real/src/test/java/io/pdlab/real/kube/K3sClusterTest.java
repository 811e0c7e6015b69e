package io.pdlab.real.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.pdlab.real.kube.K3sCluster.Agent;
import io.pdlab.real.kube.K3sCluster.ExecResult;
import io.pdlab.real.kube.K3sCluster.ImageState;
import io.pdlab.real.kube.K3sCluster.ProbeResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.DockerClientFactory;

class K3sClusterTest {
  private static final String IMPORT_PREFIX = "ctr -n k8s.io images import ";

  private static Agent agent(String name, Map<String, String> labels, List<String> taints) {
    return new Agent(name, new TreeMap<>(labels), taints);
  }

  /** Whether a Docker daemon answers this JVM (the probe's answer for any image). */
  private static boolean daemonAnswers() {
    return K3sCluster.dockerProbe("pdlab-no-such-image:probe").state() != ImageState.NO_DAEMON;
  }

  private static String randomImage() {
    return "rancher/k3s:pdlab-absent-" + UUID.randomUUID();
  }

  @Test
  void serverCommandIsSmallTaintedAndNamesBothAddresses() {
    assertEquals(List.of("server",
        "--disable", "traefik,servicelb,metrics-server,local-storage",
        "--disable-network-policy",
        "--token", "pdlab-k3s-token",
        "--node-name", "pdlab-k3s-server",
        "--node-taint", "CriticalAddonsOnly=true:NoExecute",
        "--tls-san", "k3s-server",
        "--tls-san", "localhost"), K3sCluster.serverCommand("localhost"));
  }

  @Test
  void agentCommandHasSortedLabelsThenTaintsInOrder() {
    Map<String, String> labels = new TreeMap<>(Map.of(
        "dedicated", "pd", "app.kubernetes.io/component", "pd", "zone", "us-west-2a"));
    Agent a = agent("pd-0", labels, List.of("dedicated=pd:NoSchedule", "maintenance:NoExecute"));
    assertEquals(List.of("agent", "--node-name", "pd-0",
        "--node-label", "app.kubernetes.io/component=pd",
        "--node-label", "dedicated=pd",
        "--node-label", "zone=us-west-2a",
        "--node-taint", "dedicated=pd:NoSchedule",
        "--node-taint", "maintenance:NoExecute"), K3sCluster.agentCommand(a));
  }

  @Test
  void agentWithoutLabelsOrTaintsAndTaintWithoutValue() {
    assertEquals(List.of("agent", "--node-name", "monitor-0"),
        K3sCluster.agentCommand(agent("monitor-0", Map.of(), List.of())));
    assertEquals(List.of("agent", "--node-name", "tidb-1", "--node-taint", "key:NoSchedule",
            "--node-taint", "empty=:PreferNoSchedule"),
        K3sCluster.agentCommand(
            agent("tidb-1", Map.of(), List.of("key:NoSchedule", "empty=:PreferNoSchedule"))));
  }

  @Test
  void agentEnvNamesTheServerAndToken() {
    assertEquals(new TreeMap<>(Map.of(
        "K3S_URL", "https://k3s-server:6443", "K3S_TOKEN", "pdlab-k3s-token")),
        K3sCluster.agentEnv());
  }

  @Test
  void badTaintsAreRefusedNamingAgentAndTaint() {
    for (String bad : List.of("dedicated=pd", "dedicated=pd:Sometimes", ":NoSchedule",
        "a=b=c:NoSchedule", "dedicated=pd:NoSchedule,x=y:NoSchedule", "")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> agent("pd-1", Map.of(), List.of("dedicated=pd:NoSchedule", bad)), bad);
      assertTrue(e.getMessage().contains("agent 'pd-1'"), e.getMessage());
      assertTrue(e.getMessage().contains("taint '" + bad + "'"), e.getMessage());
    }
  }

  @Test
  void badNamesAndLabelsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> agent("PD_0", Map.of(), List.of()));
    assertThrows(IllegalArgumentException.class,
        () -> agent("pdlab-k3s-server", Map.of(), List.of()));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> agent("pd-0", Map.of("dedicated", "pd,tikv"), List.of()));
    assertTrue(e.getMessage().contains("agent 'pd-0'") && e.getMessage().contains("pd,tikv"),
        e.getMessage());
  }

  @Test
  void agentCopiesLabelsAndTaints() {
    TreeMap<String, String> labels = new TreeMap<>(Map.of("a", "1"));
    List<String> taints = new ArrayList<>(List.of("a=1:NoSchedule"));
    Agent a = new Agent("x", labels, taints);
    labels.put("b", "2");
    taints.add("b=2:NoSchedule");
    assertEquals(Map.of("a", "1"), a.labels());
    assertEquals(List.of("a=1:NoSchedule"), a.taints());
  }

  @Test
  void imageDefaultsToPinnedK3s120AndEnvOverrides() {
    assertEquals("rancher/k3s:v1.20.15-k3s1", K3sCluster.DEFAULT_IMAGE);
    assertEquals(K3sCluster.DEFAULT_IMAGE, K3sCluster.image(Map.of()));
    assertEquals(K3sCluster.DEFAULT_IMAGE, K3sCluster.image(Map.of("K3S_IMAGE", " ")));
    assertEquals("example/k3s:mine", K3sCluster.image(Map.of("K3S_IMAGE", "example/k3s:mine")));
  }

  @Test
  void reasonThroughTheSeam() {
    String image = "rancher/k3s:v1.20.15-k3s1";
    assertNull(K3sCluster.unavailableReason(image, i -> ProbeResult.present()));

    String absent = K3sCluster.unavailableReason(image, i -> ProbeResult.absent());
    assertTrue(absent.startsWith("no k3s image 'rancher/k3s:v1.20.15-k3s1' in the local Docker"
        + " daemon and no registry is reachable"), absent);
    assertTrue(absent.contains("`docker pull rancher/k3s:v1.20.15-k3s1`"), absent);
    assertTrue(absent.contains("`docker load -i k3s.tar.gz`"), absent);
    assertTrue(absent.contains("K3S_IMAGE"), absent);

    String noDaemon = K3sCluster.unavailableReason(image,
        i -> ProbeResult.noDaemon("/var/run/docker.sock does not exist"));
    assertTrue(noDaemon.startsWith(
        "no Docker daemon answers (/var/run/docker.sock does not exist)"), noDaemon);
    assertTrue(noDaemon.contains("scripts/ensure-real"), noDaemon);
    assertTrue(noDaemon.contains("docker load"), noDaemon);
    assertTrue(!noDaemon.contains("\n") && !absent.contains("\n"));
  }

  @Test
  void reasonForAnImageThatDoesNotExist() {
    String image = randomImage();
    String reason = K3sCluster.unavailableReason(image);
    assertNotNull(reason);
    if (daemonAnswers()) {
      assertTrue(reason.startsWith("no k3s image '" + image + "' in the local Docker daemon"),
          reason);
    } else {
      assertTrue(reason.startsWith("no Docker daemon answers ("), reason);
    }
    assertTrue(reason.contains("docker pull " + image) && reason.contains("docker load"), reason);
  }

  @Test
  void reasonForAbsentImageWithARealDaemon() {
    Assumptions.assumeTrue(daemonAnswers(), "no Docker daemon answers this JVM");
    String image = randomImage();
    assertTrue(K3sCluster.unavailableReason(image).startsWith("no k3s image '" + image + "'"));
  }

  @Test
  void startRefusesAnUnavailableImageBeforeAnyContainer(@TempDir Path tmp) {
    boolean daemon = daemonAnswers();
    Set<String> before = daemon ? k3sContainerIds() : Set.of();
    String image = randomImage();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> K3sCluster.start(
        image, List.of(agent("pd-0", Map.of(), List.of())), "pdlab-etcd:3.4", tmp.resolve("w")));
    assertTrue(e.getMessage().contains(K3sCluster.unavailableReason(image)), e.getMessage());
    assertTrue(Files.notExists(tmp.resolve("w")), "nothing written before the refusal");
    if (daemon) {
      assertEquals(before, k3sContainerIds());
    }
  }

  @Test
  void startThroughTheSeamRefusesBeforeTouchingDocker(@TempDir Path tmp) {
    List<String> probed = new ArrayList<>();
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> K3sCluster.start("rancher/k3s:x", List.of(), "pdlab-etcd:3.4", tmp, i -> {
          probed.add(i);
          return ProbeResult.absent();
        }));
    assertEquals(List.of("rancher/k3s:x"), probed);
    assertTrue(e.getMessage().contains("no k3s image 'rancher/k3s:x'"), e.getMessage());
  }

  private static Set<String> k3sContainerIds() {
    DockerClient docker = DockerClientFactory.instance().client();
    return docker.listContainersCmd().withShowAll(true)
        .withLabelFilter(List.of(K3sCluster.LABEL)).exec().stream()
        .map(Container::getId).collect(Collectors.toSet());
  }

  @Test
  void importCopiesTheTarThenRunsCtrImport(@TempDir Path tmp) throws Exception {
    Path tar = Files.writeString(tmp.resolve("pdlab-etcd-image.tar"), "tar");
    List<String> calls = new ArrayList<>();
    K3sCluster.importImage("pd-0", tar, (file, path) -> calls.add("copy " + file + " " + path),
        command -> {
          calls.add(String.join(" ", command));
          return new ExecResult(0, "unpacking docker.io/library/pdlab-etcd:3.4...done", "");
        });
    assertEquals(List.of("copy " + tar + " /tmp/pdlab-etcd-image.tar",
        IMPORT_PREFIX + "/tmp/pdlab-etcd-image.tar"), calls);
    assertEquals(List.of("ctr", "-n", "k8s.io", "images", "import", "/tmp/a.tar"),
        K3sCluster.importCommand("/tmp/a.tar"));
  }

  @Test
  void failedImportCarriesStderr(@TempDir Path tmp) throws Exception {
    Path tar = Files.writeString(tmp.resolve("e.tar"), "not a tar");
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> K3sCluster.importImage("tikv-2", tar, (file, path) -> { },
            command -> new ExecResult(1, "", "ctr: unrecognized image format\n")));
    assertEquals("node tikv-2: `" + IMPORT_PREFIX + "/tmp/e.tar` exited with 1: ctr:"
        + " unrecognized image format", e.getMessage());
  }

  @Test
  void failedCopyStopsBeforeTheImport(@TempDir Path tmp) throws Exception {
    Path tar = Files.writeString(tmp.resolve("e.tar"), "tar");
    List<List<String>> execs = new ArrayList<>();
    assertThrows(IllegalStateException.class, () -> K3sCluster.importImage("pd-0", tar,
        (file, path) -> {
          throw new IllegalStateException("copy failed");
        }, command -> {
          execs.add(command);
          return new ExecResult(0, "", "");
        }));
    assertEquals(List.of(), execs);
  }

  @Test
  void readyMeansAReadyTrueCondition() {
    List<Node> nodes = List.of(node("pd-0", "True"), node("pd-1", "False"), node("pd-2", null),
        node("pdlab-k3s-server", "True"));
    assertEquals(List.of("pd-1", "pd-2", "pd-3"),
        K3sCluster.notReady(nodes, List.of("pd-0", "pd-1", "pd-2", "pd-3")));
    assertEquals(List.of(), K3sCluster.notReady(nodes, List.of("pd-0")));
  }

  private static Node node(String name, String ready) {
    NodeBuilder b = new NodeBuilder().withNewMetadata().withName(name).endMetadata();
    if (ready != null) {
      b.withNewStatus().addNewCondition().withType("MemoryPressure").withStatus("False")
          .endCondition().addNewCondition().withType("Ready").withStatus(ready).endCondition()
          .endStatus();
    }
    return b.build();
  }
}
