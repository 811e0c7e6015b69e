package io.pdlab.pd.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pdlab.pd.etcd.EtcdMember;
import io.pdlab.pd.etcd.EtcdTiming;
import io.pdlab.pd.server.PdConstants;
import io.pdlab.sim.Budget;
import org.junit.jupiter.api.Test;

/**
 * PD reads or creates its cluster ID once its etcd is ready, within etcd's 10 s request timeout;
 * an error ends pd-server's Run() and the process exits (tikv/pd server.go initClusterID),
 * so its container is restarted (issue 16, item 9). The model had retried every 200 ms for ever.
 */
class PdClusterIdInitTest {
  @Test
  void aPdCutOffRightAfterItsEtcdIsReadyExitsAfterTheRequestTimeout() {
    PdWorld pd = new PdWorld(1, Budget.of(20_000_000, 3_600_000_000L), true, "ns", "basic",
        EtcdTiming.PD_PROFILE);
    EtcdWorld w = pd.world();
    pd.createPdPods(3);
    w.startMeasuring();
    w.sim().start(pd.discoveryName());
    for (String n : w.expected()) {
      w.sim().start(n);
    }
    // the first joiner: its etcd is ready (it published) and it has not read the cluster ID yet
    String joiner = "basic-pd-0";
    w.sim().run(() -> {
      EtcdMember e = w.etcd(joiner);
      return e != null && e.ready() || w.sim().nowUs() > 120_000_000;
    });
    assertTrue(w.etcd(joiner).ready(), "scenario: " + joiner + " joined");
    long readyAt = w.sim().nowUs();
    w.sim().network().isolate(joiner);
    w.sim().runFor(PdConstants.ETCD_REQUEST_TIMEOUT_MS * 1_000 + 1_000_000);
    String exit = w.recorder().exits().get(joiner);
    assertEquals("run server failed: init cluster ID: etcdserver: request timed out", exit);
    assertTrue(pd.restarts().stream().anyMatch(r -> r.contains(joiner + " exited (run server"
        + " failed")), pd.restarts().toString());
    assertTrue(w.sim().nowUs() - readyAt >= PdConstants.ETCD_REQUEST_TIMEOUT_MS * 1_000);
  }
}
