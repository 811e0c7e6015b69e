package io.pdlab.real.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.api.TxnRequest;
import io.pdlab.pd.etcd.EtcdError;
import io.pdlab.pd.etcd.EtcdMessages.ClientOp;
import io.pdlab.pd.etcd.EtcdMessages.ClientResponse;
import io.pdlab.pd.etcd.EtcdMessages.StatusResult;
import io.pdlab.pd.etcd.Member;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link EtcdOps} and the measures' helpers, without etcd. */
class EtcdOpsTest {
  private static final String IP = "127.0.77.201";

  @Test
  void aDeadEndpointIsRefusedQuickly() throws Exception {
    int port = LocalEtcd.freePort(IP); // nothing listens there
    try (EtcdOps ops = new EtcdOps()) {
      for (int i = 0; i < 3; i++) {
        long t0 = System.nanoTime();
        ClientResponse r = ops.execute("http://" + IP + ":" + port, i, new ClientOp.Get("/k"),
            2_000).get(5, TimeUnit.SECONDS);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(EtcdError.CONNECTION_REFUSED, r.error(), ops.lastErrorText(i));
        assertTrue(ms < 1_500, "answered after " + ms + " ms");
        assertNotNull(ops.lastErrorText(i));
      }
    }
  }

  @Test
  void aMemberThatNeverAnswersTimesOutAtTheCallersTimeout() throws Exception {
    // accepts TCP connections (the kernel does) but never speaks HTTP/2: like a stopped etcd
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getByName(IP));
        EtcdOps ops = new EtcdOps()) {
      String ep = "http://" + IP + ":" + silent.getLocalPort();
      long t0 = System.nanoTime();
      ClientResponse r = ops.execute(ep, 7, new ClientOp.Put("/k", "v"), 800)
          .get(5, TimeUnit.SECONDS);
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertEquals(EtcdError.REQUEST_TIMED_OUT, r.error());
      assertTrue(ms >= 790 && ms < 1_300, "answered after " + ms + " ms");
      assertTrue(ops.lastErrorText(7).contains("800 ms"), ops.lastErrorText(7));
      ClientResponse promote = ops.execute(ep, 8, new ClientOp.MemberPromote(5), 500)
          .get(5, TimeUnit.SECONDS);
      assertEquals(EtcdError.REQUEST_TIMED_OUT, promote.error(), ops.lastErrorText(8));
    }
  }

  @Test
  void clientsAreCachedPerEndpointAndForgotten() throws Exception {
    int port = LocalEtcd.freePort(IP);
    String ep = "http://" + IP + ":" + port;
    try (EtcdOps ops = new EtcdOps(UrlMap.identity(),
        new EtcdOps.Settings(500, 30_000, 60_000))) {
      ops.execute(ep, 1, new ClientOp.MemberList(), 1_000).get(5, TimeUnit.SECONDS);
      ops.execute(ep, 2, new ClientOp.MemberList(), 1_000).get(5, TimeUnit.SECONDS);
      assertEquals(List.of(ep), ops.endpoints());
      assertEquals(1, ops.clientsBuilt(), "no rebuild within rebuildAfterFailureMs");
      ops.forget(ep);
      assertTrue(ops.endpoints().isEmpty());
      ops.execute(ep, 3, new ClientOp.MemberList(), 1_000).get(5, TimeUnit.SECONDS);
      assertEquals(2, ops.clientsBuilt());
    }
  }

  @Test
  void aClosedOpsRefusesNewRequests() {
    EtcdOps ops = new EtcdOps();
    ops.close();
    assertThrows(IllegalStateException.class,
        () -> ops.execute("http://" + IP + ":1", 1, new ClientOp.MemberList(), 100));
  }

  @Test
  void gatewayMembersAreReadWithModelUrls() {
    UrlMap urls = UrlMap.of(Map.of("http://m-0.ns.svc:2380", "http://127.0.77.3:40123",
        "http://m-0.ns.svc:2379", "http://127.0.77.3:40122"));
    try (EtcdOps ops = new EtcdOps(urls)) {
      List<Member> ms = ops.parseMembers("{\"header\":{\"cluster_id\":\"1\"},\"members\":["
          + "{\"ID\":\"17806958839317969832\",\"name\":\"s1\","
          + "\"peerURLs\":[\"http://127.0.77.3:40123\"],"
          + "\"clientURLs\":[\"http://127.0.77.3:40122\"]},"
          + "{\"ID\":\"5\",\"peerURLs\":[\"http://127.0.77.9:1\"],\"isLearner\":true}]}");
      assertEquals(2, ms.size());
      assertEquals(new Member(Long.parseUnsignedLong("17806958839317969832"), "s1",
          List.of("http://m-0.ns.svc:2380"), List.of("http://m-0.ns.svc:2379"), false), ms.get(0));
      assertEquals(new Member(5, "", List.of("http://127.0.77.9:1"), List.of(), true), ms.get(1));
    }
  }

  /**
   * A peer {@code GET /members} answer as etcd 3.4.23's peerMembersHandler writes it: the cluster
   * ID in hex in {@code X-Etcd-Cluster-ID}, the body {@code json.Encoder} of the members (the ID
   * a JSON number, {@code types.ID} being a uint64; an unstarted member without name and client
   * URLs), with a trailing newline.
   */
  @Test
  void peerMembersAnswerIsReadWithClusterIdFromTheHeader() {
    UrlMap urls = UrlMap.of(Map.of("http://m-0.ns.svc:2380", "http://127.0.77.3:40123",
        "http://m-0.ns.svc:2379", "http://127.0.77.3:40122"));
    try (EtcdOps ops = new EtcdOps(urls)) {
      var reply = ops.parsePeerMembers(7, "cdf818194e3a8c32",
          "[{\"id\":17806958839317969832,\"peerURLs\":[\"http://127.0.77.3:40123\"],"
              + "\"name\":\"m-0\",\"clientURLs\":[\"http://127.0.77.3:40122\"]},"
              + "{\"id\":5,\"peerURLs\":[\"http://127.0.77.9:1\"],\"isLearner\":true}]\n");
      assertEquals(7, reply.requestId());
      assertEquals(Long.parseUnsignedLong("cdf818194e3a8c32", 16), reply.clusterId());
      assertEquals(List.of(new Member(Long.parseUnsignedLong("17806958839317969832"), "m-0",
          List.of("http://m-0.ns.svc:2380"), List.of("http://m-0.ns.svc:2379"), false),
          new Member(5, "", List.of("http://127.0.77.9:1"), List.of(), true)), reply.members());
      // what makes etcd's loop skip the peer: no cluster ID header, a body that is not a list
      assertThrows(RuntimeException.class, () -> ops.parsePeerMembers(1, "", "[]"));
      assertThrows(RuntimeException.class, () -> ops.parsePeerMembers(1, "1", "bad path"));
      assertThrows(RuntimeException.class, () -> ops.parsePeerMembers(1, "1", "{}"));
    }
  }

  /** Status answers as etcd 3.4.23's gateway gives them (isLearner left out when false). */
  @Test
  void gatewayStatusIsReadWithRevisionLeaderAndLearnerFlag() {
    assertEquals(new StatusResult(1762795073122030435L, 1762795073122030435L, 2, false),
        EtcdOps.parseStatus("{\"header\":{\"cluster_id\":\"5815486743122531131\","
            + "\"member_id\":\"1762795073122030435\",\"revision\":\"2\","
            + "\"raft_term\":\"2\"},\"version\":\"3.4.23\",\"dbSize\":\"20480\","
            + "\"leader\":\"1762795073122030435\",\"raftIndex\":\"5\"}"));
    assertEquals(new StatusResult(Long.parseUnsignedLong("17806958839317969832"), 7, 1, true),
        EtcdOps.parseStatus("{\"header\":{\"member_id\":\"17806958839317969832\","
            + "\"revision\":\"1\"},\"leader\":\"7\",\"isLearner\":true}"));
  }

  @Test
  void urlMapsTranslateBothWaysAndPassUnknownUrls() {
    UrlMap m = UrlMap.of(Map.of("http://a:2380", "http://127.0.0.9:1"));
    assertEquals("http://127.0.0.9:1", m.toReal("http://a:2380"));
    assertEquals("http://a:2380", m.toModel("http://127.0.0.9:1"));
    assertEquals("http://b:2380", m.toReal("http://b:2380"));
    assertEquals("http://x:1", m.toModel("http://x:1"));
    assertEquals("http://x:1", UrlMap.identity().toReal("http://x:1"));
  }

  @Test
  void probeCountersCompareAsNumbers() {
    assertEquals("0000000000000000042", WriteProbe.encode(42));
    assertTrue(WriteProbe.encode(9).compareTo(WriteProbe.encode(10)) < 0);
    assertEquals(42, WriteProbe.decode(ByteString.copyFromUtf8(WriteProbe.encode(42))));
    assertEquals(-1, WriteProbe.decode(ByteString.copyFromUtf8("not a counter")));
    TxnRequest t = WriteProbe.request(7);
    assertEquals(Compare.CompareTarget.VALUE, t.getCompare(0).getTarget());
    assertEquals(Compare.CompareResult.LESS, t.getCompare(0).getResult());
    assertTrue(t.getSuccess(0).getRequestPut().getPrevKv());
    assertEquals(Compare.CompareTarget.CREATE,
        t.getFailure(0).getRequestTxn().getCompare(0).getTarget());
    assertFalse(t.getFailure(0).getRequestTxn().getSuccessList().isEmpty());
  }

  @Test
  void pdClusterIdsAreReadAsTextOrBinary() {
    assertEquals(Long.parseUnsignedLong("18446744073709551615"),
        ClusterStatusPoller.pdClusterId(ByteString.copyFromUtf8("18446744073709551615")));
    assertEquals(7, ClusterStatusPoller.pdClusterId(ByteString.copyFromUtf8("7")));
    assertEquals(0x0102030405060708L, ClusterStatusPoller.pdClusterId(
        ByteString.copyFrom(ByteBuffer.allocate(8).putLong(0x0102030405060708L).array())));
    assertEquals(0, ClusterStatusPoller.pdClusterId(ByteString.copyFromUtf8("abc")));
  }
}
