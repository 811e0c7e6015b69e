package io.pdlab.pd.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pdlab.pd.etcd.EtcdError;
import io.pdlab.pd.etcd.EtcdMessages.ClientOp;
import io.pdlab.pd.etcd.EtcdMessages.ClientResponse;
import io.pdlab.pd.etcd.EtcdTiming;
import io.pdlab.pd.etcd.Member;
import io.pdlab.pd.pod.PdHttpApi;
import io.pdlab.pd.pod.PdPod;
import io.pdlab.sim.Budget;
import io.pdlab.sim.process.Process;
import io.pdlab.sim.process.ProcessContext;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * PD's HTTP API is served by the PD leader: a follower proxies a call to the leader it knows, a
 * PD that knows no leader answers 503 "no leader", and a call proxied once to a PD that does not
 * lead is refused with "redirect to not leader" (tikv/pd v7.1.0
 * {@code pkg/utils/apiutil/serverapi/middleware.go}; issue 16, item 8). The model had let any
 * serving member answer.
 */
class PdApiRedirectorTest {
  /** A client of PD's HTTP API that keeps the answers by request id. */
  static final class Probe implements Process {
    private ProcessContext ctx;
    private long nextId = 1;
    final TreeMap<Long, ClientResponse> answers = new TreeMap<>();

    @Override
    public void onStart(ProcessContext ctx) {
      this.ctx = ctx;
    }

    long send(String pd, Object call, String redirectedBy) {
      long id = nextId++;
      ctx.send(pd, new PdHttpApi.Request(id, call, redirectedBy));
      return id;
    }

    @Override
    public void onMessage(ProcessContext ctx, String from, Object message) {
      if (message instanceof ClientResponse r) {
        answers.put(r.requestId(), r);
      }
    }

    @Override
    public void onTimer(ProcessContext ctx, Object tag) {}
  }

  private static PdPod pod(EtcdWorld w, String name) {
    return (PdPod) w.sim().instance(name);
  }

  @Test
  void onlyTheLeaderServesFollowersProxyAndNoLeaderIs503() {
    PdWorld pd = new PdWorld(3, Budget.of(20_000_000, 3_600_000_000L), true, "ns", "basic",
        EtcdTiming.PD_PROFILE);
    EtcdWorld w = pd.world();
    pd.createPdPods(3);
    Probe probe = new Probe();
    w.sim().addProcess("probe", n -> probe);
    w.sim().start("probe");
    w.startMeasuring();
    w.sim().start(pd.discoveryName());
    for (String n : w.expected()) {
      w.sim().start(n);
    }
    // The first PD's pd-server runs (its etcd started) and no PD leads yet.
    w.sim().run(() -> w.expected().stream().anyMatch(n -> pod(w, n) != null
        && pod(w, n).engine() != null) || w.sim().nowUs() > 120_000_000L);
    String first = w.expected().stream().filter(n -> pod(w, n) != null
        && pod(w, n).engine() != null).findFirst().orElseThrow();
    assertTrue(w.expected().stream().noneMatch(n -> pod(w, n) != null && pod(w, n)
        .isPdLeader()), "scenario: no PD leader yet");
    long early = probe.send(first, new ClientOp.MemberList(), null);
    w.sim().runFor(10_000);
    assertEquals(EtcdError.PD_NO_LEADER, probe.answers.get(early).error(),
        "a PD without a leader answers 503 'no leader', not its member list");

    w.runUntilBootstrapped();
    w.sim().runFor(2_000_000); // the followers' leader loops read the leader key
    String leader = w.expected().stream().filter(n -> pod(w, n).isPdLeader()).findFirst()
        .orElseThrow();
    String follower = w.expected().stream().filter(n -> !n.equals(leader)
        && pod(w, n).knownLeader() != null).findFirst().orElseThrow();
    assertEquals(leader, pod(w, follower).knownLeader());

    long members = probe.send(follower, new ClientOp.MemberList(), null);
    long leaderName = probe.send(follower, PdHttpApi.PdCall.GET_LEADER, null);
    long cluster = probe.send(follower, PdHttpApi.PdCall.GET_CLUSTER, null);
    long secondHop = probe.send(follower, new ClientOp.MemberList(), "basic-pd-x");
    w.sim().runFor(1_000_000);
    ClientResponse m = probe.answers.get(members);
    assertNotNull(m, "the follower relayed the leader's answer");
    assertNull(m.error());
    @SuppressWarnings("unchecked")
    List<Member> list = (List<Member>) m.value();
    assertEquals(3, list.size());
    assertEquals(leader, probe.answers.get(leaderName).value());
    assertEquals(pod(w, leader).pdClusterId(), probe.answers.get(cluster).value());
    assertEquals(EtcdError.PD_REDIRECT_TO_NOT_LEADER, probe.answers.get(secondHop).error(),
        "the redirector refuses a second hop");

    // The leader gone (its pod crashed): the follower's proxy fails and it forgets that leader.
    w.sim().crash(leader);
    long lost = probe.send(follower, new ClientOp.MemberList(), null);
    w.sim().runFor(10_000);
    assertEquals(EtcdError.PD_REDIRECT_FAILED, probe.answers.get(lost).error());
  }
}
