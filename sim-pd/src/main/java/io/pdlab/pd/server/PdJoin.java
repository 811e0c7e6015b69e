package io.pdlab.pd.server;

import io.pdlab.pd.etcd.EtcdConfig;
import io.pdlab.pd.etcd.Member;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * PD's join logic before it starts its embedded etcd, after tikv/pd server/join/join.go
 * PrepareJoinCluster (the version that persists {@code <data-dir>/join}), as a pure state machine:
 * events in, {@link Action}s out.
 *
 * <ul>
 *   <li>no {@code --join}: start etcd with {@code --initial-cluster} (or a one-member cluster of
 *       itself when that is empty too), state new;
 *   <li>{@code --join} equal to its own client URL: exit "join self is forbidden";
 *   <li>join file present: start from it, state existing; data present: start from data;
 *   <li>otherwise list members (an unnamed member: exit "there is a member that has not joined
 *       successfully"; one with its name: exit "missing data or join a duplicated pd"), add itself,
 *       list up to 20 times 500 ms apart until it appears, write the join file, start etcd with
 *       state existing and the listed members as initial cluster.
 * </ul>
 */
public final class PdJoin {
  /** What the driver does for the join logic. */
  public sealed interface Action {
    /** MemberList through the etcd client on {@code endpoints} (10 s timeout). */
    record ListMembers(List<String> clientUrls, long timeoutMs) implements Action {}

    /** MemberAdd of {@code peerUrl} (10 s timeout). */
    record AddMember(List<String> clientUrls, String peerUrl, long timeoutMs) implements Action {}

    record Sleep(long ms) implements Action {}

    /** Persist {@code <data-dir>/join}. */
    record WriteJoinFile(String content) implements Action {}

    /** Start the embedded etcd with these flags. */
    record StartEtcd(String initialCluster, EtcdConfig.State state) implements Action {}

    /** pd-server exits with this error (the container then restarts). */
    record Exit(String error) implements Action {}
  }

  /**
   * PD's flags and data directory as the join logic sees them; {@code dataExists} is
   * {@code <data-dir>/member} non-empty (join.go {@code isDataExist}), not the start script's
   * {@code member/wal} test.
   */
  public record Config(String name, String join, String initialCluster,
      String advertiseClientUrl, String advertisePeerUrl, String joinFileContent,
      boolean dataExists) {}

  private enum Phase { IDLE, LISTING, ADDING, RELISTING, SLEEPING, DONE }

  private final Config cfg;
  private Phase phase = Phase.IDLE;
  private long addedId;
  private int listAttempt;

  public PdJoin(Config cfg) {
    this.cfg = cfg;
  }

  private List<String> joinUrls() {
    return Arrays.asList(cfg.join().split(","));
  }

  /** pd-server starts. */
  public List<Action> start() {
    if (cfg.join().isEmpty()) {
      phase = Phase.DONE;
      String ic = cfg.initialCluster().isEmpty() ? cfg.name() + "=" + cfg.advertisePeerUrl()
          : cfg.initialCluster();
      return List.of(new Action.StartEtcd(ic, EtcdConfig.State.NEW));
    }
    if (cfg.join().equals(cfg.advertiseClientUrl())) {
      return done(new Action.Exit("join self is forbidden"));
    }
    if (cfg.joinFileContent() != null) {
      return done(new Action.StartEtcd(cfg.joinFileContent().strip(),
          EtcdConfig.State.EXISTING));
    }
    if (cfg.dataExists()) {
      return done(new Action.StartEtcd("", EtcdConfig.State.EXISTING));
    }
    phase = Phase.LISTING;
    return List.of(new Action.ListMembers(joinUrls(), PdConstants.ETCD_REQUEST_TIMEOUT_MS));
  }

  /** The answer to a ListMembers: the members, or null with an error. */
  public List<Action> onMembers(List<Member> members, String error) {
    if (error != null) {
      return done(new Action.Exit(error));
    }
    if (phase == Phase.LISTING) {
      for (Member m : members) {
        if (m.name().isEmpty()) {
          return done(new Action.Exit("there is a member that has not joined successfully"));
        }
      }
      for (Member m : members) {
        if (m.name().equals(cfg.name())) {
          return done(new Action.Exit("missing data or join a duplicated pd"));
        }
      }
      phase = Phase.ADDING;
      return List.of(new Action.AddMember(joinUrls(), cfg.advertisePeerUrl(),
          PdConstants.ETCD_REQUEST_TIMEOUT_MS));
    }
    if (phase != Phase.RELISTING) {
      throw new IllegalStateException("member list while " + phase);
    }
    List<String> pds = new ArrayList<>();
    boolean listed = false;
    for (Member m : members) {
      String n = m.name();
      if (m.id() == addedId) {
        n = cfg.name();
        listed = true;
      }
      if (n.isEmpty()) {
        return done(new Action.Exit("there is a member that has not joined successfully"));
      }
      for (String u : m.peerUrls()) {
        pds.add(n + "=" + u);
      }
    }
    if (listed) {
      String ic = String.join(",", pds);
      phase = Phase.DONE;
      return List.of(new Action.WriteJoinFile(ic),
          new Action.StartEtcd(ic, EtcdConfig.State.EXISTING));
    }
    if (listAttempt >= PdConstants.LIST_MEMBER_RETRY_TIMES) {
      return done(new Action.Exit("join failed, adds the new member " + cfg.name()
          + " may failed"));
    }
    phase = Phase.SLEEPING;
    return List.of(new Action.Sleep(PdConstants.LIST_MEMBER_RETRY_SLEEP_MS));
  }

  /** The answer to AddMember: the new member's ID, or an error. */
  public List<Action> onAdded(long memberId, String error) {
    if (phase != Phase.ADDING) {
      throw new IllegalStateException("member add answer while " + phase);
    }
    if (error != null) {
      return done(new Action.Exit(error));
    }
    addedId = memberId;
    return relist();
  }

  public List<Action> onSleepDone() {
    if (phase != Phase.SLEEPING) {
      throw new IllegalStateException("sleep done while " + phase);
    }
    return relist();
  }

  private List<Action> relist() {
    phase = Phase.RELISTING;
    listAttempt++;
    return List.of(new Action.ListMembers(joinUrls(), PdConstants.ETCD_REQUEST_TIMEOUT_MS));
  }

  private List<Action> done(Action a) {
    phase = Phase.DONE;
    return List.of(a);
  }
}
