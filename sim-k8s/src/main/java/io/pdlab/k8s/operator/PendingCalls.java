package io.pdlab.k8s.operator;

import io.pdlab.k8s.controllers.K8sWorld;
import io.pdlab.pd.etcd.EtcdError;
import io.pdlab.pd.etcd.EtcdMessages.ClientResponse;
import io.pdlab.sim.process.ProcessContext;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * An operator's etcd calls in flight, by request ID: what to do with each answer, a lost add
 * answer (the {@code add-timeout} fault) left to time out, and a timeout answered as etcd's client
 * answers it. The etcd-operator models (coreos's and the learner operator) share it; how a call is
 * sent (one pod, or a client that waits for an endpoint) is each operator's own.
 */
final class PendingCalls {
  private final TreeMap<Long, Consumer<ClientResponse>> calls = new TreeMap<>();
  private long next = 1;

  /**
   * Starts a new incarnation's IDs ({@link ProcessContext#requestIdBase}): a reply to a crashed
   * incarnation's call must not match one of this incarnation's.
   */
  void restart(ProcessContext ctx) {
    next = ctx.requestIdBase() + 1;
  }

  /** A new call whose answer goes to {@code then}; returns its request ID. */
  long open(Consumer<ClientResponse> then) {
    long id = next++;
    calls.put(id, then);
    return id;
  }

  /**
   * Hands {@code r} to its call, unless the world loses it (a MemberAdd answer of the cluster
   * {@code cluster} under {@code add-timeout}: applied, but the call times out). Returns whether a
   * call was answered.
   */
  boolean answer(ClientResponse r, K8sWorld world, String cluster) {
    if (calls.containsKey(r.requestId()) && world.loseAddAnswer(cluster, r)) {
      return false; // applied, but the answer is lost: the call times out
    }
    Consumer<ClientResponse> then = calls.remove(r.requestId());
    if (then == null) {
      return false;
    }
    then.accept(r);
    return true;
  }

  /** Answers call {@code id}, if still open, with a request timeout; returns whether it was. */
  boolean timeOut(long id) {
    Consumer<ClientResponse> then = calls.remove(id);
    if (then == null) {
      return false;
    }
    then.accept(new ClientResponse(id, EtcdError.REQUEST_TIMED_OUT, null));
    return true;
  }

  boolean isEmpty() {
    return calls.isEmpty();
  }
}
