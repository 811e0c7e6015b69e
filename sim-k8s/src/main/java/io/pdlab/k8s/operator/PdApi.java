package io.pdlab.k8s.operator;

import io.pdlab.k8s.controllers.K8sWorld;
import io.pdlab.pd.etcd.EtcdMessages.ClientOp;
import io.pdlab.pd.etcd.EtcdMessages.ClientRequest;
import io.pdlab.pd.etcd.EtcdMessages.ClientResponse;
import io.pdlab.pd.etcd.Member;
import io.pdlab.sim.process.ProcessContext;
import java.util.List;

/**
 * The operators' PD API client: both tidb-operators ask PD for its members through the
 * {@code <tc>-pd} Service (v1.5 {@code pkg/pdapi} for Status.PD.Synced; v2.0
 * {@code pkg/timanager/pd} for its PD client cache sync). One copy of the call, so the simulator
 * and the real backends (which translate the request into an etcd/PD API call) see the same one.
 * Only the timeout differs between the two operators, and each names its source.
 */
final class PdApi {
  private PdApi() {}

  /**
   * Sends a members call with id {@code requestId} to a PD behind the {@code <tc>-pd} Service
   * and arms {@code timeoutTag} after {@code timeoutMs}; false (nothing sent) when the Service
   * has no endpoint, which the callers treat as a failed call.
   */
  static boolean askMembers(ProcessContext ctx, K8sWorld world, String tcName, long requestId,
      long timeoutMs, Object timeoutTag) {
    String ep = world.serviceEndpoint(tcName + "-pd");
    if (ep == null) {
      return false;
    }
    ctx.send(ep, new ClientRequest(requestId, new ClientOp.MemberList()));
    ctx.setTimer(timeoutMs * 1_000, timeoutTag);
    return true;
  }

  /** The members of a successful answer (empty for a failed one). */
  @SuppressWarnings("unchecked")
  static List<Member> members(ClientResponse r) {
    return r.ok() ? (List<Member>) r.value() : List.of();
  }
}
