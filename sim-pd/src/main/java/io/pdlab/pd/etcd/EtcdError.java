package io.pdlab.pd.etcd;

/**
 * etcd's errors as a client sees them; {@link #message} is etcd's own text (etcdserver/errors.go,
 * membership/errors.go and their gRPC forms in api/v3rpc/rpctypes/error.go).
 */
public enum EtcdError {
  NOT_ENOUGH_STARTED_MEMBERS("etcdserver: re-configuration failed due to not enough started members"),
  UNHEALTHY("etcdserver: unhealthy cluster"),
  LEARNER_NOT_READY("etcdserver: can only promote a learner member which is in sync with leader"),
  TOO_MANY_LEARNERS("etcdserver: too many learner members in cluster"),
  PEER_URL_EXISTS("etcdserver: Peer URLs already exists"),
  MEMBER_EXISTS("etcdserver: member ID already exist"),
  MEMBER_NOT_FOUND("etcdserver: member not found"),
  MEMBER_NOT_LEARNER("etcdserver: can only promote a learner member"),
  MEMBER_REMOVED("membership: ID removed"),
  REQUEST_TIMED_OUT("etcdserver: request timed out"),
  NOT_STARTED("etcdserver: server not started yet"),
  CONNECTION_REFUSED("connection refused: member not serving"),
  /**
   * PD's HTTP API on a PD that knows no leader: 503 "no leader" (tikv/pd v7.1.0
   * {@code pkg/utils/apiutil/serverapi/middleware.go} redirector).
   */
  PD_NO_LEADER("no leader"),
  /**
   * PD's HTTP API proxied to a PD that is not the leader: 500, {@code ErrRedirectToNotLeader}
   * (tikv/pd v7.1.0 {@code pkg/utils/apiutil/apiutil.go}; the redirector refuses a second hop).
   */
  PD_REDIRECT_TO_NOT_LEADER("redirect to not leader"),
  /**
   * PD's HTTP API whose proxy to the leader got no answer: 500, {@code ErrRedirectFailed}
   * (tikv/pd v7.1.0 {@code apiutil.go} customReverseProxies).
   */
  PD_REDIRECT_FAILED("redirect failed"),
  /** A real etcd's error that none of the above names (the real backends log its text). */
  OTHER("etcd error not modelled by pdlab");

  private final String message;

  EtcdError(String message) {
    this.message = message;
  }

  public String message() {
    return message;
  }
}
