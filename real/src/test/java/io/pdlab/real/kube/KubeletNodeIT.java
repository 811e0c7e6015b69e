package io.pdlab.real.kube;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pdlab.real.node.Commands;
import io.pdlab.real.node.Mounts;
import io.pdlab.real.node.PodLaunch;
import io.pdlab.real.testing.RealPrerequisites;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real kubelet nodes under a private control plane, each with its own docker daemon: they
 * register Ready; pods bound to them run pdlab's member image, whose containers ask pdlab what to
 * run; two etcd members on different nodes find each other by their pod DNS names and form one
 * cluster; a killed container is restarted by the kubelet and asks again; a partition between the
 * nodes cuts the members apart and healing joins them; closing leaves no process, mount, bridge,
 * rule or directory behind.
 */
class KubeletNodeIT {
  @TempDir
  Path base;

  @BeforeEach
  void needsEverything() {
    RealPrerequisites.require("a Kubernetes control plane",
        Optional.ofNullable(KubeControlPlane.unavailableReason()));
    RealPrerequisites.require("kubelet nodes", KubeletNodes.unavailableReason());
  }

  private static final HttpClient HTTP = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(1)).build();

  private static String health(String ip) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create("http://" + ip + ":2379/health"))
          .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString()).body();
    } catch (Exception e) {
      return e.toString();
    }
  }

  private static Pod pod(String name, String node) {
    return new PodBuilder().withNewMetadata().withName(name).withNamespace("it").endMetadata()
        .withNewSpec().withNodeName(node).withHostname(name).withSubdomain("peers")
        .addNewVolume().withName("data").withNewEmptyDir().endEmptyDir().endVolume()
        .addNewContainer().withName("pd").withImage("pingcap/pd:v7.1.0")
        .addNewVolumeMount().withName("data").withMountPath("/var/lib/pd").endVolumeMount()
        .endContainer().endSpec().build();
  }

  @Test
  void podsOnTwoKubeletNodesFormOneEtcdClusterSurviveAKillAndAPartition() throws Exception {
    Path run;
    String bridgePrefix = "pdlb" + ProcessHandle.current().pid() + "n";
    try (KubeCluster kube = KubeCluster.start(base)) {
      run = kube.controlPlane().dir().getParent();
      List<String> names = List.of("pd-0", "pd-1");
      kube.runByKubelet(names);
      KubeletNodes nodes = kube.startKubeletNodes(names, List.of("pingcap/pd:v7.1.0"));
      KubernetesClient c = kube.controlPlane().client();
      for (String n : names) {
        assertEquals("v1.20.2", c.nodes().withName(n).get().getStatus().getNodeInfo()
            .getKubeletVersion());
      }
      String cluster = "m0=http://m0.peers.it.svc:2380,m1=http://m1.peers.it.svc:2380";
      Map<String, AtomicInteger> launches = new ConcurrentHashMap<>();
      Map<String, String> launchedIn = new ConcurrentHashMap<>();
      nodes.listen(l -> {
        launches.computeIfAbsent(l.pod(), k -> new AtomicInteger()).incrementAndGet();
        launchedIn.put(l.pod(), l.dataDir());
        l.exec(List.of(MemberImage.ETCD, "--name=" + l.pod(), "--data-dir=" + l.dataDir(),
            "--listen-peer-urls=http://0.0.0.0:2380", "--listen-client-urls=http://0.0.0.0:2379",
            "--initial-advertise-peer-urls=http://" + l.pod() + ".peers.it.svc:2380",
            "--advertise-client-urls=http://" + l.pod() + ".peers.it.svc:2379",
            "--initial-cluster=" + cluster, "--initial-cluster-state=new"));
      });
      Namespace ns = new NamespaceBuilder().withNewMetadata().withName("it").endMetadata()
          .build();
      c.namespaces().resource(ns).create();
      await().atMost(Duration.ofSeconds(30)).until(() -> !c.serviceAccounts().inNamespace("it")
          .list().getItems().isEmpty());
      c.pods().inNamespace("it").resource(pod("m0", "pd-0")).create();
      c.pods().inNamespace("it").resource(pod("m1", "pd-1")).create();

      await().atMost(Duration.ofSeconds(90)).until(() -> List.of("m0", "m1").stream()
          .allMatch(p -> ip(c, p) != null && health(ip(c, p)).contains("\"health\":\"true\"")));
      assertTrue(launchedIn.get("m0").startsWith("/var/lib/pd/"), launchedIn.toString());
      String ip0 = ip(c, "m0");
      String ip1 = ip(c, "m1");
      assertTrue(nodes.node("pd-0").orElseThrow().network().contains(ip0), ip0);
      assertTrue(nodes.node("pd-1").orElseThrow().network().contains(ip1), ip1);

      // A killed container: the kubelet restarts it, and it asks again.
      nodes.node("pd-0").orElseThrow().kill("it", "m0");
      try {
        await().atMost(Duration.ofSeconds(60)).until(() -> launches.get("m0").get() == 2
            && health(ip0).contains("\"health\":\"true\""));
      } catch (org.awaitility.core.ConditionTimeoutException e) {
        throw new AssertionError("launches " + launches + ", health " + health(ip0) + ", status "
            + c.pods().inNamespace("it").withName("m0").get().getStatus().getContainerStatuses()
            + ", log " + nodes.node("pd-0").orElseThrow().logTail("it", "m0", 20), e);
      }
      await().atMost(Duration.ofSeconds(20)).until(() -> c.pods().inNamespace("it")
          .withName("m0").get().getStatus().getContainerStatuses().get(0).getRestartCount() == 1);

      // A partition between the nodes: two members without quorum, until it heals.
      nodes.partition(List.of(List.of("pd-0"), List.of("pd-1")));
      await().atMost(Duration.ofSeconds(30)).until(() -> !health(ip0).contains("\"true\""));
      nodes.healAll();
      await().atMost(Duration.ofSeconds(30)).until(() -> health(ip0).contains("\"true\"")
          && health(ip1).contains("\"true\""));
    }
    assertEquals(List.of(), KubeHygieneIT.processesMentioning(run));
    assertEquals(List.of(), Mounts.under(run));
    assertFalse(Files.exists(run), run + " is removed");
    assertFalse(Commands.run(Duration.ofSeconds(10), null, List.of(NodeNetwork.bin("ip"), "-o",
        "link", "show")).output().contains(bridgePrefix), "no bridge " + bridgePrefix + "*");
    assertFalse(Commands.run(Duration.ofSeconds(10), null, List.of(NodeNetwork.bin("iptables"),
        "-S", "FORWARD")).output().contains("pdlab:" + ProcessHandle.current().pid()),
        "no rule of this JVM");
    try (var cgroups = Files.list(Path.of("/sys/fs/cgroup/pids"))) {
      assertEquals(List.of(), cgroups.map(p -> p.getFileName().toString()).filter(n -> n
          .startsWith(KubeletNode.CGROUP_PREFIX + ProcessHandle.current().pid() + "-")).toList(),
          "the nodes' cgroups are removed");
    }
  }

  private static String ip(KubernetesClient c, String pod) {
    Pod p = c.pods().inNamespace("it").withName(pod).get();
    return p == null || p.getStatus() == null ? null : p.getStatus().getPodIP();
  }
}
