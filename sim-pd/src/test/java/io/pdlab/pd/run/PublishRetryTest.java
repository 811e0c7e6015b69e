package io.pdlab.pd.run;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pdlab.pd.etcd.EtcdTiming;
import io.pdlab.sim.Budget;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * etcd 3.4 publishes a starting member's name through Raft and, until that is applied, tries
 * again after each request timeout (etcdserver/server.go {@code publish()}): a publish forwarded
 * to the leader and lost on the way is sent again, so the member starts (issue 16, item 6).
 */
class PublishRetryTest {
  @Test
  void aLostForwardedPublishIsSentAgainAfterTheRequestTimeout() {
    EtcdWorld w = new EtcdWorld(7, Budget.of(5_000_000, 600_000_000L), false);
    w.addStatic(List.of("m0", "m1", "m2"), EtcdTiming.ETCD_DEFAULTS, "tok");
    w.sim().start("m0");
    w.sim().start("m1");
    w.sim().runFor(5_000_000);
    // m2 hears the leader but nothing it sends arrives: its publish, forwarded, is lost
    w.sim().network().cut("m2", "m0");
    w.sim().network().cut("m2", "m1");
    w.sim().start("m2");
    w.sim().runFor(3_000_000);
    assertTrue(w.etcd("m2").raft().lead() != 0, "m2 follows a leader");
    assertFalse(w.etcd("m2").ready(), "m2's publish was lost");
    w.sim().network().healAll();
    // the leader's appends reach m2 again and its answers the leader; no election, no new term
    w.sim().runFor(EtcdTiming.ETCD_DEFAULTS.requestTimeoutMs() * 1_000);
    assertTrue(w.etcd("m2").ready(), "m2 published again within a request timeout");
  }
}
