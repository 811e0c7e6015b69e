package io.pdlab.real.client;

import io.pdlab.pd.etcd.Member;
import io.pdlab.pd.etcd.MemberIds;
import io.pdlab.pd.run.ClusterClassifier;
import io.pdlab.pd.run.ClusterRecorder;
import io.pdlab.pd.run.RunMeasures;
import io.pdlab.sim.trace.TraceRecord;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The pure logic of {@link ExternalMeasures}: turns status samples and probe acknowledgements,
 * observed from outside the cluster, into the simulator's {@link RunMeasures}. No I/O, no clock,
 * no threads: the caller passes every time, so the rules are unit-tested with synthetic samples.
 *
 * <h2>Definitions</h2>
 * Times are on the caller's clock (microseconds since the run's start). Formation, cluster IDs,
 * the serving leader and its health, bootstrap (and its reset), zero tolerance and the outcome
 * are {@link ClusterClassifier}'s rules, the same the simulator is measured by; the samples are
 * its {@link io.pdlab.pd.run.MemberView}s. What is particular to observing from outside:
 * <ul>
 *   <li><b>availability</b>: the probe sends one write at a time; write {@code j} is sent at
 *       {@code s_j} and resolves at {@code r_j}, acknowledged or failed (refused everywhere, an
 *       error, or no answer within its deadline). The cluster counts as <i>available</i> at time
 *       {@code t} if the last write sent at or before {@code t} was acknowledged and {@code t} is
 *       no later than {@code r_j} plus a grace of two intervals (so a probe that stops sending,
 *       e.g. with no member to send to, does not keep the cluster available). A slow write that
 *       succeeds thus covers its whole flight, and a failed one makes its flight and the time to
 *       the next send unavailable: an outage is over-counted by at most one deadline plus one tick.
 *   <li><b>intervals</b>: from the first formation, time is cut into intervals of
 *       {@code intervalUs} aligned to the clock ({@code [k*I, (k+1)*I)}, the first being the
 *       first that starts at or after the formation). An interval is <b>unavailable</b> unless
 *       the cluster was available throughout it. It counts toward <b>zero tolerance</b> if it is
 *       unavailable, or if the last health observed before its end was not
 *       {@linkplain ClusterClassifier.Health#tolerant tolerant}. Intervals are closed when the
 *       caller says ({@link #closeIntervals}), but never past the send time of a write still in
 *       flight.
 *   <li><b>lost writes</b>: whenever a value of the probe key replaced by a probe write
 *       ({@link #checkProbeValue}) or read linearizably ({@link #checkValue}) in a cluster is lower
 *       than the highest counter acknowledged in that cluster before, one line (per cluster and
 *       acknowledged counter), kept for the rest of the run.
 *   <li><b>timeline</b>: per cluster, the member list of its leader (or, with none answering, of
 *       its answering member with the highest Raft index); one line whenever it changes.
 *   <li><b>joins</b>: as {@link ClusterRecorder#joins()}, with "added" and "started" being the
 *       first observations of a member ID in its cluster's list and of it published.
 * </ul>
 *
 * <p>Not thread-safe: {@link ExternalMeasures} calls it under one lock.
 */
public final class StatusAggregator {
  /** The highest acknowledged probe counter of one cluster. */
  public record Ack(long clusterId, long counter, String member, long timeUs) {}

  private final ClusterClassifier classifier;
  private final long intervalUs;
  private long lastObservedUs = -1;

  private final List<String> timeline = new ArrayList<>();
  private final TreeMap<Long, String> lastSummary = new TreeMap<>();
  private final TreeMap<Long, TreeMap<Long, Long>> addedUs = new TreeMap<>();
  private final TreeMap<Long, TreeMap<Long, Long>> startedUs = new TreeMap<>();
  private final TreeMap<Long, String> nameOf = new TreeMap<>();

  /** A resolved probe write: when it resolved and whether it was acknowledged. */
  private record Write(long resolvedUs, boolean ok) {}

  /** Resolved probe writes by send time. */
  private final TreeMap<Long, Write> writes = new TreeMap<>();
  /** Send times of probe writes not resolved yet. */
  private final TreeSet<Long> inFlight = new TreeSet<>();
  private final TreeMap<Long, Ack> highestAck = new TreeMap<>();
  private final TreeMap<Long, Boolean> tolerantAt = new TreeMap<>();
  private long nextIntervalUs = -1;
  private long intervals;

  private final List<String> lostWrites = new ArrayList<>();
  private final Set<String> lossesReported = new HashSet<>();

  /**
   * @param desiredSize the size the cluster is meant to reach (0: whatever is expected)
   * @param requirePdClusterId bootstrap also needs a PD cluster ID read
   * @param intervalUs the length of an availability interval
   */
  public StatusAggregator(int desiredSize, boolean requirePdClusterId, long intervalUs) {
    if (desiredSize < 0 || intervalUs <= 0) {
      throw new IllegalArgumentException("desiredSize must be >= 0 and intervalUs > 0, were "
          + desiredSize + " and " + intervalUs);
    }
    this.classifier = new ClusterClassifier(desiredSize, requirePdClusterId);
    this.intervalUs = intervalUs;
  }

  // ------------------------------------------------------------------ inputs

  /**
   * Evaluates the cluster at {@code nowUs} from the latest sample of each expected member.
   *
   * @param expected the expected members' names now
   * @param latest each member's latest sample (a missing one counts as not answering)
   */
  public void observe(long nowUs, List<String> expected, Map<String, MemberStatus> latest) {
    lastObservedUs = nowUs;
    classifier.observe(nowUs, expected, latest);
    tolerantAt.put(nowUs, classifier.health().tolerant());
    List<MemberStatus> answering = new ArrayList<>();
    for (String name : expected) {
      MemberStatus s = latest.get(name);
      if (s != null && s.answering()) {
        answering.add(s);
      }
    }
    recordMemberships(nowUs, answering);
  }

  private void recordMemberships(long nowUs, List<MemberStatus> answering) {
    TreeMap<Long, MemberStatus> viewOf = new TreeMap<>();
    for (MemberStatus s : answering) {
      MemberStatus best = viewOf.get(s.clusterId());
      if (best == null || better(s, best)) {
        viewOf.put(s.clusterId(), s);
      }
    }
    for (Map.Entry<Long, MemberStatus> e : viewOf.entrySet()) {
      long cluster = e.getKey();
      List<Member> members = e.getValue().members();
      TreeMap<Long, Long> added = addedUs.computeIfAbsent(cluster, k -> new TreeMap<>());
      TreeMap<Long, Long> started = startedUs.computeIfAbsent(cluster, k -> new TreeMap<>());
      for (Member m : members) {
        added.putIfAbsent(m.id(), nowUs);
        if (ClusterClassifier.published(m)) {
          started.putIfAbsent(m.id(), nowUs);
          nameOf.putIfAbsent(m.id(), m.name());
        }
      }
      String summary = summarize(members);
      if (!summary.equals(lastSummary.get(cluster))) {
        lastSummary.put(cluster, summary);
        timeline.add("t=" + TraceRecord.formatTime(nowUs) + "s members=" + summary + " cluster="
            + MemberIds.hex(cluster));
      }
    }
  }

  /** A leader's view beats a follower's; among equals, the higher term, then index. */
  private static boolean better(MemberStatus a, MemberStatus b) {
    if (a.isLeader() != b.isLeader()) {
      return a.isLeader();
    }
    if (a.raftTerm() != b.raftTerm()) {
      return a.raftTerm() > b.raftTerm();
    }
    return a.raftIndex() > b.raftIndex();
  }

  /**
   * A stable one-line view: started members by name, then unstarted ones by name (or, without one,
   * by ID), e.g. {@code [a,b(learner),c(unstarted),1f2e(unstarted,learner)]}.
   */
  public static String summarize(List<Member> members) {
    List<Member> started = new ArrayList<>();
    List<Member> unstarted = new ArrayList<>();
    for (Member m : members) {
      (ClusterClassifier.published(m) ? started : unstarted).add(m);
    }
    java.util.Comparator<Member> order = (x, y) -> x.name().equals(y.name())
        ? Long.compareUnsigned(x.id(), y.id()) : x.name().compareTo(y.name());
    started.sort(order);
    unstarted.sort(order);
    List<String> parts = new ArrayList<>();
    for (Member m : started) {
      parts.add(m.name() + (m.learner() ? "(learner)" : ""));
    }
    for (Member m : unstarted) {
      parts.add((m.name().isEmpty() ? MemberIds.hex(m.id()) : m.name())
          + (m.learner() ? "(unstarted,learner)" : "(unstarted)"));
    }
    return "[" + String.join(",", parts) + "]";
  }

  /** A probe write was sent at {@code sendUs}; it is in flight until acknowledged or failed. */
  public void probeSent(long sendUs) {
    inFlight.add(sendUs);
  }

  /**
   * The probe write sent at {@code sendUs} was acknowledged at {@code ackUs} by {@code member} of
   * {@code clusterId}, with {@code counter} written (or already exceeded).
   */
  public void probeAcked(long sendUs, long ackUs, long clusterId, long counter, String member) {
    inFlight.remove(sendUs);
    writes.put(sendUs, new Write(ackUs, true));
    Ack h = highestAck.get(clusterId);
    if (h == null || counter > h.counter()) {
      highestAck.put(clusterId, new Ack(clusterId, counter, member, ackUs));
    }
  }

  /** Probe writes still in flight at {@code nowUs} count as failed then (the probe stopped). */
  public void abandonInFlight(long nowUs) {
    for (long sendUs : List.copyOf(inFlight)) {
      probeFailed(sendUs, nowUs);
    }
  }

  /** The probe write sent at {@code sendUs} failed at {@code failedUs}. */
  public void probeFailed(long sendUs, long failedUs) {
    inFlight.remove(sendUs);
    writes.put(sendUs, new Write(failedUs, false));
  }

  /**
   * The value a probe write replaced in {@code clusterId} at {@code atUs}: {@code found} is the
   * counter, or -1 when the key was absent. Records a lost write if it is lower than the highest
   * counter acknowledged there so far; call it before {@link #probeAcked} for that write (the probe
   * has one write outstanding at a time, so nothing else was acknowledged in between).
   *
   * @return whether a (new) lost write was recorded
   */
  public boolean checkProbeValue(long clusterId, long found, long atUs, String via) {
    Ack h = highestAck.get(clusterId);
    return h != null && checkValue(h, found, atUs, via);
  }

  /**
   * A value of the probe key read (linearizably) at {@code atUs}, in the cluster of {@code acked},
   * the highest acknowledgement there before the read was sent: {@code found} is the counter, or
   * -1 when the key was absent. Records a lost write if {@code found} is lower.
   *
   * @return whether a (new) lost write was recorded
   */
  public boolean checkValue(Ack acked, long found, long atUs, String via) {
    if (found >= acked.counter() || !lossesReported.add(acked.clusterId() + ":" + acked.counter())) {
      return false;
    }
    lostWrites.add(ExternalMeasures.PROBE_KEY + "=" + acked.counter() + " (acked by "
        + acked.member() + " at " + TraceRecord.formatTime(acked.timeUs()) + "s, cluster "
        + MemberIds.hex(acked.clusterId()) + "; found "
        + (found < 0 ? "no value" : Long.toString(found)) + " at " + TraceRecord.formatTime(atUs)
        + "s via " + via + ")");
    return true;
  }

  /** A PD cluster ID read from the PD cluster-ID key in {@code clusterId}. */
  public void pdClusterIdRead(long clusterId, long pdClusterId) {
    classifier.pdClusterId(clusterId, pdClusterId);
  }

  /**
   * Closes every interval that ends at or before {@code upToUs} (and at or before the send time
   * of a probe write still in flight, whose outcome decides it) and adds it to the unavailable and
   * zero-tolerance times. Health observations after a closed interval's end do not change it, so
   * callers close with a lag of an interval (see {@link ExternalMeasures}).
   */
  public void closeIntervals(long upToUs) {
    long firstFormedUs = classifier.firstFormedUs();
    if (firstFormedUs < 0) {
      return;
    }
    if (nextIntervalUs < 0) {
      nextIntervalUs = ceilDiv(firstFormedUs, intervalUs) * intervalUs;
    }
    long limit = inFlight.isEmpty() ? upToUs : Math.min(upToUs, inFlight.first());
    while (nextIntervalUs + intervalUs <= limit) {
      long start = nextIntervalUs;
      long end = start + intervalUs;
      boolean available = availableThroughout(start, end);
      Map.Entry<Long, Boolean> h = tolerantAt.lowerEntry(end);
      classifier.account(intervalUs, available, h != null && h.getValue());
      intervals++;
      nextIntervalUs = end;
    }
    Long keepWrite = writes.floorKey(nextIntervalUs);
    if (keepWrite != null) {
      writes.headMap(keepWrite).clear();
    }
    Long keep = tolerantAt.lowerKey(nextIntervalUs);
    if (keep != null) {
      tolerantAt.headMap(keep).clear();
    }
  }

  /** Whether every instant of {@code [a, b)} is covered by an acknowledged write (class doc). */
  private boolean availableThroughout(long a, long b) {
    long grace = 2 * intervalUs;
    Map.Entry<Long, Write> e = writes.floorEntry(a);
    while (e != null) {
      Write w = e.getValue();
      if (!w.ok()) {
        return false;
      }
      Long next = writes.higherKey(e.getKey());
      long coveredUntil = Math.max(w.resolvedUs(), e.getKey()) + grace;
      if (next == null || next >= b) {
        return coveredUntil >= b;
      }
      if (coveredUntil < next) {
        return false; // a gap without a fresh write
      }
      e = writes.higherEntry(e.getKey());
    }
    return false; // nothing sent before the interval
  }

  private static long ceilDiv(long a, long b) {
    return -Math.floorDiv(-a, b);
  }

  // ------------------------------------------------------------------ views

  /** The measures so far; {@code bootstrapUs} etc. on the caller's clock. */
  public RunMeasures measures() {
    return classifier.measures(lostWrites, timeline, joins());
  }

  /** The runtime joins, as {@link ClusterRecorder#joins()} computes them from its observations. */
  public List<ClusterRecorder.Join> joins() {
    return ClusterRecorder.joins(classifier.formedAtUs(), addedUs, startedUs, nameOf);
  }

  /** The health at the last observation. */
  public ClusterClassifier.Health health() {
    return classifier.health();
  }

  /** Whether the last observation found the cluster bootstrapped. */
  public boolean bootstrappedNow() {
    return classifier.bootstrappedNow();
  }

  /** When the cluster first bootstrapped, or -1. */
  public long bootstrappedAtUs() {
    return classifier.bootstrappedAtUs();
  }

  /** Cluster IDs that formed, with the time their first leader was seen. */
  public Map<Long, Long> formedAtUs() {
    return classifier.formedAtUs();
  }

  /** The first formation, or -1. */
  public long firstFormedUs() {
    return classifier.firstFormedUs();
  }

  /** The highest acknowledged probe counter per cluster. */
  public Map<Long, Ack> highestAcks() {
    return Collections.unmodifiableMap(new TreeMap<>(highestAck));
  }

  public SortedSet<Long> pdClusterIds() {
    return classifier.pdClusterIds();
  }

  public List<String> lostWrites() {
    return List.copyOf(lostWrites);
  }

  public List<String> timeline() {
    return List.copyOf(timeline);
  }

  /** Intervals closed so far. */
  public long intervals() {
    return intervals;
  }

  public long unavailableUs() {
    return classifier.unavailableUs();
  }

  public long zeroToleranceUs() {
    return classifier.zeroToleranceUs();
  }

  /** The time of the last observation, or -1. */
  public long lastObservedUs() {
    return lastObservedUs;
  }
}
