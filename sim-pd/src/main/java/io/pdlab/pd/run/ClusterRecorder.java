package io.pdlab.pd.run;

import io.pdlab.pd.etcd.Entry;
import io.pdlab.pd.etcd.EntryData;
import io.pdlab.pd.etcd.EtcdObserver;
import io.pdlab.pd.etcd.Member;
import io.pdlab.pd.etcd.MemberIds;
import io.pdlab.pd.etcd.Membership;
import io.pdlab.pd.etcd.Raft;
import io.pdlab.sim.check.Invariant;
import io.pdlab.sim.trace.TraceRecord;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Records what the members of a run do (as their {@link EtcdObserver}) and checks the safety
 * properties as it goes: at most one leader per term in each cluster, committed entries that
 * never differ between members of one cluster, a leader's match index never beyond its own log,
 * and, per member, a term and commit index that never go back and committed entries that never
 * change until its disk is wiped ({@link MemberLives}, which says what a member is across
 * wipes). Also keeps what the measures need: cluster IDs formed, acknowledged writes, PD cluster
 * IDs, and a membership timeline.
 */
public final class ClusterRecorder implements EtcdObserver {
  /** A write a client was told succeeded. */
  public record Ack(long clusterId, String member, String key, String value, Entry entry,
      long timeUs) {
    public long index() {
      return entry == null ? -1 : entry.index();
    }
  }

  private final TreeMap<Long, TreeMap<Long, String>> leaders = new TreeMap<>();
  /** Each cluster's committed entries as first applied, by index (null where none was yet). */
  private final TreeMap<Long, ArrayList<Entry>> committed = new TreeMap<>();
  /** The cluster of the last entry applied, and its list in {@link #committed}. */
  private long lastClusterId;
  private ArrayList<Entry> lastLog;
  private final TreeMap<Long, Long> formedAtUs = new TreeMap<>();
  private final TreeMap<String, Long> clusterOf = new TreeMap<>();
  private final TreeMap<String, Long> memberIdOf = new TreeMap<>();
  private final List<Ack> acks = new ArrayList<>();
  private final TreeSet<Long> pdClusterIds = new TreeSet<>();
  /** Membership changes, formatted only when asked for (formatting here cost more than the run). */
  private record Change(long timeUs, long clusterId, String summary) {
    @Override
    public String toString() {
      return TraceRecord.formatTime(timeUs) + " " + MemberIds.hex(clusterId) + " " + summary;
    }
  }

  private final List<Change> timeline = new ArrayList<>();

  /**
   * One runtime join: the member was added to a cluster that had already formed, and later
   * published its name (started).
   *
   * @param waitUs from the previous member starting to this member's add (operator cadence,
   *     discovery registration, refused adds and restart back-off)
   * @param joinUs from the add to the member starting (pod start, fetching the cluster, catching
   *     up, publishing)
   */
  public record Join(String member, long addedUs, long startedUs, long waitUs, long joinUs) {
    public long totalUs() {
      return waitUs + joinUs;
    }
  }

  /** Per cluster, when each member ID first appeared and first appeared started. */
  private final TreeMap<Long, TreeMap<Long, Long>> addedUs = new TreeMap<>();
  private final TreeMap<Long, TreeMap<Long, Long>> startedUs = new TreeMap<>();
  private final TreeMap<Long, String> nameOf = new TreeMap<>();
  private final TreeMap<Long, String> lastSummary = new TreeMap<>();
  private final TreeMap<Long, Long> timelineIndex = new TreeMap<>();
  private final TreeMap<String, String> exits = new TreeMap<>();
  private final List<String> pending = new ArrayList<>();
  private final MemberLives lives = new MemberLives(pending);
  private Entry lastApplied;
  /**
   * Counts the observations that can change what a member reports (its cluster, role, leader and
   * member list), so the world's verdicts are re-evaluated only after one. A write's apply
   * changes none of them and is not counted: most applies are writes.
   */
  private long changes;

  @Override
  public void onCluster(String member, long memberId, long clusterId, long nowUs) {
    changes++;
    clusterOf.put(member, clusterId);
    memberIdOf.put(member, memberId);
  }

  @Override
  public void onRole(String member, long clusterId, Raft.Role role, long term, long nowUs) {
    changes++;
    lives.term(member, term);
    if (role != Raft.Role.LEADER) {
      return;
    }
    formedAtUs.putIfAbsent(clusterId, nowUs);
    TreeMap<Long, String> byTerm = leaders.computeIfAbsent(clusterId, k -> new TreeMap<>());
    String before = byTerm.putIfAbsent(term, member);
    if (before != null && !before.equals(member)) {
      pending.add("two leaders in term " + term + " of cluster " + MemberIds.hex(clusterId) + ": "
          + before + " and " + member);
    }
  }

  @Override
  public void onApply(String member, long clusterId, Entry entry, long nowUs) {
    if (entry.data() instanceof EntryData.ConfChange || entry.data() instanceof EntryData.Publish) {
      changes++; // the member list changes
    }
    if (lastLog == null || lastClusterId != clusterId) {
      lastLog = committed.computeIfAbsent(clusterId, k -> new ArrayList<>());
      lastClusterId = clusterId;
    }
    Entry first = putIfAbsent(lastLog, entry);
    if (first != null && first != entry && !first.equals(entry)) {
      String other = first.toString();
      if (other.equals(entry.toString())) {
        // The same operation proposed twice (a proposal's origin and ID are not printed), as by
        // a member that lost its disk and proposed it again in the term it had forgotten.
        other += " proposed separately";
      }
      pending.add("committed entry " + entry.index() + " of cluster " + MemberIds.hex(clusterId)
          + " diverged: " + member + " applied " + entry + ", another member applied " + other);
    }
    lives.applied(member, entry);
    lastApplied = entry;
  }

  @Override
  public void onCommit(String member, long clusterId, long commit, long nowUs) {
    lives.commit(member, commit);
  }

  /**
   * A leader's match index for a follower is beyond its own last index. The follower answered an
   * append below its commit index with that commit index (etcd handleAppendEntries), so it holds
   * committed entries the leader's log has not: by Leader Completeness that only happens when a
   * log lost committed entries (a wiped quorum formed the same cluster ID again). etcd does not
   * stop it: the follower's log and the leader's are then taken to match where they do not.
   */
  @Override
  public void onMatch(String member, long clusterId, long followerId, long match, long lastIndex,
      long nowUs) {
    if (match > lastIndex) {
      pending.add("leader " + member + " of cluster " + MemberIds.hex(clusterId)
          + " recorded match index " + match + " for " + nameOfMember(followerId)
          + " beyond its last index " + lastIndex + ": that member committed entries this"
          + " leader's log does not have");
    }
  }

  /** The member's disk was wiped (told by the world): its Raft state starts over. */
  public void onWiped(String member) {
    lives.wiped(member);
  }

  private String nameOfMember(long memberId) {
    for (Map.Entry<String, Long> e : memberIdOf.entrySet()) {
      if (e.getValue() == memberId) {
        return e.getKey();
      }
    }
    return MemberIds.hex(memberId);
  }

  /**
   * Keeps a timeline line when the membership changes at an index no member of the cluster had
   * applied before (replays and followers catching up repeat history and are skipped).
   */
  @Override
  public void onMembership(String member, long clusterId, Membership membership, long nowUs) {
    TreeMap<Long, Long> added = addedUs.computeIfAbsent(clusterId, k -> new TreeMap<>());
    TreeMap<Long, Long> started = startedUs.computeIfAbsent(clusterId, k -> new TreeMap<>());
    for (Member m : membership.members().values()) {
      added.putIfAbsent(m.id(), nowUs);
      if (m.started()) {
        started.putIfAbsent(m.id(), nowUs);
        nameOf.putIfAbsent(m.id(), m.name());
      }
    }
    long index = lastApplied == null ? 0 : lastApplied.index();
    if (index <= timelineIndex.getOrDefault(clusterId, -1L)) {
      return;
    }
    timelineIndex.put(clusterId, index);
    String summary = summarize(membership);
    if (!summary.equals(lastSummary.get(clusterId))) {
      lastSummary.put(clusterId, summary);
      timeline.add(new Change(nowUs, clusterId, summary));
    }
  }

  /** A stable one-line view: each member's name (or id), role and whether it started. */
  static String summarize(Membership m) {
    List<String> parts = new ArrayList<>();
    for (Member mem : m.members().values()) {
      String who = mem.started() ? mem.name() : MemberIds.hex(mem.id()) + "(unstarted)";
      parts.add(who + (mem.learner() ? ":learner" : ""));
    }
    return "[" + String.join(" ", parts) + "]";
  }

  @Override
  public void onWriteAcked(String member, long clusterId, String key, String value, long nowUs) {
    acks.add(new Ack(clusterId, member, key, value, lastApplied, nowUs));
  }

  @Override
  public void onExit(String member, String reason, long nowUs) {
    exits.put(member, reason);
  }

  /** PD wrote a cluster ID (the ID TiKV would persist). */
  public void onPdClusterId(long pdClusterId) {
    changes++;
    pdClusterIds.add(pdClusterId);
  }

  // ------------------------------------------------------------------ views

  /** Grows with every observation a member's report depends on (a cheap "did it change" check). */
  public long changes() {
    return changes;
  }

  /**
   * The runtime joins of every cluster, in the order members started: members added after the
   * cluster first had a leader (a static bootstrap has none).
   */
  public List<Join> joins() {
    return joins(formedAtUs, addedUs, startedUs, nameOf);
  }

  /**
   * The runtime joins from observations (shared with the real backends' outside observer): per
   * cluster, when it first had a leader, when each member was added and first started, and its
   * name; a join waits for the add from the previous member's start, then joins from the add.
   */
  public static List<Join> joins(Map<Long, Long> formedAtUs,
      Map<Long, ? extends Map<Long, Long>> addedUs, Map<Long, ? extends Map<Long, Long>> startedUs,
      Map<Long, String> nameOf) {
    List<Join> out = new ArrayList<>();
    for (var c : startedUs.entrySet()) {
      Long formed = formedAtUs.get(c.getKey());
      if (formed == null) {
        continue;
      }
      List<Map.Entry<Long, Long>> byStart = new ArrayList<>(c.getValue().entrySet());
      byStart.sort(Map.Entry.comparingByValue());
      long previousStartedUs = -1;
      for (Map.Entry<Long, Long> e : byStart) {
        long added = addedUs.get(c.getKey()).get(e.getKey());
        if (added > formed && previousStartedUs >= 0) {
          long wait = Math.max(0, added - previousStartedUs);
          out.add(new Join(nameOf.get(e.getKey()), added, e.getValue(), wait,
              e.getValue() - Math.max(added, previousStartedUs)));
        }
        previousStartedUs = Math.max(previousStartedUs, e.getValue());
      }
    }
    return out;
  }

  /** The first member elected leader in {@code clusterId}, or null if none was. */
  public String firstLeader(long clusterId) {
    TreeMap<Long, String> byTerm = leaders.get(clusterId);
    return byTerm == null ? null : byTerm.firstEntry().getValue();
  }

  /** Clusters in which a leader was elected, with the time of their first leader. */
  public Map<Long, Long> formedAtUs() {
    return Collections.unmodifiableMap(formedAtUs);
  }

  public SortedSet<Long> pdClusterIds() {
    return Collections.unmodifiableSortedSet(pdClusterIds);
  }

  public Map<String, Long> clusterOf() {
    return Collections.unmodifiableMap(clusterOf);
  }

  public List<Ack> acks() {
    return Collections.unmodifiableList(acks);
  }

  public List<String> timeline() {
    List<String> out = new ArrayList<>(timeline.size());
    for (Change c : timeline) {
      out.add(c.toString());
    }
    return out;
  }

  public Map<String, String> exits() {
    return Collections.unmodifiableMap(exits);
  }

  /** The committed entry at {@code index} of a cluster, as first applied, or null. */
  public Entry committedEntry(long clusterId, long index) {
    ArrayList<Entry> log = committed.get(clusterId);
    return log == null || index < 0 || index >= log.size() ? null : log.get((int) index);
  }

  /** Keeps {@code e} at its index unless an entry is there; returns that entry, or null. */
  private static Entry putIfAbsent(ArrayList<Entry> log, Entry e) {
    if (e.index() > Integer.MAX_VALUE - 1) {
      throw new IllegalStateException("log index " + e.index() + " beyond the recorder's range");
    }
    int i = (int) e.index();
    while (log.size() <= i) {
      log.add(null);
    }
    Entry first = log.get(i);
    if (first == null) {
      log.set(i, e);
    }
    return first;
  }

  /**
   * Checks one leader per term, no divergence, no match index beyond a leader's log, and each
   * member's durable state; reported at the record that revealed it.
   */
  public Invariant safety() {
    return new Invariant() {
      @Override
      public String name() {
        return "raft-safety";
      }

      @Override
      public String onRecord(TraceRecord record) {
        if (pending.isEmpty()) {
          return null;
        }
        String msg = String.join("; ", pending);
        pending.clear();
        return msg;
      }

      @Override
      public String atEnd(long nowUs) {
        return onRecord(null);
      }
    };
  }

  /**
   * Checks at the end that at most one etcd cluster formed (a leader was elected) and at most one
   * PD cluster ID was written: for runs in which a split brain would be a bug.
   */
  public Invariant singleCluster() {
    return new Invariant() {
      @Override
      public String name() {
        return "single-cluster";
      }

      @Override
      public String atEnd(long nowUs) {
        if (formedAtUs.size() > 1) {
          List<String> ids = new ArrayList<>();
          formedAtUs.keySet().forEach(id -> ids.add(MemberIds.hex(id)));
          return "split brain: " + ids.size() + " clusters formed " + ids;
        }
        if (pdClusterIds.size() > 1) {
          return "split brain: " + pdClusterIds.size() + " PD cluster IDs written "
              + pdClusterIds;
        }
        return null;
      }
    };
  }
}
