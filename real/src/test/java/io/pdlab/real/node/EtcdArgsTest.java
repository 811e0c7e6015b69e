package io.pdlab.real.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The etcd command line rendered from {@link EtcdFlags}. */
class EtcdArgsTest {

  private static Map<String, String> cluster() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("pd-2", "http://pd-2:2380");
    m.put("pd-0", "http://pd-0:2380");
    m.put("pd-1", "http://pd-1:2380");
    return m;
  }

  @Test
  void rendersEveryFlagWithEtcdDefaults() {
    List<String> args = EtcdArgs.render(EtcdFlags.defaults("pd-0", cluster()), "/data",
        "http://0.0.0.0:2380", "http://pd-0:2380", "http://0.0.0.0:2379", "http://pd-0:2379");
    assertEquals(List.of(
        "--name=pd-0",
        "--data-dir=/data",
        "--listen-peer-urls=http://0.0.0.0:2380",
        "--initial-advertise-peer-urls=http://pd-0:2380",
        "--listen-client-urls=http://0.0.0.0:2379",
        "--advertise-client-urls=http://pd-0:2379",
        "--initial-cluster=pd-2=http://pd-2:2380,pd-0=http://pd-0:2380,pd-1=http://pd-1:2380",
        "--initial-cluster-state=new",
        "--initial-cluster-token=etcd-cluster",
        "--heartbeat-interval=100",
        "--election-timeout=1000",
        "--pre-vote=false",
        "--strict-reconfig-check=true",
        "--logger=zap",
        "--log-outputs=stderr"), args);
  }

  @Test
  void rendersNonDefaultFlags() {
    EtcdFlags f = new EtcdFlags("pd-1", cluster(), true, "tc-1", 50, 500, true, false);
    List<String> args = EtcdArgs.render(f, "/d", "l", "a", "lc", "ac");
    assertTrue(args.contains("--initial-cluster-state=existing"), args::toString);
    assertTrue(args.contains("--initial-cluster-token=tc-1"), args::toString);
    assertTrue(args.contains("--heartbeat-interval=50"), args::toString);
    assertTrue(args.contains("--election-timeout=500"), args::toString);
    assertTrue(args.contains("--pre-vote=true"), args::toString);
    assertTrue(args.contains("--strict-reconfig-check=false"), args::toString);
  }

  @Test
  void withersChangeOneFlag() {
    EtcdFlags f = EtcdFlags.defaults("pd-0", cluster());
    assertTrue(f.withExisting(true).existing());
    assertEquals("t", f.withToken("t").token());
    assertEquals(20, f.withTiming(20, 200).tickMs());
    assertTrue(f.withPreVote(true).preVote());
    assertEquals(false, f.withStrictReconfigCheck(false).strictReconfigCheck());
    assertEquals(List.of("pd-2", "pd-0", "pd-1"), List.copyOf(f.initialCluster().keySet()));
  }

  @Test
  void rejectsFlagsEtcdWouldReject() {
    IllegalArgumentException own = assertThrows(IllegalArgumentException.class,
        () -> EtcdFlags.defaults("pd-9", cluster()));
    assertTrue(own.getMessage().contains("pd-9") && own.getMessage().contains("own name"),
        own.getMessage());
    IllegalArgumentException election = assertThrows(IllegalArgumentException.class,
        () -> EtcdFlags.defaults("pd-0", cluster()).withTiming(100, 400));
    assertTrue(election.getMessage().contains("5 x tickMs"), election.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> EtcdFlags.defaults("pd-0", cluster()).withToken(" "));
    assertThrows(IllegalArgumentException.class, () -> EtcdFlags.defaults("pd-0", Map.of()));
    assertThrows(IllegalArgumentException.class,
        () -> EtcdFlags.defaults("pd-0", Map.of("pd-0", "http://a:1,http://b:2")));
  }

  @Test
  void flagsMustBeTheNodesOwn() {
    EtcdFlags f = EtcdFlags.defaults("pd-0", cluster());
    EtcdArgs.checkFor("pd-0", "http://pd-0:2380", f);
    IllegalArgumentException name = assertThrows(IllegalArgumentException.class,
        () -> EtcdArgs.checkFor("pd-1", "http://pd-1:2380", f));
    assertTrue(name.getMessage().contains("pd-0") && name.getMessage().contains("pd-1"),
        name.getMessage());
    IllegalArgumentException url = assertThrows(IllegalArgumentException.class,
        () -> EtcdArgs.checkFor("pd-0", "http://127.0.10.1:2380", f));
    assertTrue(url.getMessage().contains("http://127.0.10.1:2380")
        && url.getMessage().contains("http://pd-0:2380"), url.getMessage());
  }

  /**
   * Flags advertising a URL of their own (a wrong-peer-url fault) render it, and may list either
   * it (a joiner added under it) or the node's (a static member) as their own entry.
   */
  @Test
  void flagsMayAdvertiseAUrlOfTheirOwn() {
    EtcdFlags f = EtcdFlags.defaults("pd-0", cluster()).withAdvertisePeerUrl("http://pd-0:1");
    assertTrue(EtcdArgs.render(f, "/d", "http://0.0.0.0:2380", "http://pd-0:2380", "lc", "ac")
        .contains("--initial-advertise-peer-urls=http://pd-0:1"));
    EtcdArgs.checkFor("pd-0", "http://pd-0:2380", f);
    Map<String, String> joined = cluster();
    joined.put("pd-0", "http://pd-0:1");
    EtcdArgs.checkFor("pd-0", "http://pd-0:2380", EtcdFlags.defaults("pd-0", joined)
        .withAdvertisePeerUrl("http://pd-0:1"));
    assertThrows(IllegalArgumentException.class, () -> EtcdArgs.checkFor("pd-0",
        "http://pd-0:2380", EtcdFlags.defaults("pd-0", joined)));
    assertEquals(null, f.withAdvertisePeerUrl(null).advertisePeerUrl());
    assertThrows(IllegalArgumentException.class, () -> f.withAdvertisePeerUrl("http://a:1,b"));
    assertEquals(f.advertisePeerUrl(), f.withExisting(true).withToken("t").advertisePeerUrl());
  }

  @Test
  void memberNamesAreDnsLabels() {
    assertEquals("basic-0", AbstractEtcdNode.checkName("basic-0"));
    assertEquals("tc-pd-2", AbstractEtcdNode.checkName("tc-pd-2"));
    for (String bad : new String[] {"", "-a", "a-", "A", "a_b", "a.b", "x".repeat(64), null}) {
      assertThrows(IllegalArgumentException.class, () -> AbstractEtcdNode.checkName(bad),
          String.valueOf(bad));
    }
  }

  @Test
  void lastLinesKeepsTheEnd() {
    assertEquals("c\nd", AbstractEtcdNode.lastLines("a\nb\nc\nd\n", 2));
    assertEquals("a\nb", AbstractEtcdNode.lastLines("a\nb", 5));
    assertEquals("", AbstractEtcdNode.lastLines("a\nb", 0));
    assertEquals("", AbstractEtcdNode.lastLines("", 3));
  }
}
