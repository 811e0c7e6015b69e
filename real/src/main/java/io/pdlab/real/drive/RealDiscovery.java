package io.pdlab.real.drive;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.pdlab.pd.pod.DiscoveryPod;
import io.pdlab.pd.pod.Http;
import io.pdlab.sim.Rng;
import io.pdlab.sim.TimerHandle;
import io.pdlab.sim.process.Disk;
import io.pdlab.sim.process.Process;
import io.pdlab.sim.process.ProcessContext;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * tidb-operator's discovery service on a real backend: the same {@link DiscoveryPod} state
 * machine, served by a real HTTP server on loopback. A PD pod's start script asks it as in the
 * simulator (a request message to the discovery pod); this process makes that request a real
 * HTTP GET to its server, whose handler hands it to the state machine on the world's thread and
 * writes its answer back on the connection; the HTTP answer then goes back to the PD pod.
 */
public final class RealDiscovery implements Process {
  /** Prefix of the endpoints that stand for open HTTP exchanges. */
  private static final String EXCHANGE = "http-exchange:";
  /** Deadline of the real HTTP round trip; the start script keeps its own timeout. */
  private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(30);

  private final DiscoveryPod inner;
  private final RealContext rc;
  private final ConcurrentHashMap<Long, HttpExchange> exchanges = new ConcurrentHashMap<>();
  private final AtomicLong nextExchange = new AtomicLong(1);
  private ProcessContext ctx;
  private Wrapped wrapped;
  private HttpServer server;
  private HttpClient client;
  private int incarnation;

  public RealDiscovery(DiscoveryPod inner, RealContext rc) {
    this.inner = inner;
    this.rc = rc;
  }

  /** The base URL the server listens on (for tests). */
  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @Override
  public void onStart(ProcessContext ctx) {
    this.ctx = ctx;
    this.incarnation = ctx.incarnation();
    this.wrapped = new Wrapped(ctx);
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    } catch (IOException e) {
      ctx.exit("discovery: cannot listen on 127.0.0.1: " + e.getMessage());
      return;
    }
    server.createContext("/", this::handle);
    server.start();
    client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    rc.onStop(ctx.name(), this::close);
    ctx.log("discovery: serving HTTP on " + baseUrl());
    inner.onStart(wrapped);
  }

  private void close() {
    if (server != null) {
      server.stop(0);
    }
  }

  /** HTTP server thread: hand the request to the state machine; it answers through send(). */
  private void handle(HttpExchange exchange) {
    long id = nextExchange.getAndIncrement();
    exchanges.put(id, exchange);
    String url = exchange.getRequestURI().toString();
    rc.post(() -> {
      if (!rc.alive(ctx.name(), incarnation)) {
        respond(id, 503, "discovery restarted\n");
        return;
      }
      inner.onMessage(wrapped, EXCHANGE + id, new Http.Request(id, url));
    });
  }

  private void respond(long id, int status, String body) {
    HttpExchange exchange = exchanges.remove(id);
    if (exchange == null) {
      return;
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    try (OutputStream out = exchange.getResponseBody()) {
      exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
      out.write(bytes);
    } catch (IOException e) {
      // the caller went away (timed out): nothing to answer
    } finally {
      exchange.close();
    }
  }

  @Override
  public void onMessage(ProcessContext ctx, String from, Object message) {
    if (message instanceof Http.Request r) {
      // A PD pod's start script asks: make it a real HTTP GET to our server.
      String path = pathOf(r.url());
      int inc = incarnation;
      client.sendAsync(HttpRequest.newBuilder(URI.create(baseUrl() + path))
              .timeout(HTTP_TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofString())
          .whenComplete((resp, err) -> {
            if (err == null) {
              rc.post(() -> {
                if (rc.alive(ctx.name(), inc)) {
                  ctx.send(from, new Http.Response(r.id(), resp.statusCode(), resp.body()));
                }
              });
            } // a failed request stays unanswered: the script's own timeout handles it
          });
    } else {
      inner.onMessage(wrapped, from, message);
    }
  }

  /** The path and query of {@code url} ("/" when it has none). */
  static String pathOf(String url) {
    int scheme = url.indexOf("://");
    int slash = url.indexOf('/', scheme < 0 ? 0 : scheme + 3);
    return slash < 0 ? "/" : url.substring(slash);
  }

  @Override
  public void onTimer(ProcessContext ctx, Object tag) {
    inner.onTimer(wrapped, tag);
  }

  /** The state machine's context: sends to an HTTP exchange answer on the connection. */
  private final class Wrapped implements ProcessContext {
    private final ProcessContext real;

    Wrapped(ProcessContext real) {
      this.real = real;
    }

    @Override
    public void send(String to, Object message) {
      if (to.startsWith(EXCHANGE) && message instanceof Http.Response r) {
        respond(Long.parseLong(to.substring(EXCHANGE.length())), r.status(), r.body());
      } else {
        real.send(to, message);
      }
    }

    @Override
    public String name() {
      return real.name();
    }

    @Override
    public long nowUs() {
      return real.nowUs();
    }

    @Override
    public Rng rng() {
      return real.rng();
    }

    @Override
    public Disk disk() {
      return real.disk();
    }

    @Override
    public int incarnation() {
      return real.incarnation();
    }

    @Override
    public TimerHandle setTimer(long delayUs, Object tag) {
      return real.setTimer(delayUs, tag);
    }

    @Override
    public void log(String stateChange) {
      real.log(stateChange);
    }

    @Override
    public boolean tracing() {
      return real.tracing();
    }

    @Override
    public void exit(String reason) {
      real.exit(reason);
    }
  }
}
