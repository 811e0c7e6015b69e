package io.pdlab.real.drive;

import io.pdlab.pd.etcd.EtcdConfig;
import io.pdlab.pd.etcd.EtcdEngine;
import io.pdlab.pd.etcd.EtcdConstants;
import io.pdlab.pd.etcd.EtcdMessages.ClientRequest;
import io.pdlab.pd.etcd.EtcdMessages.MembersRequest;
import io.pdlab.pd.etcd.EtcdTiming;
import io.pdlab.real.node.EtcdFlags;
import io.pdlab.real.node.EtcdNode;
import io.pdlab.sim.process.Process;
import io.pdlab.sim.process.ProcessContext;
import io.pdlab.sim.process.Refusable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A real etcd 3.4 member standing in a world's process: the etcd container of a pod, or the etcd
 * that pd-server embeds. Starting the process starts the real etcd with the model's flags (URLs
 * translated to the member's real ones); client requests that reach the process are carried out
 * on the real member with jetcd and answered to the sender; the member's readiness and leadership
 * are polled from it. When the real etcd exits by itself, the process exits with its log's last
 * line. Stops, pauses and wipes of the process reach the real member through the driver's
 * lifecycle listener ({@link RealWorld}).
 */
public final class RealEtcd implements Process, EtcdEngine {
  /** How often readiness and leadership are read from the real member. */
  static final long POLL_US = 50_000;
  /** Deadline of one status read. */
  static final long STATUS_TIMEOUT_MS = 1_000;
  /**
   * Deadline of a client request carried out for a model process. The callers keep their own
   * timeouts (etcd-operator 5 s, PD 10 s), so this only bounds what jetcd holds open.
   */
  static final long REQUEST_TIMEOUT_MS = 15_000;

  private record Poll() {}

  private final EtcdConfig cfg;
  private final RealContext rc;
  private ProcessContext ctx;
  private int incarnation;
  private EtcdNode node;
  private volatile boolean exited;
  private boolean ready;
  private boolean leader;
  private boolean polling;
  /** The real member's cluster ID, read once from its own peer {@code GET /members}; 0 before. */
  private long clusterId;
  private boolean askingClusterId;
  /**
   * This incarnation's etcd was launched: its node's work (a wipe first) is done in order on the
   * node's I/O thread, so from now on its data directory is this member's own.
   */
  private boolean launched;

  public RealEtcd(EtcdConfig cfg, RealContext rc) {
    this.cfg = cfg;
    this.rc = rc;
  }

  /** The real flags of this member: the model's, with every URL made real. */
  EtcdFlags flags() {
    Map<String, String> ic = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : cfg.initialCluster().entrySet()) {
      ic.put(e.getKey(), rc.toReal(e.getValue()));
    }
    if (ic.isEmpty()) {
      // Restarted from its data (PD's join file path): etcd ignores the flag then.
      ic.put(cfg.name(), node.peerUrl());
    }
    EtcdTiming t = cfg.timing();
    // The model's advertised URL: the node's own, or a wrong-peer-url fault's, whose real
    // stand-in reaches nothing (RealContext.unreachable).
    String advertised = rc.toReal(cfg.peerUrl());
    return new EtcdFlags(cfg.name(), ic, cfg.state() == EtcdConfig.State.EXISTING, cfg.token(),
        t.tickMs(), t.electionMs(), t.preVote(), t.strictReconfigCheck(),
        advertised.equals(rc.node(cfg.name()).peerUrl()) ? null : advertised);
  }

  @Override
  public void onStart(ProcessContext ctx) {
    this.ctx = ctx;
    this.incarnation = ctx.incarnation();
    this.clusterId = 0; // a restart may come up in another cluster (a wiped data dir)
    this.launched = false;
    rc.register(cfg);
    node = rc.node(cfg.name());
    EtcdFlags flags = flags();
    if (ctx.tracing()) {
      ctx.log("real etcd: start " + (flags.existing() ? "existing" : "new") + " peer="
          + node.peerUrl() + (flags.advertisePeerUrl() == null ? "" : " advertised="
          + flags.advertisePeerUrl()) + " initial-cluster=" + flags.initialCluster());
    }
    int inc = incarnation;
    EtcdNode n = node;
    rc.io(cfg.name(), () -> {
      if (n.running()) {
        n.kill(); // an earlier incarnation's etcd still running: a restart is a new process
      }
      n.onExit(code -> rc.post(() -> exitedByItself(code, inc)));
      try {
        n.start(flags);
      } catch (RuntimeException e) {
        rc.post(() -> failedToStart(e, inc));
        return;
      }
      rc.post(() -> launched = launched || inc == incarnation);
      String endpoint = rc.endpointOf(cfg.name());
      if (endpoint != null) {
        rc.ops().warm(endpoint);
      }
    });
    ctx.setTimer(POLL_US, new Poll());
  }

  private void failedToStart(RuntimeException e, int inc) {
    if (!current() || inc != incarnation) {
      return;
    }
    exited = true;
    ctx.log("real etcd: failed to start: " + e.getMessage());
    ctx.exit("etcd failed to start: " + e.getMessage());
  }

  /** This incarnation of the process runs still and its etcd has not exited. */
  private boolean current() {
    return !exited && rc.alive(ctx.name(), incarnation);
  }

  private void exitedByItself(int code, int inc) {
    if (!current() || inc != incarnation) {
      return; // killed by a fault, or an earlier incarnation's etcd
    }
    exited = true;
    recordDataDir(); // it may have made member/snap before it exited on its flags or peers
    String last = exitReason(node.logTail(EXIT_LOG_LINES));
    ctx.log("real etcd: exited with code " + code + ": " + last);
    ctx.exit("etcd exited with code " + code + ": " + last);
  }

  /**
   * How many of its log's last lines are read for why etcd exited: a Go panic is followed by
   * its goroutines' stacks, a few dozen lines for etcd 3.4's raft panics.
   */
  static final int EXIT_LOG_LINES = 200;

  /**
   * Why etcd exited, from its log's end: a Go panic's {@code panic: } line (a raft panic such as
   * "tocommit(9) is out of range [lastIndex(3)]", whose stack would otherwise end the log), else
   * the last line.
   */
  static String exitReason(String log) {
    String[] lines = log.split("\n");
    for (int i = lines.length - 1; i >= 0; i--) {
      if (lines[i].startsWith("panic: ")) {
        return lines[i].strip();
      }
    }
    return lastLine(log);
  }

  static String lastLine(String log) {
    String[] lines = log.strip().split("\n");
    return lines.length == 0 ? "" : lines[lines.length - 1].strip();
  }

  @Override
  public void onMessage(ProcessContext ctx, String from, Object message) {
    if (message instanceof MembersRequest q && !exited) {
      membersFor(ctx, from, q);
      return;
    }
    if (!(message instanceof ClientRequest r) || exited) {
      return; // peers talk among themselves for real; only client requests come through here
    }
    int inc = incarnation;
    String endpoint = rc.endpointOf(cfg.name());
    if (endpoint == null) { // not reachable yet (its container is still being created)
      ctx.send(from, new io.pdlab.pd.etcd.EtcdMessages.ClientResponse(r.requestId(),
          io.pdlab.pd.etcd.EtcdError.CONNECTION_REFUSED, null));
      return;
    }
    rc.ops().execute(endpoint, r.requestId(), r.op(), REQUEST_TIMEOUT_MS)
        .thenAccept(resp -> rc.post(() -> {
          if (current() && inc == incarnation) {
            ctx.send(from, resp);
          }
        }));
  }

  /**
   * A model process (PD's cluster-ID check) asks this member's peer {@code GET /members}: the
   * real etcd's peer handler answers it over HTTP; whatever fails (refused, no answer within
   * etcd's 10 s, no peer port yet) comes back refused, which the asker skips as etcd's loop does.
   */
  private void membersFor(ProcessContext ctx, String from, MembersRequest q) {
    int inc = incarnation;
    String peer = rc.peerEndpointOf(cfg.name());
    if (peer == null) {
      ctx.send(from, new Refusable.Refused(q));
      return;
    }
    rc.ops().peerMembers(peer, q.requestId(), EtcdConstants.REMOTE_MEMBERS_TIMEOUT_MS)
        .whenComplete((reply, err) -> rc.post(() -> {
          if (current() && inc == incarnation) {
            ctx.send(from, err == null ? reply : new Refusable.Refused(q));
          }
        }));
  }

  /**
   * Shows the real data directory in the model's disk of this process ({@link DataDirMarkers}),
   * where PD's start script and join look for it after a restart.
   */
  private void recordDataDir() {
    if (!launched || ctx.disk().contains(io.pdlab.pd.etcd.EtcdMember.WAL_KEY)) {
      return; // not its directory yet (a wipe may be under way), or all there is to show
    }
    DataDirMarkers.record(node.hostDataDir().orElse(null), clusterId != 0, ctx.disk());
  }

  @Override
  public long clusterId() {
    return exited ? 0 : clusterId;
  }

  /** Reads the member's cluster ID from its own peer port once it serves it. */
  private void readClusterId(ProcessContext ctx) {
    String peer = rc.peerEndpointOf(cfg.name());
    if (clusterId != 0 || askingClusterId || peer == null) {
      return;
    }
    askingClusterId = true;
    int inc = incarnation;
    rc.ops().peerMembers(peer, 0, STATUS_TIMEOUT_MS).whenComplete((reply, err) -> rc.post(() -> {
      askingClusterId = false;
      if (err == null && current() && inc == incarnation) {
        clusterId = reply.clusterId();
        recordDataDir();
        if (ctx.tracing()) {
          ctx.log("real etcd: cluster " + io.pdlab.pd.etcd.MemberIds.hex(clusterId));
        }
      }
    }));
  }

  @Override
  public void onTimer(ProcessContext ctx, Object tag) {
    if (!(tag instanceof Poll) || exited) {
      return;
    }
    readClusterId(ctx);
    recordDataDir();
    String endpoint = rc.endpointOf(cfg.name());
    if (!polling && endpoint != null) {
      polling = true;
      int inc = incarnation;
      rc.status().read(cfg.name(), endpoint, STATUS_TIMEOUT_MS).thenAccept(s ->
          rc.post(() -> {
            polling = false;
            if (!current() || inc != incarnation) {
              return;
            }
            boolean nowReady = io.pdlab.real.client.MemberStatusReader.published(s);
            boolean nowLeader = nowReady && s.isLeader();
            if (nowReady != ready || nowLeader != leader) {
              ready = nowReady;
              leader = nowLeader;
              if (ctx.tracing()) {
                ctx.log("real etcd: " + (ready ? "ready" : "not ready")
                    + (leader ? " leader" : ""));
              }
            }
          }));
    }
    ctx.setTimer(POLL_US, tag);
  }

  @Override
  public boolean exited() {
    return exited;
  }

  @Override
  public boolean ready() {
    return ready && !exited;
  }

  @Override
  public boolean isLeader() {
    return leader && !exited;
  }

  /** The member's name. */
  public String name() {
    return cfg.name();
  }

  /** The flags the model started it with (its URLs the model's). */
  public EtcdConfig config() {
    return cfg;
  }

  @Override
  public String toString() {
    return "real etcd " + cfg.name();
  }
}
