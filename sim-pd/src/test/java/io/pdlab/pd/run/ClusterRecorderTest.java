package io.pdlab.pd.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.pdlab.pd.etcd.Entry;
import io.pdlab.pd.etcd.EntryData;
import io.pdlab.pd.etcd.Raft;
import io.pdlab.sim.check.Invariant;
import org.junit.jupiter.api.Test;

/**
 * The recorder's checks on each member's durable state and on leaders' match indexes, fed
 * observations directly: what each reports, and that a wipe starts a member's state over.
 */
class ClusterRecorderTest {
  private static final long CLUSTER = 0xc1;
  private static final long M2 = 0x22;

  private final ClusterRecorder rec = new ClusterRecorder();
  private final Invariant safety = rec.safety();

  private static Entry put(long term, long index, String value) {
    return new Entry(term, index, new EntryData.Put("k", value, false, 0, 0));
  }

  private String check() {
    return safety.atEnd(0);
  }

  @Test
  void commitIndexThatGoesBackIsReportedUnlessTheDiskWasWiped() {
    rec.onCommit("m2", CLUSTER, 12, 0);
    rec.onCommit("m2", CLUSTER, 12, 0); // restarted from its WAL
    assertNull(check());
    rec.onCommit("m2", CLUSTER, 9, 0);
    assertEquals("commit index of m2 went back from 12 to 9 although its disk was not wiped",
        check());

    rec.onWiped("m2");
    rec.onCommit("m2", CLUSTER, 3, 0); // bootstrapped again
    assertNull(check());
    rec.onCommit("m2", CLUSTER, 2, 0);
    assertEquals("commit index of m2 went back from 3 to 2 although its disk was not wiped since"
        + " its last wipe", check());
  }

  @Test
  void termThatGoesBackIsReportedUnlessTheDiskWasWiped() {
    rec.onRole("m2", CLUSTER, Raft.Role.FOLLOWER, 5, 0);
    rec.onRole("m2", CLUSTER, Raft.Role.CANDIDATE, 6, 0);
    assertNull(check());
    rec.onRole("m2", CLUSTER, Raft.Role.FOLLOWER, 4, 0);
    assertEquals("term of m2 went back from 6 to 4 although its disk was not wiped", check());
    rec.onWiped("m2");
    rec.onRole("m2", CLUSTER, Raft.Role.FOLLOWER, 1, 0);
    assertNull(check());
  }

  @Test
  void committedEntryThatChangesIsReportedUnlessTheDiskWasWiped() {
    rec.onApply("m2", CLUSTER, put(2, 1, "a"), 0);
    rec.onApply("m2", CLUSTER, put(2, 2, "b"), 0);
    rec.onApply("m2", CLUSTER, put(2, 1, "a"), 0); // replay after a restart
    assertNull(check());
    rec.onApply("m2", CLUSTER, put(2, 2, "c"), 0);
    String msg = check();
    // The cluster-wide check sees it too; the member's own check says it is the same disk.
    assertEquals("committed entry 2 of cluster c1 diverged: m2 applied 2@2:put k=c,"
        + " another member applied 2@2:put k=b; committed entry 2 of m2 changed although its"
        + " disk was not wiped: it applied 2@2:put k=c, earlier 2@2:put k=b", msg);

    rec.onWiped("m2");
    rec.onApply("m2", 0xc2, put(1, 1, "x"), 0); // another cluster ID, formed on the new disk
    assertNull(check());
  }

  @Test
  void entryAppliedOutOfOrderIsReported() {
    rec.onApply("m2", CLUSTER, put(2, 1, "a"), 0);
    rec.onApply("m2", CLUSTER, put(2, 3, "c"), 0);
    assertEquals("m2 applied entry 3 before entry 2 (Raft applies in log order from index 1)",
        check());
  }

  @Test
  void matchIndexBeyondTheLeadersLastIndexIsReported() {
    rec.onCluster("m2", M2, CLUSTER, 0);
    rec.onMatch("m1", CLUSTER, M2, 9, 9, 0);
    assertNull(check());
    rec.onMatch("m1", CLUSTER, M2, 12, 9, 0);
    assertEquals("leader m1 of cluster c1 recorded match index 12 for m2 beyond its"
        + " last index 9: that member committed entries this leader's log does not have",
        check());
  }
}
