package io.pdlab.pd.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.pdlab.pd.etcd.EtcdConfig;
import io.pdlab.pd.etcd.Member;
import io.pdlab.pd.server.PdJoin.Action;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every branch of tikv/pd server/join/join.go PrepareJoinCluster, with its exact exit text. */
class PdJoinTest {
  static final String SELF_CLIENT = "http://pd-1.pd-peer.ns.svc:2379";
  static final String SELF_PEER = "http://pd-1.pd-peer.ns.svc:2380";
  static final String JOIN = "http://pd-0.pd-peer.ns.svc:2379";

  static PdJoin.Config cfg(String join, String initial, String joinFile, boolean data) {
    return new PdJoin.Config("pd-1", join, initial, SELF_CLIENT, SELF_PEER, joinFile, data);
  }

  static Member member(long id, String name, String peer) {
    return new Member(id, name, List.of(peer), List.of(), false);
  }

  static final Member PD0 = member(1, "pd-0", "http://pd-0.pd-peer.ns.svc:2380");

  @Test
  void withoutJoinItStartsANewClusterOfItselfOrOfTheGivenList() {
    assertEquals(List.of(new Action.StartEtcd("pd-1=" + SELF_PEER, EtcdConfig.State.NEW)),
        new PdJoin(cfg("", "", null, false)).start());
    assertEquals(List.of(new Action.StartEtcd("a=x,b=y", EtcdConfig.State.NEW)),
        new PdJoin(cfg("", "a=x,b=y", null, false)).start());
  }

  @Test
  void joiningItselfIsForbidden() {
    assertEquals(List.of(new Action.Exit("join self is forbidden")),
        new PdJoin(cfg(SELF_CLIENT, "", null, false)).start());
  }

  /**
   * tidb-operator v1.0's discovery answers {@code --join} with every member's peer URL, the
   * joiner's own included (v1.0.0 pkg/discovery/discovery.go). PD refuses a join of itself only
   * when {@code --join} equals its advertised client URL (tikv/pd v3.0.0 server/join.go and v7.1.0
   * server/join/join.go alike: {@code cfg.Join == cfg.AdvertiseClientUrls}), so it goes on to
   * list the members through all of them; its own member in the list then ends the join.
   */
  @Test
  void aJoinListHoldingItsOwnPeerUrlIsNotAJoinOfItself() {
    String v10Join = "http://pd-0.pd-peer.ns.svc:2380," + SELF_PEER;
    PdJoin j = new PdJoin(cfg(v10Join, "", null, false));
    assertEquals(List.of(new Action.ListMembers(
        List.of("http://pd-0.pd-peer.ns.svc:2380", SELF_PEER), 10_000)), j.start());
    assertEquals(List.of(new Action.Exit("missing data or join a duplicated pd")),
        j.onMembers(List.of(PD0, member(3, "pd-1", SELF_PEER)), null));
    // Its own peer URL alone is not its client URL either.
    assertEquals(List.of(new Action.ListMembers(List.of(SELF_PEER), 10_000)),
        new PdJoin(cfg(SELF_PEER, "", null, false)).start());
  }

  @Test
  void aJoinFileOrExistingDataSkipsTheJoin() {
    assertEquals(List.of(new Action.StartEtcd("pd-0=u0,pd-1=u1", EtcdConfig.State.EXISTING)),
        new PdJoin(cfg(JOIN, "", "pd-0=u0,pd-1=u1\n", false)).start());
    assertEquals(List.of(new Action.StartEtcd("", EtcdConfig.State.EXISTING)),
        new PdJoin(cfg(JOIN, "", null, true)).start());
  }

  @Test
  void anUnnamedMemberOrOneWithItsOwnNameEndsTheJoin() {
    PdJoin j = new PdJoin(cfg(JOIN, "", null, false));
    assertEquals(List.of(new Action.ListMembers(List.of(JOIN), 10_000)), j.start());
    assertEquals(List.of(new Action.Exit("there is a member that has not joined successfully")),
        j.onMembers(List.of(PD0, member(2, "", "http://pd-2:2380")), null));

    PdJoin d = new PdJoin(cfg(JOIN, "", null, false));
    d.start();
    assertEquals(List.of(new Action.Exit("missing data or join a duplicated pd")),
        d.onMembers(List.of(PD0, member(3, "pd-1", SELF_PEER)), null));
  }

  @Test
  void aRejectedAddOrAFailedListExitsWithTheEtcdError() {
    PdJoin j = new PdJoin(cfg(JOIN, "", null, false));
    j.start();
    assertEquals(List.of(new Action.AddMember(List.of(JOIN), SELF_PEER, 10_000)),
        j.onMembers(List.of(PD0), null));
    assertEquals(List.of(new Action.Exit("etcdserver: unhealthy cluster")),
        j.onAdded(0, "etcdserver: unhealthy cluster"));

    PdJoin k = new PdJoin(cfg(JOIN, "", null, false));
    k.start();
    assertEquals(List.of(new Action.Exit("context deadline exceeded")),
        k.onMembers(null, "context deadline exceeded"));
  }

  @Test
  void afterTheAddItListsUntilItAppearsThenWritesTheJoinFile() {
    PdJoin j = new PdJoin(cfg(JOIN, "", null, false));
    j.start();
    j.onMembers(List.of(PD0), null);
    assertEquals(List.of(new Action.ListMembers(List.of(JOIN), 10_000)), j.onAdded(42, null));
    // The add has not reached this member's view yet: sleep 500 ms and list again.
    assertEquals(List.of(new Action.Sleep(500)), j.onMembers(List.of(PD0), null));
    assertEquals(List.of(new Action.ListMembers(List.of(JOIN), 10_000)), j.onSleepDone());
    String ic = "pd-0=http://pd-0.pd-peer.ns.svc:2380,pd-1=" + SELF_PEER;
    assertEquals(List.of(new Action.WriteJoinFile(ic),
        new Action.StartEtcd(ic, EtcdConfig.State.EXISTING)),
        j.onMembers(List.of(PD0, member(42, "", SELF_PEER)), null));
  }

  @Test
  void twentyListsWithoutItsMemberFail() {
    PdJoin j = new PdJoin(cfg(JOIN, "", null, false));
    j.start();
    j.onMembers(List.of(PD0), null);
    j.onAdded(42, null);
    for (int i = 1; i < PdConstants.LIST_MEMBER_RETRY_TIMES; i++) {
      assertEquals(List.of(new Action.Sleep(500)), j.onMembers(List.of(PD0), null), "try " + i);
      j.onSleepDone();
    }
    assertEquals(List.of(new Action.Exit("join failed, adds the new member pd-1 may failed")),
        j.onMembers(List.of(PD0), null));
  }

  @Test
  void eventsOutOfOrderAreRefused() {
    PdJoin j = new PdJoin(cfg(JOIN, "", null, false));
    j.start();
    assertThrows(IllegalStateException.class, () -> j.onAdded(1, null));
    assertThrows(IllegalStateException.class, j::onSleepDone);
  }
}
