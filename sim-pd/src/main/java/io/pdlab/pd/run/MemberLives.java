package io.pdlab.pd.run;

import io.pdlab.pd.etcd.Entry;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Checks on each member's own durable Raft state, for {@link ClusterRecorder}: its term and commit
 * index never go back, and an entry it committed never changes. These hold across crashes and
 * restarts, because etcd keeps all three in its WAL (fsynced before it acts).
 *
 * <p>What "the member" is: the Raft state on one disk. A wipe ends it. The process that starts
 * on the wiped disk has the same name and, in etcd, usually the same member ID (it is derived
 * from the peer URLs and the token), but it remembers no term, vote, commit index or entry; for
 * Raft it is a new member that happens to reuse an ID. So each member name has lives, one per
 * disk between wipes, and the checks here compare a member only with earlier moments of the same
 * life. What a wipe costs the cluster (entries lost, a cluster ID formed again) is for the
 * cluster-wide checks to see. The world reports wipes ({@link #wiped}); a member that came back
 * with less state without one is a violation. Member names are the names of their processes, as
 * every world here gives them.
 */
final class MemberLives {
  private static final class Life {
    final int wipes;
    long term;
    long commit;
    /** Entries this member applied in this life: index i at i - 1 (applied from 1, in order). */
    final List<Entry> committed = new ArrayList<>();

    Life(int wipes) {
      this.wipes = wipes;
    }
  }

  private final TreeMap<String, Life> lives = new TreeMap<>();
  private final List<String> violations;

  /** @param violations where violations go (the recorder's pending reports) */
  MemberLives(List<String> violations) {
    this.violations = violations;
  }

  private Life life(String member) {
    Life l = lives.get(member);
    if (l == null) {
      l = new Life(0);
      lives.put(member, l);
    }
    return l;
  }

  /** The member's disk was wiped: its next start is a new life. */
  void wiped(String member) {
    Life before = lives.get(member);
    lives.put(member, new Life(before == null ? 1 : before.wipes + 1));
  }

  void term(String member, long term) {
    Life l = life(member);
    if (term < l.term) {
      violations.add("term of " + member + " went back from " + l.term + " to " + term
          + " although its disk was not wiped" + since(l));
    } else {
      l.term = term;
    }
  }

  void commit(String member, long commit) {
    Life l = life(member);
    if (commit < l.commit) {
      violations.add("commit index of " + member + " went back from " + l.commit + " to "
          + commit + " although its disk was not wiped" + since(l));
    } else {
      l.commit = commit;
    }
  }

  void applied(String member, Entry entry) {
    Life l = life(member);
    int i = (int) entry.index() - 1;
    if (i < l.committed.size()) {
      Entry before = l.committed.get(i);
      if (before != null && !before.equals(entry)) {
        violations.add("committed entry " + entry.index() + " of " + member + " changed"
            + " although its disk was not wiped" + since(l) + ": it applied " + entry
            + ", earlier " + before);
      }
      return;
    }
    if (i > l.committed.size()) {
      violations.add(member + " applied entry " + entry.index() + " before entry "
          + (l.committed.size() + 1) + " (Raft applies in log order from index 1)");
      while (l.committed.size() < i) {
        l.committed.add(null);
      }
    }
    l.committed.add(entry);
  }

  private static String since(Life l) {
    return l.wipes == 0 ? "" : " since its last wipe";
  }
}
