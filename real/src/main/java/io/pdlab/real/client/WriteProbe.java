package io.pdlab.real.client;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.PutResponse;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.TxnResponse;
import io.pdlab.pd.etcd.EtcdError;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * The availability probe: a linearizable write of {@link ExternalMeasures#PROBE_KEY} with a fresh
 * counter, at most one outstanding, started on each tick through the member that last took one (or
 * the next one after a failure), falling over to the other expected members while they refuse
 * connections, all within one deadline.
 *
 * <p>The write is a txn that never moves the counter back: {@code if value < c then put(c) else
 * (if absent then put(c))}, counters as fixed-width decimal text so etcd's byte-wise comparison is
 * numeric. A write that our deadline abandoned but etcd applies later therefore cannot overwrite a
 * newer acknowledged one, and the value it replaced (returned as {@code prev_kv}) must be at least
 * the highest counter acknowledged in that cluster: a lower one is a lost write.
 *
 * <p>{@link #tick} runs on the measures' thread; answers arrive on gRPC's threads and are recorded
 * under the measures' lock.
 */
final class WriteProbe {
  /** Width of the counter's decimal text (fits any non-negative long). */
  static final int COUNTER_DIGITS = 19;

  private final MemberRpc rpc;
  private final LongSupplier nowUs;
  private final long deadlineMs;
  private final Object lock;
  private final StatusAggregator aggregator;
  private final AtomicBoolean inFlight = new AtomicBoolean();
  private volatile String preferred;
  private long nextCounter;

  private long sent;
  private long acked;
  private long failed;
  private long latencySumUs;
  private long maxLatencyUs;
  private long lastLatencyUs = -1;
  private String lastError;

  WriteProbe(MemberRpc rpc, LongSupplier nowUs, long deadlineMs, Object lock,
      StatusAggregator aggregator, long firstCounter) {
    this.rpc = rpc;
    this.nowUs = nowUs;
    this.deadlineMs = deadlineMs;
    this.lock = lock;
    this.aggregator = aggregator;
    this.nextCounter = firstCounter;
  }

  /** Starts a probe write unless one is out. */
  void tick(Map<String, String> endpoints) {
    if (!inFlight.compareAndSet(false, true)) {
      return;
    }
    List<String[]> order = new ArrayList<>();
    String first = preferred;
    if (first != null && endpoints.get(first) != null) {
      order.add(new String[] {first, endpoints.get(first)});
    }
    for (Map.Entry<String, String> e : endpoints.entrySet()) {
      if (e.getValue() != null && !e.getKey().equals(first)) {
        order.add(new String[] {e.getKey(), e.getValue()});
      }
    }
    if (order.isEmpty()) {
      inFlight.set(false);
      return;
    }
    long counter = nextCounter++;
    synchronized (this) {
      sent++;
    }
    long sendUs;
    synchronized (lock) {
      sendUs = nowUs.getAsLong();
      aggregator.probeSent(sendUs);
    }
    attempt(order, 0, counter, sendUs, System.nanoTime());
  }

  private void attempt(List<String[]> order, int i, long counter, long sendUs, long startNanos) {
    long leftMs = deadlineMs - (System.nanoTime() - startNanos) / 1_000_000;
    if (leftMs <= 0) {
      finish(null, sendUs, startNanos, "no member took the write within " + deadlineMs + " ms");
      return;
    }
    String name = order.get(i)[0];
    String endpoint = order.get(i)[1];
    try {
      rpc.txn(endpoint, request(counter), leftMs).whenComplete((r, t) -> {
        if (t == null) {
          acknowledged(name, counter, r, sendUs, startNanos);
          return;
        }
        if (EtcdErrors.classify(t) == EtcdError.CONNECTION_REFUSED && i + 1 < order.size()) {
          attempt(order, i + 1, counter, sendUs, startNanos);
        } else {
          preferred = order.get((i + 1) % order.size())[0];
          finish(null, sendUs, startNanos, name + ": " + EtcdErrors.describe(t));
        }
      });
    } catch (RuntimeException e) {
      finish(null, sendUs, startNanos, name + ": " + EtcdErrors.describe(e));
    }
  }

  private void acknowledged(String name, long counter, TxnResponse r, long sendUs,
      long startNanos) {
    long cluster = r.getHeader().getClusterId();
    long replaced = Long.MAX_VALUE; // the value was already >= counter: nothing to check
    if (r.getSucceeded() && r.getResponsesCount() > 0) {
      PutResponse put = r.getResponses(0).getResponsePut();
      replaced = put.hasPrevKv() ? decode(put.getPrevKv().getValue()) : -1;
    } else if (r.getResponsesCount() > 0 && r.getResponses(0).getResponseTxn().getSucceeded()) {
      replaced = -1; // created: the key was absent
    }
    synchronized (lock) {
      long now = nowUs.getAsLong();
      if (replaced != Long.MAX_VALUE) {
        aggregator.checkProbeValue(cluster, replaced, now, name);
      }
      aggregator.probeAcked(sendUs, now, cluster, counter, name);
    }
    preferred = name;
    finish(name, sendUs, startNanos, null);
  }

  private void finish(String ackedBy, long sendUs, long startNanos, String error) {
    if (ackedBy == null) {
      synchronized (lock) {
        aggregator.probeFailed(sendUs, nowUs.getAsLong());
      }
    }
    synchronized (this) {
      if (ackedBy != null) {
        long us = (System.nanoTime() - startNanos) / 1_000;
        acked++;
        latencySumUs += us;
        maxLatencyUs = Math.max(maxLatencyUs, us);
        lastLatencyUs = us;
      } else {
        failed++;
        lastError = error;
      }
    }
    inFlight.set(false);
  }

  static TxnRequest request(long counter) {
    ByteString key = ByteString.copyFromUtf8(ExternalMeasures.PROBE_KEY);
    ByteString value = ByteString.copyFromUtf8(encode(counter));
    RequestOp put = RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder()
        .setKey(key).setValue(value).setPrevKv(true)).build();
    TxnRequest create = TxnRequest.newBuilder()
        .addCompare(Compare.newBuilder().setKey(key).setTarget(Compare.CompareTarget.CREATE)
            .setResult(Compare.CompareResult.EQUAL).setCreateRevision(0))
        .addSuccess(put)
        .build();
    return TxnRequest.newBuilder()
        .addCompare(Compare.newBuilder().setKey(key).setTarget(Compare.CompareTarget.VALUE)
            .setResult(Compare.CompareResult.LESS).setValue(value))
        .addSuccess(put)
        .addFailure(RequestOp.newBuilder().setRequestTxn(create))
        .build();
  }

  /** The counter as fixed-width decimal text. */
  static String encode(long counter) {
    if (counter < 0) {
      throw new IllegalArgumentException("probe counters are not negative: " + counter);
    }
    String digits = Long.toString(counter);
    return "0".repeat(COUNTER_DIGITS - digits.length()) + digits;
  }

  /** A stored counter, or -1 if the value is not one (absent or written by someone else). */
  static long decode(ByteString value) {
    try {
      return Long.parseLong(value.toStringUtf8().trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  boolean busy() {
    return inFlight.get();
  }

  synchronized ExternalMeasures.ProbeStats stats() {
    return new ExternalMeasures.ProbeStats(sent, acked, failed,
        acked == 0 ? -1 : latencySumUs / acked, acked == 0 ? -1 : maxLatencyUs, lastLatencyUs,
        lastError);
  }
}
