package io.pdlab.real.client;

import io.etcd.jetcd.api.MemberListResponse;
import io.etcd.jetcd.api.StatusResponse;
import io.pdlab.pd.etcd.Member;
import io.pdlab.pd.run.ClusterClassifier;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * Reads one member's own view (its ID, its cluster, the leader it knows, its member list) on a
 * long-lived channel, for a driver that must know whether a real member is ready and whether it
 * leads. Thread-safe; reads never block, futures complete on gRPC's threads.
 */
public final class MemberStatusReader implements AutoCloseable {
  private final MemberRpc rpc;
  private final LongSupplier nowUs;

  /** @param nowUs the run's clock, stamped on each status */
  public MemberStatusReader(LongSupplier nowUs) {
    this.rpc = new MemberRpc(ExternalMeasures.Settings.defaults().connectTimeoutMs());
    this.nowUs = nowUs;
  }

  /** Member {@code name}'s status from {@code endpoint}; a failed read is a {@code down} status. */
  public CompletableFuture<MemberStatus> read(String name, String endpoint, long deadlineMs) {
    CompletableFuture<StatusResponse> status;
    CompletableFuture<MemberListResponse> list;
    try {
      status = rpc.status(endpoint, deadlineMs);
      list = rpc.memberList(endpoint, deadlineMs);
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(MemberStatus.down(name, nowUs.getAsLong(),
          EtcdErrors.describe(e)));
    }
    return CompletableFuture.allOf(status, list).handle((v, failure) -> {
      if (failure != null) {
        return MemberStatus.down(name, nowUs.getAsLong(), EtcdErrors.describe(failure));
      }
      StatusResponse st = status.join();
      MemberListResponse ml = list.join();
      List<Member> members = new ArrayList<>(ml.getMembersCount());
      for (io.etcd.jetcd.api.Member m : ml.getMembersList()) {
        members.add(new Member(m.getID(), m.getName(), m.getPeerURLsList(),
            m.getClientURLsList(), m.getIsLearner()));
      }
      return MemberStatus.up(name, nowUs.getAsLong(), ml.getHeader().getClusterId(),
          ml.getHeader().getMemberId(), st.getLeader(), st.getRaftTerm(), st.getRaftIndex(),
          members);
    });
  }

  /** Whether {@code s} shows the member published (etcd's ReadyNotify: name and client URLs). */
  public static boolean published(MemberStatus s) {
    Member self = s.answering() ? s.self() : null;
    return self != null && ClusterClassifier.published(self);
  }

  @Override
  public void close() {
    rpc.close();
  }
}
