package io.pdlab.pd.etcd;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The cluster membership a member has applied (etcd's RaftCluster): members by ID, removed IDs, and
 * the readiness rules that strict-reconfig-check uses. Ordered by member ID everywhere.
 */
public final class Membership {
  private final TreeMap<Long, Member> members = new TreeMap<>(Long::compareUnsigned);
  private final TreeSet<Long> removed = new TreeSet<>(Long::compareUnsigned);
  private long idsChanged;
  /**
   * The members and removed IDs again as arrays, in the same order, rebuilt at every change: a
   * lookup by ID (several per message) scans a few longs instead of walking the tree with a boxed
   * key through an unsigned comparator.
   */
  private long[] ids = new long[0];
  private Member[] byIndex = new Member[0];
  private long[] removedIds = new long[0];

  public Membership copy() {
    Membership m = new Membership();
    m.members.putAll(members);
    m.removed.addAll(removed);
    m.reindex();
    return m;
  }

  private void reindex() {
    ids = new long[members.size()];
    byIndex = new Member[members.size()];
    int i = 0;
    for (Member m : members.values()) {
      ids[i] = m.id();
      byIndex[i++] = m;
    }
    removedIds = new long[removed.size()];
    i = 0;
    for (long id : removed) {
      removedIds[i++] = id;
    }
  }

  public SortedMap<Long, Member> members() {
    return Collections.unmodifiableSortedMap(members);
  }

  public Member get(long id) {
    long[] known = ids;
    for (int i = 0; i < known.length; i++) {
      if (known[i] == id) {
        return byIndex[i];
      }
    }
    return null;
  }

  public boolean contains(long id) {
    return get(id) != null;
  }

  public boolean isRemoved(long id) {
    long[] gone = removedIds;
    for (int i = 0; i < gone.length; i++) {
      if (gone[i] == id) {
        return true;
      }
    }
    return false;
  }

  public int size() {
    return members.size();
  }

  public List<Member> votingMembers() {
    List<Member> out = new ArrayList<>();
    for (Member m : members.values()) {
      if (!m.learner()) {
        out.add(m);
      }
    }
    return out;
  }

  public int learnerCount() {
    return members.size() - votingMembers().size();
  }

  public Member byPeerUrl(String url) {
    for (Member m : members.values()) {
      if (m.peerUrls().contains(url)) {
        return m;
      }
    }
    return null;
  }

  void add(Member m) {
    members.put(m.id(), m);
    idsChanged++;
    reindex();
  }

  void remove(long id) {
    members.remove(id);
    removed.add(id);
    idsChanged++;
    reindex();
  }

  /**
   * How many times the member IDs or the removed IDs changed: the same count means the same
   * IDs (for what is derived from them and kept).
   */
  long idsChanged() {
    return idsChanged;
  }

  void promote(long id) {
    Member m = members.get(id);
    if (m != null) {
      members.put(id, new Member(m.id(), m.name(), m.peerUrls(), m.clientUrls(), false));
      reindex();
    }
  }

  void publish(long id, String name, List<String> clientUrls) {
    Member m = members.get(id);
    if (m != null) {
      members.put(id, new Member(id, name, m.peerUrls(), clientUrls, m.learner()));
      reindex();
    }
  }

  /**
   * etcd IsReadyToAddVotingMember: counting the new member, started voters must reach the new
   * quorum; the 1-started-of-2 case is allowed explicitly (restoring a one-member cluster).
   */
  public boolean readyToAddVotingMember() {
    int nmembers = 1;
    int nstarted = 0;
    for (Member m : votingMembers()) {
      if (m.started()) {
        nstarted++;
      }
      nmembers++;
    }
    if (nstarted == 1 && nmembers == 2) {
      return true;
    }
    return nstarted >= nmembers / 2 + 1;
  }

  /** etcd IsReadyToRemoveVotingMember: the remaining started voters keep a quorum. */
  public boolean readyToRemoveVotingMember(long id) {
    int nmembers = 0;
    int nstarted = 0;
    for (Member m : votingMembers()) {
      if (m.id() == id) {
        continue;
      }
      if (m.started()) {
        nstarted++;
      }
      nmembers++;
    }
    return nstarted >= nmembers / 2 + 1;
  }

  /**
   * etcd IsReadyToPromoteMember: the learner counts in the new size and as started ("We count the
   * learner to be promoted for the future quorum / and we also count it as started", cluster.go).
   */
  public boolean readyToPromoteMember() {
    int nmembers = 1;
    int nstarted = 1;
    for (Member m : votingMembers()) {
      if (m.started()) {
        nstarted++;
      }
      nmembers++;
    }
    return nstarted >= nmembers / 2 + 1;
  }

  @Override
  public String toString() {
    return members.values().toString();
  }
}
