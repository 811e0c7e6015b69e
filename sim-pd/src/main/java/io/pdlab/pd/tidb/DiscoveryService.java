package io.pdlab.pd.tidb;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The memory and request handling of one tidb-operator v1.5 discovery pod, as a pure state
 * machine. A restart of the pod is a new instance: the counted peers are gone.
 *
 * <p>Follows {@code pkg/discovery/server/server.go} ({@code newHandler}: route
 * {@code GET /new/{advertise-peer-url}[/{register-type}]}, base64 decode, any error is written as
 * HTTP 500 with the error text as body) and {@code pkg/discovery/discovery.go}
 * ({@code tidbDiscovery.Discover}):
 * <ol>
 *   <li>split the decoded peer URL {@code <pod>.<tc>-pd-peer.<ns>.svc:2380} (no scheme: the start
 *       script sends {@code echo ${domain}:2380 | base64}, trailing newline included);
 *   <li>the namespace must be the discovery pod's own ({@code MY_POD_NAMESPACE});
 *   <li>read the TidbCluster; if discovery has no entry for it or its resourceVersion changed,
 *       start a new, empty peer set under the new version;
 *   <li>add the caller's pod name;
 *   <li>if the set has {@link TidbClusterView#desiredPdReplicas()} names: remove the caller and
 *       answer {@code --initial-cluster=<pod>=<scheme>://<advertise peer url>};
 *   <li>otherwise ask PD's members API through the {@code <tc>-pd} Service; on error answer 500
 *       (the caller stays counted); on success remove the caller and answer
 *       {@code --join=<peerUrls[0] of every other member, :2380 replaced by :2379>}.
 * </ol>
 * One mutex ({@code d.lock}) is held for the whole of {@code Discover}, API read and PD call
 * included, so requests are served one at a time; later ones wait. The model queues them in
 * arrival order (Go's {@code sync.Mutex} is not strictly FIFO; arrival order is the model's choice)
 * and never drops one whose client has given up, as the Go handler does not look at the client.
 *
 * <p>Not modelled: the {@code dm} register type ({@code DiscoverDM}), {@code spec.pdAddresses},
 * {@code spec.clusterDomain}, {@code spec.cluster} (heterogeneous clusters) and
 * {@code status.pd.peerMembers} (across-Kubernetes PD clients), and the {@code /verify} route.
 * With those unset, as in a plain single-Kubernetes TidbCluster, the behaviour is the one above.
 *
 * <p>With {@link TidbOperatorVersion#V1_0} the rules of tidb-operator v1.0.0 apply instead where
 * they differ (each branch cites v1.0.0 {@code pkg/discovery/discovery.go} or
 * {@code pkg/discovery/server/mux.go}): only the route {@code /new/{advertise-peer-url}}; the
 * decoded URL split on dots must have exactly four parts; the count is {@code spec.pd.replicas}
 * alone ("TODO: the replicas should be the total replicas of pd sets", fixed by #3365 in v1.1.6 and
 * v1.2); {@code --initial-cluster} and the members call are plain {@code http}; {@code --join}
 * lists every member's {@code peerUrls[0]} as PD gives it, peer port and the caller's own member
 * included (the client port came with #892 in v1.1.0, leaving out the caller with #3365). The same
 * in both: the key {@code <ns>/<tc>}, a new peer set on a changed resourceVersion, the one mutex,
 * the 5 s PD client and a members error answered 500 with the caller left counted.
 */
public final class DiscoveryService {
  /** PD client timeout: {@code DefaultTimeout = 5 * time.Second} in {@code pkg/pdapi}. */
  public static final long PD_API_TIMEOUT_MS = 5_000;
  /** {@code pdMembersURI} / {@code membersPrefix} in {@code pkg/pdapi/pdapi.go}. */
  public static final String PD_MEMBERS_PATH = "pd/api/v1/members";
  /** A budget of the model, not of tidb-operator: the Go server queues without bound. */
  public static final int DEFAULT_MAX_QUEUED_REQUESTS = 1024;

  private static final String ROUTE_PREFIX = "/new/";
  private static final String PEER_SERVICE_SUFFIX = "-pd-peer";

  private final String namespace;
  private final int maxQueuedRequests;
  private final TidbOperatorVersion version;
  private final boolean countPeers;
  private final Map<String, Cluster> clusters = new TreeMap<>();
  private final ArrayDeque<Request> queue = new ArrayDeque<>();
  private InFlight current;

  /** @param namespace the discovery pod's namespace ({@code MY_POD_NAMESPACE}) */
  public DiscoveryService(String namespace) {
    this(namespace, TidbOperatorVersion.V1_5);
  }

  /** The discovery of tidb-operator {@code version}. */
  public DiscoveryService(String namespace, TidbOperatorVersion version) {
    this(namespace, DEFAULT_MAX_QUEUED_REQUESTS, version);
  }

  public DiscoveryService(String namespace, int maxQueuedRequests) {
    this(namespace, maxQueuedRequests, TidbOperatorVersion.V1_5);
  }

  public DiscoveryService(String namespace, int maxQueuedRequests, TidbOperatorVersion version) {
    this(namespace, maxQueuedRequests, version, true);
  }

  /**
   * @param countPeers whether the first answer waits until the TidbCluster's replicas have asked
   *     (discovery.go's count); false only for a test's mutant, a broken discovery that hands
   *     {@code --initial-cluster} to every PD ({@code pdlab explore}'s mutant test must find it)
   */
  public DiscoveryService(String namespace, int maxQueuedRequests, TidbOperatorVersion version,
      boolean countPeers) {
    if (version == null) {
      throw new IllegalArgumentException("version must not be null");
    }
    if (namespace == null || namespace.isEmpty()) {
      throw new IllegalArgumentException("namespace must not be empty");
    }
    if (maxQueuedRequests < 0) {
      throw new IllegalArgumentException(
          "maxQueuedRequests must be >= 0, got " + maxQueuedRequests);
    }
    this.namespace = namespace;
    this.maxQueuedRequests = maxQueuedRequests;
    this.version = version;
    this.countPeers = countPeers;
  }

  public TidbOperatorVersion version() {
    return version;
  }

  /**
   * An HTTP request arrives with this path (for example {@code /new/YmFzaWMtcGQtMC4uLgo=}). If
   * another request holds the mutex it waits and nothing happens yet; otherwise it is served at
   * once. The returned actions may finish this request and start queued ones.
   */
  public List<DiscoveryAction> onRequest(long requestId, String path) {
    if (path == null) {
      throw new IllegalArgumentException("path must not be null");
    }
    if (isKnown(requestId)) {
      throw new IllegalArgumentException("request id " + requestId + " is already in use");
    }
    Request request = new Request(requestId, path);
    if (current != null) {
      if (queue.size() >= maxQueuedRequests) {
        throw new IllegalStateException(
            "discovery queue budget exceeded: " + queue.size() + " requests wait behind #"
                + current.request.id() + " (" + current.phase + "), request #" + requestId
                + " " + path + " does not fit");
      }
      queue.addLast(request);
      return List.of();
    }
    List<DiscoveryAction> out = new ArrayList<>();
    begin(request, out);
    drain(out);
    return out;
  }

  /** The driver's answer to {@link DiscoveryAction.ReadTidbCluster}. */
  public List<DiscoveryAction> onTidbCluster(long requestId, TidbClusterRead read) {
    InFlight f = expect(requestId, Phase.READING_TIDB_CLUSTER, "onTidbCluster");
    List<DiscoveryAction> out = new ArrayList<>();
    if (read instanceof TidbClusterRead.Failed failed) {
      finish(out, 500, failed.error());
    } else {
      TidbClusterView tc = ((TidbClusterRead.Found) read).tidbCluster();
      PeerUrl peer = f.peer;
      String key = peer.namespace() + "/" + peer.tcName();
      Cluster cluster = clusters.get(key);
      if (cluster == null || !cluster.resourceVersion.equals(tc.resourceVersion())) {
        cluster = new Cluster(tc.resourceVersion());
        clusters.put(key, cluster);
      }
      cluster.peers.add(peer.podName());
      if (cluster.peers.size() == initialClusterCount(tc) || !countPeers) {
        cluster.peers.remove(peer.podName());
        // discovery.go: fmt.Sprintf("--initial-cluster=%s=%s://%s", podName, tc.Scheme(),
        // advertisePeerUrl); the URL is the decoded one, trailing newline and all.
        finish(out, 200,
            "--initial-cluster=" + peer.podName() + "=" + scheme(tc) + "://" + peer.raw());
      } else {
        f.phase = Phase.GETTING_PD_MEMBERS;
        f.cluster = cluster;
        out.add(new DiscoveryAction.GetPdMembers(requestId,
            pdMembersUrl(scheme(tc), peer.namespace(), peer.tcName()), PD_API_TIMEOUT_MS));
        return out;
      }
    }
    drain(out);
    return out;
  }

  /** The driver's answer to {@link DiscoveryAction.GetPdMembers}. */
  public List<DiscoveryAction> onPdMembers(long requestId, PdMembersResult result) {
    InFlight f = expect(requestId, Phase.GETTING_PD_MEMBERS, "onPdMembers");
    List<DiscoveryAction> out = new ArrayList<>();
    if (result instanceof PdMembersResult.Failed failed) {
      // The caller stays in peers: it counts towards the next --initial-cluster decision.
      finish(out, 500, failed.error());
    } else {
      List<String> urls = new ArrayList<>();
      for (PdMember m : ((PdMembersResult.Members) result).members()) {
        if (version == TidbOperatorVersion.V1_0) {
          // v1.0.0 discovery.go: membersArr = append(membersArr, member.PeerUrls[0]) for every
          // member, the caller's own included, at the peer port.
          urls.add(m.peerUrls().get(0));
          continue;
        }
        // v1.5.1 discovery.go skips a member named like the caller (pod name, or host for a cluster
        // domain) and uses strings.ReplaceAll(member.PeerUrls[0], ":2380", ":2379").
        if (m.name().equals(f.peer.podName()) || m.name().equals(f.peer.host())) {
          continue;
        }
        urls.add(m.peerUrls().get(0).replace(":2380", ":2379"));
      }
      f.cluster.peers.remove(f.peer.podName());
      finish(out, 200, "--join=" + String.join(",", urls));
    }
    drain(out);
    return out;
  }

  /** Per TidbCluster key {@code namespace/name}, what this discovery pod has counted. */
  public Map<String, ClusterPeers> clusters() {
    Map<String, ClusterPeers> view = new TreeMap<>();
    clusters.forEach(
        (k, c) -> view.put(k, new ClusterPeers(c.resourceVersion, List.copyOf(c.peers))));
    return Collections.unmodifiableMap(view);
  }

  /** The request holding the mutex, if any. */
  public OptionalLong inProgressRequest() {
    return current == null ? OptionalLong.empty() : OptionalLong.of(current.request.id());
  }

  /** Requests waiting for the mutex, in the order they will be served. */
  public List<Long> queuedRequests() {
    List<Long> ids = new ArrayList<>();
    for (Request r : queue) {
      ids.add(r.id());
    }
    return List.copyOf(ids);
  }

  /**
   * The count of distinct callers that earns {@code --initial-cluster}: v1.5.1 discovery.go
   * {@code tc.PDStsDesiredReplicas()} (the spec's replicas plus deleted failure members, as the
   * StatefulSet is sized); v1.0.0 discovery.go {@code replicas := tc.Spec.PD.Replicas}, though
   * v1.0.0's StatefulSet grows by the deleted failure members too ({@code pd_member_manager.go}
   * {@code getNewPDSetForTidbCluster}: {@code tc.Spec.PD.Replicas + int32(failureReplicas)}).
   */
  private int initialClusterCount(TidbClusterView tc) {
    return version == TidbOperatorVersion.V1_0 ? tc.pdReplicas() : tc.desiredPdReplicas();
  }

  /**
   * {@code tc.Scheme()} in v1.5.1; v1.0.0 has no cluster TLS: {@code --initial-cluster=%s=http://%s}
   * in discovery.go and {@code http://%s-pd.%s:2379} in {@code pdapi.go PdClientURL}.
   */
  private String scheme(TidbClusterView tc) {
    return version == TidbOperatorVersion.V1_0 ? "http" : tc.scheme();
  }

  /**
   * The members URL: {@code genClientUrl} in {@code pkg/pdapi/pd_control.go} gives
   * {@code <scheme>://<tc>-pd.<ns>:2379}, {@code pdapi.go} appends {@code /pd/api/v1/members}.
   */
  static String pdMembersUrl(String scheme, String namespace, String tcName) {
    return scheme + "://" + tcName + "-pd." + namespace + ":2379/" + PD_MEMBERS_PATH;
  }

  private void begin(Request request, List<DiscoveryAction> out) {
    current = new InFlight(request);
    String path = request.path();
    if (!path.startsWith(ROUTE_PREFIX)) {
      finish(out, 404, "404: Page Not Found");
      return;
    }
    // go-restful path parameters match one segment: /new/{advertise-peer-url} or
    // /new/{advertise-peer-url}/{register-type}. A base64 text of a DNS name never holds '/'.
    List<String> segments = goSplit(path.substring(ROUTE_PREFIX.length()), '/');
    // v1.0.0 server/mux.go routes only ws.GET("/new/{advertise-peer-url}").
    int maxSegments = version == TidbOperatorVersion.V1_0 ? 1 : 2;
    if (segments.size() > maxSegments || segments.contains("")) {
      finish(out, 404, "404: Page Not Found");
      return;
    }
    String registerType = segments.size() == 2 ? segments.get(1) : "pd";
    if (!registerType.equals("pd")) {
      finish(out, 500, "register-type " + registerType + " is not modelled (only pd)");
      return;
    }
    String decoded;
    try {
      decoded = decodeStdBase64(segments.get(0));
    } catch (IllegalArgumentException e) {
      finish(out, 500, e.getMessage());
      return;
    }
    PeerUrl peer;
    try {
      peer = parsePeerUrl(decoded);
    } catch (IllegalArgumentException e) {
      finish(out, 500, e.getMessage());
      return;
    }
    current.peer = peer;
    current.phase = Phase.READING_TIDB_CLUSTER;
    out.add(new DiscoveryAction.ReadTidbCluster(request.id(), peer.namespace(), peer.tcName()));
  }

  /** The checks of {@code Discover} before it reads the TidbCluster, with its error texts. */
  private PeerUrl parsePeerUrl(String advertisePeerUrl) {
    if (advertisePeerUrl.isEmpty()) {
      throw new IllegalArgumentException("advertisePeerUrl is empty");
    }
    String host = goSplit(advertisePeerUrl, ':').get(0);
    // v1.5.1 discovery.go: strings.Split(advertisePeerUrl, ":"), then the host split on dots
    // needs 4 or more parts, the fourth "svc". v1.0.0 discovery.go: strings.Split(
    // advertisePeerUrl, "."), exactly 4 parts, the fourth not looked at.
    List<String> hostArr = version == TidbOperatorVersion.V1_0 ? goSplit(advertisePeerUrl, '.')
        : goSplit(host, '.');
    boolean wrong = version == TidbOperatorVersion.V1_0 ? hostArr.size() != 4
        : hostArr.size() < 4 || !hostArr.get(3).equals("svc");
    if (wrong) {
      throw new IllegalArgumentException("advertisePeerUrl format is wrong: " + advertisePeerUrl);
    }
    String podName = hostArr.get(0);
    String peerServiceName = hostArr.get(1);
    String ns = hostArr.get(2);
    // strings.TrimSuffix(peerServiceName, "-pd-peer")
    String tcName = peerServiceName.endsWith(PEER_SERVICE_SUFFIX)
        ? peerServiceName.substring(0, peerServiceName.length() - PEER_SERVICE_SUFFIX.length())
        : peerServiceName;
    if (!ns.equals(namespace)) {
      throw new IllegalArgumentException("the peer's namespace: " + ns
          + " is not equal to discovery namespace: " + namespace);
    }
    return new PeerUrl(advertisePeerUrl, host, podName, ns, tcName);
  }

  /**
   * Go's {@code base64.StdEncoding.DecodeString}: standard alphabet, padding required, CR and LF
   * ignored. The error text is not Go's byte-exact one (Go names the offset of the bad byte).
   */
  static String decodeStdBase64(String encoded) {
    String s = encoded.replace("\r", "").replace("\n", "");
    if (s.length() % 4 != 0) {
      throw new IllegalArgumentException(
          "illegal base64 data: length " + s.length() + " is not a multiple of 4");
    }
    try {
      return new String(Base64.getDecoder().decode(s), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("illegal base64 data: " + e.getMessage(), e);
    }
  }

  /** Go's {@code strings.Split}: every empty field is kept. */
  static List<String> goSplit(String s, char sep) {
    List<String> parts = new ArrayList<>();
    int from = 0;
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) == sep) {
        parts.add(s.substring(from, i));
        from = i + 1;
      }
    }
    parts.add(s.substring(from));
    return parts;
  }

  private void finish(List<DiscoveryAction> out, int status, String body) {
    out.add(new DiscoveryAction.Respond(current.request.id(), status, body));
    current = null;
  }

  /** Serves queued requests while the mutex is free; a request that needs a call keeps it. */
  private void drain(List<DiscoveryAction> out) {
    while (current == null && !queue.isEmpty()) {
      begin(queue.removeFirst(), out);
    }
  }

  private InFlight expect(long requestId, Phase phase, String event) {
    if (current == null) {
      throw new IllegalStateException(event + " for request #" + requestId
          + ", but no request is in progress (queued: " + queuedRequests() + ")");
    }
    if (current.request.id() != requestId) {
      throw new IllegalStateException(event + " for request #" + requestId + ", but request #"
          + current.request.id() + " holds the mutex (" + current.phase + ")");
    }
    if (current.phase != phase) {
      throw new IllegalStateException(event + " for request #" + requestId
          + ", but that request is " + current.phase + ", not " + phase);
    }
    return current;
  }

  private boolean isKnown(long requestId) {
    if (current != null && current.request.id() == requestId) {
      return true;
    }
    for (Request r : queue) {
      if (r.id() == requestId) {
        return true;
      }
    }
    return false;
  }

  private enum Phase {
    PARSING,
    READING_TIDB_CLUSTER,
    GETTING_PD_MEMBERS
  }

  private record Request(long id, String path) {}

  /** The decoded URL and the names {@code Discover} derives from it. */
  private record PeerUrl(
      String raw, String host, String podName, String namespace, String tcName) {}

  private static final class InFlight {
    final Request request;
    Phase phase = Phase.PARSING;
    PeerUrl peer;
    Cluster cluster;

    InFlight(Request request) {
      this.request = request;
    }
  }

  /** {@code clusterInfo}: the version counted under and the pod names counted. */
  private static final class Cluster {
    final String resourceVersion;
    final TreeSet<String> peers = new TreeSet<>();

    Cluster(String resourceVersion) {
      this.resourceVersion = resourceVersion;
    }
  }
}
