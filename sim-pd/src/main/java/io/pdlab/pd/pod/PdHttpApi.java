package io.pdlab.pd.pod;

import io.pdlab.pd.etcd.EtcdMessages.ClientOp;

/**
 * PD's HTTP API ({@code /pd/api/v1/...} on the client port), as tidb-operator's PD client
 * ({@code pkg/pdapi}) and its discovery call it. Every path under {@code /pd} goes through PD's
 * redirector (tikv/pd v7.1.0 {@code server/api/server.go} NewHandler wraps
 * {@code router.PathPrefix("/pd")} in {@code serverapi.NewRedirector}; the deprecated root
 * {@code /health} and {@code /ping} of {@code router.go} sit under the same prefix): only the PD
 * leader serves a call, a follower proxies it to the leader it knows, and with no leader known it
 * answers 503 "no leader" ({@code pkg/utils/apiutil/serverapi/middleware.go} redirector). No call
 * of tidb-operator v1.5.1 sets {@code PD-Allow-follower-handle}, so none bypasses it. The answer
 * is a {@link io.pdlab.pd.etcd.EtcdMessages.ClientResponse} to {@link Request#requestId}. A call
 * opens an HTTP connection: one to a PD that is down is refused at once.
 */
public final class PdHttpApi {
  private PdHttpApi() {}

  /**
   * A call: {@code call} is an etcd {@link ClientOp} that the leader's handler carries out on its
   * embedded etcd ({@code /members}, {@code /health}'s member list, {@code /ping} (answered with
   * the member list), {@code DELETE /members/id/{id}}), or a {@link PdCall} that PD answers from
   * its own state.
   *
   * @param redirectedBy the {@code PD-Redirector} header: the name of the PD that proxied the
   *     call, null when it came from the client
   */
  public record Request(long requestId, Object call, String redirectedBy)
      implements io.pdlab.sim.process.Refusable {
    public Request {
      if (!(call instanceof ClientOp) && !(call instanceof PdCall)) {
        throw new IllegalArgumentException("a PD API call is a ClientOp or a PdCall, got "
            + call);
      }
    }

    public Request(long requestId, Object call) {
      this(requestId, call, null);
    }

    @Override
    public String toString() {
      return "PD-API#" + requestId + "(" + call + (redirectedBy == null ? ""
          : " via " + redirectedBy) + ")";
    }
  }

  /** The calls PD answers from its own state. */
  public enum PdCall {
    /**
     * {@code GET /pd/api/v1/cluster} (tikv/pd v7.1.0 {@code server/api/cluster.go}): the cluster
     * meta; answered with the PD cluster ID (a {@code Long}).
     */
    GET_CLUSTER,
    /**
     * {@code GET /pd/api/v1/leader} (tikv/pd v7.1.0 {@code server/api/member.go} GetLeader):
     * answered with the leader's name (a {@code String}).
     */
    GET_LEADER
  }
}
