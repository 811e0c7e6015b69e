package io.pdlab.pd.run;

import io.pdlab.pd.etcd.Member;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The one place where a run's health, bootstrap time, zero-tolerance time, cluster IDs and outcome
 * are decided (protocols.md section 4), from {@link MemberView}s that every backend fills in: the
 * simulator from its model at every change, the real backends from status polls. Pure: no I/O, no
 * clock, no threads; the caller passes every time (microseconds on its own clock).
 *
 * <h2>Rules</h2>
 * <ul>
 *   <li><b>formed</b>: a cluster ID formed when a member of it first reported a leader
 *       ({@link #observe}), or when the driver saw a leader elected there ({@link #formed}; the
 *       simulator sees every election, a poller only what its polls catch). The cluster IDs of a
 *       run are those that formed.
 *   <li><b>serving leader</b> ({@link Health}): an answering expected member that reports itself
 *       leader; its voters are the non-learners of its member list and
 *       {@code quorum = voters / 2 + 1}; a voter is <i>connected</i> if it is the leader or an
 *       answering expected member of the same cluster with that member ID that follows this
 *       leader, and <i>healthy</i> if connected and {@linkplain #published started}. A leader
 *       serves if its connected voters reach quorum; of several, the one with the most healthy
 *       voters counts (the first of equals, in the order of the expected names).
 *   <li><b>tolerant</b>: serving with at least {@code quorum + 1} healthy voters: one more failure
 *       would not stop it.
 *   <li><b>bootstrapped now</b>: exactly one cluster ever formed; at least {@code desiredSize}
 *       members expected; a serving leader whose list has as many voters as members are
 *       expected, no learners, and all of them healthy; every expected member answering, in the
 *       leader's cluster, with a distinct member ID among the leader's voters; and, when
 *       {@code requirePdClusterId}, a PD cluster ID written in that cluster. The <b>bootstrap
 *       time</b> is the first observation at which this held. With a {@code desiredSize}, it
 *       stays: members added later (a scale-out, a failover member) do not move it (issue 16: a
 *       failover member added at 450 s moved one run's bootstrap from 29.6 s to 473.6 s);
 *       whether the grown cluster is whole at the end is its outcome (DEGRADED). Without one
 *       (0: the target is whatever is expected), a name never expected before goes on moving it
 *       (bootstrap means all of them); a name that leaves and comes back (a restarting member)
 *       does not.
 *   <li><b>unavailable / zero tolerance</b>: once the cluster first served (an observation
 *       found a serving leader), the driver accounts spans of time ({@link #account}) as
 *       available or not (the simulator: a serving leader; the real backends: acknowledged probe
 *       writes). A span counts as unavailable if it was not available, and toward zero tolerance
 *       if it was unavailable or not tolerant. Counting from the first serving rather than the
 *       first election leaves out the round trip in which a new cluster's followers learn their
 *       leader (they voted for it, so it can commit, but they do not name it yet): measured to
 *       the event, that round trip was 0.5 ms of "unavailability" in every healthy bootstrap.
 *   <li><b>outcome</b>: DATA_LOSS if an acknowledged write was lost, else SPLIT_BRAIN if more than
 *       one cluster ID formed or more than one PD cluster ID was written, else STUCK if the last
 *       observation had no serving leader, else DEGRADED if it was not bootstrapped, else OK.
 * </ul>
 */
public final class ClusterClassifier {
  /**
   * What the serving leader (if any) can count on at one observation.
   *
   * @param serving a leader has a quorum of connected voters
   * @param clusterId the leader's cluster (0: no leader)
   * @param leaderId the leader's member ID (0: no leader)
   * @param leaderName the expected name of the leader (null: no leader)
   * @param voters voters in the leader's member list
   * @param quorum {@code voters / 2 + 1}
   * @param connected voters answering and following this leader (the leader included)
   * @param healthy connected voters that are started
   * @param learners learners in the leader's member list
   */
  public record Health(boolean serving, long clusterId, long leaderId, String leaderName,
      int voters, int quorum, int connected, int healthy, int learners) {
    /** No leader at all. */
    public static final Health NONE = new Health(false, 0, 0, null, 0, 0, 0, 0, 0);

    /** One more failure would not stop it: serving with at least quorum + 1 healthy voters. */
    public boolean tolerant() {
      return serving && healthy >= quorum + 1;
    }
  }

  private int desiredSize;
  private boolean requirePdClusterId;

  private final TreeMap<Long, Long> formedAtUs = new TreeMap<>();
  private long firstFormedUs = -1;
  private final TreeMap<Long, TreeSet<Long>> pdIdsByCluster = new TreeMap<>();
  private final TreeSet<Long> pdClusterIds = new TreeSet<>();
  /** Every name ever expected; without a desired size a new one resets the bootstrap time. */
  private final Set<String> everExpected = new LinkedHashSet<>();
  private long bootstrappedAtUs = -1;
  private boolean bootstrappedNow;
  private Health health = Health.NONE;
  /** Whether an observation has found a serving leader: availability counts from then on. */
  private boolean servedOnce;
  private long unavailableUs;
  private long zeroToleranceUs;

  /**
   * @param desiredSize the size the cluster is meant to reach (0: whatever is expected)
   * @param requirePdClusterId bootstrap also needs a PD cluster ID written
   */
  public ClusterClassifier(int desiredSize, boolean requirePdClusterId) {
    if (desiredSize < 0) {
      throw new IllegalArgumentException("desiredSize must be >= 0, was " + desiredSize);
    }
    this.desiredSize = desiredSize;
    this.requirePdClusterId = requirePdClusterId;
  }

  // ------------------------------------------------------------------ inputs

  /** The size the cluster is meant to reach (0: whatever is expected). */
  public void desiredSize(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("desiredSize must be >= 0, was " + n);
    }
    desiredSize = n;
  }

  /** Whether bootstrap also needs a PD cluster ID written. */
  public void requirePdClusterId(boolean on) {
    requirePdClusterId = on;
  }

  /** A leader was elected in {@code clusterId} at {@code atUs} (the first such time counts). */
  public void formed(long clusterId, long atUs) {
    if (formedAtUs.putIfAbsent(clusterId, atUs) == null
        && (firstFormedUs < 0 || atUs < firstFormedUs)) {
      firstFormedUs = atUs;
    }
  }

  /** A PD cluster ID written (or read) in etcd cluster {@code clusterId}. */
  public void pdClusterId(long clusterId, long pdClusterId) {
    pdIdsByCluster.computeIfAbsent(clusterId, k -> new TreeSet<>()).add(pdClusterId);
    pdClusterIds.add(pdClusterId);
  }

  /**
   * Judges the cluster at {@code nowUs} from the latest view of each expected member.
   *
   * @param expected the expected members' names now, in a stable order
   * @param latest each member's latest view (a missing one counts as not answering)
   */
  public void observe(long nowUs, List<String> expected, Map<String, ? extends MemberView> latest) {
    for (String name : expected) {
      if (everExpected.add(name) && desiredSize == 0) {
        bootstrappedAtUs = -1;
      }
    }
    List<MemberView> answering = new ArrayList<>(expected.size());
    for (String name : expected) {
      MemberView v = latest.get(name);
      if (v != null && v.answering()) {
        answering.add(v);
      }
    }
    for (MemberView v : answering) {
      if (v.leaderId() != 0) {
        formed(v.clusterId(), nowUs);
      }
    }
    MemberView leader = null;
    health = Health.NONE;
    for (MemberView l : answering) {
      if (!l.isLeader()) {
        continue;
      }
      Health h = healthOf(l, answering);
      if (h.serving() && (!health.serving() || h.healthy() > health.healthy())
          || !health.serving() && health.leaderId() == 0) {
        health = h;
        leader = l;
      }
    }
    servedOnce |= health.serving();
    bootstrappedNow = leader != null && bootstrappedWith(leader, expected, latest);
    if (bootstrappedNow && bootstrappedAtUs < 0) {
      bootstrappedAtUs = nowUs;
    }
  }

  private static Health healthOf(MemberView l, List<MemberView> answering) {
    int voters = 0;
    int connected = 0;
    int healthy = 0;
    int learners = 0;
    for (Member v : l.members()) {
      if (v.learner()) {
        learners++;
        continue;
      }
      voters++;
      boolean up = v.id() == l.memberId();
      for (int i = 0; !up && i < answering.size(); i++) {
        MemberView s = answering.get(i);
        up = s.clusterId() == l.clusterId() && s.memberId() == v.id()
            && s.leaderId() == l.memberId();
      }
      if (up) {
        connected++;
        if (published(v)) {
          healthy++;
        }
      }
    }
    int quorum = voters / 2 + 1;
    return new Health(voters > 0 && connected >= quorum, l.clusterId(), l.memberId(), l.name(),
        voters, quorum, connected, healthy, learners);
  }

  private boolean bootstrappedWith(MemberView leader, List<String> expected,
      Map<String, ? extends MemberView> latest) {
    if (formedAtUs.size() != 1 || expected.size() < desiredSize || !health.serving()) {
      return false;
    }
    if (requirePdClusterId && !pdIdsByCluster.containsKey(health.clusterId())) {
      return false;
    }
    if (health.voters() != expected.size() || health.learners() != 0
        || health.healthy() != expected.size()) {
      return false;
    }
    Set<Long> voterIds = new LinkedHashSet<>();
    for (Member m : leader.members()) {
      if (!m.learner()) {
        voterIds.add(m.id());
      }
    }
    Set<Long> seen = new LinkedHashSet<>();
    for (String name : expected) {
      MemberView s = latest.get(name);
      if (s == null || !s.answering() || s.clusterId() != health.clusterId()
          || !voterIds.contains(s.memberId()) || !seen.add(s.memberId())) {
        return false;
      }
    }
    return true;
  }

  /**
   * Accounts {@code spanUs} of time as {@code available} or not and {@code tolerant} or not (see
   * the class doc); before the cluster first served nothing counts.
   */
  public void account(long spanUs, boolean available, boolean tolerant) {
    if (!servedOnce) {
      return;
    }
    if (!available) {
      unavailableUs += spanUs;
    }
    if (!available || !tolerant) {
      zeroToleranceUs += spanUs;
    }
  }

  /**
   * Whether a member has started, seen from outside: it published its name and client URLs. etcd
   * 3.4 lists the members of a static bootstrap with their {@code --initial-cluster} names before
   * they ever start (only their client URLs are missing), so a name alone is not enough; members
   * added at runtime have neither until they publish.
   */
  public static boolean published(Member m) {
    return !m.name().isEmpty() && !m.clientUrls().isEmpty();
  }

  // ------------------------------------------------------------------ verdicts

  /** The outcome now, given whether an acknowledged write was lost. */
  public Outcome outcome(boolean writesLost) {
    if (writesLost) {
      return Outcome.DATA_LOSS;
    }
    if (formedAtUs.size() > 1 || pdClusterIds.size() > 1) {
      return Outcome.SPLIT_BRAIN;
    }
    if (!health.serving()) {
      return Outcome.STUCK;
    }
    return bootstrappedNow ? Outcome.OK : Outcome.DEGRADED;
  }

  /** The measures so far, with what the driver measured itself. */
  public RunMeasures measures(List<String> lostWrites, List<String> timeline,
      List<ClusterRecorder.Join> joins) {
    return new RunMeasures(bootstrappedAtUs, unavailableUs, zeroToleranceUs,
        new ArrayList<>(formedAtUs.keySet()), new ArrayList<>(pdClusterIds), lostWrites, timeline,
        outcome(!lostWrites.isEmpty()), joins);
  }

  /** The health at the last observation. */
  public Health health() {
    return health;
  }

  /** Whether the last observation found the cluster bootstrapped. */
  public boolean bootstrappedNow() {
    return bootstrappedNow;
  }

  /** When the cluster first bootstrapped, or -1. */
  public long bootstrappedAtUs() {
    return bootstrappedAtUs;
  }

  /** Cluster IDs that formed, with the time of their first leader. */
  public Map<Long, Long> formedAtUs() {
    return Collections.unmodifiableMap(formedAtUs);
  }

  /** The first formation, or -1. */
  public long firstFormedUs() {
    return firstFormedUs;
  }

  /** PD cluster IDs written, over all clusters. */
  public SortedSet<Long> pdClusterIds() {
    return Collections.unmodifiableSortedSet(pdClusterIds);
  }

  public long unavailableUs() {
    return unavailableUs;
  }

  public long zeroToleranceUs() {
    return zeroToleranceUs;
  }
}
