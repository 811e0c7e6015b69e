package io.pdlab.real.client;

import io.etcd.jetcd.common.exception.EtcdException;
import io.grpc.Status;
import io.pdlab.pd.etcd.EtcdError;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * Maps what a real etcd (through jetcd, gRPC or the HTTP gateway) answers to the simulator's
 * {@link EtcdError}, by etcd's own message text first and by the gRPC status code second.
 *
 * <p>The rules, in order (the first that applies wins):
 * <ol>
 *   <li>the text contains one of etcd's messages in {@link #TABLE} (most specific first, since
 *       "can only promote a learner member" is a prefix of the learner-not-ready message);
 *   <li>a {@link TimeoutException} or {@link HttpTimeoutException} in the cause chain, or gRPC
 *       {@code DEADLINE_EXCEEDED}: {@link EtcdError#REQUEST_TIMED_OUT};
 *   <li>gRPC {@code UNAVAILABLE} whose text is not an etcd server message (etcd's own
 *       {@code UNAVAILABLE} answers all start with {@code etcdserver:}), a
 *       {@link ConnectException}, {@link ClosedChannelException} or other {@link IOException} in
 *       the cause chain, or {@code CANCELLED} because the channel was shut down:
 *       {@link EtcdError#CONNECTION_REFUSED} (the member is not serving us);
 *   <li>anything else: {@link EtcdError#OTHER}; callers keep {@link #describe} for the log.
 * </ol>
 *
 * <p>Stateless and thread-safe.
 */
public final class EtcdErrors {
  private EtcdErrors() {}

  /** One rule of the text table: etcd's message (or a distinctive part of it) and our error. */
  public record Rule(String needle, EtcdError error) {}

  /**
   * etcd's texts (server/etcdserver/api/v3rpc/rpctypes/error.go, membership/errors.go), most
   * specific first. "request timed out" also covers etcd's "request timed out, possibly due to
   * previous leader failure" and "... due to connection lost".
   */
  public static final List<Rule> TABLE = List.of(
      new Rule("can only promote a learner member which is in sync with leader",
          EtcdError.LEARNER_NOT_READY),
      new Rule("can only promote a learner member", EtcdError.MEMBER_NOT_LEARNER),
      new Rule("re-configuration failed due to not enough started members",
          EtcdError.NOT_ENOUGH_STARTED_MEMBERS),
      new Rule("unhealthy cluster", EtcdError.UNHEALTHY),
      new Rule("too many learner members", EtcdError.TOO_MANY_LEARNERS),
      new Rule("Peer URLs already exists", EtcdError.PEER_URL_EXISTS),
      new Rule("member ID already exist", EtcdError.MEMBER_EXISTS),
      new Rule("member not found", EtcdError.MEMBER_NOT_FOUND),
      new Rule("ID removed", EtcdError.MEMBER_REMOVED),
      new Rule("request timed out", EtcdError.REQUEST_TIMED_OUT),
      new Rule("server not started", EtcdError.NOT_STARTED));

  /** The error a failed call means. */
  public static EtcdError classify(Throwable failure) {
    String text = describe(failure);
    EtcdError byText = fromText(text);
    if (byText != null) {
      return byText;
    }
    List<Throwable> chain = chain(failure);
    String code = grpcCode(chain);
    for (Throwable t : chain) {
      if (t instanceof TimeoutException || t instanceof HttpTimeoutException) {
        return EtcdError.REQUEST_TIMED_OUT;
      }
    }
    if ("DEADLINE_EXCEEDED".equals(code)) {
      return EtcdError.REQUEST_TIMED_OUT;
    }
    if ("UNAVAILABLE".equals(code) && !text.contains("etcdserver:")) {
      return EtcdError.CONNECTION_REFUSED;
    }
    if ("CANCELLED".equals(code) && text.toLowerCase(Locale.ROOT).contains("shutdown")) {
      return EtcdError.CONNECTION_REFUSED;
    }
    for (Throwable t : chain) {
      if (t instanceof ConnectException || t instanceof ClosedChannelException
          || t instanceof IOException) {
        return EtcdError.CONNECTION_REFUSED;
      }
    }
    return EtcdError.OTHER;
  }

  /** The error an etcd message names, or null when {@link #TABLE} has none of it. */
  public static EtcdError fromText(String text) {
    if (text == null) {
      return null;
    }
    for (Rule r : TABLE) {
      if (text.contains(r.needle())) {
        return r.error();
      }
    }
    return null;
  }

  /**
   * The failure as one line: the gRPC code (if any) and every distinct message of the cause chain,
   * with the wrappers of {@link java.util.concurrent.CompletableFuture} skipped.
   */
  public static String describe(Throwable failure) {
    List<Throwable> chain = chain(failure);
    List<String> parts = new ArrayList<>();
    String code = grpcCode(chain);
    if (code != null) {
      parts.add("[" + code + "]");
    }
    for (Throwable t : chain) {
      String m = t.getMessage();
      String part = m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
      if (parts.stream().noneMatch(p -> p.contains(part))) {
        parts.add(part);
      }
    }
    return String.join(" / ", parts);
  }

  /** The gRPC status code name the failure carries, or null. */
  static String grpcCode(List<Throwable> chain) {
    for (Throwable t : chain) {
      if (t instanceof EtcdException e && e.getErrorCode() != null
          && !"UNKNOWN".equals(e.getErrorCode().name())) {
        return e.getErrorCode().name();
      }
    }
    for (Throwable t : chain) {
      Status s = Status.fromThrowable(t);
      if (s.getCode() != Status.Code.UNKNOWN) {
        return s.getCode().name();
      }
    }
    return null;
  }

  /** The cause chain without the future wrappers, cycles cut. */
  static List<Throwable> chain(Throwable failure) {
    List<Throwable> out = new ArrayList<>();
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
      boolean wrapper = (t instanceof CompletionException || t instanceof ExecutionException)
          && t.getCause() != null;
      if (!wrapper && !(t instanceof CancellationException && t.getCause() != null)) {
        out.add(t);
      }
    }
    if (out.isEmpty() && failure != null) {
      out.add(failure);
    }
    return out;
  }
}
