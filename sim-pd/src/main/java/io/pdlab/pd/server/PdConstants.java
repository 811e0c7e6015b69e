package io.pdlab.pd.server;

/** PD's start-up numbers; each names its source in tikv/pd (v7.1 era). */
public final class PdConstants {
  private PdConstants() {}

  /** server/join/join.go: {@code listMemberRetryTimes = 20}. */
  public static final int LIST_MEMBER_RETRY_TIMES = 20;

  /** server/join/join.go: {@code time.Sleep(500 * time.Millisecond)} between list retries. */
  public static final long LIST_MEMBER_RETRY_SLEEP_MS = 500;

  /** pkg/etcdutil: {@code DefaultRequestTimeout = 10 * time.Second} (MemberAdd, MemberList). */
  public static final long ETCD_REQUEST_TIMEOUT_MS = 10_000;

  /** server/server.go: {@code EtcdStartTimeout = time.Minute * 5} for etcd's ReadyNotify. */
  public static final long ETCD_START_TIMEOUT_MS = 5 * 60_000;

  /** server/server.go leaderLoop: checks the etcd leader every 200 ms. */
  public static final long LEADER_LOOP_MS = 200;

  /** server/config/config.go: {@code defaultInitialClusterToken = "pd-cluster"}. */
  public static final String INITIAL_CLUSTER_TOKEN = "pd-cluster";

  /** pkg/etcdutil InitOrGetClusterID: the key of the PD cluster ID. */
  public static final String CLUSTER_ID_KEY = "/pd/cluster_id";

  /** The key PD's leader writes (its leader path; the lease is not modelled). */
  public static final String LEADER_KEY = "/pd/leader";
}
