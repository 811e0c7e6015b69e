package io.pdlab.pd.run;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pdlab.pd.etcd.EtcdMember;
import io.pdlab.pd.etcd.EtcdTiming;
import io.pdlab.sim.Budget;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * tidb-operator v1.5.1's PD start script asks discovery when {@code <data>/member/wal} is absent,
 * while PD's join skips joining when {@code <data>/member} is non-empty (tikv/pd v7.1
 * {@code join.go} {@code isDataExist}); etcd 3.4.23 makes {@code member/snap} before
 * {@code member/wal} (issue 16, item 15b). A volume with {@code member/snap} and no WAL (etcd
 * exited on its flags or its peers, or was killed in between) then loops: the script registers
 * with discovery and gets {@code --join}, PD takes the data as existing and starts etcd with no
 * initial cluster, etcd has no WAL and exits "couldn't find local name", the container restarts.
 * The model had one test for both, so such a PD joined as on an empty volume. Seen with
 * tidb-operator: tikv/pd #1520 ("couldn't find local name \"tidb-default-pd-0\" in the initial
 * cluster configuration", the pod started once its {@code snap/db} was removed).
 */
class PdDataDirTestsTest {
  @Test
  void aPdWhoseVolumeHasSnapButNoWalIsToldToJoinAndExitsEveryTime() {
    PdWorld pd = new PdWorld(7, Budget.of(50_000_000, 3_600_000_000L), true, "ns", "basic",
        EtcdTiming.PD_PROFILE);
    EtcdWorld w = pd.world();
    pd.createPdPods(3);
    // basic-pd-1's first start died after etcd made member/snap, before member/wal
    w.sim().disk("basic-pd-1").put(EtcdMember.SNAP_KEY, Boolean.TRUE);
    w.startMeasuring();
    w.sim().start(pd.discoveryName());
    for (String n : w.expected()) {
      w.sim().start(n);
    }
    w.sim().runFor(300_000_000);
    List<String> restarts = pd.restarts();
    long loops = restarts.stream().filter(r -> r.contains("basic-pd-1 exited (couldn't find"
        + " local name \"basic-pd-1\" in the initial cluster configuration)")).count();
    assertTrue(loops >= 3, "basic-pd-1 crash-loops on its snap-only volume: " + restarts);
    assertFalse(w.sim().disk("basic-pd-1").contains(EtcdMember.WAL_KEY), "it never got a WAL");
    assertFalse(w.sim().disk("basic-pd-1").contains(io.pdlab.pd.pod.PdPod.JOIN_FILE_KEY),
        "nor joined");
  }
}
