package io.pdlab.pd.run;

import io.pdlab.pd.etcd.Member;
import java.util.List;

/**
 * What one member reports about itself at one moment, as any backend can see it: the simulator
 * reads it off its model, the real backends off a member's status and member-list answers. The
 * {@link ClusterClassifier} judges a cluster from these views alone, so every backend is measured
 * by the same rules.
 */
public interface MemberView {
  /** The expected member's name (a pod or process name). */
  String name();

  /** Whether the member answered (is up and part of a cluster); the rest is 0/empty if not. */
  boolean answering();

  /** Its cluster ID. */
  long clusterId();

  /** Its own member ID. */
  long memberId();

  /** The member it follows as leader (itself when leader; 0: none known). */
  long leaderId();

  /** Its Raft term. */
  long raftTerm();

  /** Its Raft index (the last entry it has). */
  long raftIndex();

  /** Its view of the membership: every member with its name, URLs and learner flag. */
  List<Member> members();

  /** Whether the member says it is the leader. */
  default boolean isLeader() {
    return answering() && leaderId() != 0 && leaderId() == memberId();
  }

  /** A view as plain values. */
  record Of(String name, boolean answering, long clusterId, long memberId, long leaderId,
      long raftTerm, long raftIndex, List<Member> members) implements MemberView {
    public Of {
      members = List.copyOf(members);
    }

    /** An answering member. */
    public static Of up(String name, long clusterId, long memberId, long leaderId, long raftTerm,
        long raftIndex, List<Member> members) {
      return new Of(name, true, clusterId, memberId, leaderId, raftTerm, raftIndex, members);
    }

    /** A member that does not answer. */
    public static Of down(String name) {
      return new Of(name, false, 0, 0, 0, 0, 0, List.of());
    }
  }
}
