package io.pdlab.k8s.operator;

import io.pdlab.k8s.controllers.K8sWorld;
import io.pdlab.pd.etcd.EtcdError;
import io.pdlab.pd.etcd.EtcdMessages.ClientOp;
import io.pdlab.pd.etcd.EtcdMessages.ClientRequest;
import io.pdlab.pd.etcd.EtcdMessages.ClientResponse;
import io.pdlab.sim.process.Process;
import io.pdlab.sim.process.ProcessContext;
import java.util.List;

/**
 * The runtime-reconfiguration recipe a static cluster's chart upgrade is preceded by: {@code
 * etcdctl member add <name> --peer-urls=<url>} for each new member, one after another, then the
 * upgrade that scales the StatefulSet and re-renders its flags ({@link
 * Strategies#rerenderStatic}). Each add goes to the existing members in ordinal order (etcdctl's
 * {@code --endpoints}); one that refuses it, is not serving yet or does not answer within
 * etcdctl's command timeout passes it to the next. An error etcd answers (strict-reconfig-check's "unhealthy cluster", ...) fails that
 * {@code etcdctl} (exit 1): it is logged, and the upgrade goes on, as a script that does not
 * check it does.
 */
final class StaticMemberAdd implements Process {
  /** etcdctl's {@code --command-timeout} default (etcd v3.4.23 etcdctl/ctlv3/ctl.go). */
  static final long COMMAND_TIMEOUT_MS = 5_000;

  private record Timeout(long requestId) {}

  private final K8sWorld world;
  private final ClusterSpec spec;
  private final int from;
  private final int to;
  private final String state;
  private ProcessContext ctx;
  private int adding;
  private int endpoint;
  private long requestId;

  /**
   * @param from the StatefulSet's replicas before the upgrade (the members that serve etcdctl)
   * @param to the replicas after it
   * @param state the re-rendered {@code --initial-cluster-state}
   */
  StaticMemberAdd(K8sWorld world, ClusterSpec spec, int from, int to, String state) {
    this.world = world;
    this.spec = spec;
    this.from = from;
    this.to = to;
    this.state = state;
  }

  @Override
  public void onStart(ProcessContext ctx) {
    this.ctx = ctx;
    // A restart of this process starts over; it is never restarted by the model.
    requestId = ctx.requestIdBase();
    adding = from;
    endpoint = 0;
    next();
  }

  private void next() {
    if (adding >= to || from == 0) {
      ctx.log("etcdctl: adds done; upgrading the StatefulSet to " + to + " replicas, state "
          + state);
      Strategies.rerenderStatic(world, spec, to, state);
      ctx.exit("done");
      return;
    }
    if (endpoint >= from) {
      ctx.log("etcdctl: member add " + pod(adding) + " failed: context deadline exceeded");
      adding++;
      endpoint = 0;
      next();
      return;
    }
    requestId++;
    ctx.send(pod(endpoint), new ClientRequest(requestId, new ClientOp.MemberAdd(
        List.of(EtcdPods.peerUrl(spec, pod(adding))), false)));
    ctx.setTimer(COMMAND_TIMEOUT_MS * 1_000, new Timeout(requestId));
  }

  private String pod(int ordinal) {
    return spec.name() + "-" + ordinal;
  }

  @Override
  public void onMessage(ProcessContext ctx, String from, Object message) {
    this.ctx = ctx;
    if (!(message instanceof ClientResponse r) || r.requestId() != requestId) {
      return; // late
    }
    requestId++; // the timer of this request is void from now on
    if (r.ok()) {
      ctx.log("etcdctl: member add " + pod(adding) + " ok");
    } else if (r.error() == EtcdError.CONNECTION_REFUSED || r.error() == EtcdError.NOT_STARTED) {
      endpoint++;
      next();
      return;
    } else {
      ctx.log("etcdctl: member add " + pod(adding) + " failed: " + r.error());
    }
    adding++;
    endpoint = 0;
    next();
  }

  @Override
  public void onTimer(ProcessContext ctx, Object tag) {
    this.ctx = ctx;
    if (tag instanceof Timeout t && t.requestId() == requestId) {
      endpoint++;
      next();
    }
  }
}
