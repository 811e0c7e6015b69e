package io.pdlab.real.node;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The flags of one etcd start, independent of where the member runs. The backend adds the
 * addresses (listen and advertise URLs) and the data directory.
 *
 * <p>Kept as one value so a driver can restart a member with exactly the flags it used before,
 * or change one of them (for example {@code existing}) on purpose.
 *
 * @param name the member name ({@code --name}); must be the name of the node it is given to
 * @param initialCluster member name to peer URL, as members see each other, in order
 *     ({@code --initial-cluster}); must contain {@code name}
 * @param existing {@code --initial-cluster-state=existing} when true, {@code new} otherwise
 * @param token {@code --initial-cluster-token}
 * @param tickMs {@code --heartbeat-interval} in milliseconds
 * @param electionMs {@code --election-timeout} in milliseconds; etcd wants at least 5 ticks
 * @param preVote {@code --pre-vote}
 * @param strictReconfigCheck {@code --strict-reconfig-check}
 * @param advertisePeerUrl {@code --initial-advertise-peer-urls} when it is not the node's own
 *     peer URL (a {@code wrong-peer-url} fault: a URL that reaches nothing), else null
 */
public record EtcdFlags(
    String name,
    Map<String, String> initialCluster,
    boolean existing,
    String token,
    long tickMs,
    long electionMs,
    boolean preVote,
    boolean strictReconfigCheck,
    String advertisePeerUrl) {

  /** etcd 3.4's default {@code --initial-cluster-token}. */
  public static final String DEFAULT_TOKEN = "etcd-cluster";
  /** etcd 3.4's default {@code --heartbeat-interval}, in milliseconds. */
  public static final long DEFAULT_TICK_MS = 100;
  /** etcd 3.4's default {@code --election-timeout}, in milliseconds. */
  public static final long DEFAULT_ELECTION_MS = 1000;
  /** etcd's upper bound on {@code --election-timeout}, in milliseconds. */
  public static final long MAX_ELECTION_MS = 50_000;

  /** Checks the flags and keeps an unmodifiable copy of {@code initialCluster} in its order. */
  public EtcdFlags {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("EtcdFlags: name must not be blank");
    }
    Objects.requireNonNull(initialCluster, "EtcdFlags: initialCluster");
    if (initialCluster.isEmpty()) {
      throw new IllegalArgumentException("EtcdFlags for '" + name + "': initialCluster is empty");
    }
    for (Map.Entry<String, String> e : initialCluster.entrySet()) {
      String member = e.getKey();
      String url = e.getValue();
      if (member == null || member.isBlank() || member.contains(",") || member.contains("=")) {
        throw new IllegalArgumentException("EtcdFlags for '" + name
            + "': initialCluster has an invalid member name '" + member + "'");
      }
      if (url == null || url.isBlank() || url.contains(",")) {
        throw new IllegalArgumentException("EtcdFlags for '" + name
            + "': initialCluster has an invalid peer URL '" + url + "' for member '" + member
            + "'");
      }
    }
    if (!initialCluster.containsKey(name)) {
      throw new IllegalArgumentException("EtcdFlags for '" + name
          + "': initialCluster " + initialCluster.keySet()
          + " must contain the member's own name (etcd refuses to start otherwise)");
    }
    if (token == null || token.isBlank()) {
      throw new IllegalArgumentException("EtcdFlags for '" + name + "': token must not be blank");
    }
    if (tickMs <= 0) {
      throw new IllegalArgumentException("EtcdFlags for '" + name + "': tickMs must be > 0, got "
          + tickMs);
    }
    if (electionMs < 5 * tickMs || electionMs > MAX_ELECTION_MS) {
      throw new IllegalArgumentException("EtcdFlags for '" + name + "': electionMs must be at least"
          + " 5 x tickMs (" + 5 * tickMs + ") and at most " + MAX_ELECTION_MS
          + " (etcd's own rule), got " + electionMs);
    }
    if (advertisePeerUrl != null && (advertisePeerUrl.isBlank() || advertisePeerUrl.contains(
        ","))) {
      throw new IllegalArgumentException("EtcdFlags for '" + name
          + "': invalid advertised peer URL '" + advertisePeerUrl + "'");
    }
    initialCluster = Collections.unmodifiableMap(new LinkedHashMap<>(initialCluster));
  }

  /** The flags without an advertised peer URL of their own (the node's is advertised). */
  public EtcdFlags(String name, Map<String, String> initialCluster, boolean existing,
      String token, long tickMs, long electionMs, boolean preVote, boolean strictReconfigCheck) {
    this(name, initialCluster, existing, token, tickMs, electionMs, preVote, strictReconfigCheck,
        null);
  }

  /**
   * Flags with etcd 3.4's defaults: a new cluster, token {@value #DEFAULT_TOKEN}, heartbeat
   * 100 ms, election 1000 ms, pre-vote off, strict reconfiguration check on.
   */
  public static EtcdFlags defaults(String name, Map<String, String> initialCluster) {
    return new EtcdFlags(name, initialCluster, false, DEFAULT_TOKEN, DEFAULT_TICK_MS,
        DEFAULT_ELECTION_MS, false, true);
  }

  /** The same flags with {@code --initial-cluster-state} existing (true) or new (false). */
  public EtcdFlags withExisting(boolean existing) {
    return new EtcdFlags(name, initialCluster, existing, token, tickMs, electionMs, preVote,
        strictReconfigCheck, advertisePeerUrl);
  }

  /** The same flags with another {@code --initial-cluster-token}. */
  public EtcdFlags withToken(String token) {
    return new EtcdFlags(name, initialCluster, existing, token, tickMs, electionMs, preVote,
        strictReconfigCheck, advertisePeerUrl);
  }

  /** The same flags with another heartbeat interval and election timeout. */
  public EtcdFlags withTiming(long tickMs, long electionMs) {
    return new EtcdFlags(name, initialCluster, existing, token, tickMs, electionMs, preVote,
        strictReconfigCheck, advertisePeerUrl);
  }

  /** The same flags with pre-vote on or off. */
  public EtcdFlags withPreVote(boolean preVote) {
    return new EtcdFlags(name, initialCluster, existing, token, tickMs, electionMs, preVote,
        strictReconfigCheck, advertisePeerUrl);
  }

  /** The same flags with the strict reconfiguration check on or off. */
  public EtcdFlags withStrictReconfigCheck(boolean strictReconfigCheck) {
    return new EtcdFlags(name, initialCluster, existing, token, tickMs, electionMs, preVote,
        strictReconfigCheck, advertisePeerUrl);
  }

  /**
   * The same flags advertising {@code url} as the member's peer URL instead of its node's (null:
   * the node's), as a member with a typo'd or stale advertised URL does.
   */
  public EtcdFlags withAdvertisePeerUrl(String url) {
    return new EtcdFlags(name, initialCluster, existing, token, tickMs, electionMs, preVote,
        strictReconfigCheck, url);
  }

  /** The {@code --initial-cluster} value: {@code name=url,...} in order. */
  public String initialClusterFlag() {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, String> e : initialCluster.entrySet()) {
      if (sb.length() > 0) {
        sb.append(',');
      }
      sb.append(e.getKey()).append('=').append(e.getValue());
    }
    return sb.toString();
  }
}
