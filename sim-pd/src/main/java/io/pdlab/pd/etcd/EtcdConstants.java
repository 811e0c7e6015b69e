package io.pdlab.pd.etcd;

/** Fixed numbers of etcd 3.4 that no flag changes; each names its source. */
public final class EtcdConstants {
  private EtcdConstants() {}

  /**
   * A membership change needs the serving member connected to every voter for this long
   * (etcdserver/server.go {@code HealthInterval = 5 * time.Second}).
   */
  public static final long HEALTH_INTERVAL_MS = 5_000;

  /** adjustTicks polls peer connectivity this often (etcdserver/server.go adjustTicks, 50 ms). */
  public static final long TICK_ADVANCE_POLL_MS = 50;

  /**
   * adjustTicks waits at most this long for peers (rafthttp.ConnReadTimeout, 5 s), which is also
   * the read timeout after which a silent peer stream is taken as broken.
   */
  public static final long CONN_READ_TIMEOUT_MS = 5_000;

  /** rafthttp stream link heartbeat: ConnReadTimeout / 3 (rafthttp/stream.go). */
  public static final long LINK_HEARTBEAT_MS = CONN_READ_TIMEOUT_MS / 3;

  /** rafthttp retries a broken or missing peer stream every 100 ms (rafthttp/stream.go). */
  public static final long STREAM_DIAL_RETRY_MS = 100;

  /**
   * A joining member asks each peer URL once, in sorted order, for the cluster with this timeout
   * (etcdserver/cluster_util.go GetClusterFromRemotePeers: 10 s per request, no retry); a URL
   * whose connection is refused is left at once.
   */
  public static final long REMOTE_MEMBERS_TIMEOUT_MS = 10_000;

  /**
   * A new member of a multi-member static bootstrap first asks each other peer (sorted peer URLs,
   * one at a time) whether it was bootstrapped already, waiting this long for each answer
   * (etcdserver/server.go NewServer -> isMemberBootstrapped -> getClusterFromRemotePeers with
   * ServerConfig.bootstrapTimeout(), which is time.Second when unset). A peer that is running but
   * still in its own start-up accepts the connection and does not answer, so each such peer costs
   * a whole second; measured on etcd 3.4.23 here: 0, 1 or 2 s between "opened backend db" and
   * "starting local member" for three members started together.
   */
  public static final long BOOTSTRAP_TIMEOUT_MS = 1_000;

  /**
   * From exec to its peer port bound, an etcd 3.4 member (every start: a new cluster, a join or a
   * restart from its WAL) takes this long at least and at most (uniform): before, a connection to
   * it is refused; after, it is accepted but not answered until the member serves peers. Measured
   * here (etcd 3.4.23 on 2 cores, 1, 3 and 5 members started together, 160 starts): 15-165 ms
   * from exec to "configuring peer listeners", and within one start the members lie within
   * +-20 ms (p10-p90) of their mean; this range has that spread and about the median level.
   */
  public static final long STARTUP_BIND_MIN_MS = 20;
  public static final long STARTUP_BIND_MAX_MS = 70;

  /**
   * From its peer port bound to opening its backend, after which it asks peers (a new member's
   * isMemberBootstrapped, a joiner's GET /members) or replays its WAL, uniform in this range.
   * Measured here (3 and 5 members, 220 starts): 2-32 ms ("configuring peer listeners" to "opened
   * backend db"), p10 3 ms, p50 8-9 ms, p90 18-21 ms.
   */
  public static final long STARTUP_PROBE_AFTER_BIND_MIN_MS = 2;
  public static final long STARTUP_PROBE_AFTER_BIND_MAX_MS = 18;

  /**
   * From "starting local member" (Raft created, its ticker running, the transport dialling out)
   * to "serving peer traffic" (embed.servePeers): the member sets up its server and a rafthttp
   * peer for each other member first. Meanwhile connections to its peer port are accepted but
   * wait, and are answered once it serves (checked here: a member asked by another during its own
   * isMemberBootstrapped answered the moment it served, 0.5 s into the asker's 1 s timeout).
   * Taken uniform from {@code SERVE_AFTER_START_MIN_MS} to {@code SERVE_AFTER_START_MAX_MS} plus
   * {@code SERVE_AFTER_START_PER_PEER_MAX_MS} per other member. Measured here (2 cores): 1
   * member 7-22 ms; 3 members 14-96 ms (p50 41); 5 members 16-131 ms (p50 79).
   */
  public static final long SERVE_AFTER_START_MIN_MS = 5;
  public static final long SERVE_AFTER_START_MAX_MS = 20;
  public static final long SERVE_AFTER_START_PER_PEER_MAX_MS = 25;

  /** A member that applied its own removal stops after this delay (server.go stopWithDelay). */
  public static final long REMOVED_STOP_DELAY_MS = 1_000;

  /** A learner may be promoted once its match index is this share of the leader's (isLearnerReady). */
  public static final double LEARNER_READY_PERCENT = 0.9;

  /** At most this many learners (etcdserver/api/membership/cluster.go maxLearners). */
  public static final int MAX_LEARNERS = 1;

  /** Unix time of virtual time 0, for member IDs of runtime adds (etcd hashes time.Now().Unix()). */
  public static final long EPOCH_UNIX_SECONDS = 1_700_000_000L;
}
