package io.pdlab.real.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The logs a real kubelet writes outside its root directory, removed with its node (by the node's
 * close, or by the {@link Reaper} for a killed run).
 */
public final class PodLogs {
  private PodLogs() {
  }

  /** Where a 1.20 kubelet keeps its pods' logs (fixed: kubelet.go podLogsRootDirectory). */
  static final Path POD_LOGS = Path.of("/var/log/pods");
  /** Where it links each container's log (fixed: kubelet.go ContainerLogsDir). */
  static final Path CONTAINER_LOGS = Path.of("/var/log/containers");

  /**
   * Removes the logs the kubelet wrote outside its root for the pods it ran (its root's {@code
   * pods/<uid>} directories): {@code /var/log/pods/<ns>_<pod>_<uid>} and the links to them in
   * {@code /var/log/containers}.
   */
  public static void removeFor(Path kubeletPods) {
    if (!Files.isDirectory(kubeletPods)) {
      return;
    }
    List<String> uids = new ArrayList<>();
    try (var s = Files.list(kubeletPods)) {
      s.forEach(p -> uids.add(p.getFileName().toString()));
    } catch (IOException e) {
      return;
    }
    List<Path> removed = new ArrayList<>();
    try (var s = Files.list(POD_LOGS)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        String n = p.getFileName().toString();
        if (uids.stream().anyMatch(u -> n.endsWith("_" + u))) {
          Fs.deleteTree(p);
          removed.add(p);
        }
      }
    } catch (IOException e) {
      return;
    }
    try (var s = Files.list(CONTAINER_LOGS)) {
      for (Path link : (Iterable<Path>) s::iterator) {
        if (Files.isSymbolicLink(link)) {
          Path target = Files.readSymbolicLink(link);
          if (removed.stream().anyMatch(target::startsWith)) {
            Files.deleteIfExists(link);
          }
        }
      }
    } catch (IOException e) {
      // nothing linked
    }
  }

}
