package io.pdlab.real.node;

import com.github.dockerjava.api.DockerClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What this JVM's backends left behind: etcd processes running from one of its run directories,
 * the run directories themselves, and containers and networks labelled with it as owner. Empty
 * after every backend closed; tests assert that.
 */
public final class Leftovers {
  private Leftovers() {}

  /** One line per thing left: kind and name (process ids, paths, container and network names). */
  public static List<String> ofThisJvm() {
    List<String> out = new ArrayList<>();
    String runPrefix = RunDirectory.PREFIX + ProcessHandle.current().pid() + "-";
    String needle = RunDirectory.DEFAULT_BASE.toAbsolutePath() + "/" + runPrefix;
    try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
      for (Path p : procs) {
        String cmdline;
        try {
          cmdline = new String(Fs.readProc(p.resolve("cmdline")), StandardCharsets.UTF_8)
              .replace('\0', ' ');
        } catch (IOException e) {
          continue; // gone meanwhile
        }
        if (cmdline.contains(needle) && !Reaper.gone(Long.parseLong(p.getFileName()
            .toString()))) {
          out.add("process " + p.getFileName() + ": " + cmdline.strip());
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot list /proc: " + e, e);
    }
    if (Files.isDirectory(RunDirectory.DEFAULT_BASE)) {
      try (DirectoryStream<Path> dirs = Files.newDirectoryStream(RunDirectory.DEFAULT_BASE,
          runPrefix + "*")) {
        for (Path d : dirs) {
          out.add("run directory " + d);
        }
      } catch (NoSuchFileException e) {
        // the last run to leave it removed it since the check: nothing is left there
      } catch (IOException e) {
        throw new IllegalStateException("cannot list " + RunDirectory.DEFAULT_BASE + ": " + e, e);
      }
    }
    if (DockerSupport.unavailableReason().isEmpty()) {
      DockerClient docker = DockerSupport.client();
      String owner = Owner.OWNER_LABEL + "=" + Owner.current().label();
      docker.listContainersCmd().withShowAll(true).withLabelFilter(List.of(owner)).exec()
          .forEach(c -> out.add("container " + String.join(",", c.getNames())));
      docker.listNetworksCmd().exec().stream()
          .filter(n -> n.getLabels() != null && Owner.current().label().equals(
              n.getLabels().get(Owner.OWNER_LABEL)))
          .forEach(n -> out.add("network " + n.getName()));
    }
    return out;
  }
}
