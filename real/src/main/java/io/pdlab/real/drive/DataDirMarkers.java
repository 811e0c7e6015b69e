package io.pdlab.real.drive;

import io.pdlab.pd.etcd.EtcdMember;
import io.pdlab.sim.process.Disk;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A real etcd's data directory as the model's disk of its process shows it: the markers that PD's
 * start script and join test ({@link io.pdlab.pd.tidb.DataDirState}: tidb-operator v1.5.1's
 * script tests {@code <data>/member/wal}, tikv/pd v7.1 join.go {@code isDataExist} a non-empty
 * {@code <data>/member}) are the simulated member's {@link EtcdMember#WAL_KEY} and {@link
 * EtcdMember#SNAP_KEY}; a real member writes neither, so without this a restarted PD on a real
 * backend found an empty volume and asked discovery again as a new PD.
 *
 * <p>Where the data directory is on this host (processes, containers' bind mounts, kubelet
 * nodes' pod volumes) it is read; elsewhere (a container's own layer) what the member showed
 * stands for it: a member that serves its peer port has
 * made {@code member/snap} and its WAL (etcd 3.4.23 embed.StartEtcd serves peers only after
 * NewServer, which makes both). Markers are only added: a real data directory loses its WAL only
 * when wiped, and the model wipes the process's disk with it.
 */
final class DataDirMarkers {
  /** The value stored under a marker: the data lives in the real member, not in the model. */
  static final String REAL = "in the real member's data directory";

  private DataDirMarkers() {}

  /**
   * Adds the markers that {@code dataDir} (the host's view of {@code --data-dir}, or null when
   * this host cannot read it) and {@code servedPeers} show to {@code disk}.
   */
  static void record(Path dataDir, boolean servedPeers, Disk disk) {
    boolean wal = servedPeers;
    boolean member = servedPeers;
    if (dataDir != null) {
      Path m = dataDir.resolve("member");
      wal |= Files.isDirectory(m.resolve("wal"));
      member |= nonEmpty(m);
    }
    if (member && !disk.contains(EtcdMember.SNAP_KEY)) {
      disk.put(EtcdMember.SNAP_KEY, REAL);
    }
    if (wal && !disk.contains(EtcdMember.WAL_KEY)) {
      disk.put(EtcdMember.WAL_KEY, REAL);
    }
  }

  private static boolean nonEmpty(Path dir) {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      return entries.iterator().hasNext();
    } catch (IOException e) {
      return false; // not ours to read (another owner's 0700 directory): the member's state says
    }
  }
}
