package io.pdlab.pd.run;

import io.pdlab.pd.etcd.EtcdMessages.ClientOp;
import io.pdlab.pd.etcd.EtcdMessages.ClientRequest;
import io.pdlab.pd.etcd.EtcdMessages.ClientResponse;
import io.pdlab.sim.TimerHandle;
import io.pdlab.sim.process.Process;
import io.pdlab.sim.process.ProcessContext;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;

/**
 * A client process: sends etcd API requests to members and keeps the answers. Requests with no
 * answer within {@code timeoutUs} are answered locally as timed out (the client gives up, as a
 * gRPC deadline would); late answers are then ignored.
 */
public final class EtcdClient implements Process {
  /** A request, its target, when it was sent, and its answer once known. */
  public static final class Call {
    public final long id;
    public final String target;
    public final ClientOp op;
    public final long sentUs;
    public ClientResponse response;
    public long answeredUs = -1;
    final Consumer<Call> then;
    /** The give-up timer, cancelled when an answer comes first. */
    TimerHandle giveUp;

    Call(long id, String target, ClientOp op, long sentUs, Consumer<Call> then) {
      this.id = id;
      this.target = target;
      this.op = op;
      this.sentUs = sentUs;
      this.then = then;
    }

    public boolean answered() {
      return answeredUs >= 0;
    }

    @Override
    public String toString() {
      return "#" + id + " " + op + " -> " + target + ": "
          + (response == null ? "no answer" : response.error() == null ? "ok " + response.value()
          : response.error().message());
    }
  }

  private record GiveUp(long id) {}

  private final long timeoutUs;
  private ProcessContext ctx;
  private long nextId;
  /** Every call, in the order sent, which is the order of their ids (they grow). */
  private final List<Call> calls = new ArrayList<>();

  public EtcdClient(long timeoutUs) {
    this.timeoutUs = timeoutUs;
  }

  @Override
  public void onStart(ProcessContext ctx) {
    this.ctx = ctx;
    nextId = ctx.requestIdBase() + 1;
  }

  /** Sends {@code op} to the member at endpoint {@code target} now; {@code then} sees the answer. */
  public Call send(String target, ClientOp op, Consumer<Call> then) {
    if (ctx == null) {
      throw new IllegalStateException("the client process is not running");
    }
    Call c = new Call(nextId++, target, op, ctx.nowUs(), then);
    calls.add(c);
    ctx.send(target, new ClientRequest(c.id, op));
    c.giveUp = ctx.setTimer(timeoutUs, new GiveUp(c.id));
    return c;
  }

  public Call send(String target, ClientOp op) {
    return send(target, op, c -> { });
  }

  public List<Call> calls() {
    return Collections.unmodifiableList(new ArrayList<>(calls));
  }

  @Override
  public void onMessage(ProcessContext ctx, String from, Object message) {
    if (message instanceof ClientResponse r) {
      finish(r.requestId(), r);
    }
  }

  @Override
  public void onTimer(ProcessContext ctx, Object tag) {
    if (tag instanceof GiveUp g) {
      finish(g.id(), new ClientResponse(g.id(), io.pdlab.pd.etcd.EtcdError.REQUEST_TIMED_OUT,
          null));
    }
  }

  private void finish(long id, ClientResponse r) {
    Call c = call(id);
    if (c == null || c.answered()) {
      return;
    }
    if (c.giveUp != null) {
      c.giveUp.cancel(); // a no-op once it has fired: then it is what answers
    }
    c.response = r;
    c.answeredUs = ctx.nowUs();
    c.then.accept(c);
  }

  /** The call with request id {@code id}, or null: a binary search of {@link #calls} by id. */
  private Call call(long id) {
    int lo = 0;
    int hi = calls.size() - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      long m = calls.get(mid).id;
      if (m < id) {
        lo = mid + 1;
      } else if (m > id) {
        hi = mid - 1;
      } else {
        return calls.get(mid);
      }
    }
    return null;
  }
}
