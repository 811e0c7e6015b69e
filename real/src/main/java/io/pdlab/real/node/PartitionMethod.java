package io.pdlab.real.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How {@link ContainerEtcdBackend} cuts members apart.
 *
 * <p>{@link #NETNS_IPTABLES} is the general one: iptables DROP rules inside each member's own
 * network namespace (entered with {@code nsenter}), dropping packets from the members of the
 * other groups. The rules live and die with the container's namespace, so nothing is left on the
 * host, and they hold while a member is paused. They key on the members' fixed addresses, so a
 * restarted member is cut off by its peers' rules from the first packet. It needs root,
 * {@code nsenter} and {@code iptables} on the host.
 *
 * <p>{@link #NETWORK_DISCONNECT} needs only docker: it disconnects members from the backend's
 * network, which isolates them from everyone, and the host cannot reach them either while they
 * are cut off. So it can only do partitions where every group but one is a single member, and
 * every member is in some group.
 */
public enum PartitionMethod {
  /** iptables rules in each member's network namespace; any group shape. */
  NETNS_IPTABLES,
  /** docker network disconnect/connect; single members cut off from the rest only. */
  NETWORK_DISCONNECT;

  /** {@link #NETNS_IPTABLES} when this machine allows it, else {@link #NETWORK_DISCONNECT}. */
  public static PartitionMethod detect() {
    return netnsUnavailableReason().isEmpty() ? NETNS_IPTABLES : NETWORK_DISCONNECT;
  }

  /** Why {@link #NETNS_IPTABLES} cannot be used here, or empty when it can. */
  public static Optional<String> netnsUnavailableReason() {
    List<String> missing = new ArrayList<>();
    if (effectiveUid() != 0) {
      missing.add("this JVM does not run as root (nsenter into a container's network namespace"
          + " needs it)");
    }
    for (String tool : List.of("nsenter", "iptables", "sh")) {
      if (Commands.which(tool).isEmpty()) {
        missing.add(tool + " is not installed (" + (tool.equals("iptables")
            ? "apt-get install -y iptables" : "apt-get install -y util-linux") + ")");
      }
    }
    return missing.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", missing));
  }

  /** This process's effective uid, from /proc/self/status; -1 when unknown. */
  static long effectiveUid() {
    return statusId("Uid:");
  }

  /** This process's effective gid, from /proc/self/status; -1 when unknown. */
  static long effectiveGid() {
    return statusId("Gid:");
  }

  private static long statusId(String key) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith(key)) {
          String[] f = line.substring(key.length()).strip().split("\\s+");
          return Long.parseLong(f.length > 1 ? f[1] : f[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }
}
