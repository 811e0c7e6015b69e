package io.pdlab.real.drive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pdlab.pd.etcd.EtcdMember;
import io.pdlab.sim.process.Disk;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The model's disk shows a real etcd's data directory as PD's start script and join test it:
 * {@code member/wal} (the script) and a non-empty {@code member} (PD's join), read from the
 * directory where this host can, else from the member having served its peer port.
 */
class DataDirMarkersTest {
  @TempDir
  Path data;

  private static List<String> markers(Disk d) {
    return List.copyOf(d.view().keySet());
  }

  @Test
  void aFreshDirectoryShowsNothing() {
    Disk d = new Disk();
    DataDirMarkers.record(data, false, d);
    assertTrue(d.isEmpty());
    DataDirMarkers.record(data.resolve("absent"), false, d);
    assertTrue(d.isEmpty());
  }

  @Test
  void memberSnapWithoutAWalIsDataForPdsJoinButNotForTheStartScript() throws Exception {
    Files.createDirectories(data.resolve("member"));
    Disk d = new Disk();
    DataDirMarkers.record(data, false, d);
    assertTrue(d.isEmpty(), "an empty member directory");
    Files.createDirectories(data.resolve("member/snap"));
    DataDirMarkers.record(data, false, d);
    assertEquals(List.of(EtcdMember.SNAP_KEY), markers(d));
    Files.createDirectories(data.resolve("member/wal"));
    DataDirMarkers.record(data, false, d);
    assertEquals(List.of(EtcdMember.SNAP_KEY, EtcdMember.WAL_KEY), markers(d));
  }

  @Test
  void aMemberServingItsPeerPortHasBothWhereTheDirectoryCannotBeRead() {
    Disk d = new Disk();
    DataDirMarkers.record(null, true, d);
    assertEquals(List.of(EtcdMember.SNAP_KEY, EtcdMember.WAL_KEY), markers(d));
    assertEquals(DataDirMarkers.REAL, d.get(EtcdMember.WAL_KEY));
  }

  @Test
  void markersStayUntilTheModelWipesTheDisk() throws Exception {
    Files.createDirectories(data.resolve("member/wal"));
    Disk d = new Disk();
    DataDirMarkers.record(data, false, d);
    long writes = d.writes();
    DataDirMarkers.record(data, true, d);
    assertEquals(writes, d.writes(), "nothing written twice");
    DataDirMarkers.record(data.resolve("elsewhere"), false, d);
    assertTrue(d.contains(EtcdMember.WAL_KEY), "never removed by a later look");
    d.wipe();
    assertFalse(d.contains(EtcdMember.WAL_KEY));
  }
}
