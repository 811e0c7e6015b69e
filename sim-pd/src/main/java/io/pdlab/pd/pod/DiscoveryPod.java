package io.pdlab.pd.pod;

import io.pdlab.pd.etcd.EtcdMessages.ClientOp;
import io.pdlab.pd.etcd.EtcdMessages.ClientResponse;
import io.pdlab.pd.etcd.Member;
import io.pdlab.pd.tidb.DiscoveryAction;
import io.pdlab.pd.tidb.DiscoveryService;
import io.pdlab.pd.tidb.PdMember;
import io.pdlab.pd.tidb.PdMembersResult;
import io.pdlab.pd.tidb.TidbOperatorVersion;
import io.pdlab.sim.process.Process;
import io.pdlab.sim.process.ProcessContext;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * The tidb-operator discovery pod: serves {@code GET /new/...} with a {@link DiscoveryService}
 * (state in memory only: a restart forgets the counted peers), reads the TidbCluster through the
 * {@link PodEnv} and asks PD's members API through the {@code <tc>-pd} Service (PD's HTTP API,
 * answered by the PD leader: {@link PdHttpApi}).
 */
public final class DiscoveryPod implements Process {
  private record MembersTimeout(long requestId) {}

  private record Caller(String endpoint, long httpId) {}

  /** A members call in flight: the discovery request it serves, and its timeout. */
  private record MembersCall(long requestId, io.pdlab.sim.TimerHandle timeout) {}

  private final PodEnv env;
  private final DiscoveryService service;
  private final TreeMap<Long, Caller> callers = new TreeMap<>();
  private final TreeMap<Long, MembersCall> membersCalls = new TreeMap<>();
  private long nextId;
  private ProcessContext ctx;

  public DiscoveryPod(String namespace, PodEnv env) {
    this(namespace, env, TidbOperatorVersion.V1_5);
  }

  /** The discovery pod of tidb-operator {@code version} ({@link DiscoveryService}'s rules). */
  public DiscoveryPod(String namespace, PodEnv env, TidbOperatorVersion version) {
    this(namespace, env, version, true);
  }

  /**
   * @param countPeers false only for a test's mutant ({@code timing.mutant:
   *     discovery-without-count}): see {@link DiscoveryService#DiscoveryService(String, int,
   *     TidbOperatorVersion, boolean)}
   */
  public DiscoveryPod(String namespace, PodEnv env, TidbOperatorVersion version,
      boolean countPeers) {
    this.env = env;
    this.service = new DiscoveryService(namespace, DiscoveryService.DEFAULT_MAX_QUEUED_REQUESTS,
        version, countPeers);
  }

  public DiscoveryService service() {
    return service;
  }

  @Override
  public void onStart(ProcessContext ctx) {
    this.ctx = ctx;
    nextId = ctx.requestIdBase() + 1;
  }

  @Override
  public void onMessage(ProcessContext ctx, String from, Object message) {
    this.ctx = ctx;
    if (message instanceof Http.Request r) {
      long id = nextId++;
      callers.put(id, new Caller(from, r.id()));
      carryOut(service.onRequest(id, Http.path(r.url())));
    } else if (message instanceof ClientResponse r) {
      MembersCall call = membersCalls.remove(r.requestId());
      if (call == null) {
        return; // timed out already
      }
      call.timeout().cancel(); // the request's only members call is answered
      long requestId = call.requestId();
      PdMembersResult result;
      if (r.error() != null) {
        result = new PdMembersResult.Failed(r.error().message());
      } else {
        List<PdMember> members = new ArrayList<>();
        @SuppressWarnings("unchecked")
        List<Member> list = (List<Member>) r.value();
        for (Member m : list) {
          members.add(new PdMember(m.name(), m.peerUrls()));
        }
        result = new PdMembersResult.Members(members);
      }
      carryOut(service.onPdMembers(requestId, result));
    }
  }

  @Override
  public void onTimer(ProcessContext ctx, Object tag) {
    this.ctx = ctx;
    if (tag instanceof MembersTimeout t) {
      for (var e : new ArrayList<>(membersCalls.entrySet())) {
        if (e.getValue().requestId() == t.requestId()) {
          membersCalls.remove(e.getKey());
          carryOut(service.onPdMembers(t.requestId(),
              new PdMembersResult.Failed("context deadline exceeded")));
        }
      }
    }
  }

  private void carryOut(List<DiscoveryAction> first) {
    ArrayDeque<DiscoveryAction> work = new ArrayDeque<>(first);
    while (!work.isEmpty()) {
      DiscoveryAction a = work.poll();
      if (a instanceof DiscoveryAction.ReadTidbCluster r) {
        work.addAll(service.onTidbCluster(r.requestId(),
            env.readTidbCluster(r.namespace(), r.name())));
      } else if (a instanceof DiscoveryAction.GetPdMembers g) {
        String service = Http.host(g.url()).split("\\.")[0];
        String ep = env.serviceEndpoint(service);
        if (ep == null) {
          work.addAll(this.service.onPdMembers(g.requestId(), new PdMembersResult.Failed(
              "dial tcp " + Http.host(g.url()) + ": connect: connection refused")));
        } else {
          long call = nextId++;
          // GET /pd/api/v1/members: PD's HTTP API, served by the PD leader ({@link PdHttpApi});
          // an error (503 "no leader" included) is the member call's error: discovery answers
          // 500 and the caller stays counted (tidb-operator v1.5.1 discovery.go Discover).
          ctx.send(ep, new PdHttpApi.Request(call, new ClientOp.MemberList()));
          membersCalls.put(call, new MembersCall(g.requestId(),
              ctx.setTimer(g.timeoutMs() * 1_000, new MembersTimeout(g.requestId()))));
        }
      } else if (a instanceof DiscoveryAction.Respond r) {
        Caller c = callers.remove(r.requestId());
        ctx.log("discovery: " + r.status() + " " + r.body().strip());
        ctx.send(c.endpoint(), new Http.Response(c.httpId(), r.status(), r.body()));
      }
    }
  }
}
