package io.pdlab.pd.etcd;

/**
 * A Raft invariant the model broke: a bug in the model, never an outcome of a run (what etcd
 * itself panics on is a {@link Raft.Panic}, and the member dies). {@link Raft} and
 * {@link RaftStorage} check their invariants after every step, always and deterministically, in
 * the spirit of TigerBeetle's simulator, and throw this with the member, the index and the state.
 * It is unchecked, so the simulation stops with the seed and the last trace records.
 */
public final class RaftAssertionFailure extends IllegalStateException {
  RaftAssertionFailure(long memberId, String what, String state) {
    super("raft assertion failed on member " + MemberIds.hex(memberId) + ": " + what + " ["
        + state + "]");
  }
}
