package io.pdlab.real.client;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pdlab.pd.etcd.EtcdMessages.ClientOp;
import io.pdlab.pd.etcd.EtcdMessages.ClientResponse;
import io.pdlab.pd.run.Outcome;
import io.pdlab.pd.run.RunMeasures;
import io.pdlab.pd.server.PdConstants;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ExternalMeasures} on real etcd clusters started by the test. */
class ExternalMeasuresIT {
  private static final Duration START = Duration.ofSeconds(20);

  @TempDir
  Path tmp;
  private LocalEtcd etcd;
  private ExternalMeasures measures;
  private final long base = System.nanoTime();
  private final LongSupplier clock = () -> (System.nanoTime() - base) / 1_000;

  @BeforeEach
  void setUp() {
    LocalEtcd.assumeEtcd();
    etcd = new LocalEtcd(tmp, "pdlab-measures-it-" + System.nanoTime());
  }

  @AfterEach
  void tearDown() {
    if (measures != null) {
      measures.close();
    }
    if (etcd != null) {
      etcd.close();
    }
  }

  private static List<LocalEtcd.Node> nodes(String prefix, int firstHost, int n)
      throws IOException {
    List<LocalEtcd.Node> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(LocalEtcd.node(prefix + i, "127.0.77." + (firstHost + i)));
    }
    return out;
  }

  private static MemberDirectory directory(List<LocalEtcd.Node> nodes) {
    Map<String, String> m = new LinkedHashMap<>();
    for (LocalEtcd.Node n : nodes) {
      m.put(n.name(), n.clientUrl());
    }
    return () -> m;
  }

  /** Waits {@code ms}, bounded (the measures keep running meanwhile). */
  private static void hold(long ms) {
    await().pollDelay(Duration.ofMillis(ms)).atMost(Duration.ofMillis(ms + 2_000))
        .until(() -> true);
  }

  private static void report(String what, RunMeasures m, ExternalMeasures x) {
    System.out.println(what + ": " + m.describe() + "\n  timeline " + m.timeline()
        + "\n  probe " + x.probeStats());
  }

  @Test
  void aStaticClusterOfThreeIsOkThenStuckWhenAMajorityDies() throws Exception {
    List<LocalEtcd.Node> nodes = nodes("m", 41, 3);
    measures = new ExternalMeasures(directory(nodes), 3, false, clock);
    measures.start(); // before the members: the bootstrap time counts their start
    for (LocalEtcd.Node n : nodes) {
      etcd.start(n, nodes, "new");
    }
    await().atMost(START).pollInterval(Duration.ofMillis(50)).until(measures::bootstrapped);
    com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)
        java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    long cpu0 = os.getProcessCpuTime();
    long wall0 = System.nanoTime();
    hold(2_000);
    System.out.printf("measures on 3 members: JVM CPU %.1f%% of one core (JIT still warming)%n",
        100.0 * (os.getProcessCpuTime() - cpu0) / (System.nanoTime() - wall0));
    RunMeasures ok = measures.measures();
    report("static 3", ok, measures);
    assertEquals(Outcome.OK, ok.outcome(), ok.describe() + "\n" + measures.status());
    assertTrue(ok.bootstrapUs() > 0, ok.describe());
    assertEquals(1, ok.clusterIds().size());
    assertTrue(ok.lostWrites().isEmpty());
    assertTrue(ok.unavailableUs() < 1_000_000, ok.describe());
    assertTrue(ok.timeline().get(ok.timeline().size() - 1).contains("members=[m0,m1,m2]"),
        ok.timeline().toString());
    ExternalMeasures.ProbeStats stats = measures.probeStats();
    assertTrue(stats.acked() >= 20, stats.toString());

    // kill the leader and one more: no quorum
    long leader = measures.health().leaderId();
    String leaderName = measures.latest().values().stream()
        .filter(s -> s.memberId() == leader).findFirst().orElseThrow().name();
    String other = nodes.stream().map(LocalEtcd.Node::name).filter(n -> !n.equals(leaderName))
        .findFirst().orElseThrow();
    long killedAtUs = clock.getAsLong();
    etcd.kill(leaderName);
    etcd.kill(other);
    await().atMost(Duration.ofSeconds(5)).until(() -> !measures.health().serving());
    hold(2_000);
    RunMeasures stuck = measures.measures();
    report("majority killed", stuck, measures);
    long downUs = clock.getAsLong() - killedAtUs;
    assertEquals(Outcome.STUCK, stuck.outcome(), stuck.describe() + "\n" + measures.status());
    long grew = stuck.unavailableUs() - ok.unavailableUs();
    assertTrue(grew >= downUs - 400_000 && grew <= downUs + 100_000,
        "unavailable grew by " + grew + " us in " + downUs + " us down");
    assertTrue(stuck.zeroToleranceUs() >= stuck.unavailableUs());
    assertEquals(ok.bootstrapUs(), stuck.bootstrapUs());

    measures.stop();
    RunMeasures last = measures.measures();
    assertEquals(Outcome.STUCK, last.outcome());
    assertTrue(last.unavailableUs() >= stuck.unavailableUs());
  }

  @Test
  void twoOfThreeStartedIsDegraded() throws Exception {
    List<LocalEtcd.Node> nodes = nodes("d", 44, 3);
    measures = new ExternalMeasures(directory(nodes), 3, false, clock);
    measures.start();
    etcd.start(nodes.get(0), nodes, "new");
    etcd.start(nodes.get(1), nodes, "new");
    await().atMost(START).pollInterval(Duration.ofMillis(50))
        .until(() -> measures.health().serving());
    hold(1_500);
    RunMeasures m = measures.measures();
    report("2 of 3 started", m, measures);
    assertEquals(Outcome.DEGRADED, m.outcome(), m.describe() + "\n" + measures.status());
    assertEquals(-1, m.bootstrapUs());
    assertEquals(1, m.clusterIds().size());
    assertTrue(m.zeroToleranceUs() >= 1_000_000, m.describe());
    assertTrue(m.unavailableUs() < m.zeroToleranceUs(), m.describe());
    assertTrue(m.timeline().get(m.timeline().size() - 1).contains("(unstarted)"),
        m.timeline().toString());
  }

  @Test
  void aPdRunBootstrapsOnceThePdClusterIdIsWritten() throws Exception {
    List<LocalEtcd.Node> nodes = nodes("p", 47, 1);
    measures = new ExternalMeasures(directory(nodes), 1, true, clock);
    measures.start();
    etcd.start(nodes.get(0), nodes, "new");
    await().atMost(START).until(() -> measures.health().serving());
    hold(300);
    assertEquals(Outcome.DEGRADED, measures.measures().outcome(), "no PD cluster ID yet");
    try (EtcdOps ops = new EtcdOps()) {
      ClientResponse r = ops.execute(nodes.get(0).clientUrl(), 1,
          new ClientOp.Create(PdConstants.CLUSTER_ID_KEY, "7310000000000000001"), 5_000)
          .get(10, TimeUnit.SECONDS);
      assertTrue(r.ok(), r.toString());
    }
    await().atMost(Duration.ofSeconds(5)).until(measures::bootstrapped);
    RunMeasures m = measures.measures();
    report("pd", m, measures);
    assertEquals(Outcome.OK, m.outcome(), m.describe());
    assertEquals(List.of(Long.parseUnsignedLong("7310000000000000001")), m.pdClusterIds());
  }

  @Test
  void aWipedAndReBootstrappedClusterLostItsWrites() throws Exception {
    List<LocalEtcd.Node> nodes = nodes("w", 48, 1);
    measures = new ExternalMeasures(directory(nodes), 1, false, clock);
    measures.start();
    etcd.start(nodes.get(0), nodes, "new");
    await().atMost(START).until(measures::bootstrapped);
    await().atMost(Duration.ofSeconds(5)).until(() -> measures.probeStats().acked() >= 5);
    etcd.kill("w0");
    deleteTree(tmp.resolve("w0").resolve("data"));
    etcd.start(nodes.get(0), nodes, "new"); // same URLs and token: the same cluster ID
    await().atMost(START).until(() -> !measures.measures().lostWrites().isEmpty());
    RunMeasures m = measures.measures();
    report("wiped", m, measures);
    assertEquals(Outcome.DATA_LOSS, m.outcome(), m.describe());
    assertEquals(1, m.clusterIds().size(), "the re-bootstrapped cluster has the same ID");
    assertTrue(m.lostWrites().get(0).startsWith(ExternalMeasures.PROBE_KEY + "="),
        m.lostWrites().toString());
  }

  private static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(q);
      }
    }
  }
}
