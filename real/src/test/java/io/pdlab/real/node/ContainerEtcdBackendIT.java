package io.pdlab.real.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Network;
import io.pdlab.real.testing.RealPrerequisites;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real etcd in containers: bootstrap through mapped ports, kill and start on the same data,
 * pause, partitions (both methods) and heal, close, and the docker side of the reaper.
 */
class ContainerEtcdBackendIT {

  private static final Duration HEALTHY = Duration.ofSeconds(30);

  @TempDir
  Path tmp;

  @BeforeAll
  static void requireDockerAndEtcd() {
    RealPrerequisites.requireBackend("etcd-containers");
  }

  private static DockerClient docker() {
    return DockerSupport.client();
  }

  private static EtcdFlags single(EtcdNode n) {
    return EtcdFlags.defaults(n.name(), Map.of(n.name(), n.peerUrl()));
  }

  private static List<EtcdNode> startThree(EtcdBackend b) {
    List<EtcdNode> nodes = List.of(b.node("pd-0"), b.node("pd-1"), b.node("pd-2"));
    Map<String, String> cluster = new LinkedHashMap<>();
    nodes.forEach(n -> cluster.put(n.name(), n.peerUrl()));
    Instant begin = Instant.now();
    nodes.forEach(n -> n.start(EtcdFlags.defaults(n.name(), cluster)));
    nodes.forEach(n -> n.awaitHealthy(HEALTHY));
    System.out.println("[timing] 3-member static bootstrap, containers: "
        + Duration.between(begin, Instant.now()).toMillis() + " ms");
    return nodes;
  }

  /** The host port docker maps the member's 2379 to right now. */
  private static String mappedEndpoint(ContainerEtcdNode n) {
    InspectContainerResponse info = docker().inspectContainerCmd(n.containerId()).exec();
    return "http://127.0.0.1:" + info.getNetworkSettings().getPorts().getBindings()
        .get(ExposedPort.tcp(2379))[0].getHostPortSpec();
  }

  private static EtcdNode leaderOf(List<EtcdNode> nodes) throws Exception {
    Map<String, EtcdNode> byId = new LinkedHashMap<>();
    String leader = null;
    for (EtcdNode n : nodes) {
      EtcdHttp.Status s = EtcdHttp.status(n.hostClientEndpoint());
      byId.put(s.memberId(), n);
      leader = s.leader();
    }
    return byId.get(leader);
  }

  private static String memberId(EtcdNode n) throws Exception {
    return EtcdHttp.status(n.hostClientEndpoint()).memberId();
  }

  private static boolean putSucceeds(EtcdNode n, String k, String v) {
    try {
      EtcdHttp.put(n.hostClientEndpoint(), k, v);
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  private static Optional<String> getOrEmpty(EtcdNode n, String k) {
    try {
      return EtcdHttp.get(n.hostClientEndpoint(), k);
    } catch (Exception e) {
      return Optional.empty();
    }
  }

  @Test
  void threeMemberStaticClusterIsHealthyThroughMappedPorts() throws Exception {
    try (ContainerEtcdBackend b = new ContainerEtcdBackend()) {
      System.out.println("[timing] etcd image build: " + ContainerEtcdBackend.imageBuildTime()
          .map(d -> d.toMillis() + " ms").orElse("built earlier in this JVM"));
      assertEquals("etcd-containers", b.kind());
      EtcdNode first = b.node("pd-0");
      assertEquals("http://pd-0:2380", first.peerUrl());
      assertEquals("http://pd-0:2379", first.clientUrl());
      assertThrows(IllegalStateException.class, first::hostClientEndpoint);
      List<EtcdNode> nodes = startThree(b);
      for (EtcdNode n : nodes) {
        assertTrue(n.hostClientEndpoint().startsWith("http://127.0.0.1:"), n.hostClientEndpoint());
        assertEquals(mappedEndpoint((ContainerEtcdNode) n), n.hostClientEndpoint());
        InspectContainerResponse info = docker().inspectContainerCmd(
            ((ContainerEtcdNode) n).containerId()).exec();
        Map<String, String> labels = info.getConfig().getLabels();
        assertEquals(b.runDir().getFileName().toString(), labels.get(Owner.RUN_LABEL));
        assertEquals(Owner.current().label(), labels.get(Owner.OWNER_LABEL));
        assertTrue(info.getNetworkSettings().getNetworks().get(b.networkName()).getAliases()
            .contains(n.name()));
      }
      Network net = docker().inspectNetworkCmd().withNetworkId(b.networkName()).exec();
      assertEquals(Owner.current().label(), net.getLabels().get(Owner.OWNER_LABEL));
      assertTrue(docker().inspectImageCmd(b.image()).exec().getConfig().getLabels()
          .containsKey(Owner.OWNER_LABEL));
      EtcdHttp.put(nodes.get(0).hostClientEndpoint(), "a", "1");
      assertEquals(Optional.of("1"), EtcdHttp.get(nodes.get(2).hostClientEndpoint(), "a"));
    }
  }

  @Test
  void killAndStartKeepTheDataAndRereadTheHostPort() throws Exception {
    try (ContainerEtcdBackend b = new ContainerEtcdBackend()) {
      ContainerEtcdNode n = (ContainerEtcdNode) b.node("pd-0");
      List<Integer> exits = new CopyOnWriteArrayList<>();
      n.onExit(exits::add);
      n.start(single(n));
      n.awaitHealthy(HEALTHY);
      EtcdHttp.put(n.hostClientEndpoint(), "kept", "yes");
      String container = n.containerId();

      n.kill();
      assertFalse(n.running());
      assertEquals(137, n.exitCode().orElseThrow());
      await().atMost(Duration.ofSeconds(5)).until(() -> exits.equals(List.of(137)));
      assertEquals(container, n.containerId(), "docker kill keeps the container");

      n.start(single(n));
      n.awaitHealthy(HEALTHY);
      assertEquals(container, n.containerId(), "same flags: the same container is started again");
      assertEquals(mappedEndpoint(n), n.hostClientEndpoint(), "host port re-read after start");
      assertEquals(Optional.of("yes"), EtcdHttp.get(n.hostClientEndpoint(), "kept"));
      String tail = n.logTail(100_000);
      assertEquals(1, tail.split("now serving peer/client/metrics", -1).length - 1,
          "logTail covers the current start only:\n" + tail);

      n.kill();
      n.start(single(n).withTiming(50, 500));
      n.awaitHealthy(HEALTHY);
      assertNotEquals(container, n.containerId(), "other flags: the container is re-created");
      assertEquals(mappedEndpoint(n), n.hostClientEndpoint());
      assertEquals(Optional.of("yes"), EtcdHttp.get(n.hostClientEndpoint(), "kept"),
          "the data survives re-creation");

      assertThrows(IllegalStateException.class, n::wipe);
      n.kill();
      n.wipe();
      n.start(single(n));
      n.awaitHealthy(HEALTHY);
      assertEquals(Optional.empty(), EtcdHttp.get(n.hostClientEndpoint(), "kept"));
      assertEquals(List.of(137, 137, 137), exits);
    }
  }

  @Test
  void pauseAndUnpause() throws Exception {
    try (ContainerEtcdBackend b = new ContainerEtcdBackend()) {
      EtcdNode n = b.node("pd-0");
      n.start(single(n));
      n.awaitHealthy(HEALTHY);
      n.pause();
      assertTrue(n.paused());
      assertFalse(EtcdHttp.healthy(n.hostClientEndpoint()), "a paused etcd does not answer");
      EtcdStartException e = assertThrows(EtcdStartException.class,
          () -> n.awaitHealthy(Duration.ofSeconds(2)));
      assertTrue(e.getMessage().contains("still running"), e.getMessage());
      n.resume();
      n.awaitHealthy(HEALTHY);
      n.pause();
      n.kill();
      assertFalse(n.running(), "docker kill works on a paused container");
      assertEquals(137, n.exitCode().orElseThrow());
    }
  }

  @Test
  void aMemberThatExitsAtStartExplainsItself() throws Exception {
    try (ContainerEtcdBackend b = new ContainerEtcdBackend()) {
      List<EtcdNode> nodes = List.of(b.node("pd-0"), b.node("pd-1"), b.node("pd-2"));
      Map<String, String> cluster = new LinkedHashMap<>();
      nodes.forEach(n -> cluster.put(n.name(), n.peerUrl()));
      EtcdNode lone = nodes.get(0);
      lone.start(EtcdFlags.defaults(lone.name(), cluster));
      lone.awaitListening(Duration.ofSeconds(15));
      assertThrows(EtcdStartException.class, () -> lone.awaitHealthy(Duration.ofMillis(1500)));

      EtcdNode joiner = b.node("pd-3");
      List<Integer> exits = new CopyOnWriteArrayList<>();
      joiner.onExit(exits::add);
      joiner.start(single(joiner).withExisting(true));
      EtcdStartException e = assertThrows(EtcdStartException.class,
          () -> joiner.awaitHealthy(HEALTHY));
      assertEquals(1, e.exitCode().orElseThrow(), e.getMessage());
      assertTrue(e.getMessage().contains("'pd-3'") && e.getMessage().contains("exited with code 1"),
          e.getMessage());
      assertTrue(e.logTail().contains("could not retrieve cluster information"), e.logTail());
      await().atMost(Duration.ofSeconds(5)).until(() -> exits.equals(List.of(1)));
      assertFalse(joiner.running());
    }
  }

  @Test
  void partitionCutsOneMemberOffAndHealBringsItBack() throws Exception {
    RealPrerequisites.require("partitions in network namespaces",
        PartitionMethod.netnsUnavailableReason());
    try (ContainerEtcdBackend b = new ContainerEtcdBackend(PartitionMethod.NETNS_IPTABLES)) {
      List<EtcdNode> nodes = startThree(b);
      EtcdNode cut = leaderOf(nodes);
      List<EtcdNode> majority = new ArrayList<>(nodes);
      majority.remove(cut);
      String cutId = memberId(cut);
      List<String> majorityIds = new ArrayList<>();
      for (EtcdNode n : majority) {
        majorityIds.add(memberId(n));
      }
      List<List<String>> groups = List.of(List.of(cut.name()),
          majority.stream().map(EtcdNode::name).toList());
      b.node("pd-3");
      assertTrue(b.canPartition(groups));
      assertTrue(b.canPartition(List.of(List.of("pd-0", "pd-1"), List.of("pd-2", "pd-3"))));
      assertFalse(b.canPartition(List.of(List.of("pd-0"), List.of("pd-0"))));
      assertFalse(b.canPartition(List.of(List.of("pd-0"), List.of("nobody"))));
      assertThrows(IllegalArgumentException.class,
          () -> b.partition(List.of(List.of("pd-0"), List.of("nobody"))));

      Instant begin = Instant.now();
      b.partition(groups);
      await().atMost(Duration.ofSeconds(20)).until(() -> {
        EtcdHttp.Status s = EtcdHttp.status(majority.get(0).hostClientEndpoint());
        return majorityIds.contains(s.leader());
      });
      await().atMost(Duration.ofSeconds(10)).until(() -> putSucceeds(majority.get(0), "k", "cut"));
      System.out.println("[timing] write on the majority after cutting the leader off: "
          + Duration.between(begin, Instant.now()).toMillis() + " ms");
      await().atMost(Duration.ofSeconds(10)).until(() -> !EtcdHttp.healthy(
          cut.hostClientEndpoint()));
      assertNotEquals(cutId, EtcdHttp.status(majority.get(1).hostClientEndpoint()).leader());

      cut.kill();
      cut.start(EtcdFlags.defaults(cut.name(), Map.of("pd-0", nodes.get(0).peerUrl(),
          "pd-1", nodes.get(1).peerUrl(), "pd-2", nodes.get(2).peerUrl())));
      cut.awaitListening(Duration.ofSeconds(15));
      await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
          .until(() -> !EtcdHttp.healthy(cut.hostClientEndpoint()));

      b.healAll();
      assertEquals(List.of(), b.currentPartition());
      await().atMost(Duration.ofSeconds(20)).until(() -> EtcdHttp.healthy(cut.hostClientEndpoint())
          && getOrEmpty(cut, "k").equals(Optional.of("cut")));
    }
  }

  @Test
  void disconnectPartitionsSingleMembersOnly() throws Exception {
    try (ContainerEtcdBackend b = new ContainerEtcdBackend(PartitionMethod.NETWORK_DISCONNECT)) {
      List<EtcdNode> nodes = startThree(b);
      assertFalse(b.canPartition(List.of(List.of("pd-0"), List.of("pd-1"))),
          "pd-2 in no group cannot stay unaffected");
      UnsupportedOperationException u = assertThrows(UnsupportedOperationException.class,
          () -> b.partition(List.of(List.of("pd-0"), List.of("pd-1"))));
      assertTrue(u.getMessage().contains("NETWORK_DISCONNECT"), u.getMessage());
      EtcdNode cut = leaderOf(nodes);
      List<EtcdNode> majority = new ArrayList<>(nodes);
      majority.remove(cut);
      List<String> majorityIds = new ArrayList<>();
      for (EtcdNode n : majority) {
        majorityIds.add(memberId(n));
      }
      List<List<String>> groups = List.of(majority.stream().map(EtcdNode::name).toList(),
          List.of(cut.name()));
      assertTrue(b.canPartition(groups));
      b.partition(groups);
      await().atMost(Duration.ofSeconds(20)).until(() -> majorityIds.contains(
          EtcdHttp.status(majority.get(0).hostClientEndpoint()).leader()));
      await().atMost(Duration.ofSeconds(10)).until(() -> putSucceeds(majority.get(1), "k", "v"));
      assertFalse(EtcdHttp.healthy(cut.hostClientEndpoint()));

      b.healAll();
      assertEquals(mappedEndpoint((ContainerEtcdNode) cut), cut.hostClientEndpoint(),
          "host port re-read after reconnect");
      await().atMost(Duration.ofSeconds(20)).until(() -> EtcdHttp.healthy(cut.hostClientEndpoint())
          && getOrEmpty(cut, "k").equals(Optional.of("v")));
      InspectContainerResponse info = docker().inspectContainerCmd(
          ((ContainerEtcdNode) cut).containerId()).exec();
      assertTrue(info.getNetworkSettings().getNetworks().get(b.networkName()).getAliases()
          .contains(cut.name()), "reconnected with its alias");
    }
  }

  @Test
  void closeLeavesNoContainerNetworkOrDirectory() throws Exception {
    ContainerEtcdBackend b = new ContainerEtcdBackend();
    String run = b.runDir().getFileName().toString();
    Path dir = b.runDir();
    List<EtcdNode> nodes = List.of(b.node("pd-0"), b.node("pd-1"));
    nodes.forEach(n -> n.start(single(n)));
    nodes.forEach(n -> n.awaitHealthy(HEALTHY));
    nodes.get(0).pause();
    nodes.get(1).kill();
    assertEquals(2, docker().listContainersCmd().withShowAll(true)
        .withLabelFilter(Map.of(Owner.RUN_LABEL, run)).exec().size());

    b.close();

    assertEquals(List.of(), docker().listContainersCmd().withShowAll(true)
        .withLabelFilter(Map.of(Owner.RUN_LABEL, run)).exec());
    assertEquals(List.of(), docker().listNetworksCmd()
        .withFilter("label", List.of(Owner.RUN_LABEL + "=" + run)).exec());
    if (Commands.which("docker").isPresent()) {
      assertEquals("", Commands.check(Duration.ofSeconds(20), List.of("docker", "ps", "-aq",
          "--filter", "label=" + Owner.RUN_LABEL + "=" + run)).strip());
    }
    assertFalse(Files.exists(dir));
    b.close();
    assertThrows(IllegalStateException.class, () -> b.node("pd-2"));
  }

  @Test
  void reaperRemovesDockerObjectsOfDeadOwnersOnly() throws Exception {
    Owner me = Owner.current();
    Owner dead = new Owner(OwnerTest.deadPid(), Instant.now().minusSeconds(60), me.bootId(),
        me.pidNamespace());
    String image;
    try (ContainerEtcdBackend b = new ContainerEtcdBackend()) {
      image = b.image();
    }
    String suffix = Long.toString(System.nanoTime(), 36);
    String deadNet = docker().createNetworkCmd().withName("pdlab-test-dead-" + suffix)
        .withLabels(dead.labels("run-dead-" + suffix)).exec().getId();
    String liveNet = docker().createNetworkCmd().withName("pdlab-test-live-" + suffix)
        .withLabels(me.labels("run-live-" + suffix)).exec().getId();
    String deadContainer = docker().createContainerCmd(image).withName("pdlab-test-dead-" + suffix)
        .withLabels(dead.labels("run-dead-" + suffix))
        .withHostConfig(HostConfig.newHostConfig().withNetworkMode("pdlab-test-dead-" + suffix))
        .exec().getId();
    try {
      Reaper.Report report = Reaper.reapOrphans(tmp, true);
      assertTrue(report.containers().contains(deadContainer), report::toString);
      assertTrue(report.networks().contains(deadNet), report::toString);
      assertThrows(NotFoundException.class,
          () -> docker().inspectContainerCmd(deadContainer).exec());
      assertThrows(NotFoundException.class,
          () -> docker().inspectNetworkCmd().withNetworkId(deadNet).exec());
      assertEquals(liveNet, docker().inspectNetworkCmd().withNetworkId(liveNet).exec().getId());
      docker().inspectImageCmd(image).exec();
    } finally {
      for (Runnable r : List.<Runnable>of(
          () -> docker().removeContainerCmd(deadContainer).withForce(true).exec(),
          () -> docker().removeNetworkCmd(deadNet).exec(),
          () -> docker().removeNetworkCmd(liveNet).exec())) {
        try {
          r.run();
        } catch (NotFoundException e) {
          // Already removed.
        }
      }
    }
  }
}
