package io.pdlab.real.drive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pdlab.k8s.controllers.K8sWorld;
import io.pdlab.pd.etcd.EtcdConfig;
import io.pdlab.pd.etcd.EtcdTiming;
import io.pdlab.real.client.EtcdOps;
import io.pdlab.real.node.EtcdFlags;
import io.pdlab.real.node.LocalEtcdBackend;
import io.pdlab.real.testing.RealPrerequisites;
import io.pdlab.sim.Budget;
import io.pdlab.sim.Simulation;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The model's URLs (pod DNS names) and the real members' (loopback addresses) translate both ways,
 * and a member's flags are the model's with every URL made real. Allocating members starts
 * nothing; the backend needs the etcd binary to exist.
 */
class RealContextTest {
  private LocalEtcdBackend backend;
  private RealContext rc;

  @BeforeEach
  void setUp() {
    RealPrerequisites.requireBackend("etcd");
    backend = new LocalEtcdBackend();
    rc = new RealContext(new Simulation(1, Budget.of(1_000, 1_000_000), false), backend,
        EtcdOps::new);
  }

  @AfterEach
  void tearDown() {
    if (rc != null) {
      rc.ops().close();
      rc.status().close();
    }
    if (backend != null) {
      backend.close();
    }
  }

  static String model(String pod, int port) {
    return "http://" + pod + ".basic-pd-peer.ns.svc:" + port;
  }

  @Test
  void urlsTranslateBothWays() {
    String real = rc.toReal(model("basic-pd-1", 2380));
    assertEquals(backend.node("basic-pd-1").peerUrl(), real);
    assertTrue(real.startsWith("http://127.0."), real);
    rc.register(new EtcdConfig("basic-pd-1", model("basic-pd-1", 2380),
        model("basic-pd-1", 2379), Map.of("basic-pd-1", model("basic-pd-1", 2380)),
        EtcdConfig.State.NEW, "pd-cluster", EtcdTiming.PD_PROFILE));
    assertEquals(model("basic-pd-1", 2380), rc.toModel(real));
    assertEquals(model("basic-pd-1", 2379), rc.toModel(backend.node("basic-pd-1").clientUrl()));
    assertEquals("http://10.0.0.1:2380", rc.toModel("http://10.0.0.1:2380"), "unknown: as is");
    assertTrue(rc.hasMember("basic-pd-1"));
    assertFalse(rc.hasMember("basic-discovery"));
  }

  @Test
  void flagsAreTheModelsWithRealUrls() {
    Map<String, String> ic = new LinkedHashMap<>();
    ic.put("basic-pd-0", model("basic-pd-0", 2380));
    ic.put("basic-pd-1", model("basic-pd-1", 2380));
    EtcdConfig cfg = new EtcdConfig("basic-pd-1", model("basic-pd-1", 2380),
        model("basic-pd-1", 2379), ic, EtcdConfig.State.EXISTING, "pd-cluster",
        EtcdTiming.PD_PROFILE);
    EtcdFlags f = new RealEtcd(cfg, rc).flags();
    assertEquals(List.of("basic-pd-0", "basic-pd-1"), List.copyOf(f.initialCluster().keySet()));
    assertEquals(backend.node("basic-pd-0").peerUrl(), f.initialCluster().get("basic-pd-0"));
    assertEquals(backend.node("basic-pd-1").peerUrl(), f.initialCluster().get("basic-pd-1"));
    assertTrue(f.existing());
    assertEquals(500, f.tickMs());
    assertEquals(3_000, f.electionMs());
    assertTrue(f.preVote());
    assertTrue(f.strictReconfigCheck());
    assertEquals("pd-cluster", f.token());
  }

  /**
   * A wrong-peer-url fault's model URL (a host with a typo) stands for the member's real host at
   * port 1, where nothing listens, both ways, and a member started with it advertises it while
   * its initial cluster keeps the right URL of the others.
   */
  @Test
  void aWrongAdvertisedPeerUrlIsTheMembersHostWhereNothingListens() throws Exception {
    String right = model("basic-pd-1", 2380);
    String wrong = K8sWorld.wrongPeerUrl(right);
    assertEquals("http://basic-pd-1-typo.basic-pd-peer.ns.svc:2380", wrong);
    assertEquals(right, K8sWorld.rightPeerUrl(wrong));
    assertEquals(null, K8sWorld.rightPeerUrl(right));
    assertEquals(null, K8sWorld.rightPeerUrl("http://-typo.x:2380"));
    String real = rc.toReal(wrong);
    java.net.URI r = java.net.URI.create(real);
    assertEquals(java.net.URI.create(backend.node("basic-pd-1").peerUrl()).getHost(),
        r.getHost());
    assertEquals(1, r.getPort());
    java.io.IOException refused = assertThrows(java.io.IOException.class, () -> {
      try (java.net.Socket s = new java.net.Socket()) {
        s.connect(new java.net.InetSocketAddress(r.getHost(), r.getPort()), 2_000);
      }
    });
    assertTrue(refused instanceof java.net.ConnectException, refused.toString());
    Map<String, String> ic = new LinkedHashMap<>();
    ic.put("basic-pd-0", model("basic-pd-0", 2380));
    ic.put("basic-pd-1", right);
    EtcdConfig cfg = new EtcdConfig("basic-pd-1", wrong, model("basic-pd-1", 2379), ic,
        EtcdConfig.State.NEW, "pd-cluster", EtcdTiming.PD_PROFILE);
    rc.register(cfg);
    assertEquals(wrong, rc.toModel(real), "a member list's wrong URL reads as the model's");
    assertEquals(right, rc.toModel(backend.node("basic-pd-1").peerUrl()));
    EtcdFlags f = new RealEtcd(cfg, rc).flags();
    assertEquals(real, f.advertisePeerUrl());
    assertEquals(backend.node("basic-pd-1").peerUrl(), f.initialCluster().get("basic-pd-1"));
    assertEquals(null, new RealEtcd(new EtcdConfig("basic-pd-0", model("basic-pd-0", 2380),
        model("basic-pd-0", 2379), ic, EtcdConfig.State.NEW, "pd-cluster",
        EtcdTiming.PD_PROFILE), rc).flags().advertisePeerUrl(), "the others: their node's");
  }

  @Test
  void discoveryAsksForThePathOfItsUrl() {
    assertEquals("/new/YmFzaWMtcGQtMA==", RealDiscovery.pathOf(
        "http://basic-discovery.ns:10261/new/YmFzaWMtcGQtMA=="));
    assertEquals("/", RealDiscovery.pathOf("http://basic-discovery.ns:10261"));
  }

  @Test
  void anExitIsReportedWithTheLogsLastLine() {
    assertEquals("{\"msg\":\"b\"}", RealEtcd.lastLine("{\"msg\":\"a\"}\n{\"msg\":\"b\"}\n"));
    assertEquals("", RealEtcd.lastLine(""));
    assertEquals("panic: tocommit(9) is out of range [lastIndex(3)]. Was the raft log corrupted,"
        + " truncated, or lost?", RealEtcd.exitReason("{\"level\":\"panic\"}\n"
        + "panic: tocommit(9) is out of range [lastIndex(3)]. Was the raft log corrupted,"
        + " truncated, or lost?\n\ngoroutine 1 [running]:\ngo.etcd.io/etcd/raft/node.go:242"
        + " +0x24a\n"));
    assertEquals("{\"msg\":\"b\"}", RealEtcd.exitReason("{\"msg\":\"a\"}\n{\"msg\":\"b\"}\n"));
  }
}
