package io.pdlab.real.client;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pdlab.pd.etcd.EtcdError;
import io.pdlab.pd.etcd.EtcdMessages.AddResult;
import io.pdlab.pd.etcd.EtcdMessages.ClientOp;
import io.pdlab.pd.etcd.EtcdMessages.ClientResponse;
import io.pdlab.pd.etcd.Member;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every {@link ClientOp} against real etcd 3.4 processes started by the test. */
class EtcdOpsIT {
  private static final Duration START = Duration.ofSeconds(20);

  @TempDir
  Path tmp;
  private LocalEtcd etcd;
  private EtcdOps ops;
  private final AtomicLong ids = new AtomicLong();
  private final Map<String, String> modelToReal = new ConcurrentHashMap<>();

  @BeforeEach
  void setUp() {
    LocalEtcd.assumeEtcd();
    etcd = new LocalEtcd(tmp, "pdlab-ops-it-" + System.nanoTime());
    ops = new EtcdOps(UrlMap.of(modelToReal));
  }

  @AfterEach
  void tearDown() {
    if (ops != null) {
      ops.close();
    }
    if (etcd != null) {
      etcd.close();
    }
  }

  private ClientResponse call(String endpoint, ClientOp op, long timeoutMs) throws Exception {
    long id = ids.incrementAndGet();
    ClientResponse r = ops.execute(endpoint, id, op, timeoutMs)
        .get(timeoutMs + 5_000, TimeUnit.MILLISECONDS);
    assertEquals(id, r.requestId());
    if (!r.ok()) {
      System.out.println("#" + id + " " + op + " -> " + r.error() + ": " + ops.lastErrorText(id));
    }
    return r;
  }

  private ClientResponse ok(String endpoint, ClientOp op) throws Exception {
    ClientResponse r = call(endpoint, op, 5_000);
    assertTrue(r.ok(), () -> op + " failed: " + r.error() + " " + ops.lastErrorText(r.requestId()));
    return r;
  }

  @SuppressWarnings("unchecked")
  private static List<Member> members(ClientResponse r) {
    return (List<Member>) r.value();
  }

  private void awaitServing(String endpoint) {
    await().atMost(START).pollInterval(Duration.ofMillis(100))
        .until(() -> call(endpoint, new ClientOp.Get("/ready"), 1_000).ok());
  }

  /**
   * PD's cluster-ID check asks a peer's {@code GET /members}: real etcd 3.4 answers its cluster ID
   * in {@code X-Etcd-Cluster-ID} (the one its client API's response headers carry) and its
   * members; a port nothing listens on fails the request, which the check skips.
   */
  @Test
  void peerMembersNamesTheClusterAndItsMembers() throws Exception {
    LocalEtcd.Node s1 = LocalEtcd.node("s1", "127.0.77.13");
    modelToReal.put("http://s1.ns.svc:2380", s1.peerUrl());
    modelToReal.put("http://s1.ns.svc:2379", s1.clientUrl());
    etcd.start(s1, List.of(s1), "new");
    awaitServing(s1.clientUrl());
    var reply = ops.peerMembers(s1.peerUrl(), 42, 5_000).get(10, TimeUnit.SECONDS);
    assertEquals(42, reply.requestId());
    assertTrue(reply.clusterId() != 0);
    assertEquals(1, reply.members().size());
    assertEquals("s1", reply.members().get(0).name());
    assertEquals(List.of("http://s1.ns.svc:2380"), reply.members().get(0).peerUrls());
    String nothing = "http://127.0.77.14:" + LocalEtcd.freePort("127.0.77.14");
    assertTrue(ops.peerMembers(nothing, 43, 2_000).handle((r, e) -> e != null)
        .get(10, TimeUnit.SECONDS), "a refused peer fails the request");
  }

  @Test
  void everyOpOnOneMember() throws Exception {
    LocalEtcd.Node s1 = LocalEtcd.node("s1", "127.0.77.11");
    modelToReal.put("http://s1.ns.svc:2380", s1.peerUrl());
    modelToReal.put("http://s1.ns.svc:2379", s1.clientUrl());
    etcd.start(s1, List.of(s1), "new");
    String ep = s1.clientUrl();
    awaitServing(ep);

    assertEquals("v1", ok(ep, new ClientOp.Put("/k", "v1")).value());
    assertEquals("v1", ok(ep, new ClientOp.Get("/k")).value());
    assertNull(ok(ep, new ClientOp.Get("/absent")).value());
    assertEquals("111", ok(ep, new ClientOp.Create("/pd/cluster_id", "111")).value());
    assertEquals("111", ok(ep, new ClientOp.Create("/pd/cluster_id", "222")).value(),
        "the second create answers the first value");
    assertEquals("111", ok(ep, new ClientOp.Get("/pd/cluster_id")).value());

    List<Member> list = members(ok(ep, new ClientOp.MemberList()));
    assertEquals(1, list.size());
    Member self = list.get(0);
    assertEquals("s1", self.name());
    assertEquals(List.of("http://s1.ns.svc:2380"), self.peerUrls(), "model peer URLs");
    assertEquals(List.of("http://s1.ns.svc:2379"), self.clientUrls(), "model client URLs");

    // a learner that never starts: promote is refused as not in sync
    String learnerReal = "http://127.0.77.12:" + LocalEtcd.freePort("127.0.77.12");
    modelToReal.put("http://s2.ns.svc:2380", learnerReal);
    AddResult add = (AddResult) ok(ep,
        new ClientOp.MemberAdd(List.of("http://s2.ns.svc:2380"), true)).value();
    assertTrue(add.added().learner());
    assertEquals("", add.added().name());
    assertEquals(List.of("http://s2.ns.svc:2380"), add.added().peerUrls());
    assertEquals(2, add.members().size());
    assertTrue(add.members().contains(add.added()));

    ClientResponse promote = call(ep, new ClientOp.MemberPromote(add.added().id()), 5_000);
    assertEquals(EtcdError.LEARNER_NOT_READY, promote.error());
    assertTrue(ops.lastErrorText(promote.requestId()).contains(
        "can only promote a learner member which is in sync with leader"),
        ops.lastErrorText(promote.requestId()));
    assertEquals(EtcdError.MEMBER_NOT_LEARNER,
        call(ep, new ClientOp.MemberPromote(self.id()), 5_000).error());
    assertEquals(EtcdError.MEMBER_NOT_FOUND,
        call(ep, new ClientOp.MemberPromote(12345), 5_000).error());

    List<Member> afterRemove = members(ok(ep, new ClientOp.MemberRemove(add.added().id())));
    assertEquals(List.of(self), afterRemove);
    assertEquals(EtcdError.MEMBER_NOT_FOUND,
        call(ep, new ClientOp.MemberRemove(12345), 5_000).error());

    // a second voter that never starts: the list shows it unstarted, and quorum is gone
    String voterReal = "http://127.0.77.13:" + LocalEtcd.freePort("127.0.77.13");
    AddResult voter = (AddResult) ok(ep, new ClientOp.MemberAdd(List.of(voterReal), false))
        .value();
    assertEquals(List.of(voterReal), voter.added().peerUrls(), "unmapped URLs pass through");
    List<Member> two = members(ok(ep, new ClientOp.MemberList()));
    assertEquals(2, two.size());
    Member unstarted = two.stream().filter(m -> m.id() == voter.added().id()).findFirst()
        .orElseThrow();
    assertTrue(!unstarted.started() && !unstarted.learner(), unstarted.toString());

    long t0 = System.nanoTime();
    ClientResponse put = call(ep, new ClientOp.Put("/k", "v2"), 1_500);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertEquals(EtcdError.REQUEST_TIMED_OUT, put.error());
    assertTrue(ms < 2_500, "timed out after " + ms + " ms");
    assertEquals(EtcdError.NOT_ENOUGH_STARTED_MEMBERS, call(ep, new ClientOp.MemberAdd(
        List.of("http://127.0.77.14:2380"), false), 5_000).error());
    assertEquals(EtcdError.UNHEALTHY, call(ep, new ClientOp.MemberAdd(
        List.of("http://127.0.77.14:2380"), true), 5_000).error());
  }

  @Test
  void aDeadEndpointAnswersWithinTheTimeout() throws Exception {
    String ep = "http://127.0.77.15:" + LocalEtcd.freePort("127.0.77.15");
    for (ClientOp op : List.of(new ClientOp.Put("/k", "v"), new ClientOp.MemberList(),
        new ClientOp.MemberPromote(1))) {
      long t0 = System.nanoTime();
      ClientResponse r = call(ep, op, 1_000);
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertTrue(r.error() == EtcdError.CONNECTION_REFUSED
          || r.error() == EtcdError.REQUEST_TIMED_OUT, r.toString());
      assertTrue(ms < 1_500, op + " answered after " + ms + " ms");
      System.out.println("dead endpoint: " + op + " -> " + r.error() + " in " + ms + " ms");
    }
  }

  @Test
  void threeMembersWithALearnerThatJoinsAndIsPromoted() throws Exception {
    List<LocalEtcd.Node> nodes = List.of(LocalEtcd.node("t1", "127.0.77.21"),
        LocalEtcd.node("t2", "127.0.77.22"), LocalEtcd.node("t3", "127.0.77.23"));
    for (LocalEtcd.Node n : nodes) {
      etcd.start(n, nodes, "new");
    }
    for (LocalEtcd.Node n : nodes) {
      awaitServing(n.clientUrl());
    }
    for (LocalEtcd.Node n : nodes) {
      List<Member> list = members(ok(n.clientUrl(), new ClientOp.MemberList()));
      assertEquals(3, list.size());
      assertTrue(list.stream().allMatch(m -> m.started() && !m.learner()), list.toString());
    }
    ok(nodes.get(0).clientUrl(), new ClientOp.Put("/x", "1"));
    assertEquals("1", ok(nodes.get(2).clientUrl(), new ClientOp.Get("/x")).value());
    assertEquals("a", ok(nodes.get(1).clientUrl(), new ClientOp.Create("/c", "a")).value());
    assertEquals("a", ok(nodes.get(2).clientUrl(), new ClientOp.Create("/c", "b")).value());

    // a real fourth member joins as a learner and is promoted once in sync
    // etcd refuses adds until every member has been connected for its health interval (5 s)
    LocalEtcd.Node t4 = LocalEtcd.node("t4", "127.0.77.24");
    AddResult[] added = new AddResult[1];
    await().atMost(START).pollInterval(Duration.ofMillis(250)).until(() -> {
      ClientResponse r = call(nodes.get(1).clientUrl(),
          new ClientOp.MemberAdd(List.of(t4.peerUrl()), true), 5_000);
      assertTrue(r.ok() || r.error() == EtcdError.UNHEALTHY, r::toString);
      added[0] = r.ok() ? (AddResult) r.value() : null;
      return r.ok();
    });
    AddResult add = added[0];
    assertEquals(4, add.members().size());
    etcd.start(t4, List.of(nodes.get(0), nodes.get(1), nodes.get(2), t4), "existing");
    await().atMost(START).pollInterval(Duration.ofMillis(200)).until(() ->
        members(ok(nodes.get(0).clientUrl(), new ClientOp.MemberList())).stream()
            .anyMatch(m -> m.id() == add.added().id() && m.started()));
    long t0 = System.nanoTime();
    await().atMost(START).pollInterval(Duration.ofMillis(200)).until(() -> {
      ClientResponse r = call(nodes.get(2).clientUrl(),
          new ClientOp.MemberPromote(add.added().id()), 5_000);
      assertTrue(r.ok() || r.error() == EtcdError.LEARNER_NOT_READY,
          () -> r + " " + ops.lastErrorText(r.requestId()));
      return r.ok();
    });
    System.out.println("learner promoted " + (System.nanoTime() - t0) / 1_000_000
        + " ms after it started");
    List<Member> four = members(ok(t4.clientUrl(), new ClientOp.MemberList()));
    assertEquals(4, four.size());
    assertTrue(four.stream().noneMatch(Member::learner), four.toString());

    List<Member> after = members(ok(nodes.get(0).clientUrl(),
        new ClientOp.MemberRemove(add.added().id())));
    assertEquals(3, after.size());
    etcd.kill("t4");
  }

  @Test
  void aRestartedMemberIsReachedAgainPromptly() throws Exception {
    LocalEtcd.Node r1 = LocalEtcd.node("r1", "127.0.77.31");
    etcd.start(r1, List.of(r1), "new");
    String ep = r1.clientUrl();
    awaitServing(ep);
    etcd.kill("r1");
    for (int i = 0; i < 20; i++) { // let gRPC's reconnect back-off grow
      assertEquals(EtcdError.CONNECTION_REFUSED, call(ep, new ClientOp.Get("/k"), 1_000).error());
      Thread.sleep(100);
    }
    long t0 = System.nanoTime();
    etcd.start(r1, List.of(r1), "new");
    awaitServing(ep);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    System.out.println("restarted member answering again after " + ms + " ms (clients built: "
        + ops.clientsBuilt() + ")");
    assertTrue(ms < 5_000, "took " + ms + " ms");
  }
}
