package io.pdlab.pd.tidb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pdlab.pd.tidb.DiscoveryAction.GetPdMembers;
import io.pdlab.pd.tidb.DiscoveryAction.ReadTidbCluster;
import io.pdlab.pd.tidb.DiscoveryAction.Respond;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class DiscoveryServiceTest {
  private static final String NS = "ns";
  private static final String BAD_LENGTH = "illegal base64 data: length 3 is not a multiple of 4";
  private static final String MEMBERS_URL = "http://basic-pd.ns:2379/pd/api/v1/members";
  private static final String REFUSED = "dial tcp 10.0.0.9:2379: connect: connection refused";
  private static final PdMembersResult UNREACHABLE = new PdMembersResult.Failed(REFUSED);

  /** What the start script sends: base64 of {@code echo <domain>:2380}, newline included. */
  private static String path(String pod) {
    PdStartScriptConfig script = PdStartScriptConfig.of(pod, NS, "basic", DataDirState.EMPTY);
    return "/new/" + script.encodedDomainUrl();
  }

  private static String peerUrl(String pod) {
    return "http://" + pod + ".basic-pd-peer.ns.svc:2380";
  }

  private static String initialCluster(String pod) {
    return "--initial-cluster=" + pod + "=" + peerUrl(pod) + "\n";
  }

  private static TidbClusterRead tc(String rv, int replicas) {
    return new TidbClusterRead.Found(TidbClusterView.of(rv, replicas));
  }

  private static PdMembersResult members(String... pods) {
    return new PdMembersResult.Members(
        Arrays.stream(pods).map(p -> PdMember.of(p, peerUrl(p))).toList());
  }

  /** One request that reaches the members call and gets {@code pd}'s answer. */
  private static List<DiscoveryAction> register(
      DiscoveryService d, long id, String pod, TidbClusterRead tc, PdMembersResult pd) {
    assertEquals(List.of(new ReadTidbCluster(id, NS, "basic")), d.onRequest(id, path(pod)));
    List<DiscoveryAction> afterTc = d.onTidbCluster(id, tc);
    if (afterTc.equals(List.of(new GetPdMembers(id, MEMBERS_URL, 5_000)))) {
      return d.onPdMembers(id, pd);
    }
    return afterTc;
  }

  private static List<String> peers(DiscoveryService d) {
    return d.clusters().get("ns/basic").peers();
  }

  @Test
  void thirdOfThreeGetsOneMemberInitialClusterOthersJoinOncePdAnswers() {
    DiscoveryService d = new DiscoveryService(NS);

    assertEquals(List.of(new Respond(1, 500, REFUSED)),
        register(d, 1, "basic-pd-0", tc("100", 3), UNREACHABLE));
    assertEquals(List.of("basic-pd-0"), peers(d));
    assertEquals(List.of(new Respond(2, 500, REFUSED)),
        register(d, 2, "basic-pd-1", tc("100", 3), UNREACHABLE));
    assertEquals(List.of("basic-pd-0", "basic-pd-1"), peers(d));

    // The third registrant completes the count: a ONE-member cluster of itself, no PD call.
    assertEquals(List.of(new Respond(3, 200, initialCluster("basic-pd-2"))),
        register(d, 3, "basic-pd-2", tc("100", 3), UNREACHABLE));
    assertEquals(List.of("basic-pd-0", "basic-pd-1"), peers(d));

    // pd-2 is up: the others are told to join it, through its client port.
    assertEquals(List.of(new Respond(4, 200, "--join=http://basic-pd-2.basic-pd-peer.ns.svc:2379")),
        register(d, 4, "basic-pd-0", tc("100", 3), members("basic-pd-2")));
    assertEquals(List.of("basic-pd-1"), peers(d));
    // A member named like the caller is left out; an unstarted member (no name) is kept.
    PdMembersResult withSelfAndUnstarted = new PdMembersResult.Members(List.of(
        PdMember.of("basic-pd-2", peerUrl("basic-pd-2")),
        PdMember.of("basic-pd-1", peerUrl("basic-pd-1")),
        PdMember.of("", peerUrl("basic-pd-0"))));
    assertEquals(List.of(new Respond(5, 200, "--join=http://basic-pd-2.basic-pd-peer.ns.svc:2379,"
            + "http://basic-pd-0.basic-pd-peer.ns.svc:2379")),
        register(d, 5, "basic-pd-1", tc("100", 3), withSelfAndUnstarted));
    assertEquals(List.of(), peers(d));
    assertEquals(OptionalLong.empty(), d.inProgressRequest());
  }

  @Test
  void resourceVersionChangeForgetsCountedPeers() {
    DiscoveryService d = new DiscoveryService(NS);
    register(d, 1, "basic-pd-0", tc("100", 3), UNREACHABLE);
    register(d, 2, "basic-pd-1", tc("100", 3), UNREACHABLE);
    assertEquals(new ClusterPeers("100", List.of("basic-pd-0", "basic-pd-1")),
        d.clusters().get("ns/basic"));

    // The operator wrote status: pd-2 is counted alone, so it does NOT bootstrap.
    assertEquals(List.of(new Respond(3, 500, REFUSED)),
        register(d, 3, "basic-pd-2", tc("101", 3), UNREACHABLE));
    assertEquals(new ClusterPeers("101", List.of("basic-pd-2")), d.clusters().get("ns/basic"));

    register(d, 4, "basic-pd-0", tc("101", 3), UNREACHABLE);
    assertEquals(List.of(new Respond(5, 200, initialCluster("basic-pd-1"))),
        register(d, 5, "basic-pd-1", tc("101", 3), UNREACHABLE));
    assertEquals(new ClusterPeers("101", List.of("basic-pd-0", "basic-pd-2")),
        d.clusters().get("ns/basic"));
  }

  @Test
  void dataLessPodsReRegisteringWhilePdIsUnreachableBootstrapASecondCluster() {
    // tidb-operator #3349: the cluster formed once (pd-2 bootstrapped, pd-0 and pd-1 joined).
    DiscoveryService d = new DiscoveryService(NS);
    register(d, 1, "basic-pd-0", tc("100", 3), UNREACHABLE);
    register(d, 2, "basic-pd-1", tc("100", 3), UNREACHABLE);
    assertEquals(List.of(new Respond(3, 200, initialCluster("basic-pd-2"))),
        register(d, 3, "basic-pd-2", tc("100", 3), UNREACHABLE));
    register(d, 4, "basic-pd-0", tc("100", 3), members("basic-pd-2"));
    register(d, 5, "basic-pd-1", tc("100", 3), members("basic-pd-2", "basic-pd-0"));
    assertEquals(List.of(), peers(d));

    // Later all three lose their data and PD is unreachable: they register again...
    register(d, 6, "basic-pd-1", tc("250", 3), UNREACHABLE);
    register(d, 7, "basic-pd-2", tc("250", 3), UNREACHABLE);
    // ...and the third is told to bootstrap a new one-member cluster: a new cluster ID.
    assertEquals(List.of(new Respond(8, 200, initialCluster("basic-pd-0"))),
        register(d, 8, "basic-pd-0", tc("250", 3), UNREACHABLE));
  }

  @Test
  void deletedFailureMembersRaiseTheCount() {
    DiscoveryService d = new DiscoveryService(NS);
    TidbClusterRead withFailover =
        new TidbClusterRead.Found(new TidbClusterView("7", 3, 1, false));
    assertEquals(4, ((TidbClusterRead.Found) withFailover).tidbCluster().desiredPdReplicas());
    register(d, 1, "basic-pd-0", withFailover, UNREACHABLE);
    register(d, 2, "basic-pd-1", withFailover, UNREACHABLE);
    // Three peers are not enough when one failure member was deleted: 3 + 1 = 4.
    assertEquals(List.of(new Respond(3, 500, REFUSED)),
        register(d, 3, "basic-pd-2", withFailover, UNREACHABLE));
    assertEquals(List.of(new Respond(4, 200, initialCluster("basic-pd-3"))),
        register(d, 4, "basic-pd-3", withFailover, UNREACHABLE));
  }

  @Test
  void tlsClusterUsesHttpsForInitialClusterAndMembersCall() {
    DiscoveryService d = new DiscoveryService(NS);
    TidbClusterRead tls = new TidbClusterRead.Found(new TidbClusterView("1", 2, 0, true));
    d.onRequest(1, path("basic-pd-0"));
    assertEquals(List.of(new GetPdMembers(1, "https://basic-pd.ns:2379/pd/api/v1/members", 5_000)),
        d.onTidbCluster(1, tls));
    d.onPdMembers(1, UNREACHABLE);
    d.onRequest(2, path("basic-pd-1"));
    assertEquals(List.of(new Respond(2, 200,
            "--initial-cluster=basic-pd-1=https://basic-pd-1.basic-pd-peer.ns.svc:2380\n")),
        d.onTidbCluster(2, tls));
  }

  @Test
  void requestsWaitForTheMutexInArrivalOrder() {
    DiscoveryService d = new DiscoveryService(NS);
    assertEquals(List.of(new ReadTidbCluster(1, NS, "basic")), d.onRequest(1, path("basic-pd-0")));
    assertEquals(List.of(), d.onRequest(2, path("basic-pd-1")));
    assertEquals(List.of(), d.onRequest(3, "/new/%%%"));
    assertEquals(List.of(), d.onRequest(4, path("basic-pd-2")));
    assertEquals(OptionalLong.of(1), d.inProgressRequest());
    assertEquals(List.of(2L, 3L, 4L), d.queuedRequests());

    // Events for a request that does not hold the mutex are bugs of the driver.
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> d.onTidbCluster(2, tc("1", 3)));
    assertTrue(e.getMessage().contains("request #1 holds the mutex"), e.getMessage());
    assertThrows(IllegalStateException.class, () -> d.onPdMembers(1, UNREACHABLE));
    assertThrows(IllegalArgumentException.class, () -> d.onRequest(3, path("basic-pd-1")));

    assertEquals(List.of(new GetPdMembers(1, MEMBERS_URL, 5_000)), d.onTidbCluster(1, tc("1", 3)));
    // Finishing #1 starts #2; #2 needs the API, so #3 and #4 keep waiting.
    assertEquals(List.of(
            new Respond(1, 500, REFUSED),
            new ReadTidbCluster(2, NS, "basic")),
        d.onPdMembers(1, UNREACHABLE));
    assertEquals(List.of(3L, 4L), d.queuedRequests());
    assertEquals(List.of(new GetPdMembers(2, MEMBERS_URL, 5_000)), d.onTidbCluster(2, tc("1", 3)));
    // #3 is malformed and answered without a call, so #4 starts in the same step.
    assertEquals(List.of(
            new Respond(2, 500, REFUSED),
            new Respond(3, 500, BAD_LENGTH),
            new ReadTidbCluster(4, NS, "basic")),
        d.onPdMembers(2, UNREACHABLE));
    assertEquals(List.of(new Respond(4, 200, initialCluster("basic-pd-2"))),
        d.onTidbCluster(4, tc("1", 3)));
    assertEquals(OptionalLong.empty(), d.inProgressRequest());
    IllegalStateException idle =
        assertThrows(IllegalStateException.class, () -> d.onTidbCluster(4, tc("1", 3)));
    assertTrue(idle.getMessage().contains("no request is in progress"), idle.getMessage());
  }

  @Test
  void queueHasABudget() {
    DiscoveryService d = new DiscoveryService(NS, 1);
    d.onRequest(1, path("basic-pd-0"));
    d.onRequest(2, path("basic-pd-1"));
    assertThrows(IllegalStateException.class, () -> d.onRequest(3, path("basic-pd-2")));
  }

  @Test
  void malformedRequestsGet500WithTheGoErrorText() {
    DiscoveryService d = new DiscoveryService(NS);
    assertEquals(List.of(new Respond(1, 500, BAD_LENGTH)), d.onRequest(1, "/new/abc"));
    // A peer URL with a scheme is not what the script sends: "http" has no ".svc" part.
    String withScheme = "http://basic-pd-1.basic-pd-peer.ns.svc:2380";
    assertEquals(List.of(new Respond(2, 500, "advertisePeerUrl format is wrong: " + withScheme)),
        d.onRequest(2, "/new/" + b64(withScheme)));
    // An empty path parameter matches no route (base64 of "" is "").
    assertEquals(List.of(new Respond(3, 404, "404: Page Not Found")), d.onRequest(3, "/new/"));
    assertEquals(List.of(new Respond(4, 500,
            "the peer's namespace: other is not equal to discovery namespace: ns")),
        d.onRequest(4, "/new/" + b64("basic-pd-0.basic-pd-peer.other.svc:2380\n")));
    assertEquals(List.of(new Respond(5, 404, "404: Page Not Found")), d.onRequest(5, "/old/x"));
    assertEquals(List.of(new Respond(6, 500, "register-type dm is not modelled (only pd)")),
        d.onRequest(6, path("basic-pd-0") + "/dm"));
    assertEquals(List.of(new ReadTidbCluster(7, NS, "basic")),
        d.onRequest(7, path("basic-pd-0") + "/pd"));
    // The TidbCluster read fails: 500, and the caller was not counted.
    String notFound = "tidbclusters.pingcap.com \"basic\" not found";
    assertEquals(List.of(new Respond(7, 500, notFound)),
        d.onTidbCluster(7, new TidbClusterRead.Failed(notFound)));
    assertEquals(0, d.clusters().size());
  }

  @Test
  void restartLosesTheCount() {
    DiscoveryService before = new DiscoveryService(NS);
    register(before, 1, "basic-pd-0", tc("100", 3), UNREACHABLE);
    register(before, 2, "basic-pd-1", tc("100", 3), UNREACHABLE);
    assertEquals(List.of("basic-pd-0", "basic-pd-1"), peers(before));

    DiscoveryService after = new DiscoveryService(NS);
    assertEquals(0, after.clusters().size());
    // Same resourceVersion, but the new pod remembers nothing: pd-2 alone is not the third.
    assertEquals(List.of(new Respond(1, 500, REFUSED)),
        register(after, 1, "basic-pd-2", tc("100", 3), UNREACHABLE));
    assertEquals(List.of("basic-pd-2"), peers(after));
  }

  @Test
  void clustersViewIsReadOnly() {
    DiscoveryService d = new DiscoveryService(NS);
    register(d, 1, "basic-pd-0", tc("100", 3), UNREACHABLE);
    assertThrows(UnsupportedOperationException.class, () -> d.clusters().clear());
    assertThrows(UnsupportedOperationException.class, () -> peers(d).add("x"));
  }

  // ------------------------------------------------------------------ tidb-operator v1.0

  /**
   * v1.0.0 discovery.go counts {@code tc.Spec.PD.Replicas} only ("TODO: the replicas should be the
   * total replicas of pd sets"), while its StatefulSet has grown by the deleted failure member:
   * the third data-less caller bootstraps a one-member cluster where v1.5.1 waits for a fourth
   * (tidb-operator #3349, fixed by #3365).
   */
  @Test
  void v10CountsTheSpecsReplicasEvenWithADeletedFailureMember() {
    TidbClusterRead withFailover =
        new TidbClusterRead.Found(new TidbClusterView("7", 3, 1, false));
    DiscoveryService v10 = new DiscoveryService(NS, TidbOperatorVersion.V1_0);
    DiscoveryService v15 = new DiscoveryService(NS, TidbOperatorVersion.V1_5);
    for (DiscoveryService d : List.of(v10, v15)) {
      register(d, 1, "basic-pd-0", withFailover, UNREACHABLE);
      register(d, 2, "basic-pd-3", withFailover, UNREACHABLE);
    }
    assertEquals(List.of(new Respond(3, 200, initialCluster("basic-pd-1"))),
        register(v10, 3, "basic-pd-1", withFailover, UNREACHABLE));
    assertEquals(List.of(new Respond(3, 500, REFUSED)),
        register(v15, 3, "basic-pd-1", withFailover, UNREACHABLE));
    // Without a failure member the two count alike.
    DiscoveryService plain = new DiscoveryService(NS, TidbOperatorVersion.V1_0);
    register(plain, 1, "basic-pd-0", tc("9", 3), UNREACHABLE);
    register(plain, 2, "basic-pd-1", tc("9", 3), UNREACHABLE);
    assertEquals(List.of(new Respond(3, 200, initialCluster("basic-pd-2"))),
        register(plain, 3, "basic-pd-2", tc("9", 3), UNREACHABLE));
  }

  /**
   * v1.0.0 discovery.go joins with every member's {@code PeerUrls[0]} as PD lists it: the peer
   * port, and the caller's own member too (v1.1.0 #892 moved to the client port, v1.1.6/v1.2
   * #3365 left the caller out). The reset on a new resourceVersion and a members error leaving
   * the caller counted are the same in both.
   */
  @Test
  void v10JoinsThroughEveryMembersPeerUrlItsOwnIncluded() {
    DiscoveryService d = new DiscoveryService(NS, TidbOperatorVersion.V1_0);
    assertEquals(List.of(new Respond(1, 500, REFUSED)),
        register(d, 1, "basic-pd-0", tc("100", 3), UNREACHABLE));
    assertEquals(List.of("basic-pd-0"), peers(d));
    assertEquals(List.of(new Respond(2, 200, "--join=" + peerUrl("basic-pd-1") + ","
            + peerUrl("basic-pd-0") + "," + peerUrl("basic-pd-2"))),
        register(d, 2, "basic-pd-0", tc("101", 3),
            members("basic-pd-1", "basic-pd-0", "basic-pd-2")));
    assertEquals(new ClusterPeers("101", List.of()), d.clusters().get("ns/basic"));
  }

  /** v1.0.0 has no cluster TLS: http in --initial-cluster and in the members call. */
  @Test
  void v10IsPlainHttp() {
    DiscoveryService d = new DiscoveryService(NS, TidbOperatorVersion.V1_0);
    TidbClusterRead tls = new TidbClusterRead.Found(new TidbClusterView("1", 2, 0, true));
    d.onRequest(1, path("basic-pd-0"));
    assertEquals(List.of(new GetPdMembers(1, MEMBERS_URL, 5_000)), d.onTidbCluster(1, tls));
    d.onPdMembers(1, UNREACHABLE);
    d.onRequest(2, path("basic-pd-1"));
    assertEquals(List.of(new Respond(2, 200, initialCluster("basic-pd-1"))),
        d.onTidbCluster(2, tls));
  }

  /**
   * v1.0.0 server/mux.go has the one route {@code /new/{advertise-peer-url}}, and discovery.go
   * splits the whole URL on dots and wants exactly four parts.
   */
  @Test
  void v10RoutesAndParsesAsItsServerAndDiscoveryDo() {
    DiscoveryService v10 = new DiscoveryService(NS, TidbOperatorVersion.V1_0);
    DiscoveryService v15 = new DiscoveryService(NS);
    assertEquals(List.of(new Respond(1, 404, "404: Page Not Found")),
        v10.onRequest(1, path("basic-pd-0") + "/pd"));
    assertEquals(List.of(new ReadTidbCluster(1, NS, "basic")),
        v15.onRequest(1, path("basic-pd-0") + "/pd"));
    v15.onTidbCluster(1, tc("1", 1));
    String withDomain = "basic-pd-0.basic-pd-peer.ns.svc.cluster.local:2380\n";
    assertEquals(List.of(new Respond(2, 500, "advertisePeerUrl format is wrong: " + withDomain)),
        v10.onRequest(2, "/new/" + b64(withDomain)));
    assertEquals(List.of(new ReadTidbCluster(2, NS, "basic")),
        v15.onRequest(2, "/new/" + b64(withDomain)));
    // Four dot-separated parts, the fourth not "svc": v1.0 takes it, v1.5 does not.
    String notSvc = "basic-pd-0.basic-pd-peer.ns.local:2380\n";
    assertEquals(List.of(new ReadTidbCluster(3, NS, "basic")),
        v10.onRequest(3, "/new/" + b64(notSvc)));
    v15.onTidbCluster(2, tc("1", 1));
    assertEquals(List.of(new Respond(3, 500, "advertisePeerUrl format is wrong: " + notSvc)),
        v15.onRequest(3, "/new/" + b64(notSvc)));
  }

  @Test
  void theVersionComesFromTheClustersTiming() {
    assertEquals(TidbOperatorVersion.V1_5, TidbOperatorVersion.of(java.util.Map.of()));
    assertEquals(TidbOperatorVersion.V1_0,
        TidbOperatorVersion.of(java.util.Map.of("tidbOperatorVersion", "1.0")));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TidbOperatorVersion.of(java.util.Map.of("tidbOperatorVersion", "1.1")));
    assertEquals("tidbOperatorVersion must be one of [1.0, 1.5], got '1.1'", e.getMessage());
    assertEquals(TidbOperatorVersion.V1_0,
        new DiscoveryService(NS, TidbOperatorVersion.V1_0).version());
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }
}
