package io.pdlab.real.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.MethodDescriptor;
import io.pdlab.pd.etcd.EtcdError;
import io.pdlab.pd.etcd.EtcdMessages.AddResult;
import io.pdlab.pd.etcd.EtcdMessages.ClientOp;
import io.pdlab.pd.etcd.EtcdMessages.ClientResponse;
import io.pdlab.pd.etcd.EtcdMessages.MembersReply;
import io.pdlab.pd.etcd.EtcdMessages.StatusResult;
import io.pdlab.pd.etcd.Member;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Carries out the simulator's etcd client operations ({@link ClientOp}) against real etcd members
 * with jetcd, and answers with the same {@link ClientResponse} values the simulated
 * {@code EtcdMember} gives, so the simulator's state machines (PD start script, operators, PD's
 * cluster-ID compare-and-set) can drive real processes unchanged.
 *
 * <h2>Answers</h2>
 * <ul>
 *   <li>{@code Put}: the value written;
 *   <li>{@code Create}: the value now stored under the key, ours or the one already there (a txn
 *       {@code if createRevision(key) == 0 then put else get}, PD's cluster-ID compare-and-set);
 *   <li>{@code Get}: the value, or null when the key is absent (linearizable);
 *   <li>{@code MemberList}, {@code MemberRemove}, {@code MemberPromote}: the member list
 *       ({@code List<Member>}), for remove and promote the list after the change;
 *   <li>{@code MemberAdd}: an {@link AddResult}, the added member and the list after the add;
 *   <li>{@code Status}: a {@link StatusResult}, through the HTTP gateway (see {@link #status}).
 * </ul>
 * Members carry model URLs: peer and client URLs pass through the {@link UrlMap} both ways.
 * jetcd 0.8.5 has no member-promote call, so promote goes to etcd's v3 HTTP gateway
 * ({@code POST /v3/cluster/member/promote}, served on the client port by etcd 3.4).
 *
 * <h2>Errors and timeouts</h2>
 * Failures are mapped by {@link EtcdErrors#classify}; the original text of each failure is kept
 * ({@link #lastErrorText}, for the last {@value #ERROR_TEXTS_KEPT} failed requests) and logged.
 * A request without an answer after the caller's {@code timeoutMs} is answered with
 * {@link EtcdError#REQUEST_TIMED_OUT}; the RPC behind it is abandoned and ends at the latest at
 * {@link Settings#rpcDeadlineMs}.
 *
 * <h2>Connections</h2>
 * One jetcd {@link Client} per endpoint, created on first use and cached; no retries, no
 * wait-for-ready, so a dead member answers at once and the caller's timeout governs. gRPC backs
 * off reconnecting to an endpoint that refused it (up to two minutes), which would hide a member
 * that came back: after a connection failure the endpoint's client is rebuilt on its next use, at
 * most every {@link Settings#rebuildAfterFailureMs} (the old one is closed once its calls end).
 * {@link #forget} closes one endpoint's client now; {@link #close} closes all.
 *
 * <h2>Threads</h2>
 * Thread-safe. {@link #execute} never blocks: it hands the request to the instance's own daemon
 * thread ({@code pdlab-etcd-ops}), which creates clients and starts the calls; futures complete on
 * jetcd's, the HTTP client's or the timer's threads.
 */
public final class EtcdOps implements AutoCloseable {
  /** How many failed requests keep their original error text. */
  public static final int ERROR_TEXTS_KEPT = 1024;

  /** Request id of {@link #warm}'s requests, which nobody waits for. */
  static final long WARM_ID = -1;

  private static final System.Logger LOG = System.getLogger(EtcdOps.class.getName());

  /**
   * Connection settings.
   *
   * @param connectTimeoutMs TCP connect timeout of a new connection
   * @param rpcDeadlineMs the gRPC deadline of every call, bounding calls the caller gave up on
   * @param rebuildAfterFailureMs the least time between two rebuilds of one endpoint's client after
   *     connection failures
   */
  public record Settings(long connectTimeoutMs, long rpcDeadlineMs, long rebuildAfterFailureMs) {
    public Settings {
      if (connectTimeoutMs <= 0 || rpcDeadlineMs <= 0 || rebuildAfterFailureMs < 0) {
        throw new IllegalArgumentException("settings must be positive: connectTimeoutMs="
            + connectTimeoutMs + " rpcDeadlineMs=" + rpcDeadlineMs + " rebuildAfterFailureMs="
            + rebuildAfterFailureMs);
      }
    }

    /** 500 ms connect, 30 s RPC deadline (the simulator client's timeout), rebuild every 250 ms. */
    public static Settings defaults() {
      return new Settings(500, 30_000, 250);
    }
  }

  /** One endpoint's client and the calls it carries. Guarded by the {@link EtcdOps} monitor. */
  private static final class Holder {
    final String endpoint;
    final Client client;
    final long builtNanos;
    int inFlight;
    boolean broken;
    boolean retired;

    Holder(String endpoint, Client client, long builtNanos) {
      this.endpoint = endpoint;
      this.client = client;
      this.builtNanos = builtNanos;
    }
  }

  private final UrlMap urls;
  private final Settings settings;
  private final ExecutorService dispatcher;
  private final ScheduledExecutorService timer;
  private final ExecutorService jetcdExecutor;
  private final HttpClient http;
  private final Map<String, Holder> clients = new HashMap<>();
  private final Map<Long, String> errorTexts = new LinkedHashMap<>(64, 0.75f, false) {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<Long, String> eldest) {
      return size() > ERROR_TEXTS_KEPT;
    }
  };
  private volatile boolean closed;
  private long clientsBuilt;

  /** Operations with model URLs equal to real URLs. */
  public EtcdOps() {
    this(UrlMap.identity(), Settings.defaults());
  }

  public EtcdOps(UrlMap urls) {
    this(urls, Settings.defaults());
  }

  public EtcdOps(UrlMap urls, Settings settings) {
    this.urls = Objects.requireNonNull(urls, "urls");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.dispatcher = Executors.newSingleThreadExecutor(daemon("pdlab-etcd-ops"));
    this.timer = Executors.newSingleThreadScheduledExecutor(daemon("pdlab-etcd-ops-timer"));
    this.jetcdExecutor = Executors.newCachedThreadPool(daemon("pdlab-etcd-ops-jetcd"));
    this.http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofMillis(settings.connectTimeoutMs()))
        .executor(jetcdExecutor)
        .build();
  }

  /**
   * Sends {@code op} to the member serving clients at {@code hostEndpoint} (e.g.
   * {@code http://127.0.0.5:40001}). The future always completes normally, with the answer or the
   * mapped error, within {@code timeoutMs} (plus scheduling delay).
   *
   * @throws IllegalStateException after {@link #close}
   */
  public CompletableFuture<ClientResponse> execute(String hostEndpoint, long requestId,
      ClientOp op, long timeoutMs) {
    Objects.requireNonNull(hostEndpoint, "hostEndpoint");
    Objects.requireNonNull(op, "op");
    if (timeoutMs <= 0) {
      throw new IllegalArgumentException("timeoutMs must be positive, was " + timeoutMs);
    }
    if (closed) {
      throw new IllegalStateException("EtcdOps is closed; cannot send " + op + " to "
          + hostEndpoint);
    }
    Request req = new Request(hostEndpoint, requestId, op);
    try {
      req.timeout = timer.schedule(() -> fail(req, EtcdError.REQUEST_TIMED_OUT,
          "no answer within " + timeoutMs + " ms (pdlab client timeout)"),
          timeoutMs, TimeUnit.MILLISECONDS);
      dispatcher.execute(() -> start(req, timeoutMs));
    } catch (RejectedExecutionException e) {
      throw new IllegalStateException("EtcdOps is closed; cannot send " + op + " to "
          + hostEndpoint, e);
    }
    return req.result;
  }

  /**
   * Builds the client of {@code hostEndpoint} now and makes one cheap call on it, answer ignored:
   * a jetcd client's first call costs several hundred milliseconds (its event loop, the channel),
   * which must not land on the model's first real request (PD's cluster-ID compare-and-set right
   * after its etcd is ready). Never blocks.
   */
  public void warm(String hostEndpoint) {
    if (!closed) {
      execute(hostEndpoint, WARM_ID, new ClientOp.MemberList(), settings.rpcDeadlineMs());
    }
  }

  /** One request in flight: answered once, by its call or its timeout, whichever comes first. */
  private static final class Request {
    final String endpoint;
    final long id;
    final ClientOp op;
    final CompletableFuture<ClientResponse> result = new CompletableFuture<>();
    final AtomicBoolean answered = new AtomicBoolean();
    volatile ScheduledFuture<?> timeout;

    Request(String endpoint, long id, ClientOp op) {
      this.endpoint = endpoint;
      this.id = id;
      this.op = op;
    }
  }

  private void start(Request req, long timeoutMs) {
    if (req.answered.get()) {
      return; // timed out before it could be sent
    }
    Holder h;
    try {
      h = acquire(req.endpoint);
    } catch (RuntimeException e) {
      fail(req, EtcdErrors.classify(e), EtcdErrors.describe(e));
      return;
    }
    CompletableFuture<Object> call;
    try {
      call = dispatch(h.client, req.endpoint, req.op, timeoutMs);
    } catch (RuntimeException e) {
      call = CompletableFuture.failedFuture(e);
    }
    call.whenComplete((value, failure) -> {
      EtcdError err = failure == null ? null : EtcdErrors.classify(failure);
      release(h, err == EtcdError.CONNECTION_REFUSED);
      if (failure == null) {
        if (req.answered.compareAndSet(false, true)) {
          req.timeout.cancel(false);
          req.result.complete(new ClientResponse(req.id, null, value));
        }
      } else {
        fail(req, err, EtcdErrors.describe(failure));
      }
    });
  }

  /** Answers {@code req} with {@code error} unless it was answered; keeps and logs the text. */
  private void fail(Request req, EtcdError error, String text) {
    if (!req.answered.compareAndSet(false, true)) {
      return;
    }
    ScheduledFuture<?> t = req.timeout;
    if (t != null) {
      t.cancel(false);
    }
    synchronized (errorTexts) {
      errorTexts.put(req.id, text);
    }
    // A warm-up (id -1) only opens the connection early: a learner refusing it, or any other
    // failure of it, is no news.
    System.Logger.Level level = error == EtcdError.OTHER && req.id != WARM_ID
        ? System.Logger.Level.WARNING : System.Logger.Level.DEBUG;
    LOG.log(level, () -> "etcd request #" + req.id + " " + req.op + " to " + req.endpoint + ": "
        + error + " (" + text + ")");
    req.result.complete(new ClientResponse(req.id, error, null));
  }

  /**
   * The original text of request {@code requestId}'s failure (the etcd message, gRPC status or
   * exception), or null if it did not fail or is older than the last {@value #ERROR_TEXTS_KEPT}
   * failures.
   */
  public String lastErrorText(long requestId) {
    synchronized (errorTexts) {
      return errorTexts.get(requestId);
    }
  }

  // ------------------------------------------------------------------ operations

  private CompletableFuture<Object> dispatch(Client c, String endpoint, ClientOp op,
      long timeoutMs) {
    if (op instanceof ClientOp.Put p) {
      return c.getKVClient().put(bytes(p.key()), bytes(p.value())).thenApply(r -> p.value());
    } else if (op instanceof ClientOp.Create cr) {
      return create(c.getKVClient(), cr);
    } else if (op instanceof ClientOp.Get g) {
      return c.getKVClient().get(bytes(g.key())).thenApply(EtcdOps::valueOf);
    } else if (op instanceof ClientOp.MemberList) {
      return c.getClusterClient().listMember().thenApply(r -> modelMembers(r.getMembers()));
    } else if (op instanceof ClientOp.MemberAdd a) {
      List<URI> peers = new ArrayList<>();
      for (String u : a.peerUrls()) {
        peers.add(URI.create(urls.toReal(u)));
      }
      return c.getClusterClient().addMember(peers, a.learner())
          .thenApply(r -> new AddResult(modelMember(r.getMember()), modelMembers(r.getMembers())));
    } else if (op instanceof ClientOp.MemberRemove r) {
      return c.getClusterClient().removeMember(r.memberId())
          .thenApply(resp -> modelMembers(resp.getMembers()));
    } else if (op instanceof ClientOp.MemberPromote p) {
      return promote(endpoint, p.memberId(), timeoutMs);
    } else if (op instanceof ClientOp.Status) {
      return status(endpoint, timeoutMs);
    }
    throw new IllegalArgumentException("unsupported client op " + op);
  }

  /** PD's cluster-ID compare-and-set: create if absent, answer the value now stored. */
  private static CompletableFuture<Object> create(KV kv, ClientOp.Create cr) {
    ByteSequence key = bytes(cr.key());
    return kv.txn()
        .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
        .Then(Op.put(key, bytes(cr.value()), PutOption.DEFAULT))
        .Else(Op.get(key, GetOption.DEFAULT))
        .commit()
        .thenApply((TxnResponse r) -> {
          if (r.isSucceeded()) {
            return cr.value();
          }
          List<GetResponse> gets = r.getGetResponses();
          return gets.isEmpty() ? null : valueOf(gets.get(0));
        });
  }

  private static Object valueOf(GetResponse r) {
    return r.getKvs().isEmpty() ? null
        : r.getKvs().get(0).getValue().toString(StandardCharsets.UTF_8);
  }

  /** Raised for a non-200 answer of the HTTP gateway; the message is etcd's error text. */
  static final class GatewayException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    GatewayException(String message) {
      super(message);
    }
  }

  /** Member promote through etcd's v3 HTTP gateway (jetcd 0.8.5 has no promote call). */
  private CompletableFuture<Object> promote(String endpoint, long memberId, long timeoutMs) {
    String base = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
    HttpRequest req = HttpRequest.newBuilder(URI.create(base + "/v3/cluster/member/promote"))
        .timeout(Duration.ofMillis(Math.min(timeoutMs, settings.rpcDeadlineMs())))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(
            "{\"ID\":\"" + Long.toUnsignedString(memberId) + "\"}"))
        .build();
    return http.sendAsync(req, HttpResponse.BodyHandlers.ofString()).thenApply(resp -> {
      if (resp.statusCode() != 200) {
        throw new GatewayException(gatewayError(resp.statusCode(), resp.body()));
      }
      return parseMembers(resp.body());
    });
  }

  /**
   * Maintenance Status through etcd's v3 HTTP gateway ({@code POST /v3/maintenance/status}):
   * jetcd 0.8.5's {@code StatusResponse} does not carry {@code isLearner}, which the learner
   * operator needs.
   */
  private CompletableFuture<Object> status(String endpoint, long timeoutMs) {
    String base = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
    HttpRequest req = HttpRequest.newBuilder(URI.create(base + "/v3/maintenance/status"))
        .timeout(Duration.ofMillis(Math.min(timeoutMs, settings.rpcDeadlineMs())))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{}"))
        .build();
    return http.sendAsync(req, HttpResponse.BodyHandlers.ofString()).thenApply(resp -> {
      if (resp.statusCode() != 200) {
        throw new GatewayException(gatewayError(resp.statusCode(), resp.body()));
      }
      return parseStatus(resp.body());
    });
  }

  /**
   * etcd's peer {@code GET <peer>/members} (etcd 3.4.23 {@code etcdhttp/peer.go}
   * {@code peerMembersHandler}), as {@code GetClusterFromRemotePeers} asks it
   * ({@code etcdserver/cluster_util.go}): the cluster ID from the {@code X-Etcd-Cluster-ID}
   * header, the members from the JSON body. {@code hostPeerEndpoint} is where this JVM reaches the
   * member's peer port. The future fails on whatever makes etcd's loop skip the peer (refused,
   * no answer within {@code timeoutMs}, a status other than 200, an unreadable body or header).
   */
  public CompletableFuture<MembersReply> peerMembers(String hostPeerEndpoint, long requestId,
      long timeoutMs) {
    String base = hostPeerEndpoint.endsWith("/")
        ? hostPeerEndpoint.substring(0, hostPeerEndpoint.length() - 1) : hostPeerEndpoint;
    HttpRequest req = HttpRequest.newBuilder(URI.create(base + "/members"))
        .timeout(Duration.ofMillis(timeoutMs))
        .GET()
        .build();
    return http.sendAsync(req, HttpResponse.BodyHandlers.ofString()).thenApply(resp -> {
      if (resp.statusCode() != 200) {
        throw new GatewayException("GET " + base + "/members: HTTP " + resp.statusCode() + ": "
            + resp.body());
      }
      return parsePeerMembers(requestId,
          resp.headers().firstValue("X-Etcd-Cluster-ID").orElse(""), resp.body());
    });
  }

  /**
   * A peer {@code /members} answer: the header's cluster ID in hex ({@code types.ID.String()}),
   * the body a JSON list of {@code membership.Member} ({@code {"id":<uint64>,"peerURLs":[...],
   * "name":"...","clientURLs":[...],"isLearner":true}}, name and client URLs left out until the
   * member published, {@code isLearner} when false).
   */
  MembersReply parsePeerMembers(long requestId, String clusterIdHeader, String body) {
    long clusterId;
    try {
      clusterId = Long.parseUnsignedLong(clusterIdHeader.strip(), 16);
    } catch (NumberFormatException e) {
      throw new GatewayException("no cluster ID in X-Etcd-Cluster-ID: '" + clusterIdHeader + "'");
    }
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw new GatewayException("unreadable /members answer: " + body);
    }
    if (!root.isArray()) {
      throw new GatewayException("/members answer is not a list: " + body);
    }
    List<Member> out = new ArrayList<>();
    for (JsonNode m : root) {
      List<String> peers = new ArrayList<>();
      m.path("peerURLs").forEach(u -> peers.add(u.asText()));
      List<String> clientUrls = new ArrayList<>();
      m.path("clientURLs").forEach(u -> clientUrls.add(u.asText()));
      out.add(modelMember(Long.parseUnsignedLong(m.path("id").asText("0")),
          m.path("name").asText(""), peers, clientUrls, m.path("isLearner").asBoolean(false)));
    }
    return new MembersReply(requestId, clusterId, out);
  }

  /**
   * A gateway Status answer (etcd 3.4.23: {"header":{"member_id":"...","revision":"1",...},
   * "leader":"...","isLearner":true,...}; uint64 fields as strings, false and 0 left out).
   */
  static StatusResult parseStatus(String body) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw new GatewayException("unreadable status answer: " + body);
    }
    JsonNode header = root.path("header");
    return new StatusResult(
        Long.parseUnsignedLong(header.path("member_id").asText("0")),
        Long.parseUnsignedLong(root.path("leader").asText("0")),
        Long.parseUnsignedLong(header.path("revision").asText("0")),
        root.path("isLearner").asBoolean(false));
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The members of a gateway answer ({"header": ..., "members": [{"ID": "...", ...}]}). */
  List<Member> parseMembers(String body) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw new GatewayException("unreadable member promote answer: " + body);
    }
    List<Member> out = new ArrayList<>();
    for (JsonNode m : root.path("members")) {
      List<String> peers = new ArrayList<>();
      m.path("peerURLs").forEach(u -> peers.add(u.asText()));
      List<String> clientUrls = new ArrayList<>();
      m.path("clientURLs").forEach(u -> clientUrls.add(u.asText()));
      out.add(modelMember(Long.parseUnsignedLong(m.path("ID").asText("0")),
          m.path("name").asText(""), peers, clientUrls, m.path("isLearner").asBoolean(false)));
    }
    return out;
  }


  /** etcd's text from a gateway error body ({"error": ..., "message": ..., "code": ...}). */
  static String gatewayError(int httpStatus, String body) {
    try {
      JsonNode root = JSON.readTree(body);
      for (String field : List.of("error", "message")) {
        String text = root.path(field).asText("");
        if (!text.isEmpty()) {
          return text + " (HTTP " + httpStatus + ")";
        }
      }
    } catch (JsonProcessingException | RuntimeException e) {
      // not JSON: keep the raw body below
    }
    return "HTTP " + httpStatus + ": " + body;
  }

  private List<Member> modelMembers(List<io.etcd.jetcd.cluster.Member> members) {
    List<Member> out = new ArrayList<>(members.size());
    for (io.etcd.jetcd.cluster.Member m : members) {
      out.add(modelMember(m));
    }
    return out;
  }

  private Member modelMember(io.etcd.jetcd.cluster.Member m) {
    List<String> peers = new ArrayList<>();
    m.getPeerURIs().forEach(u -> peers.add(u.toString()));
    List<String> clientUrls = new ArrayList<>();
    m.getClientURIs().forEach(u -> clientUrls.add(u.toString()));
    return modelMember(m.getId(), m.getName(), peers, clientUrls, m.isLearner());
  }

  private Member modelMember(long id, String name, List<String> peerUrls, List<String> clientUrls,
      boolean learner) {
    List<String> peers = new ArrayList<>(peerUrls.size());
    for (String u : peerUrls) {
      peers.add(urls.toModel(u));
    }
    List<String> clientModel = new ArrayList<>(clientUrls.size());
    for (String u : clientUrls) {
      clientModel.add(urls.toModel(u));
    }
    return new Member(id, name == null ? "" : name, peers, clientModel, learner);
  }

  private static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }

  // ------------------------------------------------------------------ client cache

  /** The endpoint's client, built if needed; called on the dispatcher thread only. */
  private Holder acquire(String endpoint) {
    synchronized (this) {
      if (closed) {
        throw new IllegalStateException("EtcdOps is closed");
      }
      Holder h = clients.get(endpoint);
      if (h != null && h.broken
          && System.nanoTime() - h.builtNanos >= settings.rebuildAfterFailureMs() * 1_000_000) {
        clients.remove(endpoint);
        retire(h);
        h = null;
      }
      if (h != null) {
        h.inFlight++;
        return h;
      }
    }
    Client c = build(endpoint); // outside the monitor: execute() and release() never wait on it
    synchronized (this) {
      if (closed) {
        c.close();
        throw new IllegalStateException("EtcdOps is closed");
      }
      Holder h = new Holder(endpoint, c, System.nanoTime());
      clients.put(endpoint, h);
      clientsBuilt++;
      h.inFlight++;
      return h;
    }
  }

  private synchronized void release(Holder h, boolean connectionFailed) {
    h.inFlight--;
    if (connectionFailed) {
      h.broken = true;
    }
    if (h.retired && h.inFlight == 0) {
      closeLater(h);
    }
  }

  /** Takes {@code h} out of use; closes it once its calls ended. Caller holds the monitor. */
  private void retire(Holder h) {
    if (h.retired) {
      return;
    }
    h.retired = true;
    if (h.inFlight == 0) {
      closeLater(h);
    }
  }

  private void closeLater(Holder h) {
    try {
      dispatcher.execute(() -> closeQuietly(h));
    } catch (RejectedExecutionException e) {
      closeQuietly(h); // shutting down: close here
    }
  }

  private static void closeQuietly(Holder h) {
    try {
      h.client.close();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.DEBUG, "closing the etcd client of " + h.endpoint, e);
    }
  }

  private Client build(String endpoint) {
    ClientInterceptor deadline = new ClientInterceptor() {
      @Override
      public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method,
          CallOptions options, Channel next) {
        CallOptions o = options.getDeadline() == null
            ? options.withDeadlineAfter(settings.rpcDeadlineMs(), TimeUnit.MILLISECONDS) : options;
        return next.newCall(method, o);
      }
    };
    return Client.builder()
        .endpoints(endpoint)
        .connectTimeout(Duration.ofMillis(settings.connectTimeoutMs()))
        .retryMaxAttempts(0)
        .waitForReady(false)
        .executorService(jetcdExecutor)
        .interceptor(deadline)
        // etcd enforces keepalive with PermitWithoutStream=false (v3rpc/grpc.go): pings on an idle
        // connection count as strikes, and after a few it answers GOAWAY too_many_pings, which
        // gRPC logs as a warning in long runs. Ping only while calls are in flight.
        .keepaliveWithoutCalls(false)
        .build();
  }

  /**
   * Closes the client of {@code hostEndpoint} (a member that went away or will come back at the
   * same address with a new identity); its calls in flight fail as
   * {@link EtcdError#CONNECTION_REFUSED}. The next request creates a new client.
   */
  public void forget(String hostEndpoint) {
    Holder h;
    synchronized (this) {
      h = clients.remove(hostEndpoint);
      if (h == null) {
        return;
      }
      h.retired = true;
    }
    closeLater(h);
  }

  /** The endpoints that have a client now. */
  public synchronized List<String> endpoints() {
    return List.copyOf(clients.keySet());
  }

  /** How many clients were created so far (rebuilds included). */
  public synchronized long clientsBuilt() {
    return clientsBuilt;
  }

  /** Closes every client and the threads; requests in flight complete as failed. */
  @Override
  public void close() {
    List<Holder> all;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      all = new ArrayList<>(clients.values());
      clients.clear();
    }
    dispatcher.shutdown();
    for (Holder h : all) {
      closeQuietly(h);
    }
    try {
      if (!dispatcher.awaitTermination(2, TimeUnit.SECONDS)) {
        dispatcher.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    timer.shutdownNow();
    jetcdExecutor.shutdown();
  }

  static ThreadFactory daemon(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
