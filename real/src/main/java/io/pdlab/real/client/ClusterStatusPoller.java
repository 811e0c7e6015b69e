package io.pdlab.real.client;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.MemberListResponse;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.etcd.jetcd.api.StatusResponse;
import io.pdlab.pd.etcd.Member;
import io.pdlab.pd.server.PdConstants;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Polls every expected member for its status, from outside: the member list (with the cluster and
 * member ID of its response header), the maintenance status (leader ID, Raft term and index) and,
 * for PD runs, a serializable read of PD's cluster-ID key. One poll per member at a time; a member
 * whose poll is still out is skipped until it ends (its deadline bounds that).
 *
 * <p>{@link #tick} runs on the measures' thread; answers arrive on gRPC's threads and replace the
 * member's {@linkplain #latest latest sample} (a concurrent map).
 */
final class ClusterStatusPoller {
  /** Told about each PD cluster ID read: the etcd cluster it was read in and the value. */
  interface PdListener {
    void onPdClusterId(long clusterId, long pdClusterId);
  }

  private final MemberRpc rpc;
  private final LongSupplier nowUs;
  private final long deadlineMs;
  private final PdListener pd;
  private final Map<String, MemberStatus> latest = new ConcurrentHashMap<>();
  private final Map<String, String> inFlight = new ConcurrentHashMap<>();

  /** @param pd null: do not read PD's cluster ID */
  ClusterStatusPoller(MemberRpc rpc, LongSupplier nowUs, long deadlineMs, PdListener pd) {
    this.rpc = rpc;
    this.nowUs = nowUs;
    this.deadlineMs = deadlineMs;
    this.pd = pd;
  }

  /** Starts a poll of every expected member that has none out. */
  void tick(Map<String, String> endpoints) {
    latest.keySet().retainAll(endpoints.keySet());
    for (Map.Entry<String, String> e : endpoints.entrySet()) {
      String name = e.getKey();
      String endpoint = e.getValue();
      if (endpoint == null) {
        latest.put(name, MemberStatus.down(name, nowUs.getAsLong(), "no client endpoint yet"));
      } else if (inFlight.putIfAbsent(name, endpoint) == null) {
        poll(name, endpoint);
      }
    }
  }

  private void poll(String name, String endpoint) {
    CompletableFuture<StatusResponse> status;
    CompletableFuture<MemberListResponse> list;
    CompletableFuture<RangeResponse> pdRead;
    try {
      status = rpc.status(endpoint, deadlineMs);
      list = rpc.memberList(endpoint, deadlineMs);
      pdRead = pd == null ? CompletableFuture.completedFuture(null)
          : rpc.range(endpoint, RangeRequest.newBuilder()
              .setKey(ByteString.copyFromUtf8(PdConstants.CLUSTER_ID_KEY))
              .setSerializable(true)
              .build(), deadlineMs).exceptionally(t -> null);
    } catch (RuntimeException e) {
      inFlight.remove(name);
      latest.put(name, MemberStatus.down(name, nowUs.getAsLong(), EtcdErrors.describe(e)));
      return;
    }
    CompletableFuture.allOf(status, list, pdRead).whenComplete((v, failure) -> {
      long now = nowUs.getAsLong();
      MemberStatus s;
      if (failure != null) {
        s = MemberStatus.down(name, now, EtcdErrors.describe(failure));
      } else {
        StatusResponse st = status.join();
        MemberListResponse ml = list.join();
        s = MemberStatus.up(name, now, ml.getHeader().getClusterId(),
            ml.getHeader().getMemberId(), st.getLeader(), st.getRaftTerm(), st.getRaftIndex(),
            members(ml));
        RangeResponse r = pdRead.join();
        if (r != null && r.getKvsCount() > 0) {
          long id = pdClusterId(r.getKvs(0).getValue());
          if (id != 0) {
            pd.onPdClusterId(r.getHeader().getClusterId(), id);
          }
        }
      }
      latest.put(name, s);
      inFlight.remove(name);
    });
  }

  private static List<Member> members(MemberListResponse ml) {
    List<Member> out = new ArrayList<>(ml.getMembersCount());
    for (io.etcd.jetcd.api.Member m : ml.getMembersList()) {
      out.add(new Member(m.getID(), m.getName(), m.getPeerURLsList(), m.getClientURLsList(),
          m.getIsLearner()));
    }
    return out;
  }

  /**
   * A PD cluster ID as stored: the decimal text the simulator's PD writes, or the 8 big-endian
   * bytes real PD writes; 0 if it is neither.
   */
  static long pdClusterId(ByteString value) {
    String text = value.toStringUtf8().trim();
    if (!text.isEmpty() && text.chars().allMatch(Character::isDigit)) {
      try {
        return Long.parseUnsignedLong(text);
      } catch (NumberFormatException e) {
        return 0;
      }
    }
    if (value.size() == 8) {
      return ByteBuffer.wrap(value.toByteArray()).getLong();
    }
    return 0;
  }

  /** Each expected member's latest sample (live view). */
  Map<String, MemberStatus> latest() {
    return latest;
  }

  /** Whether any poll is still out. */
  boolean busy() {
    return !inFlight.isEmpty();
  }
}
