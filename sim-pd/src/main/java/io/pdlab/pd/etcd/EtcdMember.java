package io.pdlab.pd.etcd;

import io.pdlab.pd.etcd.EntryData.ConfChange;
import io.pdlab.pd.etcd.EntryData.ConfType;
import io.pdlab.pd.etcd.EtcdMessages.AddResult;
import io.pdlab.pd.etcd.EtcdMessages.ClientOp;
import io.pdlab.pd.etcd.EtcdMessages.ClientRequest;
import io.pdlab.pd.etcd.EtcdMessages.ClientResponse;
import io.pdlab.pd.etcd.EtcdMessages.Dial;
import io.pdlab.pd.etcd.EtcdMessages.DialAck;
import io.pdlab.pd.etcd.EtcdMessages.Forwarded;
import io.pdlab.pd.etcd.EtcdMessages.LinkHeartbeat;
import io.pdlab.pd.etcd.EtcdMessages.BootstrapCheck;
import io.pdlab.pd.etcd.EtcdMessages.BootstrapCheckReply;
import io.pdlab.pd.etcd.EtcdMessages.MembersReply;
import io.pdlab.pd.etcd.EtcdMessages.MembersRequest;
import io.pdlab.pd.etcd.EtcdMessages.Peer;
import io.pdlab.sim.TimerHandle;
import io.pdlab.sim.process.Process;
import io.pdlab.sim.process.ProcessContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An etcd 3.4 member as a simulated process: the etcd server around a {@link Raft} core.
 *
 * <p>Start-up follows etcdserver NewServer: with a WAL on disk the flags are ignored and the member
 * restarts from it; with state {@code new} it derives member and cluster IDs from the initial
 * cluster and token and bootstraps the configuration as committed entries; with state
 * {@code existing} it asks the peers for the live cluster, exits if its initial cluster does not
 * match it, and starts with an empty log that the leader fills. Then it dials its peers (rafthttp
 * streams; peers of another cluster ID are refused), ticks, fast-forwards its first election
 * (adjustTicks), and publishes its name through Raft (then it is "started" and ready).
 *
 * <p>It can run on its own as a {@link Process} or embedded in another process (PD) that forwards
 * it the messages of {@link EtcdMessages} and the timers of {@link Timer}.
 */
public final class EtcdMember implements Process, Raft.Host, EtcdHolder, EtcdEngine {
  /** The member's own timers. */
  public sealed interface Timer {}

  record Tick() implements Timer {
    @Override
    public String toString() {
      return "tick";
    }
  }

  record DialRetry() implements Timer {
    @Override
    public String toString() {
      return "dial-retry";
    }
  }

  /** A process started at {@code endpoint}, where dials had nothing to ask ({@link #dialAll}). */
  record PeerStarted(String endpoint) implements Timer {}

  /** A refusal by the process incarnation {@code epoch} at {@code endpoint}. */
  private record Refusal(String endpoint, int epoch) {}

  /** The refusal of a dial from another cluster (rafthttp's errClusterIDMismatch). */
  static final String CLUSTER_ID_MISMATCH = "cluster ID mismatch";

  record LinkCheck() implements Timer {
    @Override
    public String toString() {
      return "link-check";
    }
  }

  record AdvancePoll(int attempt) implements Timer {}

  record RemoteMembersTimeout(int attempt) implements Timer {}

  record BootstrapCheckTimeout(int attempt) implements Timer {}

  /** Serve the client requests that waited for the member to be ready. */
  record ServeWaiting() implements Timer {}

  /**
   * The publish request number {@code seq} timed out: etcd 3.4 {@code publish()} waits on each
   * attempt for the request timeout ({@link EtcdTiming#requestTimeoutMs}) and tries again until
   * it is applied (etcdserver/server.go; the v2 path ignores a dropped proposal and waits), so a
   * forwarded publish the leader never got is sent again.
   */
  record PublishTimeout(int seq) implements Timer {}

  /** A client request that arrived before the member served clients. */
  private record Waiting(String client, long requestId, ClientOp op) {}

  /**
   * etcd serves client connections only after ReadyNotify (embed/serve.go serve waits on
   * s.ReadyNotify()); the listener is bound from the start, so requests that come earlier wait on
   * their connection, bounded only by the client's own timeout.
   */
  private final List<Waiting> waiting = new ArrayList<>();

  /** The peer port is bound (the process started up that far). */
  record PeerPortBound() implements Timer {}

  /** The backend is open: the member goes on to ask its peers or replay its WAL. */
  record BackendOpened() implements Timer {}

  /** The member serves its peer port (embed.servePeers): what waited there is answered. */
  record ServePeers() implements Timer {}

  /** A request to the peer port that arrived while it was bound but not served yet. */
  private record Held(String from, Object message) {}

  /**
   * Requests on the bound peer port before the member serves it: the connections are accepted
   * and wait (isMemberBootstrapped asks, GET /members, stream dials, pipelined Raft messages).
   */
  private final List<Held> held = new ArrayList<>();

  record RequestTimeout(long localId) implements Timer {}

  record StopAfterRemoval() implements Timer {}

  /** Disk key of the WAL (etcd's member/wal directory). */
  public static final String WAL_KEY = "etcd/wal";

  /** Disk key of etcd's member/snap directory (and its backend db), made before the WAL. */
  public static final String SNAP_KEY = "etcd/snap";

  /**
   * Disk key of a backend db that holds data no WAL entry of this disk wrote: the store a
   * snapshot restore put there ({@link #restore}). Absent on a member that bootstrapped or
   * joined, whose store is rebuilt from its WAL alone.
   */
  public static final String DB_KEY = "etcd/snap/db";

  private final EtcdConfig cfg;
  private final EtcdTiming timing;
  private final EtcdObserver observer;
  private ProcessContext ctx;

  private RaftStorage storage;
  private Raft raft;
  private long memberId;
  private long clusterId;
  private Membership membership = new Membership();
  /**
   * A joining member's view of the cluster from GET /members: IDs and peer URLs to reach peers
   * until the log, replicated from the leader, rebuilds the membership (etcd adds the remotes to
   * the transport; its store starts empty).
   */
  private Membership remote = new Membership();
  private final TreeMap<String, String> kv = new TreeMap<>();
  /**
   * The key-value store's revision: 1 for an empty store, one more per applied write that
   * changed it (etcd mvcc; a txn that only reads does not count).
   */
  private long revision = 1;
  private boolean ready;
  private boolean publishInFlight;
  private int publishSeq;
  private boolean exited;
  /** Replaying the WAL at start: the observer sees the membership once, after the replay. */
  private boolean replaying;
  /** The verdict of {@link #validate} on the conf change Raft is about to hand to apply(). */
  private boolean lastConfAccepted;

  /** rafthttp peer status: when each peer's stream became active (absent = inactive). */
  private final TreeMap<Long, Long> activeSinceUs = new TreeMap<>();
  private final TreeMap<Long, Long> lastHeardUs = new TreeMap<>();
  /** The last refusal each peer answered this member's dials with (logged once per change). */
  private final TreeMap<Long, String> refusedBy = new TreeMap<>();
  /** Peers whose requests this member refused for their cluster ID (logged once). */
  private final java.util.TreeSet<Long> mismatchFrom = new java.util.TreeSet<>();
  /**
   * Peers that refused this member's dial for its cluster ID, with the incarnation of the process
   * that refused. A process's cluster ID is fixed when it starts, so that incarnation refuses
   * every dial from this one alike: rafthttp's reader redials every 100 ms for nothing
   * ({@code stream.go} streamReader.run), and the model does not send those dials again until
   * another incarnation listens there ({@link ProcessContext#incarnationAt}).
   */
  private final TreeMap<Long, Refusal> mismatchedBy = new TreeMap<>();
  private final TreeMap<Long, Long> lastDialUs = new TreeMap<>();
  private final TreeMap<Long, Integer> peerEpoch = new TreeMap<>();
  /**
   * rafthttp's attached streams: the endpoint whose dial in from each peer this member accepted.
   * In etcd 3.4 a member's streamReader dials the remote's recorded peer URL ({@code
   * stream.go} streamReader.dial: GET {@code /raft/stream/...} at {@code picker.pick()}), and the
   * remote's streamHandler attaches that connection to its streamWriter for the dialer
   * ({@code http.go} streamHandler.ServeHTTP, {@code peer.attachOutgoingConn}); the remote then
   * writes its messages and link heartbeats to the dialer over it ({@code peer.go} pick: the
   * msgAppV2 or message stream writer while it works, else the pipeline, which POSTs to the
   * recorded URL, {@code pipeline.go} post). So a member whose recorded URL reaches nothing still
   * hears the peers it dials: they send to it over the connection it opened.
   */
  private final TreeMap<Long, String> attachedFrom = new TreeMap<>();
  /**
   * Peers that dialed in from another endpoint than the one their recorded peer URL names. This
   * member's own stream readers dial that URL and fail, and each failed dial marks the peer
   * inactive again ({@code stream.go} streamReader.run: {@code status.deactivate} on a dial
   * error, retried every 100 ms by its rate limiter; one {@code peerStatus} per peer, {@code
   * peer_status.go}), so such a peer never counts as connected here (strict reconfig checks,
   * {@code isConnectedToQuorumSince}), while its attached stream still carries this member's
   * messages to it and its pipeline POSTs reach this member.
   */
  private final java.util.TreeSet<Long> misdialed = new java.util.TreeSet<>();
  private TimerHandle dialRetry;
  /** rafthttp's redial interval ({@link EtcdConstants#STREAM_DIAL_RETRY_MS}) in microseconds. */
  private static final long DIAL_RETRY_US = EtcdConstants.STREAM_DIAL_RETRY_MS * 1_000;
  /** When the dial retry timer last fired or, not pending, would have: its 100 ms phase. */
  private long dialRetryDueUs;
  /** Endpoints watched for a start ({@link PeerStarted}), while the dial loop sleeps. */
  private final java.util.TreeSet<String> watchedStarts = new java.util.TreeSet<>();

  private final TreeMap<Long, Pending> pending = new TreeMap<>();
  /**
   * The ID of this member's next proposal, which its apply matches to the waiting client by
   * (origin member, ID). etcd 3.4 draws them from {@code idutil.NewGenerator(uint16(id),
   * time.Now())} ({@code etcdserver/server.go}, {@code pkg/idutil/id.go}: the member's ID, then a
   * millisecond timestamp and a count), so a restarted member never reuses one; the model takes
   * them from this incarnation's range ({@link ProcessContext#requestIdBase}). Numbered from 1 in
   * each incarnation, a member that lost its disk and was sent its old proposals again answered a
   * new client request with an old entry's value.
   */
  private long nextLocalId;

  private List<String> joinPeers = List.of();
  /** The index in {@link #joinPeers} asked now for the cluster (GET /members). */
  private int asking = -1;

  private record Pending(String client, long clientRequestId, ClientOp op, TimerHandle timeout) {}

  public EtcdMember(EtcdConfig cfg, EtcdObserver observer) {
    this.cfg = cfg;
    this.timing = cfg.timing();
    this.observer = observer;
  }

  // ------------------------------------------------------------------ queries

  @Override
  public EtcdMember etcd() {
    return this;
  }

  public String name() {
    return cfg.name();
  }

  public long memberId() {
    return memberId;
  }

  @Override
  public long clusterId() {
    return clusterId;
  }

  /** Null until the member has joined or bootstrapped. */
  public Raft raft() {
    return raft;
  }

  public boolean ready() {
    return ready;
  }

  public Membership membership() {
    return membership;
  }

  public SortedMap<String, String> kv() {
    return java.util.Collections.unmodifiableSortedMap(kv);
  }

  /** The store's mvcc revision (what {@code etcdctl endpoint status} reports). */
  public long revision() {
    return revision;
  }

  /** The member's flags. */
  public EtcdConfig config() {
    return cfg;
  }

  /** The store as {@code etcdctl snapshot save} against this member copies it now. */
  public StoreSnapshot snapshot() {
    return new StoreSnapshot(kv, revision);
  }

  public boolean isLeader() {
    return raft != null && raft.role() == Raft.Role.LEADER;
  }

  /** True: the simulated member changes only in the events its process hands it. */
  @Override
  public boolean changesOnlyInItsCalls() {
    return true;
  }

  /** Whether the member counts {@code peer}'s stream as active. */
  public boolean isActive(long peer) {
    return activeSinceUs.containsKey(peer);
  }

  // ------------------------------------------------------------------ start-up

  @Override
  public void onStart(ProcessContext ctx) {
    this.ctx = ctx;
    nextLocalId = ctx.requestIdBase() + 1;
    RaftStorage wal = ctx.disk().get(WAL_KEY);
    if (wal != null) {
      if (ctx.tracing()) {
        ctx.log("etcd: WAL exists, restarting member " + MemberIds.hex(wal.memberId())
            + "; --initial-cluster flags ignored");
      }
      storage = wal;
    }
    // Start-up until the peer port is bound: connections to it are refused meanwhile.
    peerPortBound = false;
    servingPeers = false;
    ctx.setTimer(ctx.rng().between(EtcdConstants.STARTUP_BIND_MIN_MS * 1_000,
        EtcdConstants.STARTUP_BIND_MAX_MS * 1_000), new PeerPortBound());
  }

  /**
   * The backend is open: restart from the WAL, or check the flags and ask the peers (new cluster
   * or join). etcd 3.4.23 {@code etcdserver/server.go} NewServer creates {@code member/snap}
   * ({@code TouchDirAll(cfg.SnapDir())}) and opens {@code member/snap/db} before it looks at the
   * flags; the WAL ({@code member/wal}) only comes with {@code startNode}, after the checks and
   * the peers' answers. So a member that exits on its flags or its peers leaves a data dir with
   * {@code member/snap} and no {@code member/wal} ({@link #SNAP_KEY}).
   */
  private void afterBackendOpened() {
    ctx.disk().put(SNAP_KEY, Boolean.TRUE);
    if (storage == null && !checkFlags()) {
      return;
    }
    if (storage != null) {
      StoreSnapshot db = ctx.disk().get(DB_KEY);
      if (db != null) {
        // A restored backend: the store starts as the snapshot had it, and the WAL's entries
        // (the restore's conf changes, then what the leader sent) are applied on top of it.
        kv.putAll(db.kv());
        revision = db.revision();
      }
      begin(storage.memberId(), storage.clusterId(), null);
    } else if (cfg.state() == EtcdConfig.State.NEW) {
      checkBootstrapped(0);
    } else {
      askRemoteMembers(0);
    }
  }

  /**
   * The flag checks of NewServer without a WAL (etcd 3.4.23 {@code etcdserver/config.go}): both
   * states need the member's name in {@code --initial-cluster} ({@code hasLocalMember}); a new
   * member's {@code --initial-advertise-peer-urls} must equal its entry there
   * ({@code VerifyBootstrap} -> {@code advertiseMatchesCluster}; equal strings pass without
   * resolving them, {@code netutil.urlsEqual}); a joiner's is not compared
   * ({@code VerifyJoinExisting}). Then the peers to ask, sorted ({@code getRemotePeerURLs}).
   */
  private boolean checkFlags() {
    if (!cfg.initialCluster().containsKey(cfg.name())) {
      exit("couldn't find local name \"" + cfg.name() + "\" in the initial cluster configuration");
      return false;
    }
    if (cfg.state() == EtcdConfig.State.NEW
        && !cfg.initialCluster().get(cfg.name()).equals(cfg.peerUrl())) {
      exit("--initial-cluster has " + cfg.name() + "=" + cfg.initialCluster().get(cfg.name())
          + " but missing from --initial-advertise-peer-urls=" + cfg.peerUrl());
      return false;
    }
    List<String> peers = new ArrayList<>();
    for (Map.Entry<String, String> e : cfg.initialCluster().entrySet()) {
      if (!e.getKey().equals(cfg.name())) {
        peers.add(e.getValue());
      }
    }
    peers.sort(null); // etcd getRemotePeerURLs sorts them
    if (cfg.state() == EtcdConfig.State.NEW) {
      checkPeers = peers;
    } else {
      joinPeers = peers;
    }
    return true;
  }

  private void bootstrapNew() {
    RaftStorage s = initialLog(cfg.initialCluster(), cfg.token(), cfg.peerUrl());
    storage = s;
    ctx.disk().put(WAL_KEY, s);
    if (ctx.tracing()) {
      ctx.log("etcd: bootstrapped new cluster " + MemberIds.hex(s.clusterId()) + " as member "
          + MemberIds.hex(s.memberId()) + " of " + s.commit);
    }
    begin(s.memberId(), s.clusterId(), null);
  }

  /**
   * The WAL of a cluster started from a static list: member IDs from each peer URL and the token,
   * the cluster ID from them ({@link MemberIds}), and the configuration as committed entries at
   * term 1, one per member (etcd raft StartNode). A static bootstrap and a snapshot restore both
   * write it ({@link #restore}).
   */
  private static RaftStorage initialLog(Map<String, String> initialCluster, String token,
      String selfPeerUrl) {
    Membership m = new Membership();
    List<Long> ids = new ArrayList<>();
    for (Map.Entry<String, String> e : initialCluster.entrySet()) {
      long id = MemberIds.memberId(List.of(e.getValue()), token);
      ids.add(id);
      m.add(new Member(id, "", List.of(e.getValue()), List.of(), false));
    }
    RaftStorage s = new RaftStorage(MemberIds.memberId(List.of(selfPeerUrl), token),
        MemberIds.clusterId(ids));
    long index = 0;
    for (Member mem : m.members().values()) {
      index++;
      s.append(new Entry(1, index, new ConfChange(ConfType.ADD_VOTER, mem.id(), mem.peerUrls(),
          0, 0)));
    }
    s.term = 1;
    s.commit = index;
    return s;
  }

  /**
   * {@code etcdctl snapshot restore} into an empty data dir (etcd v3.4.23
   * {@code clientv3/snapshot/v3_snapshot.go} Restore): member and cluster IDs from {@code
   * --initial-cluster} and {@code --initial-cluster-token} as a static bootstrap derives them
   * ({@code membership.NewClusterFromURLsMap}), so the running cluster's own list and token give
   * its own IDs, and any other list or token another cluster; the own ID is the one of {@code
   * --name}'s entry ({@code MemberByName}). {@code saveDB} copies the snapshot's db with its
   * keys and revision and sets its consistent index to N, the number of members; {@code
   * saveWALAndSnap} writes a WAL of N conf-change entries at term 1 with hard state (term 1,
   * vote = the first member ID, commit N) and a raft snapshot at index N. The model has no raft
   * snapshots: its log keeps entries 1..N, which rebuild the same configuration when replayed,
   * and the store comes from {@link #DB_KEY}. The restarted member applies every entry after N
   * it gets on top of the snapshot's store (etcd applies an entry to the v3 store when its index
   * is above the consistent index: etcdserver/server.go applyEntryNormal, shouldApplyV3), so
   * entries the snapshot already held are applied again and its revision runs ahead. It serves
   * no client before its own publish is applied (embed/serve.go waits on ReadyNotify), that is
   * after every entry the leader had before it, so it gives no stale read while catching up.
   *
   * @throws IllegalArgumentException as etcdctl refuses a name not in the list ({@code
   *     VerifyBootstrap}) or a data dir that exists
   */
  public static void restore(io.pdlab.sim.process.Disk disk, StoreSnapshot db, String name,
      Map<String, String> initialCluster, String token) {
    String own = initialCluster.get(name);
    if (own == null) {
      throw new IllegalArgumentException("couldn't find local name \"" + name
          + "\" in the initial cluster configuration");
    }
    if (!disk.isEmpty()) {
      throw new IllegalArgumentException("data-dir of " + name + " exists");
    }
    RaftStorage s = initialLog(initialCluster, token, own);
    // saveWALAndSnap: HardState{Term: 1, Vote: peers[0].ID, Commit: N}, peers in the order of
    // s.cl.MemberIDs() (sorted, as the entries are).
    s.vote = ((ConfChange) s.entry(1).data()).memberId();
    disk.put(SNAP_KEY, Boolean.TRUE);
    disk.put(DB_KEY, db);
    disk.put(WAL_KEY, s);
  }

  /** False from exec until the peer port is bound. */
  private boolean peerPortBound = true;

  /** False from exec until the member serves its peer port, some time after Raft started. */
  private boolean servingPeers = true;

  /** Peer URLs asked by isMemberBootstrapped, and the one asked now (-1: done). */
  private List<String> checkPeers = List.of();
  private int checking = -1;

  /**
   * etcd isMemberBootstrapped: before bootstrapping a new cluster, ask each other peer in turn
   * whether this member was bootstrapped already. An answer ends it; a refused connection moves on
   * at once; a peer that does not answer costs {@link EtcdConstants#BOOTSTRAP_TIMEOUT_MS}.
   */
  private void checkBootstrapped(int attempt) {
    if (attempt >= checkPeers.size()) {
      checking = -1;
      bootstrapNew();
      return;
    }
    checking = attempt;
    ctx.send(EtcdConfig.endpointOf(checkPeers.get(attempt)), new BootstrapCheck(attempt));
    ctx.setTimer(EtcdConstants.BOOTSTRAP_TIMEOUT_MS * 1_000, new BootstrapCheckTimeout(attempt));
  }

  private void onBootstrapCheckReply(BootstrapCheckReply r) {
    if (checking < 0 || r.attempt() != checking) {
      return; // late
    }
    checking = -1;
    // etcd 3.4 isMemberBootstrapped: this member's ID (from its peer URL and the cluster token)
    // in the remote cluster, with client URLs, means bootstrapped; a member with the same peer
    // URL but another ID (another token, or added at runtime) does not count.
    long self = MemberIds.memberId(List.of(cfg.peerUrl()), cfg.token());
    for (Member m : r.members()) {
      if (m.id() == self && !m.clientUrls().isEmpty()) {
        exit("member " + cfg.name() + " has already been bootstrapped");
        return;
      }
    }
    bootstrapNew();
  }

  private void askRemoteMembers(int attempt) {
    if (attempt >= joinPeers.size()) {
      exit("cannot fetch cluster info from peer urls: could not retrieve cluster information from"
          + " the given URLs");
      return;
    }
    asking = attempt;
    ctx.send(EtcdConfig.endpointOf(joinPeers.get(attempt)), new MembersRequest(attempt));
    ctx.setTimer(EtcdConstants.REMOTE_MEMBERS_TIMEOUT_MS * 1_000,
        new RemoteMembersTimeout(attempt));
  }

  private void onMembersReply(MembersReply r) {
    if (raft != null || r.requestId() != asking) {
      return; // already joined, or a late answer (its request timed out at the asker)
    }
    // etcd 3.4.23 membership/cluster.go ValidateClusterAndAssignIDs: the same size, then each
    // existing member (in member ID order, RaftCluster.Members) must have the peer URLs of some
    // local --initial-cluster member (tried in their ID order, from URL and token); the error
    // names the first existing member without one and the last comparison's error
    // (netutil.URLStringsEqual: "resolved urls: %q != %q"; the model has no DNS, so the URLs
    // compare as written).
    List<Member> remote = new ArrayList<>(r.members());
    remote.sort((a, b) -> Long.compareUnsigned(a.id(), b.id()));
    List<String> local = new ArrayList<>(cfg.initialCluster().values());
    local.sort((a, b) -> Long.compareUnsigned(MemberIds.memberId(List.of(a), cfg.token()),
        MemberIds.memberId(List.of(b), cfg.token())));
    if (remote.size() != local.size()) {
      exit("error validating peerURLs " + r.members() + ": member count is unequal");
      return;
    }
    for (Member em : remote) {
      String last = null;
      boolean ok = false;
      for (String lm : local) {
        ok = em.peerUrls().equals(List.of(lm));
        if (ok) {
          break;
        }
        last = em.peerUrls().size() != 1
            ? "len(" + quoted(em.peerUrls()) + ") != len([\"" + lm + "\"])"
            : "resolved urls: \"" + em.peerUrls().get(0) + "\" != \"" + lm + "\"";
      }
      if (!ok) {
        exit("error validating peerURLs " + r.members() + ": PeerURLs: no match found for"
            + " existing member (" + MemberIds.hex(em.id()) + ", " + em.peerUrls()
            + "), last resolver error (" + last + ")");
        return;
      }
    }
    // The member's own ID is the remote member matched to its --initial-cluster entry
    // (cl.MemberByName(cfg.Name).ID after ValidateClusterAndAssignIDs), not to its advertised
    // peer URL, which a joiner's start never compares (etcd 3.4.23 server.go NewServer).
    String own = cfg.initialCluster().get(cfg.name());
    Member self = null;
    Membership m = new Membership();
    for (Member mem : remote) {
      m.add(mem);
      if (mem.peerUrls().equals(List.of(own))) {
        self = mem;
      }
    }
    RaftStorage s = new RaftStorage(self.id(), r.clusterId());
    storage = s;
    ctx.disk().put(WAL_KEY, s);
    if (ctx.tracing()) {
      ctx.log("etcd: joining existing cluster " + MemberIds.hex(r.clusterId()) + " as member "
          + MemberIds.hex(self.id()));
    }
    begin(self.id(), r.clusterId(), m);
  }

  /** Go's {@code %q} of a string slice: {@code ["a" "b"]}. */
  private static String quoted(List<String> urls) {
    List<String> q = new ArrayList<>();
    for (String u : urls) {
      q.add("\"" + u + "\"");
    }
    return "[" + String.join(" ", q) + "]";
  }

  /** Common start: Raft, replay, transport, ticks, tick advance, publish. */
  private void begin(long id, long cid, Membership remoteView) {
    memberId = id;
    clusterId = cid;
    if (remoteView != null) {
      remote = remoteView;
    }
    observer.onCluster(cfg.name(), id, cid, ctx.nowUs());
    raft = new Raft(id, this, ctx.rng(), timing, storage);
    replaying = true;
    raft.replay();
    replaying = false;
    if (membership.size() > 0) {
      observer.onMembership(cfg.name(), clusterId, membership, ctx.nowUs());
    }
    ctx.setTimer(timing.tickMs() * 1_000, new Tick());
    ctx.setTimer(EtcdConstants.LINK_HEARTBEAT_MS * 1_000, new LinkCheck());
    if (!servingPeers) {
      int others = Math.max(membership.size(), remote.size()) - 1;
      ctx.setTimer(ctx.rng().between(EtcdConstants.SERVE_AFTER_START_MIN_MS * 1_000,
          (EtcdConstants.SERVE_AFTER_START_MAX_MS
              + EtcdConstants.SERVE_AFTER_START_PER_PEER_MAX_MS * Math.max(0, others)) * 1_000),
          new ServePeers());
    }
    dialAll();
    // etcd 3.4 adjustTicks: a single-member cluster always advances to one tick before its
    // election; more members only with initial-election-tick-advance (the default).
    int clusterN = Math.max(membership.size(), remote.size());
    if (clusterN == 1) {
      raft.advanceTicks(timing.electionTicks() - 1);
    } else if (clusterN > 1 && timing.initialElectionTickAdvance()) {
      ctx.setTimer(EtcdConstants.TICK_ADVANCE_POLL_MS * 1_000, new AdvancePoll(1));
    }
    publish();
  }

  private void publish() {
    if (ready || publishInFlight) {
      return;
    }
    EntryData.Publish p = new EntryData.Publish(memberId, cfg.name(), List.of(cfg.clientUrl()));
    publishInFlight = raft.propose(p);
    if (publishInFlight) {
      ctx.setTimer(timing.requestTimeoutMs() * 1_000, new PublishTimeout(++publishSeq));
    }
  }

  // ------------------------------------------------------------------ transport

  /** A member as this member knows it: applied membership first, else the remote view. */
  private Member known(long id) {
    Member m = membership.get(id);
    return m != null ? m : remote.get(id);
  }

  /** Endpoint names by peer URL: URLs never change for a member, parsing them on every send did. */
  private final java.util.LinkedHashMap<String, String> endpointByUrl =
      new java.util.LinkedHashMap<>();

  private String endpointOfMember(long id) {
    return endpointOf(known(id));
  }

  /**
   * The endpoint of member {@code id}'s first peer URL in the applied membership, or null when
   * that has no such member (or it has no URL).
   */
  public String endpointInMembership(long id) {
    return endpointOf(membership.get(id));
  }

  /** The endpoint of {@code m}'s first peer URL, or null without a member or a URL. */
  private String endpointOf(Member m) {
    if (m == null || m.peerUrls().isEmpty()) {
      return null;
    }
    return endpointByUrl.computeIfAbsent(m.peerUrls().get(0), EtcdConfig::endpointOf);
  }

  /**
   * Where a message to {@code id} goes: over the stream {@code id} dialed in on while it is
   * attached, else to {@code id}'s recorded peer URL (rafthttp pipeline; see
   * {@link #attachedFrom}). With the recorded URL right both are the same endpoint.
   */
  private String routeTo(long id) {
    String attached = attachedFrom.get(id);
    return attached != null ? attached : endpointOfMember(id);
  }

  /**
   * The other members' IDs, applied and remote, in signed order (a {@code TreeSet} of the
   * natural order). Kept while the IDs they come from are the same: the dial loop asks every
   * retry interval and at every link check.
   */
  private List<Long> peerIds() {
    if (peerIds == null || peerIdsMembership != membership || peerIdsRemote != remote
        || peerIdsMembershipChanges != membership.idsChanged()
        || peerIdsRemoteChanges != remote.idsChanged() || peerIdsMemberId != memberId) {
      java.util.TreeSet<Long> ids = new java.util.TreeSet<>(membership.members().keySet());
      for (long id : remote.members().keySet()) {
        if (!membership.isRemoved(id)) {
          ids.add(id);
        }
      }
      ids.remove(memberId);
      peerIds = List.copyOf(ids);
      peerIdsMembership = membership;
      peerIdsRemote = remote;
      peerIdsMembershipChanges = membership.idsChanged();
      peerIdsRemoteChanges = remote.idsChanged();
      peerIdsMemberId = memberId;
    }
    return peerIds;
  }

  /** {@link #peerIds}' last answer and what it was derived from. */
  private List<Long> peerIds;
  private Membership peerIdsMembership;
  private Membership peerIdsRemote;
  private long peerIdsMembershipChanges;
  private long peerIdsRemoteChanges;
  private long peerIdsMemberId;

  /**
   * rafthttp's stream readers: each missing peer is dialed every 100 ms. A dial whose answer is
   * known is not sent: where nothing runs, the connection is refused at once; an incarnation that
   * refused this member's cluster ID refuses it again. When no missing peer is left to ask, the
   * loop sleeps until a process starts where one of them is ({@link ProcessContext#watchStart})
   * and then dials at its next 100 ms, as the readers polling all along would have.
   */
  private void dialAll() {
    boolean poll = false;
    List<String> sleeping = null;
    long now = ctx.nowUs();
    for (Long id : peerIds()) { // boxed once, in the kept list: the maps take it as it is
      if (activeSinceUs.containsKey(id)) {
        continue;
      }
      String ep = endpointOfMember(id);
      if (ep == null) {
        poll = true;
        continue;
      }
      int listening = ctx.incarnationAt(ep);
      Refusal refusing = mismatchedBy.get(id);
      boolean known = listening == ProcessContext.NOT_LISTENING
          || refusing != null && refusing.epoch() == listening && refusing.endpoint().equals(ep);
      Long last = lastDialUs.get(id);
      if (last == null || now - last >= DIAL_RETRY_US) {
        lastDialUs.put(id, now);
        if (!known) {
          ctx.send(ep, new Dial(clusterId, memberId, ctx.incarnation()));
        }
      }
      if (!known) {
        poll = true;
      } else if (!watchedStarts.contains(ep)) {
        if (sleeping == null) {
          sleeping = new ArrayList<>();
        }
        sleeping.add(ep);
      }
    }
    if (dialRetryPending()) {
      return;
    }
    if (sleeping != null && !poll) {
      for (String ep : sleeping) {
        poll |= !ctx.watchStart(ep, new PeerStarted(ep)); // a driver that cannot watch: poll
        watchedStarts.add(ep);
      }
    }
    if (poll) {
      armDialRetry(DIAL_RETRY_US);
    }
  }

  private boolean dialRetryPending() {
    return dialRetry != null && dialRetry.isPending();
  }

  private void armDialRetry(long delayUs) {
    dialRetryDueUs = ctx.nowUs() + delayUs;
    dialRetry = ctx.setTimer(delayUs, new DialRetry());
  }

  /**
   * A process started where a missing peer is: the dial loop wakes at its next 100 ms, the time
   * at which its readers, polling all along, would have dialed next.
   */
  private void peerStarted(String endpoint) {
    watchedStarts.remove(endpoint);
    if (!dialRetryPending()) {
      armDialRetry(Math.floorMod(dialRetryDueUs - ctx.nowUs(), DIAL_RETRY_US));
    }
  }

  private void activate(long peer) {
    long now = ctx.nowUs();
    lastHeardUs.put(peer, now);
    if (activeSinceUs.putIfAbsent(peer, now) == null) {
      if (ctx.tracing()) {
        ctx.log("etcd: peer " + MemberIds.hex(peer) + " became active");
      }
    }
  }

  private void deactivate(long peer, String why) {
    attachedFrom.remove(peer); // the broken stream is no longer attached
    if (activeSinceUs.remove(peer) != null) {
      if (ctx.tracing()) {
        ctx.log("etcd: peer " + MemberIds.hex(peer) + " became inactive (" + why + ")");
      }
    }
  }

  private boolean acceptFrom(long clusterOfSender, long from, String endpoint) {
    if (clusterOfSender != clusterId) {
      if (mismatchFrom.add(from)) {
        if (ctx.tracing()) {
          ctx.log("etcd: request cluster ID mismatch (got " + MemberIds.hex(clusterOfSender)
              + " want " + MemberIds.hex(clusterId) + ") from " + endpoint);
        }
      }
      return false;
    }
    return known(from) != null && !membership.isRemoved(from);
  }

  private void onDial(String fromEndpoint, Dial d) {
    if (raft == null) {
      return; // not serving peers yet
    }
    if (d.clusterId() != clusterId) {
      acceptFrom(d.clusterId(), d.from(), fromEndpoint);
      ctx.send(fromEndpoint, new DialAck(memberId, ctx.incarnation(), false, CLUSTER_ID_MISMATCH));
      return;
    }
    if (membership.isRemoved(d.from())) {
      ctx.send(fromEndpoint, new DialAck(memberId, ctx.incarnation(), false,
          "the member has been permanently removed from the cluster"));
      return;
    }
    if (known(d.from()) == null) {
      ctx.send(fromEndpoint, new DialAck(memberId, ctx.incarnation(), false,
          "error sender not found"));
      return;
    }
    mismatchFrom.remove(d.from()); // of this cluster now: a later mismatch is news again
    Integer known = peerEpoch.put(d.from(), d.epoch());
    if (known != null && known < d.epoch() && activeSinceUs.containsKey(d.from())) {
      // The peer restarted: its old streams broke; it is active anew from now.
      deactivate(d.from(), "peer restarted");
    }
    String recorded = endpointOfMember(d.from());
    if (fromEndpoint.equals(recorded)) {
      misdialed.remove(d.from());
      activate(d.from());
    } else {
      if (misdialed.add(d.from()) && ctx.tracing()) {
        ctx.log("etcd: peer " + MemberIds.hex(d.from()) + " dialed in from " + fromEndpoint
            + "; its recorded peer URL " + known(d.from()).peerUrls() + " does not reach it, so"
            + " it stays inactive here");
      }
      deactivate(d.from(), "failed to dial its recorded peer URL");
    }
    attachedFrom.put(d.from(), fromEndpoint);
    ctx.send(fromEndpoint, new DialAck(memberId, ctx.incarnation(), true, ""));
  }

  private void onDialAck(String fromEndpoint, DialAck a) {
    if (raft == null) {
      return;
    }
    if (a.ok()) {
      refusedBy.remove(a.from());
      mismatchedBy.remove(a.from());
      if (known(a.from()) != null) {
        activate(a.from());
      }
      return;
    }
    if (a.error().equals(CLUSTER_ID_MISMATCH)) {
      mismatchedBy.put(a.from(), new Refusal(fromEndpoint, a.epoch()));
    }
    if (!a.error().equals(refusedBy.get(a.from()))) {
      refusedBy.put(a.from(), a.error());
      if (ctx.tracing()) {
        ctx.log("etcd: stream to " + MemberIds.hex(a.from()) + " refused: " + a.error());
      }
      if (a.error().startsWith("the member has been permanently removed")) {
        exit("the member has been permanently removed from the cluster");
      }
    }
  }

  private void linkCheck() {
    long now = ctx.nowUs();
    for (long peer : new ArrayList<>(activeSinceUs.keySet())) {
      if (known(peer) == null || membership.isRemoved(peer)) {
        activeSinceUs.remove(peer);
        attachedFrom.remove(peer);
        continue;
      }
      if (now - lastHeardUs.getOrDefault(peer, 0L)
          > EtcdConstants.CONN_READ_TIMEOUT_MS * 1_000) {
        deactivate(peer, "read timeout");
      } else {
        String ep = routeTo(peer);
        if (ep != null) {
          ctx.send(ep, new LinkHeartbeat(clusterId, memberId));
        }
      }
    }
    dialAll();
    ctx.setTimer(EtcdConstants.LINK_HEARTBEAT_MS * 1_000, new LinkCheck());
  }

  /** etcd isConnectedFullySince: every other voter's stream active since at least {@code since}. */
  private boolean connectedFullySince(long sinceUs) {
    for (Member m : membership.votingMembers()) {
      if (m.id() == memberId) {
        continue;
      }
      Long t = activeSinceUs.get(m.id());
      if (t == null || t > sinceUs) {
        return false;
      }
    }
    return true;
  }

  /** etcd numConnectedSince: voters (self included) whose stream is active since {@code since}. */
  private int numConnectedSince(long sinceUs) {
    int n = 0;
    for (Member m : membership.votingMembers()) {
      Long t = activeSinceUs.get(m.id());
      if (m.id() == memberId || (t != null && t <= sinceUs)) {
        n++;
      }
    }
    return n;
  }

  // ------------------------------------------------------------------ Raft host

  @Override
  public void send(long to, RaftMessage m) {
    String ep = routeTo(to);
    if (ep != null) {
      ctx.send(ep, new Peer(clusterId, memberId, m));
    }
  }

  @Override
  public void roleChanged(Raft.Role role, long term, long lead) {
    if (ctx.tracing()) {
      ctx.log("etcd: " + role + " term=" + term + " lead=" + MemberIds.hex(lead));
    }
    observer.onRole(cfg.name(), clusterId, role, term, ctx.nowUs());
    if (role == Raft.Role.FOLLOWER && lead != Raft.NONE && !ready) {
      publish();
    }
    if (role == Raft.Role.LEADER && !ready) {
      publishInFlight = false;
      publish();
    }
  }

  @Override
  public void committed(long commit) {
    observer.onCommit(cfg.name(), clusterId, commit, ctx.nowUs());
  }

  @Override
  public void matched(long follower, long match) {
    observer.onMatch(cfg.name(), clusterId, follower, match, raft.lastIndex(), ctx.nowUs());
  }

  @Override
  public void log(String line) {
    if (ctx.tracing()) {
      ctx.log("raft: " + line);
    }
  }

  @Override
  public void apply(Entry e) {
    observer.onApply(cfg.name(), clusterId, e, ctx.nowUs());
    EntryData d = e.data();
    if (d instanceof ConfChange cc) {
      if (lastConfAccepted) {
        applyConf(cc);
      }
    } else if (d instanceof EntryData.Publish p) {
      membership.publish(p.memberId(), p.name(), p.clientUrls());
      if (!replaying) {
        observer.onMembership(cfg.name(), clusterId, membership, ctx.nowUs());
      }
      // Ready when this incarnation's own publish is applied (etcd 3.4.23 etcdserver/server.go
      // publish(): readych is closed when its s.Do returns), not when a restart replays the
      // publish of an earlier one from the WAL: a restarted member serves no client until its
      // cluster has a leader again.
      if (p.memberId() == memberId && !ready && !replaying) {
        ready = true;
        publishInFlight = false;
        if (ctx.tracing()) {
          ctx.log("etcd: published " + cfg.name() + "; ready to serve client requests");
        }
        observer.onReady(cfg.name(), clusterId, ctx.nowUs());
        if (!waiting.isEmpty()) {
          ctx.setTimer(0, new ServeWaiting());
        }
      }
    } else if (d instanceof EntryData.Put p) {
      boolean written = !p.ifAbsent() || !kv.containsKey(p.key());
      if (written) {
        kv.put(p.key(), p.value());
        revision++;
      }
      if (p.origin() == memberId) {
        Pending req = pending.remove(p.requestId());
        if (req != null) {
          req.timeout().cancel();
          String stored = kv.get(p.key());
          observer.onWriteAcked(cfg.name(), clusterId, p.key(), stored, ctx.nowUs());
          ctx.send(req.client(), new ClientResponse(req.clientRequestId(), null, stored));
        }
      }
    } else if (d instanceof EntryData.Read r) {
      if (r.origin() == memberId) {
        Pending req = pending.remove(r.requestId());
        if (req != null) {
          req.timeout().cancel();
          ctx.send(req.client(), new ClientResponse(req.clientRequestId(), null, kv.get(r.key())));
        }
      }
    }
  }

  /** etcd ValidateConfigurationChange, at apply time; the proposer learns why a change failed. */
  @Override
  public boolean validate(ConfChange cc) {
    EtcdError err = null;
    Member m = membership.get(cc.memberId());
    if (membership.isRemoved(cc.memberId())) {
      err = EtcdError.MEMBER_REMOVED;
    } else {
      switch (cc.type()) {
        case ADD_VOTER, ADD_LEARNER -> {
          if (cc.origin() == 0 && m == null) {
            break; // bootstrap entries of a new cluster
          }
          if (m != null && cc.origin() != 0) {
            err = EtcdError.MEMBER_EXISTS;
          } else if (cc.origin() != 0) {
            for (String u : cc.peerUrls()) {
              if (membership.byPeerUrl(u) != null) {
                err = EtcdError.PEER_URL_EXISTS;
              }
            }
            if (err == null && cc.type() == ConfType.ADD_LEARNER
                && membership.learnerCount() + 1 > EtcdConstants.MAX_LEARNERS) {
              err = EtcdError.TOO_MANY_LEARNERS;
            }
          }
        }
        case PROMOTE -> {
          if (m == null) {
            err = EtcdError.MEMBER_NOT_FOUND;
          } else if (!m.learner()) {
            err = EtcdError.MEMBER_NOT_LEARNER;
          }
        }
        case REMOVE -> {
          if (m == null) {
            err = EtcdError.MEMBER_NOT_FOUND;
          }
        }
        default -> throw new IllegalStateException("unknown conf change " + cc);
      }
    }
    lastConfAccepted = err == null;
    if (err == null) {
      return true;
    }
    if (ctx.tracing()) {
      ctx.log("etcd: conf change " + cc + " refused at apply: " + err.message());
    }
    if (cc.origin() == memberId) {
      Pending req = pending.remove(cc.requestId());
      if (req != null) {
        req.timeout().cancel();
        ctx.send(req.client(), new ClientResponse(req.clientRequestId(), err, null));
      }
    }
    return false;
  }

  private void applyConf(ConfChange cc) {
    switch (cc.type()) {
      case ADD_VOTER, ADD_LEARNER -> {
        Member old = membership.get(cc.memberId());
        membership.add(new Member(cc.memberId(), old == null ? "" : old.name(), cc.peerUrls(),
            old == null ? List.of() : old.clientUrls(), cc.type() == ConfType.ADD_LEARNER));
      }
      case PROMOTE -> membership.promote(cc.memberId());
      case REMOVE -> {
        membership.remove(cc.memberId());
        activeSinceUs.remove(cc.memberId());
        attachedFrom.remove(cc.memberId());
        misdialed.remove(cc.memberId());
      }
      default -> throw new IllegalStateException("unknown conf change " + cc);
    }
    if (!replaying) {
      observer.onMembership(cfg.name(), clusterId, membership, ctx.nowUs());
    }
    if (cc.origin() == memberId) {
      Pending req = pending.remove(cc.requestId());
      if (req != null) {
        req.timeout().cancel();
        Object result = cc.type() == ConfType.ADD_VOTER || cc.type() == ConfType.ADD_LEARNER
            ? new AddResult(membership.get(cc.memberId()), List.copyOf(membership.members()
                .values()))
            : List.copyOf(membership.members().values());
        ctx.send(req.client(), new ClientResponse(req.clientRequestId(), null, result));
      }
    }
    if (cc.type() == ConfType.REMOVE && cc.memberId() == memberId) {
      ctx.setTimer(EtcdConstants.REMOVED_STOP_DELAY_MS * 1_000, new StopAfterRemoval());
      return;
    }
    dialAll();
  }

  // ------------------------------------------------------------------ events

  @Override
  public void onMessage(ProcessContext ctx, String from, Object message) {
    this.ctx = ctx;
    if (exited) {
      return; // a held message after this member died while serving the ones before it
    }
    if (!peerPortBound) {
      if (message instanceof io.pdlab.sim.process.Refusable) {
        ctx.send(from, new io.pdlab.sim.process.Refusable.Refused(message)); // nothing listens yet
      } else if (message instanceof ClientRequest r) {
        // etcd binds its client listeners together with its peer listeners (embed.StartEtcd:
        // configurePeerListeners, then configureClientListeners, before NewServer); until then
        // a client's connection is refused at once (gRPC UNAVAILABLE), it does not hang.
        ctx.send(from, new ClientResponse(r.requestId(), EtcdError.CONNECTION_REFUSED, null));
      }
      return;
    }
    if (!servingPeers && (message instanceof Peer || message instanceof LinkHeartbeat
        || message instanceof Dial || message instanceof MembersRequest
        || message instanceof BootstrapCheck)) {
      held.add(new Held(from, message));
      return;
    }
    if (message instanceof Peer p) {
      if (raft == null || !acceptFrom(p.clusterId(), p.from(), from)) {
        return;
      }
      if (!activeSinceUs.containsKey(p.from())) {
        if (!misdialed.contains(p.from())) {
          activate(p.from());
        }
      } else {
        lastHeardUs.put(p.from(), ctx.nowUs());
      }
      try {
        raft.step(p.from(), p.msg());
      } catch (Raft.Panic x) {
        exit("panic: " + x.getMessage()); // the etcd process dies; its WAL stays as it was
      }
    } else if (message instanceof LinkHeartbeat h) {
      if (raft != null && h.clusterId() == clusterId && activeSinceUs.containsKey(h.from())) {
        lastHeardUs.put(h.from(), ctx.nowUs());
      }
    } else if (message instanceof Dial d) {
      onDial(from, d);
    } else if (message instanceof DialAck a) {
      onDialAck(from, a);
    } else if (message instanceof MembersRequest r) {
      if (raft != null) {
        ctx.send(from, new MembersReply(r.requestId(), clusterId,
            List.copyOf(membership.members().values())));
      }
    } else if (message instanceof MembersReply r) {
      onMembersReply(r);
    } else if (message instanceof BootstrapCheck c) {
      if (raft != null) { // serving peer traffic; during its own start-up it does not answer
        ctx.send(from, new BootstrapCheckReply(c.attempt(), clusterId,
            List.copyOf(membership.members().values())));
      }
    } else if (message instanceof BootstrapCheckReply r) {
      onBootstrapCheckReply(r);
    } else if (message instanceof io.pdlab.sim.process.Refusable.Refused f
        && f.message() instanceof BootstrapCheck c && c.attempt() == checking) {
      checkBootstrapped(c.attempt() + 1); // connection refused: nothing runs there yet
    } else if (message instanceof io.pdlab.sim.process.Refusable.Refused f
        && f.message() instanceof MembersRequest r && raft == null && r.requestId() == asking) {
      // The HTTP GET failed at once (connection refused): the next URL, without waiting out
      // the request's 10 s (etcd 3.4 getClusterFromRemotePeers: any error moves on).
      askRemoteMembers(asking + 1);
    } else if (message instanceof ClientRequest r) {
      serve(from, r.requestId(), r.op());
    } else if (message instanceof Forwarded f) {
      serve(f.client(), f.requestId(), f.op());
    }
  }

  @Override
  public void onTimer(ProcessContext ctx, Object tag) {
    this.ctx = ctx;
    if (tag instanceof Tick) {
      raft.tick();
      if (!ready && !publishInFlight) {
        publish();
      }
      ctx.setTimer(timing.tickMs() * 1_000, tag);
    } else if (tag instanceof DialRetry) {
      dialAll();
    } else if (tag instanceof PeerStarted p) {
      peerStarted(p.endpoint());
    } else if (tag instanceof LinkCheck) {
      linkCheck();
    } else if (tag instanceof AdvancePoll p) {
      // etcd adjustTicks: once more than one remote peer is active, fast-forward election-2.
      if (activeSinceUs.size() > 1) {
        raft.advanceTicks(timing.electionTicks() - 2);
        if (ctx.tracing()) {
          ctx.log("etcd: initial election tick advance after " + p.attempt() + " polls");
        }
      } else if ((long) p.attempt() * EtcdConstants.TICK_ADVANCE_POLL_MS
          < EtcdConstants.CONN_READ_TIMEOUT_MS) {
        ctx.setTimer(EtcdConstants.TICK_ADVANCE_POLL_MS * 1_000, new AdvancePoll(p.attempt() + 1));
      }
    } else if (tag instanceof PublishTimeout t) {
      if (!ready && publishInFlight && t.seq() == publishSeq) {
        if (ctx.tracing()) {
          ctx.log("etcd: publish timed out; trying again");
        }
        publishInFlight = false;
        publish();
      }
    } else if (tag instanceof ServeWaiting) {
      List<Waiting> now = new ArrayList<>(waiting);
      waiting.clear();
      for (Waiting w : now) {
        serve(w.client(), w.requestId(), w.op());
      }
    } else if (tag instanceof PeerPortBound) {
      peerPortBound = true;
      ctx.setTimer(ctx.rng().between(EtcdConstants.STARTUP_PROBE_AFTER_BIND_MIN_MS * 1_000,
          EtcdConstants.STARTUP_PROBE_AFTER_BIND_MAX_MS * 1_000), new BackendOpened());
    } else if (tag instanceof BackendOpened) {
      afterBackendOpened();
    } else if (tag instanceof ServePeers) {
      servingPeers = true;
      List<Held> now = new ArrayList<>(held);
      held.clear();
      for (Held h : now) {
        onMessage(ctx, h.from(), h.message());
      }
    } else if (tag instanceof BootstrapCheckTimeout t) {
      if (t.attempt() == checking) {
        checkBootstrapped(t.attempt() + 1);
      }
    } else if (tag instanceof RemoteMembersTimeout t) {
      if (raft == null && t.attempt() == asking) {
        askRemoteMembers(t.attempt() + 1);
      }
    } else if (tag instanceof StopAfterRemoval) {
      exit("the member has been permanently removed from the cluster");
    } else if (tag instanceof RequestTimeout t) {
      Pending req = pending.remove(t.localId());
      if (req != null) {
        ctx.send(req.client(), new ClientResponse(req.clientRequestId(),
            EtcdError.REQUEST_TIMED_OUT, null));
      }
      if (!ready) {
        publishInFlight = false;
      }
    }
  }

  /** Whether the member's process exited (a fatal start-up error, its removal or a panic). */
  public boolean exited() {
    return exited;
  }

  private void exit(String reason) {
    exited = true;
    if (ctx.tracing()) {
      ctx.log("etcd: exit: " + reason);
    }
    observer.onExit(cfg.name(), reason, ctx.nowUs());
    ctx.exit(reason);
  }

  // ------------------------------------------------------------------ client API

  private void serve(String client, long clientRequestId, ClientOp op) {
    if (raft == null || !ready) {
      waiting.add(new Waiting(client, clientRequestId, op));
      return;
    }
    if (op instanceof ClientOp.MemberList) {
      ctx.send(client, new ClientResponse(clientRequestId, null,
          List.copyOf(membership.members().values())));
      return;
    }
    if (op instanceof ClientOp.Status) {
      Member self = membership.get(memberId);
      ctx.send(client, new ClientResponse(clientRequestId, null, new EtcdMessages.StatusResult(
          memberId, raft.lead(), revision, self != null && self.learner())));
      return;
    }
    EtcdError err = null;
    EntryData data = null;
    long localId = nextLocalId++;
    if (op instanceof ClientOp.Put p) {
      data = new EntryData.Put(p.key(), p.value(), false, memberId, localId);
    } else if (op instanceof ClientOp.Create c) {
      data = new EntryData.Put(c.key(), c.value(), true, memberId, localId);
    } else if (op instanceof ClientOp.Get g) {
      data = new EntryData.Read(g.key(), memberId, localId);
    } else if (op instanceof ClientOp.MemberAdd a) {
      err = mayAddMember(a);
      if (err == null) {
        Long unix = EtcdConstants.EPOCH_UNIX_SECONDS + ctx.nowUs() / 1_000_000;
        long newId = MemberIds.memberId(a.peerUrls(), cfg.token(), unix);
        data = new ConfChange(a.learner() ? ConfType.ADD_LEARNER : ConfType.ADD_VOTER, newId,
            a.peerUrls(), memberId, localId);
      }
    } else if (op instanceof ClientOp.MemberRemove r) {
      err = mayRemoveMember(r.memberId());
      if (err == null) {
        data = new ConfChange(ConfType.REMOVE, r.memberId(), List.of(), memberId, localId);
      }
    } else if (op instanceof ClientOp.MemberPromote p) {
      Member m = membership.get(p.memberId());
      if (m == null) {
        err = EtcdError.MEMBER_NOT_FOUND;
      } else if (!m.learner()) {
        err = EtcdError.MEMBER_NOT_LEARNER;
      } else if (!isLeader()) {
        // etcd forwards promote to the leader, which checks the learner's progress.
        String leader = raft.lead() == Raft.NONE ? null : endpointOfMember(raft.lead());
        if (leader != null) {
          ctx.send(leader, new Forwarded(client, clientRequestId, op));
        } else { // no leader to forward to: etcd retries until the request times out
          TimerHandle t = ctx.setTimer(timing.requestTimeoutMs() * 1_000,
              new RequestTimeout(localId));
          pending.put(localId, new Pending(client, clientRequestId, op, t));
        }
        return;
      } else {
        err = mayPromoteMember(p.memberId());
        if (err == null) {
          data = new ConfChange(ConfType.PROMOTE, p.memberId(), List.of(), memberId, localId);
        }
      }
    }
    if (err != null) {
      if (ctx.tracing()) {
        ctx.log("etcd: rejected " + op + ": " + err.message());
      }
      ctx.send(client, new ClientResponse(clientRequestId, err, null));
      return;
    }
    TimerHandle t = ctx.setTimer(timing.requestTimeoutMs() * 1_000, new RequestTimeout(localId));
    pending.put(localId, new Pending(client, clientRequestId, op, t));
    raft.propose(data); // dropped without a leader: the request times out, as in etcd
  }

  /**
   * etcd mayAddMember (strict-reconfig-check), on the member that took the request. The
   * connectivity rule applies to learner adds too; membership validation (peer URL taken, too many
   * learners) happens at apply time in {@link #validate}.
   */
  private EtcdError mayAddMember(ClientOp.MemberAdd a) {
    if (!timing.strictReconfigCheck()) {
      return null;
    }
    if (!a.learner() && !membership.readyToAddVotingMember()) {
      return EtcdError.NOT_ENOUGH_STARTED_MEMBERS;
    }
    if (!connectedFullySince(ctx.nowUs() - EtcdConstants.HEALTH_INTERVAL_MS * 1_000)) {
      return EtcdError.UNHEALTHY;
    }
    return null;
  }

  /** etcd mayRemoveMember; an unknown ID is refused at apply time. */
  private EtcdError mayRemoveMember(long id) {
    Member m = membership.get(id);
    if (!timing.strictReconfigCheck() || m == null || m.learner()) {
      return null;
    }
    if (!membership.readyToRemoveVotingMember(id)) {
      return EtcdError.NOT_ENOUGH_STARTED_MEMBERS;
    }
    if (id != memberId && !activeSinceUs.containsKey(id)) {
      return null; // a downed member is safe to remove
    }
    int active = numConnectedSince(ctx.nowUs() - EtcdConstants.HEALTH_INTERVAL_MS * 1_000);
    int voters = membership.votingMembers().size();
    if (active - 1 < 1 + (voters - 1) / 2) {
      return EtcdError.UNHEALTHY;
    }
    return null;
  }

  /** etcd mayPromoteMember with isLearnerReady (at the leader). */
  private EtcdError mayPromoteMember(long id) {
    long leaderMatch = raft.lastIndex();
    long learnerMatch = raft.matchOf(id);
    if (learnerMatch < 0
        || learnerMatch < (long) Math.ceil(leaderMatch * EtcdConstants.LEARNER_READY_PERCENT)) {
      return EtcdError.LEARNER_NOT_READY;
    }
    if (!timing.strictReconfigCheck()) {
      return null;
    }
    if (!membership.readyToPromoteMember()) {
      return EtcdError.NOT_ENOUGH_STARTED_MEMBERS;
    }
    return null;
  }

  @Override
  public String toString() {
    return cfg.name() + "(" + MemberIds.hex(memberId) + " cluster=" + MemberIds.hex(clusterId)
        + " " + raft + ")";
  }
}
