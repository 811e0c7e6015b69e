package io.pdlab.pd.etcd;

import java.util.ArrayList;
import java.util.List;
import java.util.NavigableSet;
import java.util.TreeSet;

/**
 * Raft's durable state: the hard state (term, vote, commit) and the log. It lives on the member's
 * {@link io.pdlab.sim.process.Disk} and every change to it is durable at once, as etcd fsyncs its
 * WAL before acting; a crash keeps it, a wipe loses it. Also records the member's identity, which
 * etcd keeps in the WAL metadata.
 */
public final class RaftStorage {
  final long memberId;
  final long clusterId;
  long term;
  long vote;
  long commit;
  final List<Entry> entries = new ArrayList<>();
  private final TreeSet<Long> confIndexes = new TreeSet<>();

  public RaftStorage(long memberId, long clusterId) {
    this.memberId = memberId;
    this.clusterId = clusterId;
  }

  public long memberId() {
    return memberId;
  }

  public long clusterId() {
    return clusterId;
  }

  public long term() {
    return term;
  }

  public long commit() {
    return commit;
  }

  public long lastIndex() {
    return entries.size();
  }

  public long lastTerm() {
    return entries.isEmpty() ? 0 : entries.get(entries.size() - 1).term();
  }

  /** Term of the entry at {@code index}; 0 for index 0; -1 when the log has no such entry. */
  public long termAt(long index) {
    if (index == 0) {
      return 0;
    }
    if (index > entries.size()) {
      return -1;
    }
    return entries.get((int) index - 1).term();
  }

  public Entry entry(long index) {
    return entries.get((int) index - 1);
  }

  /** Entries in (from, to], copied. */
  public List<Entry> slice(long fromExclusive, long toInclusive) {
    return new ArrayList<>(entries.subList((int) fromExclusive, (int) toInclusive));
  }

  void append(Entry e) {
    if (e.index() != lastIndex() + 1 || e.term() < lastTerm()) {
      throw new RaftAssertionFailure(memberId, "appending " + e + " after " + lastIndex() + "@"
          + lastTerm() + " (indexes must follow, terms never go down along the log)",
          toString());
    }
    if (e.data() instanceof EntryData.ConfChange) {
      confIndexes.add(e.index());
    }
    entries.add(e);
  }

  void truncateAfter(long index) {
    // etcd raftLog.append panics "after(%d) is out of range [committed(%d)]" (raft/log.go,
    // v3.4.23); no message reaches it there or here, so it is the model's assertion.
    if (index < commit) {
      throw new RaftAssertionFailure(memberId, "truncating the log after " + index
          + ", below the commit index " + commit, toString());
    }
    while (entries.size() > index) {
      entries.remove(entries.size() - 1);
    }
    confIndexes.tailSet(index, false).clear();
  }

  /** Indexes of the configuration changes in the log (for the leader's one-at-a-time check). */
  NavigableSet<Long> confIndexes() {
    return confIndexes;
  }

  @Override
  public String toString() {
    return "wal(term=" + term + " vote=" + MemberIds.hex(vote) + " commit=" + commit + " last="
        + lastIndex() + ")";
  }
}
