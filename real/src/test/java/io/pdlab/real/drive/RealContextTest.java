package io.pdlab.real.drive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
  }
}
