package io.pdlab.real.node;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The host's etcdctl (Debian's etcd-client, 3.4), run against a real member as the tools beside
 * it in a pod run it: a liveness probe's command, a backup sidecar's {@code snapshot save} and
 * {@code snapshot restore}. Each run is bounded by its timeout; a run that outlives it is killed.
 */
public final class Etcdctl {
  /** How to get etcdctl on a Debian machine. */
  public static final String HOW_TO_GET = "as root: apt-get install -y etcd-client";

  /**
   * The {@code --command-timeout} a save is given. etcdctl 3.4's {@code snapshot save} applies
   * its command timeout only when the flag is given (etcd v3.4.23
   * etcdctl/ctlv3/command/snapshot_command.go), and without it, against a member that does not
   * answer, it prints "context deadline exceeded" and does not exit (measured here: still running
   * after 60 s); with it, it exits after 5 s, the default command timeout (etcdctl/ctlv3/ctl.go
   * {@code defaultCommandTimeOut}). A member's store here is a few MB, saved in milliseconds.
   */
  static final String SAVE_COMMAND_TIMEOUT = "5s";
  /** How long a snapshot save may take in all, a bound on the process. */
  static final Duration SAVE_TIMEOUT = Duration.ofSeconds(30);
  /** How long a restore into a data directory (local files only) may take. */
  static final Duration RESTORE_TIMEOUT = Duration.ofSeconds(30);

  private final Path path;

  Etcdctl(Path path) {
    this.path = path;
  }

  /**
   * The etcdctl beside the etcd pdlab runs ({@link EtcdBinary#locate}), else on the PATH.
   *
   * @throws IllegalStateException when there is no etcd or no etcdctl, saying how to get it
   */
  public static Etcdctl locate() {
    EtcdBinary etcd = EtcdBinary.locate();
    return new Etcdctl(etcd.etcdctl().orElseThrow(() -> new IllegalStateException(
        "no etcdctl beside " + etcd.path() + " or on the PATH: the member pods' liveness probes"
        + " and restore-snapshot's backup sidecar run it; " + HOW_TO_GET)));
  }

  /**
   * Runs an exec probe's {@code command} (e.g. {@code /bin/sh -ec "ETCDCTL_API=3 etcdctl
   * endpoint status"}) on this host against the member at {@code endpoint} in place of the pod's
   * localhost: {@code ETCDCTL_ENDPOINTS} names it (etcdctl reads every flag from its {@code
   * ETCDCTL_} variable) and this etcdctl's directory comes first on the PATH. It passes when the
   * command exits 0 within {@code timeout} (the probe's {@code timeoutSeconds}, which kubelet
   * 1.20 enforces on exec probes).
   */
  public boolean probe(List<String> command, String endpoint, Duration timeout) {
    List<String> full = new ArrayList<>(List.of("env", "ETCDCTL_ENDPOINTS=" + endpoint,
        "PATH=" + path.getParent() + ":" + System.getenv().getOrDefault("PATH",
            "/usr/bin:/bin")));
    full.addAll(command);
    try {
      return Commands.run(timeout, null, full).exitCode() == 0;
    } catch (IllegalStateException timedOut) {
      return false;
    }
  }

  /**
   * {@code ETCDCTL_API=3 etcdctl --endpoints endpoint snapshot save file}.
   *
   * @throws IllegalStateException with etcdctl's error when it fails
   */
  public void snapshotSave(String endpoint, Path file) {
    Commands.Result r = Commands.run(SAVE_TIMEOUT, null, List.of("env", "ETCDCTL_API=3",
        path.toString(), "--endpoints", endpoint, "--command-timeout=" + SAVE_COMMAND_TIMEOUT,
        "snapshot", "save", file.toString()));
    if (r.exitCode() != 0) {
      throw new IllegalStateException(lastError(r.output()));
    }
  }

  /**
   * {@code etcdctl snapshot restore snapshot --name name --initial-cluster initialCluster
   * --initial-cluster-token token --initial-advertise-peer-urls <name's URL>} into {@code
   * dataDir}, which must be empty: etcdctl refuses a data dir that exists ({@code data-dir ...
   * exists}, etcd v3.4.23 clientv3/snapshot/v3_snapshot.go {@code Restore}), so it restores
   * beside it and the {@code member} directory it wrote is moved in.
   *
   * @throws IllegalArgumentException with etcdctl's error when it refuses (a name the list
   *     lacks), the data dir then unchanged
   */
  public void snapshotRestore(Path snapshot, String name, Map<String, String> initialCluster,
      String token, Path dataDir) {
    StringJoiner list = new StringJoiner(",");
    initialCluster.forEach((n, url) -> list.add(n + "=" + url));
    Path beside = dataDir.resolveSibling(dataDir.getFileName() + ".restore");
    Fs.deleteTree(beside);
    List<String> command = new ArrayList<>(List.of("env", "ETCDCTL_API=3", path.toString(),
        "snapshot", "restore", snapshot.toString(), "--name", name, "--initial-cluster",
        list.toString(), "--initial-cluster-token", token, "--data-dir", beside.toString()));
    String own = initialCluster.get(name);
    if (own != null) {
      command.add("--initial-advertise-peer-urls");
      command.add(own);
    }
    try {
      Commands.Result r = Commands.run(RESTORE_TIMEOUT, null, command);
      if (r.exitCode() != 0) {
        throw new IllegalArgumentException(lastError(r.output()));
      }
      Files.createDirectories(dataDir);
      Files.move(beside.resolve("member"), dataDir.resolve("member"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot move the restored member directory from " + beside
          + " into " + dataDir + ": " + e, e);
    } finally {
      Fs.deleteTree(beside);
    }
  }

  /** etcdctl's {@code Error: ...} line without its prefix, else its last line. */
  static String lastError(String output) {
    String last = "";
    for (String line : output.strip().split("\n")) {
      if (line.startsWith("Error: ")) {
        return line.substring("Error: ".length()).strip();
      }
      if (!line.isBlank()) {
        last = line.strip();
      }
    }
    return last;
  }
}
