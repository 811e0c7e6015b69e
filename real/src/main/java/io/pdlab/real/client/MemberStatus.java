package io.pdlab.real.client;

import io.pdlab.pd.etcd.Member;
import io.pdlab.pd.etcd.MemberIds;
import io.pdlab.pd.run.MemberView;
import java.util.List;
import java.util.Objects;

/**
 * What one expected member answered to one status poll (its {@link MemberView}): its cluster and
 * member ID (response headers), the leader it follows and its term (maintenance status) and its
 * view of the membership (member list). A member that did not answer both calls in time is {@linkplain #down down}.
 *
 * @param name the expected member's name (the {@link MemberDirectory} key)
 * @param sampledUs when the answer arrived, on the measures' clock
 * @param answering whether both calls were answered
 * @param clusterId the cluster ID of the response headers (0 when down)
 * @param memberId the member's own ID (0 when down)
 * @param leaderId the leader the member knows (0: none)
 * @param raftTerm the member's Raft term
 * @param raftIndex the member's Raft index
 * @param members the member's membership view, real URLs (empty when down)
 * @param error why the member is down (null when answering)
 */
public record MemberStatus(String name, long sampledUs, boolean answering, long clusterId,
    long memberId, long leaderId, long raftTerm, long raftIndex, List<Member> members,
    String error) implements MemberView {
  public MemberStatus {
    Objects.requireNonNull(name, "name");
    members = List.copyOf(members);
  }

  /** An answering member. */
  public static MemberStatus up(String name, long sampledUs, long clusterId, long memberId,
      long leaderId, long raftTerm, long raftIndex, List<Member> members) {
    return new MemberStatus(name, sampledUs, true, clusterId, memberId, leaderId, raftTerm,
        raftIndex, members, null);
  }

  /** A member that did not answer. */
  public static MemberStatus down(String name, long sampledUs, String error) {
    return new MemberStatus(name, sampledUs, false, 0, 0, 0, 0, 0, List.of(), error);
  }

  /** This member's entry in its own view, or null. */
  public Member self() {
    for (Member m : members) {
      if (m.id() == memberId) {
        return m;
      }
    }
    return null;
  }

  @Override
  public String toString() {
    if (!answering) {
      return name + " down (" + error + ")";
    }
    return name + " " + MemberIds.hex(memberId) + " cluster=" + MemberIds.hex(clusterId)
        + " leader=" + MemberIds.hex(leaderId) + " term=" + raftTerm + " index=" + raftIndex
        + " members=" + members;
  }
}
