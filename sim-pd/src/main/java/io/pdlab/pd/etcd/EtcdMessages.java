package io.pdlab.pd.etcd;

import java.util.List;

/** Messages an etcd member exchanges with peers (rafthttp, /members) and clients (gRPC API). */
public final class EtcdMessages {
  private EtcdMessages() {}

  /** Raft traffic, stamped with the sender's cluster ID as rafthttp's X-Etcd-Cluster-ID header. */
  public record Peer(long clusterId, long from, RaftMessage msg) {
    @Override
    public String toString() {
      return msg.toString();
    }
  }

  /**
   * A rafthttp stream dial. {@code epoch} is the dialer's process incarnation: a dial with a newer
   * epoch means the peer restarted and its streams were re-established.
   */
  public record Dial(long clusterId, long from, int epoch) {
    @Override
    public String toString() {
      return "Dial(" + MemberIds.hex(from) + ")";
    }
  }

  /**
   * The answer to a dial: accepted, or refused with etcd's reason. {@code epoch} is the answering
   * process's incarnation (the dialer keeps it for a refusal that lasts as long as it does).
   */
  public record DialAck(long from, int epoch, boolean ok, String error) {
    @Override
    public String toString() {
      return ok ? "DialOk(" + MemberIds.hex(from) + ")" : "DialRefused(" + error + ")";
    }
  }

  /** rafthttp's link heartbeat, keeping an idle stream known alive. */
  public record LinkHeartbeat(long clusterId, long from) {
    @Override
    public String toString() {
      return "LinkHB";
    }
  }

  /**
   * GET /members on a peer URL, asked by a new member of a static bootstrap before it starts
   * (etcdserver isMemberBootstrapped): a new connection, so refused at once where nothing runs.
   */
  public record BootstrapCheck(int attempt) implements io.pdlab.sim.process.Refusable {}

  /** A serving peer's answer to {@link BootstrapCheck}: its cluster. */
  public record BootstrapCheckReply(int attempt, long clusterId, List<Member> members) {
    public BootstrapCheckReply {
      members = List.copyOf(members);
    }
  }

  /**
   * GET /members on a peer URL, asked by a member joining with state existing: a new HTTP
   * connection, refused at once where nothing listens.
   */
  public record MembersRequest(long requestId) implements io.pdlab.sim.process.Refusable {}

  /** The cluster a peer serves: its ID and members. */
  public record MembersReply(long requestId, long clusterId, List<Member> members) {
    public MembersReply {
      members = List.copyOf(members);
    }
  }

  /** A client request (etcd v3 API). */
  public record ClientRequest(long requestId, ClientOp op) {
    @Override
    public String toString() {
      return "Req#" + requestId + "(" + op + ")";
    }
  }

  /** A request the serving member forwards to the leader, to be answered by the leader. */
  public record Forwarded(String client, long requestId, ClientOp op) {}

  /**
   * The answer to a client request.
   *
   * @param error null on success
   * @param value the read value, the created flag, or the member list, depending on the op
   */
  public record ClientResponse(long requestId, EtcdError error, Object value) {
    public boolean ok() {
      return error == null;
    }

    @Override
    public String toString() {
      return "Resp#" + requestId + (error == null ? "(ok " + value + ")" : "(" + error + ")");
    }
  }

  /** The client operations the model serves. */
  public sealed interface ClientOp {
    /** Write; linearizable, acknowledged once committed and applied. */
    record Put(String key, String value) implements ClientOp {}

    /** Write only if absent (a txn on CreateRevision == 0); answers the value now stored. */
    record Create(String key, String value) implements ClientOp {}

    /** Linearizable read. */
    record Get(String key) implements ClientOp {}

    /** MemberList, served from the member's own view (not linearizable in etcd 3.4). */
    record MemberList() implements ClientOp {}

    record MemberAdd(List<String> peerUrls, boolean learner) implements ClientOp {
      public MemberAdd {
        peerUrls = List.copyOf(peerUrls);
      }

      @Override
      public String toString() {
        return "MemberAdd(" + String.join(",", peerUrls) + (learner ? " learner)" : ")");
      }
    }

    record MemberRemove(long memberId) implements ClientOp {
      @Override
      public String toString() {
        return "MemberRemove(" + MemberIds.hex(memberId) + ")";
      }
    }

    /**
     * Maintenance Status: the member answers from its own state, learners too (etcd 3.4
     * {@code maintenanceServer.Status}); what etcd-io/etcd-operator reads to judge a learner.
     */
    record Status() implements ClientOp {
      @Override
      public String toString() {
        return "Status()";
      }
    }

    record MemberPromote(long memberId) implements ClientOp {
      @Override
      public String toString() {
        return "MemberPromote(" + MemberIds.hex(memberId) + ")";
      }
    }
  }

  /**
   * The answer to {@link ClientOp.Status}, the fields of etcd's {@code StatusResponse} a client
   * judges members by.
   *
   * @param memberId {@code header.member_id}: the member that answered
   * @param leader {@code leader}: the leader it knows, 0 for none
   * @param revision {@code header.revision}: its key-value store's revision (1 when empty, one
   *     more per applied write)
   * @param learner {@code isLearner}
   */
  public record StatusResult(long memberId, long leader, long revision, boolean learner) {
    @Override
    public String toString() {
      return "Status(" + MemberIds.hex(memberId) + " leader=" + MemberIds.hex(leader) + " rev="
          + revision + (learner ? " learner)" : ")");
    }
  }

  /** The answer of a successful MemberAdd: the new member and the membership after the add. */
  public record AddResult(Member added, List<Member> members) {
    public AddResult {
      members = List.copyOf(members);
    }
  }
}
