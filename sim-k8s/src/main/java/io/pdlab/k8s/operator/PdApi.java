package io.pdlab.k8s.operator;

import io.pdlab.k8s.controllers.K8sWorld;
import io.pdlab.pd.etcd.EtcdMessages.ClientOp;
import io.pdlab.pd.pod.PdHttpApi;
import io.pdlab.pd.etcd.EtcdMessages.ClientResponse;
import io.pdlab.pd.etcd.Member;
import io.pdlab.sim.TimerHandle;
import io.pdlab.sim.process.ProcessContext;
import java.util.List;

/**
 * The operators' PD API client: both tidb-operators ask PD for its members through the
 * {@code <tc>-pd} Service (v1.5 {@code pkg/pdapi} for Status.PD.Synced; v2.0
 * {@code pkg/timanager/pd} for its PD client cache sync). One copy of the call, so the simulator
 * and the real backends see the same one: the call goes to the model's PD ({@code PdPod}), whose
 * API redirector ({@link PdHttpApi}) runs on every backend, the leader's handler asking its
 * embedded etcd (real on the real backends).
 * Only the timeout differs between the two operators, and each names its source.
 */
final class PdApi {
  private PdApi() {}

  /**
   * Sends a members call with id {@code requestId} to a PD behind the {@code <tc>-pd} Service
   * and arms {@code timeoutTag} after {@code timeoutMs}, returning that timer (to cancel once the
   * answer makes it moot); null (nothing sent) when the Service has no endpoint, which the
   * callers treat as a failed call.
   */
  static TimerHandle askMembers(ProcessContext ctx, K8sWorld world, String tcName, long requestId,
      long timeoutMs, Object timeoutTag) {
    return ask(ctx, world, tcName, requestId, new ClientOp.MemberList(), timeoutMs, timeoutTag);
  }

  /**
   * As {@link #askMembers}, for any call of PD's HTTP API ({@link PdHttpApi}: the PD the Service
   * picks serves it if it leads, else proxies it to the leader, or answers 503 "no leader").
   */
  static TimerHandle ask(ProcessContext ctx, K8sWorld world, String tcName, long requestId,
      Object call, long timeoutMs, Object timeoutTag) {
    String ep = world.serviceEndpoint(tcName + "-pd");
    if (ep == null) {
      return null;
    }
    ctx.send(ep, new PdHttpApi.Request(requestId, call));
    return ctx.setTimer(timeoutMs * 1_000, timeoutTag);
  }

  /** The members of a successful answer (empty for a failed one). */
  @SuppressWarnings("unchecked")
  static List<Member> members(ClientResponse r) {
    return r.ok() ? (List<Member>) r.value() : List.of();
  }
}
