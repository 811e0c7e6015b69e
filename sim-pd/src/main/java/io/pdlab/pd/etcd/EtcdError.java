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
