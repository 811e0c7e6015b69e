package io.pdlab.pd.etcd;

import java.util.List;

/** Raft's messages between members (etcd raft pb.Message types used by this model). */
public sealed interface RaftMessage {
  long term();

  /** MsgVote / MsgPreVote. A pre-vote carries the term the candidate would campaign in. */
  record VoteRequest(long term, long lastIndex, long lastTerm, boolean preVote)
      implements RaftMessage {
    @Override
    public String toString() {
      return (preVote ? "PreVote" : "Vote") + "(t" + term + " last=" + lastIndex + "@" + lastTerm
          + ")";
    }
  }

  /** MsgVoteResp / MsgPreVoteResp. */
  record VoteResponse(long term, boolean granted, boolean preVote) implements RaftMessage {
    @Override
    public String toString() {
      return (preVote ? "PreVoteResp" : "VoteResp") + "(t" + term + (granted ? " yes)" : " no)");
    }
  }

  /** MsgApp: entries after (prevIndex, prevTerm), and the leader's commit index. */
  record Append(long term, long prevIndex, long prevTerm, List<Entry> entries, long commit)
      implements RaftMessage {
    public Append {
      // Raft hands over a fresh slice it never touches again: wrap, do not copy (hot path).
      entries = java.util.Collections.unmodifiableList(entries);
    }

    @Override
    public String toString() {
      return "App(t" + term + " prev=" + prevIndex + "@" + prevTerm + " n=" + entries.size()
          + " commit=" + commit + ")";
    }
  }

  /**
   * MsgAppResp: success with the follower's match {@code index}, or a rejection of the append at
   * {@code index} (its prevIndex) with the follower's last index as {@code hint}.
   */
  record AppendResponse(long term, boolean reject, long index, long hint) implements RaftMessage {
    @Override
    public String toString() {
      return "AppResp(t" + term + (reject ? " reject " + index + " hint=" + hint : " match=" + index)
          + ")";
    }
  }

  /** MsgHeartbeat: carries commit = min(follower's match, leader's commit). */
  record Heartbeat(long term, long commit) implements RaftMessage {
    @Override
    public String toString() {
      return "HB(t" + term + " commit=" + commit + ")";
    }
  }

  /** MsgHeartbeatResp. */
  record HeartbeatResponse(long term) implements RaftMessage {
    @Override
    public String toString() {
      return "HBResp(t" + term + ")";
    }
  }

  /** MsgProp forwarded from a follower to the leader (term 0: not a term-bearing message). */
  record Propose(EntryData data) implements RaftMessage {
    @Override
    public long term() {
      return 0;
    }

    @Override
    public String toString() {
      return "Prop(" + data + ")";
    }
  }
}
