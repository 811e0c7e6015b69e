package io.pdlab.pd.tidb;

/**
 * What {@link DiscoveryService} asks its driver to do. Every action names the request it belongs
 * to; the driver answers {@link ReadTidbCluster} with {@link DiscoveryService#onTidbCluster} and
 * {@link GetPdMembers} with {@link DiscoveryService#onPdMembers}, and writes {@link Respond}
 * back to the HTTP client (which may have given up long ago: the Go handler never looks at the
 * client).
 */
public sealed interface DiscoveryAction {
  /** The request this action belongs to. */
  long requestId();

  /** GET the TidbCluster {@code namespace/name} from the Kubernetes API server. */
  record ReadTidbCluster(long requestId, String namespace, String name) implements DiscoveryAction {
    @Override
    public String toString() {
      return "read-tc #" + requestId + " " + namespace + "/" + name;
    }
  }

  /**
   * GET PD's members API through the {@code <tc>-pd} Service, giving up after {@code timeoutMs}
   * ({@code http.Client{Timeout}} of the PD client, see
   * {@link DiscoveryService#PD_API_TIMEOUT_MS}).
   */
  record GetPdMembers(long requestId, String url, long timeoutMs) implements DiscoveryAction {
    @Override
    public String toString() {
      return "get-pd-members #" + requestId + " " + url + " timeout=" + timeoutMs + "ms";
    }
  }

  /** Write the HTTP answer: status and body (the start args, or the error text on 500). */
  record Respond(long requestId, int status, String body) implements DiscoveryAction {
    @Override
    public String toString() {
      return "respond #" + requestId + " " + status + " " + body.replace("\n", "\\n");
    }
  }
}
