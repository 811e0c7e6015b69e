package io.pdlab.real.client;

import io.etcd.jetcd.api.ClusterGrpc;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.MaintenanceGrpc;
import io.etcd.jetcd.api.MemberListRequest;
import io.etcd.jetcd.api.MemberListResponse;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.etcd.jetcd.api.StatusRequest;
import io.etcd.jetcd.api.StatusResponse;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.TxnResponse;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.netty.channel.ChannelOption;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The measures' own gRPC connections to etcd members: one long-lived channel per client endpoint
 * and etcd's generated stubs (jetcd-grpc's {@code io.etcd.jetcd.api}), each call with its own
 * deadline.
 *
 * <p>Why not jetcd's {@code Client} here: jetcd 0.8.5's {@code Maintenance.statusMember} opens a
 * new channel (TCP connection and HTTP/2 handshake) for every call, about 10 ms of CPU each, which
 * at 20 polls a second per member costs a core on this machine; jetcd has no per-call deadline; and
 * its channels cannot be told to reconnect now, so a member that comes back stays hidden behind
 * gRPC's reconnect back-off (up to two minutes). Here every failed call resets that back-off, so
 * the next poll reconnects at once.
 *
 * <p>Thread-safe; calls never block, futures complete on gRPC's threads.
 */
final class MemberRpc implements AutoCloseable {
  private final long connectTimeoutMs;
  private final Map<String, ManagedChannel> channels = new HashMap<>();
  private boolean closed;

  MemberRpc(long connectTimeoutMs) {
    this.connectTimeoutMs = connectTimeoutMs;
  }

  CompletableFuture<StatusResponse> status(String endpoint, long deadlineMs) {
    ManagedChannel ch = channel(endpoint);
    return call(ch, o -> MaintenanceGrpc.newStub(ch)
        .withDeadlineAfter(deadlineMs, TimeUnit.MILLISECONDS)
        .status(StatusRequest.getDefaultInstance(), o));
  }

  CompletableFuture<MemberListResponse> memberList(String endpoint, long deadlineMs) {
    ManagedChannel ch = channel(endpoint);
    return call(ch, o -> ClusterGrpc.newStub(ch)
        .withDeadlineAfter(deadlineMs, TimeUnit.MILLISECONDS)
        .memberList(MemberListRequest.getDefaultInstance(), o));
  }

  CompletableFuture<RangeResponse> range(String endpoint, RangeRequest request, long deadlineMs) {
    ManagedChannel ch = channel(endpoint);
    return call(ch, o -> KVGrpc.newStub(ch)
        .withDeadlineAfter(deadlineMs, TimeUnit.MILLISECONDS)
        .range(request, o));
  }

  CompletableFuture<TxnResponse> txn(String endpoint, TxnRequest request, long deadlineMs) {
    ManagedChannel ch = channel(endpoint);
    return call(ch, o -> KVGrpc.newStub(ch)
        .withDeadlineAfter(deadlineMs, TimeUnit.MILLISECONDS)
        .txn(request, o));
  }

  private static <R> CompletableFuture<R> call(ManagedChannel ch, Consumer<StreamObserver<R>> go) {
    CompletableFuture<R> f = new CompletableFuture<>();
    try {
      go.accept(new StreamObserver<R>() {
        @Override
        public void onNext(R value) {
          f.complete(value);
        }

        @Override
        public void onError(Throwable t) {
          Status.Code code = Status.fromThrowable(t).getCode();
          if (code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED) {
            ch.resetConnectBackoff(); // the next call reconnects at once
          }
          f.completeExceptionally(t);
        }

        @Override
        public void onCompleted() {
          if (!f.isDone()) {
            f.completeExceptionally(new IllegalStateException("the call ended without an answer"));
          }
        }
      });
    } catch (RuntimeException e) {
      f.completeExceptionally(e);
    }
    return f;
  }

  private synchronized ManagedChannel channel(String endpoint) {
    if (closed) {
      throw new IllegalStateException("the measures' connections are closed");
    }
    ManagedChannel ch = channels.get(endpoint);
    if (ch == null) {
      URI u = URI.create(endpoint);
      if (u.getHost() == null) {
        throw new IllegalArgumentException("not a client URL: " + endpoint);
      }
      ch = NettyChannelBuilder
          .forAddress(new InetSocketAddress(u.getHost(), u.getPort() < 0 ? 2379 : u.getPort()))
          .usePlaintext()
          .directExecutor()
          .withOption(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeoutMs)
          .build();
      channels.put(endpoint, ch);
    }
    return ch;
  }

  /** Closes the channels of endpoints not in {@code keep}. */
  void retain(Set<String> keep) {
    List<ManagedChannel> drop = new ArrayList<>();
    synchronized (this) {
      channels.entrySet().removeIf(e -> {
        if (!keep.contains(e.getKey())) {
          drop.add(e.getValue());
          return true;
        }
        return false;
      });
    }
    drop.forEach(ManagedChannel::shutdownNow);
  }

  @Override
  public void close() {
    List<ManagedChannel> all;
    synchronized (this) {
      closed = true;
      all = new ArrayList<>(channels.values());
      channels.clear();
    }
    for (ManagedChannel ch : all) {
      ch.shutdownNow();
    }
    for (ManagedChannel ch : all) {
      try {
        ch.awaitTermination(1, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
