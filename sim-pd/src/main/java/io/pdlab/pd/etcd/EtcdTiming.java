package io.pdlab.pd.etcd;

/**
 * The timing and feature flags of one etcd member, in one record so a scenario can override any of
 * them by name.
 *
 * @param tickMs heartbeat interval: one Raft tick (etcd {@code --heartbeat-interval})
 * @param electionMs election timeout (etcd {@code --election-timeout}); a member's randomized
 *     timeout is uniform in [election, 2*election) ticks (etcd raft {@code resetRandomizedElectionTimeout})
 * @param preVote whether candidates pre-vote first (off in etcd 3.4, on in PD)
 * @param strictReconfigCheck etcd {@code --strict-reconfig-check} (default on, on in PD)
 * @param initialElectionTickAdvance etcd {@code --initial-election-tick-advance} (default on)
 */
public record EtcdTiming(long tickMs, long electionMs, boolean preVote,
    boolean strictReconfigCheck, boolean initialElectionTickAdvance) {

  /** etcd 3.4 defaults: 100 ms heartbeat, 1000 ms election, pre-vote off (etcd embed/config.go). */
  public static final EtcdTiming ETCD_DEFAULTS = new EtcdTiming(100, 1_000, false, true, true);

  /**
   * etcd 3.5 turned pre-vote on by default (v3.5.0 server/embed/config.go NewConfig: {@code
   * PreVote: true}; v3.4.23 embed/config.go: {@code PreVote: false, // TODO: enable by default in
   * v3.5}). The other defaults the model uses (ticks, strict reconfig check, tick advance) are
   * the same in both.
   */
  public static final EtcdTiming ETCD_3_5_DEFAULTS = ETCD_DEFAULTS.withPreVote(true);

  /**
   * PD's embedded etcd: 500 ms tick, 3000 ms election, pre-vote on (tikv/pd
   * server/config/config.go defaultTickInterval, defaultElectionInterval; PreVote = true).
   */
  public static final EtcdTiming PD_PROFILE = new EtcdTiming(500, 3_000, true, true, true);

  public EtcdTiming {
    if (tickMs < 1) {
      throw new IllegalArgumentException("tickMs must be >= 1, got " + tickMs);
    }
    if (electionMs < 1 || electionMs % tickMs != 0 || electionMs / tickMs < 3) {
      throw new IllegalArgumentException("electionMs must be a multiple of tickMs and at least 3"
          + " ticks (etcd requires election > heartbeat), got tickMs=" + tickMs + " electionMs="
          + electionMs);
    }
  }

  /** Election timeout in ticks. */
  public int electionTicks() {
    return (int) (electionMs / tickMs);
  }

  /**
   * etcd's request timeout: 5 s plus two election timeouts (etcd embed/config.go via
   * etcdserver/config.go {@code ReqTimeout()}).
   */
  public long requestTimeoutMs() {
    return 5_000 + 2 * electionMs;
  }

  public EtcdTiming withPreVote(boolean on) {
    return new EtcdTiming(tickMs, electionMs, on, strictReconfigCheck, initialElectionTickAdvance);
  }

  public EtcdTiming withStrictReconfigCheck(boolean on) {
    return new EtcdTiming(tickMs, electionMs, preVote, on, initialElectionTickAdvance);
  }

  public EtcdTiming withTicks(long tick, long election) {
    return new EtcdTiming(tick, election, preVote, strictReconfigCheck, initialElectionTickAdvance);
  }
}
