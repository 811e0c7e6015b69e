package io.pdlab.pd.etcd;

import io.pdlab.pd.etcd.EntryData.ConfChange;
import io.pdlab.pd.etcd.RaftMessage.Append;
import io.pdlab.pd.etcd.RaftMessage.AppendResponse;
import io.pdlab.pd.etcd.RaftMessage.Heartbeat;
import io.pdlab.pd.etcd.RaftMessage.HeartbeatResponse;
import io.pdlab.pd.etcd.RaftMessage.Propose;
import io.pdlab.pd.etcd.RaftMessage.VoteRequest;
import io.pdlab.pd.etcd.RaftMessage.VoteResponse;
import io.pdlab.sim.Rng;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The Raft core of an etcd member, after etcd-io/raft (v3.4): no I/O, no clock. It takes ticks,
 * messages and proposals and calls its {@link Host} to send messages and apply committed entries.
 *
 * <p>Faithful points: randomized election timeout uniform in [election, 2*election) ticks; pre-vote
 * (optional); CheckQuorum always on, with the leader lease that makes members ignore vote requests
 * while they hear from a leader; a stale leader is told the newer term; a new leader appends an
 * empty entry and may not change the configuration until it is applied; one configuration change
 * at a time, effective when applied; learners replicate but neither vote nor count for quorum;
 * a follower forwards proposals to the leader and drops them when there is none.
 *
 * <p>What etcd panics on when a member's log lost entries (a commit index beyond it) ends the
 * member's process ({@link Panic}). What the model must never do (a commit index beyond the log,
 * a term or vote that goes back, two pending configuration changes, ...) is asserted after every
 * call, always on ({@link RaftAssertionFailure}).
 */
public final class Raft {
  /** The roles of a Raft member. */
  public enum Role { FOLLOWER, PRE_CANDIDATE, CANDIDATE, LEADER }

  /** What the core needs from the member around it. */
  public interface Host {
    void send(long to, RaftMessage m);

    /** A committed entry, in log order, exactly once per start of the core. */
    void apply(Entry e);

    /** The role, term or known leader changed. */
    void roleChanged(Role role, long term, long lead);

    /** The commit index is {@code commit}: the one on disk at start, then after every rise. */
    void committed(long commit);

    /** As leader, recorded {@code match} as the match index of {@code follower}. */
    void matched(long follower, long match);

    /**
     * Validates a committed configuration change before it takes effect (etcd
     * ValidateConfigurationChange); a refused change is applied as a no-op.
     */
    boolean validate(ConfChange cc);

    void log(String line);
  }

  /**
   * etcd raft's {@code logger.Panicf}: the member process dies with this message. Thrown out of
   * {@link #step}; the member catches it and exits ({@link EtcdMember}), it never resumes.
   */
  public static final class Panic extends RuntimeException {
    Panic(String message) {
      super(message, null, false, false);
    }
  }

  static final long NONE = 0;

  private final long id;
  private final Host host;
  private final Rng rng;
  private final int electionTicks;
  private final boolean preVote;
  private final RaftStorage storage;

  private Role role = Role.FOLLOWER;
  private long lead = NONE;
  private long applied;
  private final TreeSet<Long> voters = new TreeSet<>();
  private final TreeSet<Long> learners = new TreeSet<>();
  private int electionElapsed;
  private int heartbeatElapsed;
  private int randomizedElectionTimeout;
  private final TreeMap<Long, Boolean> votes = new TreeMap<>();
  private final TreeMap<Long, Progress> prs = new TreeMap<>();
  private long pendingConfIndex;

  /** Leader's view of one follower. */
  static final class Progress {
    long match;
    long next;
    boolean recentActive;

    Progress(long next) {
      this.next = next;
    }
  }

  public Raft(long id, Host host, Rng rng, EtcdTiming timing, RaftStorage storage) {
    this.id = id;
    this.host = host;
    this.rng = rng;
    this.electionTicks = timing.electionTicks();
    this.preVote = timing.preVote();
    this.storage = storage;
    resetRandomizedElectionTimeout();
    checkedTerm = storage.term;
    checkedCommit = storage.commit;
    checkedVote = storage.vote;
    // etcd raft.go loadState panics on a commit index outside [committed, lastIndex]; only a
    // corrupted WAL has one, which the model's disk cannot hold: an assertion here.
    checkInvariants();
  }

  /** Applies the committed entries found on disk (restart), rebuilding the configuration. */
  public void replay() {
    depth++;
    try {
      applyCommitted();
    } finally {
      depth--;
    }
    afterCall();
  }

  // ----------------------------------------------------------------- accessors

  public long id() {
    return id;
  }

  public Role role() {
    return role;
  }

  public long term() {
    return storage.term;
  }

  public long lead() {
    return lead;
  }

  public long commit() {
    return storage.commit;
  }

  public long applied() {
    return applied;
  }

  public long lastIndex() {
    return storage.lastIndex();
  }

  public Set<Long> voters() {
    return java.util.Collections.unmodifiableSet(voters);
  }

  public Set<Long> learners() {
    return java.util.Collections.unmodifiableSet(learners);
  }

  /** The leader's record of a follower's match index, or -1 when not leader or unknown. */
  public long matchOf(long member) {
    Progress p = prs.get(member);
    return role == Role.LEADER && p != null ? p.match : -1;
  }

  /** A member can campaign when it is a voter of its applied configuration. */
  public boolean promotable() {
    return voters.contains(id);
  }

  private int quorum() {
    return voters.size() / 2 + 1;
  }

  // ----------------------------------------------------------------- ticks

  /** One heartbeat interval passed. */
  public void tick() {
    depth++;
    try {
      if (role == Role.LEADER) {
        tickHeartbeat();
      } else {
        tickElection();
      }
    } finally {
      depth--;
    }
    afterCall();
  }

  /** Fast-forwards {@code n} ticks (etcd adjustTicks via advanceTicks). */
  public void advanceTicks(int n) {
    for (int i = 0; i < n; i++) {
      tick();
    }
  }

  private void tickElection() {
    electionElapsed++;
    if (promotable() && electionElapsed >= randomizedElectionTimeout) {
      electionElapsed = 0;
      // etcd raft 3.4 Step(MsgHup): no campaign while committed configuration changes wait to
      // be applied.
      if (storage.commit > applied) {
        for (Entry e : storage.slice(applied, storage.commit)) {
          if (e.data() instanceof ConfChange) {
            host.log("cannot campaign at term " + storage.term + " since there are still"
                + " pending configuration changes to apply");
            return;
          }
        }
      }
      campaign(preVote);
    }
  }

  private void tickHeartbeat() {
    heartbeatElapsed++;
    electionElapsed++;
    if (electionElapsed >= electionTicks) {
      electionElapsed = 0;
      if (!quorumActive()) {
        host.log("stepped down to follower since quorum is not active");
        becomeFollower(storage.term, NONE);
        return;
      }
    }
    if (heartbeatElapsed >= 1) {
      heartbeatElapsed = 0;
      for (long peer : peers()) {
        Progress p = prs.get(peer);
        host.send(peer, new Heartbeat(storage.term, Math.min(p.match, storage.commit)));
      }
    }
  }

  /** CheckQuorum: enough voters were heard from since the last check; resets the marks. */
  private boolean quorumActive() {
    int active = 0;
    for (long v : voters) {
      if (v == id) {
        active++;
        continue;
      }
      Progress p = prs.get(v);
      if (p != null && p.recentActive) {
        active++;
      }
    }
    for (Progress p : prs.values()) {
      p.recentActive = false;
    }
    return active >= quorum();
  }

  // ----------------------------------------------------------------- roles

  private void resetRandomizedElectionTimeout() {
    randomizedElectionTimeout = electionTicks + rng.nextInt(electionTicks);
  }

  private void reset(long term) {
    if (storage.term != term) {
      storage.term = term;
      storage.vote = NONE;
    }
    lead = NONE;
    electionElapsed = 0;
    heartbeatElapsed = 0;
    resetRandomizedElectionTimeout();
    votes.clear();
    prs.clear();
  }

  private void becomeFollower(long term, long leader) {
    Role before = role;
    long termBefore = storage.term;
    long leadBefore = lead;
    reset(term);
    role = Role.FOLLOWER;
    lead = leader;
    if (before != role || termBefore != term || leadBefore != leader) {
      host.roleChanged(role, term, lead);
    }
  }

  private void campaign(boolean pre) {
    long voteTerm;
    if (pre) {
      // etcd raft 3.4 becomePreCandidate changes the step function and state only: no reset,
      // so the randomized election timeout, the progress and the term stay as they were.
      lead = NONE;
      votes.clear();
      role = Role.PRE_CANDIDATE;
      voteTerm = storage.term + 1;
      host.roleChanged(role, storage.term, NONE);
    } else {
      reset(storage.term + 1);
      role = Role.CANDIDATE;
      storage.vote = id;
      voteTerm = storage.term;
      host.roleChanged(role, storage.term, NONE);
    }
    if (poll(id, true, pre)) {
      return;
    }
    for (long v : voters) {
      if (v != id) {
        host.send(v, new VoteRequest(voteTerm, storage.lastIndex(), storage.lastTerm(), pre));
      }
    }
  }

  /** Records a vote; returns true if the election was decided (won or lost) by it. */
  private boolean poll(long from, boolean granted, boolean pre) {
    votes.putIfAbsent(from, granted);
    int yes = 0;
    int no = 0;
    for (boolean g : votes.values()) {
      if (g) {
        yes++;
      } else {
        no++;
      }
    }
    if (yes >= quorum()) {
      if (pre) {
        campaign(false);
      } else {
        becomeLeader();
      }
      return true;
    }
    if (no >= quorum()) {
      becomeFollower(storage.term, NONE);
      return true;
    }
    return false;
  }

  private void becomeLeader() {
    role = Role.LEADER;
    lead = id;
    prs.clear();
    for (long m : members()) {
      Progress p = new Progress(storage.lastIndex() + 1);
      if (m == id) {
        p.match = storage.lastIndex();
      }
      prs.put(m, p);
    }
    // etcd: no configuration change until everything up to here is applied.
    pendingConfIndex = storage.lastIndex();
    host.roleChanged(role, storage.term, id);
    appendAndBroadcast(new EntryData.Noop());
  }

  private TreeSet<Long> members() {
    TreeSet<Long> all = new TreeSet<>(voters);
    all.addAll(learners);
    return all;
  }

  /** Voters and learners other than self; cached, recomputed when the configuration changes. */
  private List<Long> peers;

  private List<Long> peers() {
    if (peers == null) {
      List<Long> out = new ArrayList<>();
      for (long m : members()) {
        if (m != id) {
          out.add(m);
        }
      }
      peers = out;
    }
    return peers;
  }

  // ----------------------------------------------------------------- proposals

  /**
   * Proposes an entry: appended if leader (a configuration change while one is pending becomes an
   * empty entry, as etcd raft does), forwarded to the leader if one is known, dropped otherwise.
   *
   * @return true if appended or forwarded; false if dropped
   */
  public boolean propose(EntryData data) {
    depth++;
    boolean out;
    try {
      out = doPropose(data);
    } finally {
      depth--;
    }
    afterCall();
    return out;
  }

  private boolean doPropose(EntryData data) {
    if (role == Role.LEADER) {
      if (data instanceof ConfChange) {
        if (pendingConfIndex > applied) {
          host.log("propose conf change ignored since pending unapplied configuration");
          data = new EntryData.Noop();
        } else {
          // One at a time (etcd raft.go stepLeader, alreadyPending): whatever pendingConfIndex
          // says, the log itself must hold no unapplied configuration change now.
          NavigableSet<Long> conf = storage.confIndexes();
          if (!conf.isEmpty() && conf.last() > applied) {
            fail("proposing a configuration change at " + (storage.lastIndex() + 1)
                + " while the one at " + conf.last() + " is not applied");
          }
          pendingConfIndex = storage.lastIndex() + 1;
        }
      }
      appendAndBroadcast(data);
      return true;
    }
    if (lead != NONE) {
      host.send(lead, new Propose(data));
      return true;
    }
    return false;
  }

  private void appendAndBroadcast(EntryData data) {
    storage.append(new Entry(storage.term, storage.lastIndex() + 1, data));
    prs.get(id).match = storage.lastIndex();
    prs.get(id).next = storage.lastIndex() + 1;
    maybeCommit();
    for (long peer : peers()) {
      sendAppend(peer);
    }
  }

  private void sendAppend(long to) {
    Progress p = prs.get(to);
    long prev = p.next - 1;
    // As etcd raftLog.term/entries: beyond the last index the term is 0 and there are no entries
    // (reached only when a follower reports a longer log than the leader's, after lost disks).
    List<Entry> ents = prev < storage.lastIndex() ? storage.slice(prev, storage.lastIndex())
        : List.of();
    long prevTerm = prev <= storage.lastIndex() ? storage.termAt(prev) : 0;
    host.send(to, new Append(storage.term, prev, prevTerm, ents, storage.commit));
    // Optimistic: assume delivery; a rejection moves next back.
    p.next = Math.max(p.next, storage.lastIndex() + 1);
  }

  private void maybeCommit() {
    long[] matches = new long[voters.size()];
    int i = 0;
    for (long v : voters) {
      Progress p = prs.get(v);
      matches[i++] = p == null ? 0 : p.match;
    }
    if (matches.length == 0) {
      return;
    }
    java.util.Arrays.sort(matches);
    long quorumIndex = matches[matches.length - quorum()];
    if (quorumIndex > storage.commit && storage.termAt(quorumIndex) == storage.term) {
      storage.commit = quorumIndex;
      applyCommitted();
      // Tell followers the new commit index promptly.
      if (role == Role.LEADER) {
        for (long peer : peers()) {
          Progress p = prs.get(peer);
          if (p.match >= quorumIndex) {
            host.send(peer, new Heartbeat(storage.term, Math.min(p.match, storage.commit)));
          }
        }
      }
    }
  }

  private void applyCommitted() {
    if (applied < storage.commit) {
      host.committed(storage.commit);
    }
    while (applied < storage.commit) {
      applied++;
      Entry e = storage.entry(applied);
      if (e.index() != applied) {
        fail("the entry at " + applied + " says it is " + e);
      }
      if (e.data() instanceof ConfChange cc && host.validate(cc)) {
        applyConfChange(cc);
      }
      host.apply(e);
    }
  }

  private void applyConfChange(ConfChange cc) {
    peers = null;
    switch (cc.type()) {
      case ADD_VOTER -> {
        learners.remove(cc.memberId());
        voters.add(cc.memberId());
      }
      case ADD_LEARNER -> {
        if (!voters.contains(cc.memberId())) {
          learners.add(cc.memberId());
        }
      }
      case PROMOTE -> {
        learners.remove(cc.memberId());
        voters.add(cc.memberId());
      }
      case REMOVE -> {
        voters.remove(cc.memberId());
        learners.remove(cc.memberId());
      }
      default -> throw new IllegalStateException("unknown conf change " + cc);
    }
    if (role == Role.LEADER) {
      for (long m : members()) {
        prs.computeIfAbsent(m, k -> {
          Progress p = new Progress(storage.lastIndex() + 1);
          p.recentActive = true; // etcd marks new progress active so CheckQuorum does not trip
          return p;
        });
      }
      prs.keySet().retainAll(members());
      if (!voters.contains(id)) {
        host.log("leader removed from configuration; stepping down");
        becomeFollower(storage.term, NONE);
      } else {
        maybeCommit(); // quorum may have shrunk
        for (long peer : peers()) {
          if (prs.get(peer).match < storage.lastIndex()) {
            sendAppend(peer);
          }
        }
      }
    }
  }

  // ----------------------------------------------------------------- messages

  /** Handles a message from member {@code from}. */
  public void step(long from, RaftMessage m) {
    depth++;
    try {
      doStep(from, m);
    } finally {
      depth--;
    }
    afterCall();
  }

  private void doStep(long from, RaftMessage m) {
    if (m instanceof Propose p) {
      doPropose(p.data());
      return;
    }
    long term = m.term();
    if (term > storage.term) {
      if (m instanceof VoteRequest v) {
        boolean inLease = lead != NONE && electionElapsed < electionTicks;
        if (inLease) {
          host.log("ignored " + v + " from " + MemberIds.hex(from) + ": lease not expired");
          return;
        }
        if (!v.preVote()) {
          becomeFollower(term, NONE);
        }
      } else if (m instanceof VoteResponse r && r.preVote() && r.granted()) {
        // a granted pre-vote carries the future term; no term change
      } else {
        long leader = (m instanceof Append || m instanceof Heartbeat) ? from : NONE;
        becomeFollower(term, leader);
      }
    } else if (term < storage.term) {
      if (m instanceof Append || m instanceof Heartbeat) {
        // CheckQuorum/pre-vote: tell the stale leader about the newer term.
        host.send(from, new AppendResponse(storage.term, false, 0, 0));
      } else if (m instanceof VoteRequest v && v.preVote()) {
        host.send(from, new VoteResponse(storage.term, false, true));
      }
      return;
    }

    if (m instanceof VoteRequest v) {
      handleVote(from, v);
      return;
    }
    switch (role) {
      case LEADER -> stepLeader(from, m);
      case CANDIDATE, PRE_CANDIDATE -> stepCandidate(from, m);
      case FOLLOWER -> stepFollower(from, m);
      default -> throw new IllegalStateException();
    }
  }

  private void handleVote(long from, VoteRequest v) {
    boolean canVote = storage.vote == from
        || (storage.vote == NONE && lead == NONE)
        || (v.preVote() && v.term() > storage.term);
    boolean upToDate = v.lastTerm() > storage.lastTerm()
        || (v.lastTerm() == storage.lastTerm() && v.lastIndex() >= storage.lastIndex());
    if (canVote && upToDate) {
      host.send(from, new VoteResponse(v.term(), true, v.preVote()));
      if (!v.preVote()) {
        electionElapsed = 0;
        storage.vote = from;
      }
    } else {
      host.send(from, new VoteResponse(storage.term, false, v.preVote()));
    }
  }

  private void stepLeader(long from, RaftMessage m) {
    Progress p = prs.get(from);
    if (p == null) {
      return;
    }
    if (m instanceof AppendResponse r) {
      p.recentActive = true;
      if (r.reject()) {
        // etcd Progress.MaybeDecrTo: a rejection at or below the known match is stale; otherwise
        // back off to the follower's hint (never below match + 1) and probe again.
        if (r.index() <= p.match) {
          return;
        }
        p.next = Math.max(p.match + 1, Math.min(r.index(), r.hint() + 1));
        sendAppend(from);
      } else if (r.index() > p.match) {
        // etcd Progress.MaybeUpdate (tracker/progress.go, v3.4.23) takes the index as it comes,
        // also beyond the leader's last index: a follower answers its commit index to an append
        // below it (raft.go handleAppendEntries), which only a log that lost committed entries
        // can leave behind the follower's. The recorder reports it (host.matched).
        p.match = r.index();
        p.next = Math.max(p.next, r.index() + 1);
        host.matched(from, p.match);
        maybeCommit();
      }
    } else if (m instanceof HeartbeatResponse) {
      p.recentActive = true;
      if (p.match < storage.lastIndex()) {
        p.next = p.match + 1;
        sendAppend(from);
      }
    }
  }

  private void stepCandidate(long from, RaftMessage m) {
    if (m instanceof VoteResponse r) {
      if (r.preVote() == (role == Role.PRE_CANDIDATE)) {
        poll(from, r.granted(), r.preVote());
      }
    } else if (m instanceof Append || m instanceof Heartbeat) {
      becomeFollower(storage.term, from);
      stepFollower(from, m);
    }
  }

  private void stepFollower(long from, RaftMessage m) {
    if (m instanceof Append a) {
      electionElapsed = 0;
      setLead(from);
      handleAppend(from, a);
    } else if (m instanceof Heartbeat h) {
      electionElapsed = 0;
      setLead(from);
      commitTo(h.commit()); // etcd raft.go handleHeartbeat
      host.send(from, new HeartbeatResponse(storage.term));
    }
  }

  private void setLead(long from) {
    if (lead != from) {
      lead = from;
      host.roleChanged(role, storage.term, lead);
    }
  }

  private void handleAppend(long from, Append a) {
    if (a.prevIndex() < storage.commit) {
      host.send(from, new AppendResponse(storage.term, false, storage.commit, 0));
      return;
    }
    if (storage.termAt(a.prevIndex()) != a.prevTerm()) {
      host.send(from, new AppendResponse(storage.term, true, a.prevIndex(),
          storage.lastIndex()));
      return;
    }
    long idx = a.prevIndex();
    for (Entry e : a.entries()) {
      idx++;
      long have = storage.termAt(idx);
      if (have == e.term()) {
        continue;
      }
      if (have != -1) {
        if (idx <= storage.commit) {
          // etcd raftLog.maybeAppend panics "entry %d conflict with committed entry" (raft/log.go,
          // v3.4.23); the answer above to an append below the commit index keeps any message
          // from reaching it, there and here, so it is the model's assertion.
          fail("entry " + idx + " of the leader's append conflicts with committed entry "
              + storage.entry(idx));
        }
        storage.truncateAfter(idx - 1);
      }
      storage.append(e);
    }
    long lastNew = a.prevIndex() + a.entries().size();
    commitTo(Math.min(a.commit(), lastNew));
    host.send(from, new AppendResponse(storage.term, false, lastNew, 0));
  }

  /**
   * etcd raftLog.commitTo (raft/log.go, v3.4.23, the same in every 3.4 release): commit never
   * decreases, and a commit index beyond the last index panics. A leader sends a follower at most
   * the follower's match index as commit; a log shorter than that lost entries it had
   * acknowledged (its disk was lost and it came back under the same member ID).
   */
  private void commitTo(long tocommit) {
    if (storage.commit < tocommit) {
      if (storage.lastIndex() < tocommit) {
        throw new Panic("tocommit(" + tocommit + ") is out of range [lastIndex("
            + storage.lastIndex() + ")]. Was the raft log corrupted, truncated, or lost?");
      }
      storage.commit = tocommit;
      applyCommitted();
    }
  }

  // ----------------------------------------------------------------- assertions

  /** Calls into this core under way; the invariants are checked when the outermost returns. */
  private int depth;
  /**
   * Term, vote and commit index at the last check: term and commit never go back, and the vote
   * never changes within a term.
   */
  private long checkedTerm;
  private long checkedVote;
  private long checkedCommit;

  private void afterCall() {
    if (depth == 0) {
      checkInvariants();
    }
  }

  /**
   * The invariants of this core, checked after every step, tick, proposal and replay (and never
   * mid-step, where a host callback may re-enter). Cheap: a few comparisons, the progress map,
   * and the unapplied configuration changes (at most a few). A failure is a model bug.
   */
  private void checkInvariants() {
    long last = storage.lastIndex();
    if (storage.commit > last) {
      fail("commit index " + storage.commit + " beyond the last index " + last);
    }
    if (storage.commit < checkedCommit) {
      fail("commit index went back from " + checkedCommit + " to " + storage.commit);
    }
    if (applied > storage.commit) {
      fail("applied index " + applied + " beyond the commit index " + storage.commit);
    }
    if (storage.term < checkedTerm) {
      fail("term went back from " + checkedTerm + " to " + storage.term);
    }
    if (storage.term == checkedTerm && checkedVote != NONE && storage.vote != checkedVote) {
      fail("vote in term " + storage.term + " changed from " + MemberIds.hex(checkedVote) + " to "
          + MemberIds.hex(storage.vote));
    }
    if (storage.lastTerm() > storage.term) {
      fail("last entry " + last + " has term " + storage.lastTerm() + ", above the term");
    }
    checkedCommit = storage.commit;
    checkedTerm = storage.term;
    checkedVote = storage.vote;
    if (role != Role.LEADER) {
      if (!prs.isEmpty()) {
        fail("a " + role + " keeps progress of " + prs.size() + " members");
      }
      if (role != Role.FOLLOWER && lead != NONE) {
        fail("a " + role + " knows a leader " + MemberIds.hex(lead));
      }
      if (role == Role.CANDIDATE && storage.vote != id) {
        fail("a candidate that did not vote for itself");
      }
      return;
    }
    if (lead != id || storage.vote != id) {
      fail("a leader with leader " + MemberIds.hex(lead) + " and vote "
          + MemberIds.hex(storage.vote));
    }
    // one pass finds its own progress (a lookup of its own was a tenth of this check) and the
    // first bad one, reported in the order the checks had as separate lookups
    Progress self = null;
    Map.Entry<Long, Progress> bad = null;
    for (Map.Entry<Long, Progress> e : prs.entrySet()) {
      Progress p = e.getValue();
      if (bad == null && (p.match < 0 || p.next <= p.match)) {
        bad = e;
      }
      if (e.getKey() == id) {
        self = p;
      }
    }
    if (self != null && self.match != last) {
      fail("the leader's own match index " + self.match + " is not its last index " + last);
    }
    if (self == null && voters.contains(id)) {
      fail("a leader without its own progress");
    }
    if (bad != null) {
      Progress p = bad.getValue();
      fail("progress of " + MemberIds.hex(bad.getKey()) + " has match " + p.match + " and next "
          + p.next);
    }
    NavigableSet<Long> conf = storage.confIndexes();
    if (conf.isEmpty() || conf.last() <= applied) {
      return; // nothing pending: the common case
    }
    if (conf.last() > pendingConfIndex) {
      fail("configuration change at " + conf.last() + " beyond the pending index "
          + pendingConfIndex);
    }
    int ownUnapplied = 0;
    for (long i : conf.tailSet(applied, false)) {
      if (storage.termAt(i) == storage.term) {
        ownUnapplied++;
      }
    }
    if (ownUnapplied > 1) {
      fail(ownUnapplied + " configuration changes of term " + storage.term
          + " pending after the applied index " + applied + " (at most one at a time)");
    }
  }

  private void fail(String what) {
    throw new RaftAssertionFailure(id, what, this + " applied=" + applied + " vote="
        + MemberIds.hex(storage.vote) + " pendingConf=" + pendingConfIndex);
  }

  @Override
  public String toString() {
    return role + " term=" + storage.term + " lead=" + MemberIds.hex(lead) + " commit="
        + storage.commit + " last=" + storage.lastIndex() + " voters=" + voters.size()
        + " learners=" + learners.size();
  }
}
