package io.pdlab.real.node;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntConsumer;
import java.util.regex.Pattern;

/**
 * What processes and containers share: exit listeners and the bounded waits for a member to
 * listen or be healthy, failing with an {@link EtcdStartException} that explains why.
 */
abstract class AbstractEtcdNode implements EtcdNode {

  private static final System.Logger LOG = System.getLogger(AbstractEtcdNode.class.getName());
  private static final Duration POLL = Duration.ofMillis(100);
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);
  private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
  private static final int FAILURE_LOG_LINES = 40;

  /** One client for all health probes; short connect timeout so a paused member is noticed. */
  static final HttpClient HTTP = HttpClient.newBuilder()
      .connectTimeout(PROBE_TIMEOUT)
      .version(HttpClient.Version.HTTP_1_1)
      .build();

  private final String name;
  private final List<IntConsumer> listeners = new CopyOnWriteArrayList<>();

  AbstractEtcdNode(String name) {
    this.name = name;
  }

  /** Checks a member name: a DNS label, usable as a file name and a network alias. */
  static String checkName(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("invalid member name '" + name + "': use a DNS label"
          + " (lower-case letters, digits and '-', 1 to 63 characters, starting and ending with a"
          + " letter or digit), e.g. basic-0");
    }
    return name;
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final void onExit(IntConsumer listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /** Calls every exit listener with {@code code}; a failing listener does not stop the others. */
  final void fireExit(int code) {
    for (IntConsumer l : listeners) {
      try {
        l.accept(code);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "exit listener of etcd member '" + name + "' failed",
            e);
      }
    }
  }

  /** Whether the member was started at least once (there is a current or last run). */
  abstract boolean started();

  /**
   * The exit code of the current run when it has exited, checked now (not from a cache), so a
   * wait notices an exit at once.
   */
  abstract OptionalInt exitedNow();

  /** Something known at start to make the member fail (a busy port), or null. */
  abstract String startProblem();

  /** Whether the client port accepts connections from etcd itself right now. */
  abstract boolean probeListening(Duration timeout);

  /** Where the member runs, for messages (pid or container, endpoint, log). */
  abstract String where();

  @Override
  public void awaitListening(Duration timeout) {
    await(timeout, "listening on its client port", () -> probeListening(PROBE_TIMEOUT)
        ? null : "client port not accepting connections");
  }

  @Override
  public void awaitHealthy(Duration timeout) {
    await(timeout, "healthy", this::probeHealth);
  }

  /** GET /health once; null when healthy, else what was seen. */
  String probeHealth() {
    try {
      HttpRequest req = HttpRequest.newBuilder(URI.create(hostClientEndpoint() + "/health"))
          .timeout(PROBE_TIMEOUT).GET().build();
      HttpResponse<String> resp = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
      String body = resp.body() == null ? "" : resp.body().strip();
      if (resp.statusCode() == 200 && body.replace(" ", "").contains("\"health\":\"true\"")) {
        return null;
      }
      return "HTTP " + resp.statusCode() + " " + body;
    } catch (IOException | IllegalStateException e) {
      return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while probing etcd member '" + name + "'", e);
    }
  }

  private void await(Duration timeout, String goal, java.util.function.Supplier<String> probe) {
    if (!started()) {
      throw new IllegalStateException("etcd member '" + name + "' was never started");
    }
    Instant deadline = Instant.now().plus(timeout);
    String last = "no answer yet";
    while (true) {
      OptionalInt exit = exitedNow();
      if (exit.isPresent()) {
        throw failure("exited with code " + exit.getAsInt() + " before it was " + goal, exit);
      }
      if (startProblem() == null) {
        String seen = probe.get();
        if (seen == null) {
          return;
        }
        last = seen;
      }
      Duration left = Duration.between(Instant.now(), deadline);
      if (left.isNegative() || left.isZero()) {
        exit = exitedNow();
        if (exit.isPresent()) {
          throw failure("exited with code " + exit.getAsInt() + " before it was " + goal, exit);
        }
        throw failure("was not " + goal + " within " + timeout + " (still running; last probe: "
            + last + ")", OptionalInt.empty());
      }
      sleep(left.compareTo(POLL) < 0 ? left : POLL);
    }
  }

  private EtcdStartException failure(String what, OptionalInt exit) {
    String tail = logTail(FAILURE_LOG_LINES);
    String problem = startProblem();
    String msg = "etcd member '" + name + "' (" + where() + ") " + what
        + (problem == null ? "" : "; " + problem)
        + "; last lines of its log:\n" + (tail.isBlank() ? "(empty)" : tail);
    return new EtcdStartException(name, exit, tail, msg);
  }

  /** Sleeps {@code d}; one bounded step of a bounded wait. */
  static void sleep(Duration d) {
    try {
      Thread.sleep(Math.max(1, d.toMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for etcd", e);
    }
  }

  /** The last {@code lines} lines of {@code text}. */
  static String lastLines(String text, int lines) {
    if (lines <= 0 || text.isEmpty()) {
      return "";
    }
    String t = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
    int pos = t.length();
    for (int i = 0; i < lines; i++) {
      int nl = t.lastIndexOf('\n', pos - 1);
      if (nl < 0) {
        return t;
      }
      pos = nl;
    }
    return t.substring(pos + 1);
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "[" + name + "]";
  }
}
