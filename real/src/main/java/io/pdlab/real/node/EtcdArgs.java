package io.pdlab.real.node;

import java.util.ArrayList;
import java.util.List;

/**
 * Renders an etcd 3.4 command line (without the binary) from {@link EtcdFlags} and the
 * addresses a backend chose. One place, so processes and containers start etcd the same way.
 */
final class EtcdArgs {

  private EtcdArgs() {
  }

  /**
   * The etcd arguments, each as {@code --flag=value}.
   *
   * @param flags the start's flags
   * @param dataDir {@code --data-dir} as etcd sees it
   * @param listenPeerUrl {@code --listen-peer-urls}
   * @param advertisePeerUrl {@code --initial-advertise-peer-urls}, unless the flags give one of
   *     their own ({@link EtcdFlags#advertisePeerUrl})
   * @param listenClientUrl {@code --listen-client-urls}
   * @param advertiseClientUrl {@code --advertise-client-urls}
   */
  static List<String> render(EtcdFlags flags, String dataDir, String listenPeerUrl,
      String advertisePeerUrl, String listenClientUrl, String advertiseClientUrl) {
    List<String> args = new ArrayList<>();
    args.add("--name=" + flags.name());
    args.add("--data-dir=" + dataDir);
    args.add("--listen-peer-urls=" + listenPeerUrl);
    args.add("--initial-advertise-peer-urls=" + (flags.advertisePeerUrl() != null
        ? flags.advertisePeerUrl() : advertisePeerUrl));
    args.add("--listen-client-urls=" + listenClientUrl);
    args.add("--advertise-client-urls=" + advertiseClientUrl);
    args.add("--initial-cluster=" + flags.initialClusterFlag());
    args.add("--initial-cluster-state=" + (flags.existing() ? "existing" : "new"));
    args.add("--initial-cluster-token=" + flags.token());
    args.add("--heartbeat-interval=" + flags.tickMs());
    args.add("--election-timeout=" + flags.electionMs());
    args.add("--pre-vote=" + flags.preVote());
    args.add("--strict-reconfig-check=" + flags.strictReconfigCheck());
    args.add("--logger=zap");
    args.add("--log-outputs=stderr");
    return args;
  }

  /**
   * Checks that {@code flags} belong to member {@code name} advertising {@code peerUrl}: etcd
   * refuses to start when its own entry in {@code --initial-cluster} differs from its advertised
   * peer URL, and says so less clearly. Flags that advertise a URL of their own (a {@code
   * wrong-peer-url} fault) may list either that one or the node's: the mismatch is the fault,
   * and etcd decides it.
   */
  static void checkFor(String name, String peerUrl, EtcdFlags flags) {
    if (!flags.name().equals(name)) {
      throw new IllegalArgumentException("flags for member '" + flags.name()
          + "' given to node '" + name + "'");
    }
    String own = flags.initialCluster().get(name);
    if (!peerUrl.equals(own) && !(own != null && own.equals(flags.advertisePeerUrl()))) {
      throw new IllegalArgumentException("member '" + name + "': initialCluster maps it to '"
          + own + "' but its peer URL is '" + peerUrl
          + "' (use EtcdNode.peerUrl() of each member in initialCluster)");
    }
  }
}
