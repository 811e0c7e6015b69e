package io.pdlab.pd.etcd;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An etcd member's flags.
 *
 * @param name {@code --name}
 * @param peerUrl {@code --initial-advertise-peer-urls} (one URL)
 * @param clientUrl {@code --advertise-client-urls} (one URL)
 * @param initialCluster {@code --initial-cluster}: name to peer URL, in flag order
 * @param state {@code --initial-cluster-state}
 * @param token {@code --initial-cluster-token}
 * @param timing tick, election and feature flags
 */
public record EtcdConfig(String name, String peerUrl, String clientUrl,
    Map<String, String> initialCluster, State state, String token, EtcdTiming timing) {

  /** {@code --initial-cluster-state}. */
  public enum State { NEW, EXISTING }

  public EtcdConfig {
    initialCluster = Collections.unmodifiableMap(new LinkedHashMap<>(initialCluster));
  }

  /** Parses {@code name=url,name=url} as etcd does for {@code --initial-cluster}. */
  public static Map<String, String> parseInitialCluster(String flag) {
    Map<String, String> out = new LinkedHashMap<>();
    if (flag.isBlank()) {
      return out;
    }
    for (String part : flag.split(",")) {
      int eq = part.indexOf('=');
      if (eq <= 0 || eq == part.length() - 1) {
        throw new IllegalArgumentException("malformed --initial-cluster entry '" + part
            + "' (want name=url)");
      }
      out.put(part.substring(0, eq), part.substring(eq + 1));
    }
    return out;
  }

  /** Renders {@code initialCluster} as the flag value. */
  public String initialClusterFlag() {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, String> e : initialCluster.entrySet()) {
      if (sb.length() > 0) {
        sb.append(',');
      }
      sb.append(e.getKey()).append('=').append(e.getValue());
    }
    return sb.toString();
  }

  /**
   * The simulated network endpoint serving {@code url}: the first DNS label of its host, so
   * {@code http://pd-0.pd-peer.ns.svc:2380} is endpoint {@code pd-0} (the pod).
   */
  public static String endpointOf(String url) {
    int scheme = url.indexOf("://");
    int start = scheme >= 0 ? scheme + 3 : 0;
    int end = start;
    while (end < url.length()) {
      char c = url.charAt(end);
      if (c == '.' || c == ':' || c == '/') {
        break;
      }
      end++;
    }
    if (end == start) {
      throw new IllegalArgumentException("no host in URL '" + url + "'");
    }
    return url.substring(start, end);
  }
}
