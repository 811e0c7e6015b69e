package io.pdlab.pd.pod;

import io.pdlab.pd.etcd.EtcdConfig;
import io.pdlab.pd.etcd.EtcdEngine;
import io.pdlab.pd.etcd.EtcdHolder;
import io.pdlab.pd.etcd.EtcdMember;
import io.pdlab.pd.etcd.EtcdMessages;
import io.pdlab.pd.etcd.EtcdMessages.AddResult;
import io.pdlab.pd.etcd.EtcdMessages.ClientOp;
import io.pdlab.pd.etcd.EtcdMessages.ClientRequest;
import io.pdlab.pd.etcd.EtcdMessages.ClientResponse;
import io.pdlab.pd.etcd.EtcdError;
import io.pdlab.pd.etcd.EtcdObserver;
import io.pdlab.pd.etcd.EtcdTiming;
import io.pdlab.pd.etcd.Member;
import io.pdlab.pd.server.PdConstants;
import io.pdlab.pd.server.PdJoin;
import io.pdlab.pd.tidb.DataDirState;
import io.pdlab.pd.tidb.HttpResult;
import io.pdlab.pd.tidb.PdStartScript;
import io.pdlab.pd.tidb.PdStartScriptConfig;
import io.pdlab.pd.tidb.ScriptAction;
import io.pdlab.sim.process.Process;
import io.pdlab.sim.process.ProcessContext;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * One PD pod of tidb-operator v1.5: the start script ({@link PdStartScript}), then pd-server with
 * its join logic ({@link PdJoin}), its embedded etcd ({@link EtcdMember}), the PD cluster ID
 * created once etcd is ready (compare-and-set on {@code /pd/cluster_id}), and the PD leader, which
 * campaigns only while its etcd member leads. Its disk holds etcd's WAL and PD's join file.
 */
public final class PdPod implements Process, EtcdHolder {
  /** Disk key of {@code <data-dir>/join}. */
  public static final String JOIN_FILE_KEY = "pd/join";

  private record ScriptSleep() {}

  private record HttpTimeout(long id) {}

  private record JoinSleep() {}

  private record CallTimeout(long id) {}

  private record LeaderLoop() {}

  /** The cluster-ID check's request {@code id} got no answer in time. */
  private record ClusterCheckTimeout(long id) {}

  /**
   * Request ids of the cluster-ID check's {@code GET /members}, apart from the embedded etcd's
   * own (a joiner's attempts count from 0), so the pod knows which answers are its own.
   */
  private static final long CLUSTER_CHECK_ID_BASE = 1L << 40;

  private final String name;
  private final String namespace;
  private final String tcName;
  private final EtcdTiming timing;
  private final PodEnv env;
  private final EtcdObserver observer;
  private final List<String> directArgs;
  private final EtcdEngine.Factory engines;
  private ProcessContext ctx;

  private PdStartScript script;
  private long httpId;
  /** The timeout of the start script's HTTP request in flight. */
  private io.pdlab.sim.TimerHandle httpTimeout;
  private PdJoin join;
  private EtcdEngine etcd;
  private long etcdStartedUs;
  private long nextCallId;
  /** Calls in flight, by id: what answers them, their endpoints, and how many were tried. */
  private final TreeMap<Long, Call> calls = new TreeMap<>();
  private long pdClusterId;
  private boolean pdLeader;
  private boolean requestInFlight;
  /** PD's {@code --initial-cluster} as its etcd got it (after the join logic), for the check. */
  private String initialCluster = "";
  /** The peer URLs the cluster-ID check asks, in its order; null until it starts. */
  private List<String> checkUrls;
  /** The check's request asked now (-1: none in flight). */
  private long checkAsking = -1;
  private boolean clusterChecked;
  /**
   * The PD leader this PD knows of (its {@code member.GetLeader()}): itself while it leads, else
   * the name its leader loop read from the leader key; null while none is known.
   */
  private String knownLeader;
  /** PD API calls this follower proxies to the leader: the proxy's call id to the original. */
  private final TreeMap<Long, Proxied> proxied = new TreeMap<>();

  private record Proxied(String client, long requestId) {}

  /** Whether this incarnation has exited (by its own exit or its embedded etcd's). */
  private boolean exited;
  /** The leader loop's next tick, or null while it sleeps with no tick set. */
  private io.pdlab.sim.TimerHandle leaderTick;
  /** When {@link #leaderTick} is due. */
  private long leaderTickDueUs;
  /**
   * When the loop's own tick last ran. The ticks follow every {@link PdConstants#LEADER_LOOP_MS}
   * from it, or from pd-server's etcd start before the first (a tick held by a pause runs at the
   * resume, and the ticks after it follow from there).
   */
  private long lastTickUs = Long.MIN_VALUE;

  public PdPod(String name, String namespace, String tcName, EtcdTiming timing, PodEnv env,
      EtcdObserver observer) {
    this(name, namespace, tcName, timing, env, observer, null);
  }

  /**
   * A PD pod whose container runs pd-server directly with {@code directArgs} (tidb-operator v2:
   * no start script, no discovery), or the v1 start script when {@code directArgs} is null.
   */
  public PdPod(String name, String namespace, String tcName, EtcdTiming timing, PodEnv env,
      EtcdObserver observer, List<String> directArgs) {
    this(name, namespace, tcName, timing, env, observer, directArgs, EtcdEngine.Factory.SIMULATED);
  }

  /** As above, with pd-server's embedded etcd made by {@code engines} (a real etcd on a driver). */
  public PdPod(String name, String namespace, String tcName, EtcdTiming timing, PodEnv env,
      EtcdObserver observer, List<String> directArgs, EtcdEngine.Factory engines) {
    this.engines = engines;
    this.directArgs = directArgs == null ? null : List.copyOf(directArgs);
    this.name = name;
    this.namespace = namespace;
    this.tcName = tcName;
    this.timing = timing;
    this.env = env;
    this.observer = observer;
  }

  /** The simulated embedded etcd, or null while it has none or it is not simulated. */
  @Override
  public EtcdMember etcd() {
    return etcd instanceof EtcdHolder h ? h.etcd() : null;
  }

  /** The embedded etcd, simulated or not; null until pd-server started it. */
  public EtcdEngine engine() {
    return etcd;
  }

  public long pdClusterId() {
    return pdClusterId;
  }

  public boolean isPdLeader() {
    return pdLeader;
  }

  /** The PD leader this PD knows of, or null. */
  public String knownLeader() {
    return knownLeader;
  }

  private long nowMs() {
    return ctx.nowUs() / 1_000;
  }

  // ------------------------------------------------------------------ start script

  /** Its start script binds no port: the pod listens once pd-server starts its etcd. */
  @Override
  public boolean listensOnStart() {
    return false;
  }

  @Override
  public void onStart(ProcessContext ctx) {
    this.ctx = ctx;
    nextCallId = ctx.requestIdBase() + 1;
    if (directArgs != null) {
      ctx.log("pd: exec pd-server " + relevantArgs(directArgs));
      startPdServer(directArgs);
      return;
    }
    script = new PdStartScript(PdStartScriptConfig.of(name, namespace, tcName, dataDir()),
        ctx.rng());
    script(script.start(nowMs()));
  }

  /** The data volume as the start script and PD's join see it now. */
  private DataDirState dataDir() {
    return new DataDirState(ctx.disk().get(JOIN_FILE_KEY), ctx.disk().contains(EtcdMember.WAL_KEY),
        ctx.disk().contains(EtcdMember.WAL_KEY) || ctx.disk().contains(EtcdMember.SNAP_KEY));
  }

  private void script(List<ScriptAction> actions) {
    for (ScriptAction a : actions) {
      if (a instanceof ScriptAction.DnsLookup d) {
        script(script.onDnsResult(nowMs(), env.resolves(d.name())));
        return;
      } else if (a instanceof ScriptAction.Sleep s) {
        ctx.setTimer(s.ms() * 1_000, new ScriptSleep());
      } else if (a instanceof ScriptAction.HttpGet g) {
        String ep = env.serviceEndpoint(Http.host(g.url()).split("\\.")[0]);
        if (ep == null) {
          script(script.onHttpResult(nowMs(), new HttpResult.ConnectionError(
              "connection refused")));
          return;
        }
        httpId++;
        ctx.send(ep, new Http.Request(httpId, g.url()));
        httpTimeout = ctx.setTimer(g.timeoutMs() * 1_000, new HttpTimeout(httpId));
      } else if (a instanceof ScriptAction.ExecPdServer e) {
        ctx.log("pd: exec pd-server " + relevantArgs(e.args()));
        startPdServer(e.args());
      } else if (a instanceof ScriptAction.Exit x) {
        ctx.log("pd: start script exit " + x.code() + ": " + x.message());
        exit(x.message());
        return;
      }
    }
  }

  private static String relevantArgs(List<String> args) {
    List<String> out = new ArrayList<>();
    for (String a : args) {
      if (a.startsWith("--join=") || a.startsWith("--initial-cluster=")) {
        out.add(a);
      }
    }
    return out.isEmpty() ? "(no join or initial-cluster flag)" : String.join(" ", out);
  }

  private static String flagOr(List<String> args, String name, String fallback) {
    String v = flag(args, name);
    return v.isEmpty() ? fallback : v;
  }

  private static String flag(List<String> args, String name) {
    for (String a : args) {
      if (a.startsWith("--" + name + "=")) {
        return a.substring(name.length() + 3);
      }
    }
    return "";
  }

  // ------------------------------------------------------------------ pd-server

  /**
   * The peer URL pd-server advertises: the start script's {@code --advertise-peer-urls} (its
   * stable DNS name), unless the world gives the pod a wrong one ({@link
   * PodEnv#advertisedPeerUrl}). PD's join adds the member with it (tikv/pd v7.1 join.go:
   * {@code AddEtcdMember(client, []string{cfg.AdvertisePeerUrls})}) and etcd starts with it.
   */
  private String peerUrl() {
    return env.advertisedPeerUrl(namespace, name,
        "http://" + name + "." + tcName + "-pd-peer." + namespace + ".svc:2380");
  }

  private String clientUrl() {
    return "http://" + name + "." + tcName + "-pd-peer." + namespace + ".svc:2379";
  }

  private void startPdServer(List<String> args) {
    DataDirState data = dataDir();
    join = new PdJoin(new PdJoin.Config(name, flag(args, "join"), flag(args, "initial-cluster"),
        clientUrl(), peerUrl(), data.joinFileContent(), data.memberNonEmpty()));
    join(join.start());
  }

  private void join(List<PdJoin.Action> actions) {
    for (PdJoin.Action a : actions) {
      if (a instanceof PdJoin.Action.ListMembers l) {
        call(l.clientUrls(), new ClientOp.MemberList(), l.timeoutMs(), r -> {
          @SuppressWarnings("unchecked")
          List<Member> members = r.ok() ? (List<Member>) r.value() : null;
          join(join.onMembers(members, r.ok() ? null : r.error().message()));
        });
      } else if (a instanceof PdJoin.Action.AddMember m) {
        call(m.clientUrls(), new ClientOp.MemberAdd(List.of(m.peerUrl()), false), m.timeoutMs(),
            r -> join(join.onAdded(r.ok() ? ((AddResult) r.value()).added().id() : 0,
                r.ok() ? null : r.error().message())));
      } else if (a instanceof PdJoin.Action.Sleep s) {
        ctx.setTimer(s.ms() * 1_000, new JoinSleep());
      } else if (a instanceof PdJoin.Action.WriteJoinFile w) {
        ctx.disk().put(JOIN_FILE_KEY, w.content());
      } else if (a instanceof PdJoin.Action.StartEtcd s) {
        startEtcd(s.initialCluster(), s.state());
      } else if (a instanceof PdJoin.Action.Exit x) {
        ctx.log("pd: exit: " + x.error());
        observer.onExit(name, x.error(), ctx.nowUs());
        exit(x.error());
        return;
      }
    }
  }

  /**
   * An etcd client call (clientv3 3.4) over the endpoints {@code urls}, bounded by
   * {@code timeoutMs} (its context). The client waits for a ready connection
   * ({@code FailFast(false)}) and its balancer goes round the endpoints: an endpoint that refuses
   * the connection is left for the next at once, and after a round of refusals the client waits
   * {@link #RECONNECT_BACKOFF_MS} before the next round, until the context ends (then the call
   * fails as timed out). Other answers, errors included, are the call's. A URL naming a Service
   * (tidb-operator v2 joins through {@code <tc>-pd}) goes to a pod it routes to.
   */
  private void call(List<String> urls, ClientOp op, long timeoutMs,
      Consumer<ClientResponse> then) {
    long id = nextCallId++;
    Call c = new Call(then, List.copyOf(urls), op);
    calls.put(id, c);
    send(id);
    c.timeout = ctx.setTimer(timeoutMs * 1_000, new CallTimeout(id));
  }

  /**
   * grpc-go's reconnect back-off before a connection is tried again: {@code BaseDelay} 1 s
   * (grpc-go {@code backoff.DefaultConfig}, the etcd 3.4 client's grpc 1.26).
   */
  static final long RECONNECT_BACKOFF_MS = 1_000;

  /**
   * A call: what takes its answer, its endpoints, its request, how many endpoints it tried, and
   * its timeout (cancelled when the answer comes, so that it does not fire for nothing).
   */
  private static final class Call {
    final Consumer<ClientResponse> then;
    final List<String> urls;
    final ClientOp op;
    int tried;
    io.pdlab.sim.TimerHandle timeout;

    Call(Consumer<ClientResponse> then, List<String> urls, ClientOp op) {
      this.then = then;
      this.urls = urls;
      this.op = op;
    }
  }

  private record Retry(long id) {}

  private void send(long id) {
    Call a = calls.get(id);
    String url = a.urls.get(a.tried % a.urls.size());
    String host = Http.host(url);
    String viaService = env.serviceEndpoint(host.split("\\.")[0]);
    if (viaService == null && !env.resolves(host)) {
      // The dial fails at its lookup (a pod without an address yet, a typo'd name): grpc-go
      // leaves that connection in transient failure and the balancer goes on to the next
      // endpoint at once, as after a refusal (clientv3 3.4 with grpc 1.26: a failed dial of
      // one endpoint never holds a call that another endpoint can take).
      if (ctx.tracing()) {
        ctx.log("pd: etcd client: " + host + " does not resolve");
      }
      refused(id);
      return;
    }
    ctx.send(viaService != null ? viaService : EtcdConfig.endpointOf(url),
        new ClientRequest(id, a.op));
  }

  /** A refused connection: the next endpoint, or after a whole round the back-off first. */
  private void refused(long id) {
    Call a = calls.get(id);
    a.tried++;
    if (a.tried % a.urls.size() == 0) {
      ctx.setTimer(RECONNECT_BACKOFF_MS * 1_000, new Retry(id));
    } else {
      send(id);
    }
  }

  private void startEtcd(String initialCluster, EtcdConfig.State state) {
    String token = directArgs == null ? PdConstants.INITIAL_CLUSTER_TOKEN
        : flagOr(directArgs, "initial-cluster-token", PdConstants.INITIAL_CLUSTER_TOKEN);
    EtcdConfig cfg = new EtcdConfig(name, peerUrl(), clientUrl(),
        EtcdConfig.parseInitialCluster(initialCluster), state, token, timing);
    ctx.log("pd: start etcd state=" + state.name().toLowerCase(java.util.Locale.ROOT)
        + " initial-cluster=" + (initialCluster.isEmpty() ? "(from data)" : initialCluster));
    etcd = engines.create(cfg, observer);
    this.initialCluster = initialCluster;
    etcdStartedUs = ctx.nowUs();
    ctx.listen(); // pd-server's embedded etcd binds its peer port (the start script bound none)
    etcd.onStart(ctx);
    if (!etcd.exited()) {
      armLeaderTick(LEADER_LOOP_US);
    }
  }

  private static final long LEADER_LOOP_US = PdConstants.LEADER_LOOP_MS * 1_000;
  private static final long ETCD_START_TIMEOUT_US = PdConstants.ETCD_START_TIMEOUT_MS * 1_000;

  /** Whether etcd's ReadyNotify wait has passed its timeout (its clock runs from StartEtcd). */
  private boolean etcdStartTimedOut() {
    return ctx.nowUs() - etcdStartedUs > ETCD_START_TIMEOUT_US;
  }

  private void exit(String why) {
    exited = true;
    ctx.exit(why);
  }

  private void armLeaderTick(long delayUs) {
    leaderTickDueUs = ctx.nowUs() + delayUs;
    leaderTick = ctx.setTimer(delayUs, new LeaderLoop());
  }

  /**
   * Whether a tick of the leader loop now would do nothing but set the next one: the loop has
   * nothing to start and nothing to check. Its ticks then change nothing until one of the pod's
   * own events changes what this reads, or until etcd's start timeout is due.
   */
  private boolean leaderLoopIdle() {
    if (!clusterChecked) {
      return checkUrls != null || etcd.clusterId() == 0;
    }
    if (!etcd.ready()) {
      return !etcdStartTimedOut();
    }
    if (requestInFlight) {
      return true;
    }
    return pdClusterId != 0
        && (etcd.isLeader() ? pdLeader : !pdLeader && knownLeader != null);
  }

  /**
   * The end of a leader-loop tick. The loop polls every {@link PdConstants#LEADER_LOOP_MS}; in
   * the model a tick that would find the loop idle is not run when the embedded etcd changes
   * only in this pod's events ({@link EtcdEngine#changesOnlyInItsCalls}): the loop sleeps, and
   * {@link #wakeLeaderLoop} sets the tick of its phase once an event makes it have work. While
   * etcd is not ready, a tick stays set at the first phase after the start timeout.
   */
  private void nextLeaderTick() {
    if (!etcd.changesOnlyInItsCalls() || !leaderLoopIdle()) {
      armLeaderTick(LEADER_LOOP_US);
    } else if (!etcd.ready()) {
      armStartTimeoutTick();
    } else {
      leaderTick = null;
    }
  }

  /** While etcd is not ready: the first tick that finds the start timeout passed. */
  private void armStartTimeoutTick() {
    long from = Math.max(ctx.nowUs(), etcdStartedUs + ETCD_START_TIMEOUT_US);
    armLeaderTick(from - ctx.nowUs() + untilPhase(from));
  }

  /** From now (or {@code fromUs}) to the leader loop's next tick time after it. */
  private long untilPhase(long fromUs) {
    long phaseOriginUs = Math.max(lastTickUs, etcdStartedUs);
    return LEADER_LOOP_US - Math.floorMod(fromUs - phaseOriginUs, LEADER_LOOP_US);
  }

  /** Whether the leader loop may sleep now: it runs, with the simulated etcd. */
  private boolean loopMaySleep() {
    return etcd != null && !exited && !etcd.exited() && etcd.changesOnlyInItsCalls();
  }

  /**
   * When the polling loop's next tick would run, seen from an event now: the next tick time, or
   * now when now is one and the loop's own tick has not run yet at it. On a tick time the polling
   * tick, set a period before, comes after the events scheduled before it was (a request's 10 s
   * timeout set in a tick, for one), so what they leave is taken at once; an event scheduled
   * within the last period that lands exactly on a tick time would come after it (rare, as
   * message delays are drawn to the microsecond).
   */
  private long nextTickUs() {
    long now = ctx.nowUs();
    long until = untilPhase(now);
    return now + (until == LEADER_LOOP_US && lastTickUs != now ? 0 : until);
  }

  /** After each event: a sleeping leader loop that now has work gets its next tick. */
  private void wakeLeaderLoop() {
    if (loopMaySleep() && !leaderLoopIdle()) {
      tickBy(nextTickUs());
    }
  }

  /** A tick at {@code atUs}, unless one is set for then or earlier. */
  private void tickBy(long atUs) {
    if (leaderTick == null || leaderTickDueUs > atUs) {
      if (leaderTick != null) {
        leaderTick.cancel();
      }
      armLeaderTick(atUs - ctx.nowUs());
    }
  }

  /**
   * tikv/pd v7.1 {@code server.go} startEtcd: once {@code embed.StartEtcd} returned (the member's
   * cluster is set up), {@code etcdutil.CheckClusterID} ({@code pkg/utils/etcdutil/etcdutil.go})
   * asks every peer URL of PD's {@code --initial-cluster} (after the join logic: empty when PD
   * starts from its data dir, the join file's list for a joiner, itself when no flag was given;
   * its own URL included) in Go map order (random) for its cluster, one URL at a time, through
   * etcd's {@code GetClusterFromRemotePeers} ({@code GET <peer>/members}, 10 s per request,
   * {@link io.pdlab.pd.etcd.EtcdConstants#REMOTE_MEMBERS_TIMEOUT_MS}). A peer that fails (refused,
   * no answer) is skipped; one that names another cluster ID ends startEtcd with "Etcd cluster ID
   * mismatch, expect L, got R": pd-server exits and its container restarts. Only then does PD
   * wait for etcd to be ready.
   */
  private void startClusterCheck() {
    List<String> urls = new ArrayList<>(EtcdConfig.parseInitialCluster(initialCluster).values());
    for (int i = urls.size() - 1; i > 0; i--) { // Go's randomized map iteration
      int j = (int) ctx.rng().nextLong(i + 1);
      String t = urls.get(i);
      urls.set(i, urls.get(j));
      urls.set(j, t);
    }
    checkUrls = urls;
    askClusterCheck(0);
  }

  private void askClusterCheck(int index) {
    if (index >= checkUrls.size()) {
      checkAsking = -1;
      clusterChecked = true;
      return;
    }
    checkAsking = CLUSTER_CHECK_ID_BASE + index;
    ctx.send(EtcdConfig.endpointOf(checkUrls.get(index)),
        new EtcdMessages.MembersRequest(checkAsking));
    ctx.setTimer(io.pdlab.pd.etcd.EtcdConstants.REMOTE_MEMBERS_TIMEOUT_MS * 1_000,
        new ClusterCheckTimeout(checkAsking));
  }

  private void onClusterCheckReply(long remoteClusterId) {
    int index = (int) (checkAsking - CLUSTER_CHECK_ID_BASE);
    long local = etcd.clusterId();
    if (remoteClusterId != local) {
      checkAsking = -1;
      String why = "Etcd cluster ID mismatch, expect " + Long.toUnsignedString(local) + ", got "
          + Long.toUnsignedString(remoteClusterId);
      ctx.log("pd: exit: " + why + " (from " + checkUrls.get(index) + ")");
      observer.onExit(name, why, ctx.nowUs());
      exit(why);
      return;
    }
    askClusterCheck(index + 1);
  }

  private void leaderLoop() {
    lastTickUs = ctx.nowUs();
    if (!clusterChecked) {
      if (checkUrls == null && etcd.clusterId() != 0) {
        startClusterCheck();
      }
      if (!clusterChecked) {
        // embed.StartEtcd and the check are not bounded by EtcdStartTimeout's context, which
        // only ends the ReadyNotify wait below (its clock runs from before StartEtcd).
        nextLeaderTick();
        return;
      }
    }
    if (!etcd.ready()) {
      if (etcdStartTimedOut()) {
        ctx.log("pd: exit: etcd start timeout");
        exit("etcd start timeout");
        return;
      }
    } else if (!requestInFlight && pdClusterId == 0) {
      // server.go startServer -> initClusterID, once etcd is ready: a Get of the key, then
      // etcdutil.InitOrGetClusterID's Txn creating (unix seconds << 32) + rand.Uint32() if
      // absent, each bounded by DefaultRequestTimeout (10 s). An error ends Run() and pd-server
      // exits ("run server failed"), so its container restarts. (The model's Create is the Get
      // and the Txn in one request, bounded once.)
      long unix = io.pdlab.pd.etcd.EtcdConstants.EPOCH_UNIX_SECONDS + ctx.nowUs() / 1_000_000;
      long candidate = (unix << 32) + ctx.rng().nextLong(1L << 32);
      requestInFlight = true;
      call(List.of(clientUrl()), new ClientOp.Create(PdConstants.CLUSTER_ID_KEY,
          Long.toUnsignedString(candidate)), PdConstants.ETCD_REQUEST_TIMEOUT_MS, r -> {
            requestInFlight = false;
            if (r.ok()) {
              pdClusterId = Long.parseUnsignedLong((String) r.value());
              ctx.log("pd: cluster id " + Long.toUnsignedString(pdClusterId)
                  + (pdClusterId == candidate ? " created" : " found"));
              env.pdClusterId(name, pdClusterId);
            } else {
              String why = "run server failed: init cluster ID: " + r.error().message();
              ctx.log("pd: exit: " + why);
              observer.onExit(name, why, ctx.nowUs());
              exit(why);
            }
          });
    } else if (pdClusterId != 0 && !requestInFlight) {
      boolean etcdLeader = etcd.isLeader();
      if (etcdLeader && !pdLeader) {
        requestInFlight = true;
        call(List.of(clientUrl()), new ClientOp.Put(PdConstants.LEADER_KEY, name),
            timing.requestTimeoutMs(), r -> {
              requestInFlight = false;
              if (r.ok() && etcd.isLeader()) {
                pdLeader = true;
                knownLeader = name;
                ctx.log("pd: became PD leader");
              }
            });
      } else if (!etcdLeader && pdLeader) {
        pdLeader = false;
        knownLeader = null;
        ctx.log("pd: PD leadership lost (not etcd leader)");
      } else if (!etcdLeader && knownLeader == null) {
        // tikv/pd v7.1.0 server/server.go leaderLoop: each turn CheckLeader reads the leader key
        // (member.GetLeader, bounded by etcd's 10 s request timeout); a leader found is then
        // watched (WatchLeader) and is the one the API redirector proxies to. The model reads
        // the key until it names a leader and keeps that name (the watch) until the leader is
        // seen to be gone (servePdApi).
        requestInFlight = true;
        call(List.of(clientUrl()), new ClientOp.Get(PdConstants.LEADER_KEY),
            PdConstants.ETCD_REQUEST_TIMEOUT_MS, r -> {
              requestInFlight = false;
              if (r.ok() && r.value() instanceof String leader && !leader.equals(name)
                  && !pdLeader) {
                knownLeader = leader;
                if (ctx.tracing()) {
                  ctx.log("pd: PD leader is " + leader);
                }
              }
            });
      }
    }
    nextLeaderTick();
  }

  // ------------------------------------------------------------------ events

  @Override
  public void onMessage(ProcessContext ctx, String from, Object message) {
    this.ctx = ctx;
    handleMessage(from, message);
    wakeLeaderLoop();
  }

  private void handleMessage(String from, Object message) {
    if (etcd != null && (message instanceof EtcdMessages.Peer
        || message instanceof EtcdMessages.LinkHeartbeat)) {
      etcd.onMessage(ctx, from, message); // most messages: Raft's, and stream heartbeats
      return;
    }
    if (message instanceof Http.Response r) {
      if (r.id() == httpId && script != null && join == null) {
        httpId++; // answered: a late timeout must not count
        httpTimeout.cancel();
        script(script.onHttpResult(nowMs(), new HttpResult.Response(r.status(), r.body())));
      }
    } else if (message instanceof EtcdMessages.MembersReply r && checkAsking >= 0
        && r.requestId() == checkAsking) {
      onClusterCheckReply(r.clusterId());
    } else if (message instanceof io.pdlab.sim.process.Refusable.Refused f
        && f.message() instanceof EtcdMessages.MembersRequest q && checkAsking >= 0
        && q.requestId() == checkAsking) {
      askClusterCheck((int) (checkAsking - CLUSTER_CHECK_ID_BASE) + 1); // skipped at once
    } else if (message instanceof ClientResponse r && proxied.containsKey(r.requestId())) {
      relay(r);
    } else if (message instanceof PdHttpApi.Request r) {
      servePdApi(from, r);
    } else if (message instanceof io.pdlab.sim.process.Refusable.Refused f
        && f.message() instanceof PdHttpApi.Request q && proxied.containsKey(q.requestId())) {
      relay(new ClientResponse(q.requestId(), EtcdError.CONNECTION_REFUSED, null));
    } else if (message instanceof ClientResponse r) {
      if (r.error() == EtcdError.CONNECTION_REFUSED && calls.containsKey(r.requestId())) {
        refused(r.requestId());
        return;
      }
      if (calls.containsKey(r.requestId()) && env.loseAddAnswer(tcName, r)) {
        return; // applied, but the answer is lost: the call times out
      }
      Call call = calls.remove(r.requestId());
      if (call != null) {
        call.timeout.cancel();
        call.then.accept(r);
      }
    } else if (message instanceof ClientRequest r && etcd == null) {
      // pd-server is not serving yet: the connection is refused at once.
      ctx.send(from, new ClientResponse(r.requestId(), EtcdError.CONNECTION_REFUSED, null));
    } else if (message instanceof io.pdlab.sim.process.Refusable && etcd == null) {
      // etcd's peer port is not bound before pd-server starts it: refused at once as well.
      ctx.send(from, new io.pdlab.sim.process.Refusable.Refused(message));
    } else if (etcd != null && (isEtcdMessage(message)
        || (message instanceof io.pdlab.sim.process.Refusable.Refused f
        && isEtcdMessage(f.message())))) {
      etcd.onMessage(ctx, from, message);
    }
  }

  /**
   * PD's HTTP API behind its redirector (tikv/pd v7.1.0
   * {@code pkg/utils/apiutil/serverapi/middleware.go}, {@link PdHttpApi}): refused before
   * pd-server serves; the leader serves the call; a call already proxied once to a PD that does
   * not lead is refused with 500 "redirect to not leader"; a follower with no leader known answers
   * 503 "no leader"; otherwise it proxies the call to the leader and relays the answer.
   */
  private void servePdApi(String from, PdHttpApi.Request r) {
    if (etcd == null) {
      ctx.send(from, new ClientResponse(r.requestId(), EtcdError.CONNECTION_REFUSED, null));
    } else if (pdLeader) {
      if (r.call() instanceof ClientOp op) {
        etcd.onMessage(ctx, from, new ClientRequest(r.requestId(), op));
      } else if (r.call() == PdHttpApi.PdCall.GET_CLUSTER) {
        ctx.send(from, new ClientResponse(r.requestId(), null, pdClusterId));
      } else {
        ctx.send(from, new ClientResponse(r.requestId(), null, name));
      }
    } else if (r.redirectedBy() != null) {
      ctx.send(from, new ClientResponse(r.requestId(), EtcdError.PD_REDIRECT_TO_NOT_LEADER,
          null));
    } else if (knownLeader == null) {
      ctx.send(from, new ClientResponse(r.requestId(), EtcdError.PD_NO_LEADER, null));
    } else {
      long id = nextCallId++;
      proxied.put(id, new Proxied(from, r.requestId()));
      ctx.send(knownLeader, new PdHttpApi.Request(id, r.call(), name));
    }
  }

  /**
   * The leader's answer to a proxied call goes back to the caller. A leader that refused the
   * connection or no longer leads is forgotten (the model's stand-in for the leader watch seeing
   * the key change: its lease is not modelled), and the caller gets 500 "redirect failed" or
   * "redirect to not leader" (tikv/pd v7.1.0 {@code apiutil.go} customReverseProxies).
   */
  private void relay(ClientResponse r) {
    Proxied p = proxied.remove(r.requestId());
    EtcdError error = r.error();
    if (error == EtcdError.CONNECTION_REFUSED || error == EtcdError.PD_REDIRECT_TO_NOT_LEADER) {
      knownLeader = null;
      if (error == EtcdError.CONNECTION_REFUSED) {
        error = EtcdError.PD_REDIRECT_FAILED;
      }
    }
    ctx.send(p.client(), new ClientResponse(p.requestId(), error, r.value()));
  }

  private static boolean isEtcdMessage(Object m) {
    return ETCD_MESSAGE.get(m.getClass());
  }

  /** Whether a class is one of {@link EtcdMessages}' (getEnclosingClass is slow: kept per class). */
  private static final ClassValue<Boolean> ETCD_MESSAGE = new ClassValue<>() {
    @Override
    protected Boolean computeValue(Class<?> type) {
      return type.getEnclosingClass() == EtcdMessages.class;
    }
  };

  /**
   * A pause holds the polling loop's pending tick and runs it at the resume, in its place among
   * the held events; a sleeping loop sets that tick now (in place of a later start-timeout tick),
   * so that the pause holds it the same way.
   */
  @Override
  public void onPause(ProcessContext ctx) {
    this.ctx = ctx;
    if (loopMaySleep()) {
      tickBy(nextTickUs());
    }
  }

  @Override
  public void onTimer(ProcessContext ctx, Object tag) {
    this.ctx = ctx;
    handleTimer(tag);
    wakeLeaderLoop();
  }

  private void handleTimer(Object tag) {
    if (tag instanceof ScriptSleep) {
      script(script.onSleepDone(nowMs()));
    } else if (tag instanceof HttpTimeout t) {
      if (t.id() == httpId && join == null) {
        httpId++;
        script(script.onHttpResult(nowMs(), new HttpResult.Timeout()));
      }
    } else if (tag instanceof JoinSleep) {
      join(join.onSleepDone());
    } else if (tag instanceof Retry r) {
      if (calls.containsKey(r.id())) {
        send(r.id());
      }
    } else if (tag instanceof CallTimeout t) {
      Call call = calls.remove(t.id());
      if (call != null) {
        call.then.accept(new ClientResponse(t.id(), EtcdError.REQUEST_TIMED_OUT, null));
      }
    } else if (tag instanceof ClusterCheckTimeout t) {
      if (t.id() == checkAsking) {
        askClusterCheck((int) (checkAsking - CLUSTER_CHECK_ID_BASE) + 1);
      }
    } else if (tag instanceof LeaderLoop) {
      leaderLoop();
    } else if (etcd != null) {
      etcd.onTimer(ctx, tag); // every other timer is the embedded etcd's
    }
  }
}
