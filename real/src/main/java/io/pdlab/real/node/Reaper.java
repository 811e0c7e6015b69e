package io.pdlab.real.node;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Image;
import com.github.dockerjava.api.model.Network;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Removes what earlier JVMs that were killed (kill -9, OOM) left behind: their run directories
 * under {@code /tmp/pdlab-real}, the etcd processes running on those directories, and docker
 * containers, networks and images labelled with a dead owner. An owner is dead when its pid is
 * free or taken by a process with another start instant (or the machine rebooted); things of
 * live JVMs, and of owners this JVM cannot judge (another pid namespace), are never touched.
 *
 * <p>Backends call it once per JVM before their first start.
 */
public final class Reaper {

  private static final System.Logger LOG = System.getLogger(Reaper.class.getName());
  private static final AtomicBoolean DONE = new AtomicBoolean();
  private static final Duration KILL_WAIT = Duration.ofSeconds(5);
  private static final Duration STALE_CREATING = Duration.ofMinutes(10);

  /**
   * What one reaping removed.
   *
   * @param runDirs run directories deleted
   * @param processes pids of etcd processes killed
   * @param containers ids of containers removed
   * @param networks ids of networks removed
   * @param images ids of images removed
   */
  public record Report(List<Path> runDirs, List<Long> processes, List<String> containers,
      List<String> networks, List<String> images) {

    /** Whether nothing was left behind. */
    public boolean isEmpty() {
      return runDirs.isEmpty() && processes.isEmpty() && containers.isEmpty()
          && networks.isEmpty() && images.isEmpty();
    }
  }

  private Reaper() {
  }

  /**
   * Reaps {@code /tmp/pdlab-real} and, when docker is usable, docker objects of dead owners.
   *
   * @return what was removed
   */
  public static Report reapOrphans() {
    return reapOrphans(RunDirectory.DEFAULT_BASE, DockerSupport.unavailableReason().isEmpty());
  }

  /**
   * Reaps only the run directories (and their processes) of dead owners, leaving docker alone:
   * for backends that start no containers, which need not pay for a docker client.
   */
  public static Report reapOrphanRuns() {
    return reapOrphanRuns(RunDirectory.DEFAULT_BASE);
  }

  /** {@link #reapOrphanRuns()} under {@code base} (tests give their own). */
  public static Report reapOrphanRuns(Path base) {
    return reapOrphans(base, false);
  }

  /** {@link #reapOrphans()} once per JVM; failures are logged, not thrown. */
  static void reapOrphansOnce() {
    if (!DONE.compareAndSet(false, true)) {
      return;
    }
    try {
      Report r = reapOrphans();
      if (!r.isEmpty()) {
        LOG.log(System.Logger.Level.INFO, "removed what killed pdlab JVMs left behind: " + r);
      }
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "could not reap orphans of killed pdlab JVMs", e);
    }
  }

  /** Reaps run directories under {@code base}, and docker objects when {@code docker}. */
  static Report reapOrphans(Path base, boolean docker) {
    List<Path> deadDirs = new ArrayList<>();
    List<Long> killed = new ArrayList<>();
    if (Files.isDirectory(base)) {
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(base)) {
        for (Path dir : entries) {
          String n = dir.getFileName().toString();
          if (n.startsWith(RunDirectory.CREATING_PREFIX)) {
            if (olderThan(dir, STALE_CREATING)) {
              Fs.deleteTree(dir);
            }
            continue;
          }
          if (!n.startsWith(RunDirectory.PREFIX) || !Files.isDirectory(dir)) {
            continue;
          }
          Optional<Owner> owner = RunDirectory.ownerOf(dir);
          if (owner.isPresent() && owner.get().status() == Owner.Status.DEAD) {
            // Again until none is left: a kubelet node's daemons start shims and containers
            // while they are being killed (bounded: a few passes).
            for (int pass = 0; pass < 5; pass++) {
              List<Long> now = new ArrayList<>(killProcessesUnder(dir));
              now.addAll(killCgroupsOf(owner.get().pid()));
              killed.addAll(now);
              if (now.isEmpty()) {
                break;
              }
            }
            deadDirs.add(dir);
          }
        }
      } catch (NoSuchFileException e) {
        // the last run to leave it removed it since the check (RunDirectory.delete)
      } catch (IOException e) {
        throw new IllegalStateException("cannot list run directories in " + base + ": " + e, e);
      }
    }
    List<String> containers = new ArrayList<>();
    List<String> networks = new ArrayList<>();
    List<String> images = new ArrayList<>();
    if (docker) {
      reapDocker(DockerSupport.client(), containers, networks, images);
    }
    for (Path dir : deadDirs) {
      podLogsOf(dir);
      try {
        Mounts.unmountUnder(dir); // a kubelet node's overlays, namespaces and secret volumes
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "left " + dir + " in place: " + e.getMessage());
        continue;
      }
      Fs.deleteTree(dir);
    }
    return new Report(List.copyOf(deadDirs), List.copyOf(killed), List.copyOf(containers),
        List.copyOf(networks), List.copyOf(images));
  }

  /** The logs a dead run's kubelet nodes ({@code node-*}{@code /kubelet}) wrote outside it. */
  private static void podLogsOf(Path run) {
    try (DirectoryStream<Path> nodes = Files.newDirectoryStream(run, "node-*")) {
      for (Path n : nodes) {
        PodLogs.removeFor(n.resolve("kubelet").resolve("pods"));
      }
    } catch (IOException | RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "pod logs of " + run + ": " + e.getMessage());
    }
  }

  /** Where cgroup v1 controllers are mounted. */
  static final Path CGROUPS = Path.of("/sys/fs/cgroup");

  /**
   * Kills every process in the cgroups a dead JVM's kubelet nodes put their containers under
   * ({@code /pdlab-<pid>-<node>}, the node daemons' {@code --cgroup-parent}) and removes those
   * cgroups: the containers of a killed run outlive its daemons.
   */
  static List<Long> killCgroupsOf(long pid) {
    return killCgroups("pdlab-" + pid + "-*");
  }

  /**
   * Kills every process in the top-level cgroups (of every v1 controller) matching {@code glob}
   * and removes them, deepest first: a closed kubelet node's cgroup parent, left empty by its
   * daemon, or a killed run's, with its containers still in it.
   */
  public static List<Long> killCgroups(String glob) {
    List<Long> killed = new ArrayList<>();
    if (!Files.isDirectory(CGROUPS)) {
      return killed;
    }
    List<Path> groups = new ArrayList<>();
    try (DirectoryStream<Path> controllers = Files.newDirectoryStream(CGROUPS)) {
      for (Path c : controllers) {
        try (DirectoryStream<Path> tops = Files.newDirectoryStream(c, glob)) {
          for (Path g : tops) {
            try (var walk = Files.walk(g)) {
              walk.filter(Files::isDirectory).forEach(groups::add);
            }
          }
        } catch (IOException e) {
          // not a controller directory
        }
      }
    } catch (IOException e) {
      return killed;
    }
    for (Path g : groups) {
      try {
        for (String line : Files.readAllLines(g.resolve("cgroup.procs"))) {
          if (!line.isBlank()) {
            long p = Long.parseLong(line.strip());
            ProcessHandle.of(p).ifPresent(ProcessHandle::destroyForcibly);
            killed.add(p);
          }
        }
      } catch (IOException | NumberFormatException e) {
        // gone meanwhile
      }
    }
    groups.sort(java.util.Comparator.comparingInt(Path::getNameCount).reversed());
    for (Path g : groups) {
      try {
        Files.deleteIfExists(g); // rmdir of an empty cgroup
      } catch (IOException e) {
        // still has a dying process: the next reap removes it
      }
    }
    return killed.stream().distinct().toList();
  }

  private static boolean olderThan(Path p, Duration age) {
    try {
      Instant modified = Files.getLastModifiedTime(p).toInstant();
      return modified.isBefore(Instant.now().minus(age));
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Kills (SIGKILL) every process with a flag whose value is a path in {@code dir} (etcd
   * members' {@code --data-dir=}, a control plane's {@code --cert-dir=}, {@code --kubeconfig=}
   * and so on), i.e. the processes of that run, and waits for them to be gone. A process that
   * merely names a file there ({@code tail -f <dir>/...}) is left alone.
   */
  public static List<Long> killProcessesUnder(Path dir) {
    String needle = "=" + dir.toAbsolutePath() + "/";
    List<ProcessHandle> victims = new ArrayList<>();
    try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
      for (Path p : procs) {
        long pid;
        try {
          pid = Long.parseLong(p.getFileName().toString());
        } catch (NumberFormatException e) {
          continue;
        }
        if (pid == ProcessHandle.current().pid()) {
          continue;
        }
        String cmdline;
        try {
          cmdline = new String(Fs.readProc(p.resolve("cmdline")), StandardCharsets.UTF_8)
              .replace('\0', ' ');
        } catch (IOException e) {
          continue;
        }
        // "--flag=<dir>/..." or an argument of its own ("-address <dir>/...", as containerd's
        // shims of a kubelet node's daemon take it)
        if (cmdline.contains(needle) || cmdline.contains(" " + dir.toAbsolutePath() + "/")) {
          ProcessHandle.of(pid).ifPresent(victims::add);
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot list /proc to find orphan processes: " + e, e);
    }
    List<Long> killed = new ArrayList<>();
    for (ProcessHandle h : victims) {
      h.destroyForcibly();
      killed.add(h.pid());
    }
    Instant deadline = Instant.now().plus(KILL_WAIT);
    for (ProcessHandle h : victims) {
      while (!gone(h.pid())) {
        if (Instant.now().isAfter(deadline)) {
          throw new IllegalStateException("orphan process " + h.pid() + " of " + dir
              + " did not die within " + KILL_WAIT + " of SIGKILL");
        }
        AbstractEtcdNode.sleep(Duration.ofMillis(20));
      }
    }
    return killed;
  }

  /** Whether a process is gone: no /proc entry, or a zombie waiting for its parent. */
  public static boolean gone(long pid) {
    try {
      String stat = new String(Fs.readProc(Path.of("/proc", Long.toString(pid), "stat")),
          StandardCharsets.UTF_8);
      int close = stat.lastIndexOf(')');
      return close < 0 || close + 2 >= stat.length() || stat.charAt(close + 2) == 'Z'
          || stat.charAt(close + 2) == 'X';
    } catch (IOException e) {
      return true;
    }
  }

  private static boolean dead(Map<String, String> labels) {
    return Owner.fromLabels(labels).map(Owner::status).orElse(Owner.Status.UNKNOWN)
        == Owner.Status.DEAD;
  }

  private static void reapDocker(DockerClient docker, List<String> containers,
      List<String> networks, List<String> images) {
    for (Container c : docker.listContainersCmd().withShowAll(true)
        .withLabelFilter(List.of(Owner.OWNER_LABEL)).exec()) {
      if (dead(c.getLabels())) {
        remove("container", c.getId(), containers, () -> docker.removeContainerCmd(c.getId())
            .withForce(true).withRemoveVolumes(true).exec());
      }
    }
    for (Network n : docker.listNetworksCmd().withFilter("label", List.of(Owner.OWNER_LABEL))
        .exec()) {
      if (dead(n.getLabels())) {
        remove("network", n.getId(), networks, () -> docker.removeNetworkCmd(n.getId()).exec());
      }
    }
    for (Image i : docker.listImagesCmd().withLabelFilter(Owner.OWNER_LABEL).exec()) {
      if (dead(i.getLabels())) {
        remove("image", i.getId(), images, () -> docker.removeImageCmd(i.getId()).withForce(true)
            .exec());
      }
    }
  }

  private static void remove(String what, String id, List<String> removed, Runnable removal) {
    try {
      removal.run();
      removed.add(id);
    } catch (NotFoundException e) {
      removed.add(id);
    } catch (DockerException e) {
      LOG.log(System.Logger.Level.WARNING, "cannot remove orphan docker " + what + " " + id + ": "
          + e.getMessage());
    }
  }
}
