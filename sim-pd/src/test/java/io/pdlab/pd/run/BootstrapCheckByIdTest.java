package io.pdlab.pd.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.pdlab.pd.etcd.EtcdConfig;
import io.pdlab.pd.etcd.EtcdMember;
import io.pdlab.pd.etcd.EtcdTiming;
import io.pdlab.sim.Budget;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * etcd 3.4 isMemberBootstrapped looks for this member's ID in the remote cluster, not for its
 * peer URL (issue 16, item 13): a member started again with an empty disk and another cluster
 * token has another ID, is not found, and bootstraps a cluster of its own; with its old token it
 * is found and refuses.
 */
class BootstrapCheckByIdTest {
  private static String restartWithToken(String token) {
    EtcdWorld w = new EtcdWorld(11, Budget.of(5_000_000, 600_000_000L), false);
    List<String> names = List.of("m0", "m1", "m2");
    for (String n : List.of("m1", "m2")) {
      w.addMember(EtcdWorld.config(n, EtcdWorld.initialCluster(names), EtcdConfig.State.NEW,
          "tok", EtcdTiming.ETCD_DEFAULTS));
    }
    String[] tok = {"tok"};
    // m0's flags are read at each start: the first start with the cluster's token
    w.addProcess("m0", n -> new EtcdMember(EtcdWorld.config("m0", EtcdWorld.initialCluster(names),
        EtcdConfig.State.NEW, tok[0], EtcdTiming.ETCD_DEFAULTS), w.recorder()));
    w.sim().startAll();
    w.runUntilBootstrapped();
    w.sim().runFor(2_000_000);
    long cluster = w.etcd("m1").clusterId();
    w.sim().crash("m0");
    w.sim().wipe("m0");
    tok[0] = token;
    w.sim().start("m0");
    w.sim().runFor(5_000_000);
    String exit = w.recorder().exits().get("m0");
    if (exit != null) {
      return exit;
    }
    assertNotEquals(cluster, w.etcd("m0").clusterId(), "a cluster of its own");
    return null;
  }

  @Test
  void theSameTokenIsFoundAndRefusedAnotherTokenIsNotFound() {
    assertEquals("member m0 has already been bootstrapped", restartWithToken("tok"));
    assertNull(restartWithToken("other"));
  }
}
