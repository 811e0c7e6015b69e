package io.pdlab.pd.run;

import io.pdlab.pd.etcd.Entry;
import io.pdlab.pd.etcd.EtcdConfig;
import io.pdlab.pd.etcd.EtcdHolder;
import io.pdlab.pd.etcd.EtcdMember;
import io.pdlab.pd.etcd.EtcdTiming;
import io.pdlab.pd.etcd.Member;
import io.pdlab.pd.etcd.Raft;
import io.pdlab.pd.etcd.RaftStorage;
import io.pdlab.sim.Budget;
import io.pdlab.sim.RunResult;
import io.pdlab.sim.Simulation;
import io.pdlab.sim.World;
import io.pdlab.sim.process.Process;
import io.pdlab.sim.process.ProcessFactory;
import io.pdlab.sim.process.ProcessState;
import io.pdlab.sim.trace.TraceRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * A simulated world of etcd (or PD) members with a client, a recorder and the measures of
 * protocols.md section 4, exact to the event: once measuring starts, the members are observed
 * after every event that changed something they report (a role, an applied entry, a membership,
 * a process's or a link's state), and each span between two observations is accounted as
 * available or not by the health the first of them found. The bootstrap time is exact when the
 * run is driven with {@link #runUntilBootstrapped}.
 */
public final class EtcdWorld implements MemberTracker {
  /** The client gives up on a request after this long (etcd clients' default dial+request). */
  public static final long CLIENT_TIMEOUT_US = 30_000_000;
  public static final String CLIENT = "client";

  private final Simulation sim;
  private final ClusterRecorder recorder = new ClusterRecorder();
  private final List<String> expected = new ArrayList<>();
  private final EtcdClient client = new EtcdClient(CLIENT_TIMEOUT_US);
  /** The name of the one cluster of a run measured as one. */
  private static final String ONE = "";
  /**
   * The measures' rules, shared with the real backends, fed views of the model's members: one
   * classifier per cluster, by cluster name; a run measured as one has a single one under
   * {@link #ONE}. Two clusters are two cluster IDs, not a split-brain.
   */
  private final TreeMap<String, ClusterClassifier> clusters = new TreeMap<>();

  /**
   * {@link #clusters}' values in its order, for the loops that run at every observation (an
   * array: no iterator each time).
   */
  private ClusterClassifier[] classifiers;

  {
    clusters.put(ONE, new ClusterClassifier(0, false));
    classifiers = clusters.values().toArray(new ClusterClassifier[0]);
  }
  /** Which cluster a member belongs to (null: none of them). */
  private Function<String, String> clusterOf = n -> ONE;
  private long startUs = -1;
  /** The time up to which the classifiers have accounted availability. */
  private long accountedUs = -1;

  public EtcdWorld(long seed, Budget budget, boolean traceEnabled) {
    this(new Simulation(seed, budget, traceEnabled));
  }

  /**
   * Measures members that another driver (a Kubernetes model) creates in {@code sim}; tell it
   * which with {@link #expect}.
   */
  public EtcdWorld(Simulation sim) {
    this.sim = sim;
    sim.addInvariant(recorder.safety());
    // A wipe starts a member's Raft state over; the recorder's per-member checks must know.
    sim.addLifecycleListener(new World.LifecycleListener() {
      @Override
      public void wiped(String process) {
        recorder.onWiped(process);
      }
    });
    sim.addProcess(CLIENT, n -> client);
    sim.start(CLIENT);
    sim.afterEachEvent(this::observe);
  }

  /** Counts an existing process as a member the cluster should end up with. */
  @Override
  public void expect(String name) {
    if (!expected.contains(name)) {
      expected.add(name);
      stale = true;
    }
  }

  /** No longer counts {@code name} (a scaled-in member). */
  @Override
  public void unexpect(String name) {
    expected.remove(name);
    stale = true;
  }

  public Simulation sim() {
    return sim;
  }

  public ClusterRecorder recorder() {
    return recorder;
  }

  @Override
  public io.pdlab.pd.etcd.EtcdObserver observer() {
    return recorder;
  }

  @Override
  public void pdClusterId(String pod, long id) {
    recorder.onPdClusterId(id);
    EtcdMember e = etcd(pod);
    ClusterClassifier c = clusters.get(clusterOf.apply(pod));
    if (c != null) {
      c.pdClusterId(e == null ? 0 : e.clusterId(), id);
    }
    stale = true;
  }

  public EtcdClient client() {
    return client;
  }

  public static String peerUrl(String name) {
    return "http://" + name + ":2380";
  }

  public static String clientUrl(String name) {
    return "http://" + name + ":2379";
  }

  /** The initial-cluster map of {@code names}. */
  public static Map<String, String> initialCluster(List<String> names) {
    Map<String, String> ic = new LinkedHashMap<>();
    for (String n : names) {
      ic.put(n, peerUrl(n));
    }
    return ic;
  }

  /** A member's flags with the default URLs. */
  public static EtcdConfig config(String name, Map<String, String> initialCluster,
      EtcdConfig.State state, String token, EtcdTiming timing) {
    return new EtcdConfig(name, peerUrl(name), clientUrl(name), initialCluster, state, token,
        timing);
  }

  /** Adds members that bootstrap statically together (state new, the full list). Not started. */
  public void addStatic(List<String> names, EtcdTiming timing, String token) {
    Map<String, String> ic = initialCluster(names);
    for (String n : names) {
      addMember(config(n, ic, EtcdConfig.State.NEW, token, timing));
    }
  }

  /** Adds one etcd member process (not started) and expects it in the cluster. */
  public void addMember(EtcdConfig cfg) {
    addProcess(cfg.name(), n -> new EtcdMember(cfg, recorder));
  }

  /** Adds a process that holds an etcd member (e.g. PD) and expects it in the cluster. */
  public void addProcess(String name, ProcessFactory factory) {
    sim.addProcess(name, factory);
    expected.add(name);
    stale = true;
  }

  /** The members the cluster should end up with, in the order they were added. */
  public List<String> expected() {
    return List.copyOf(expected);
  }

  /**
   * The size the cluster is meant to reach. Members join the expected set as their containers
   * start, so without this a member that never starts would not count against bootstrap.
   */
  public void expectSize(int n) {
    one().desiredSize(n);
    stale = true;
  }

  /** The classifier of a run measured as one. */
  private ClusterClassifier one() {
    ClusterClassifier c = clusters.get(ONE);
    if (c == null) {
      throw new IllegalStateException("measured cluster by cluster: each cluster's size and PD"
          + " requirement come with measureCluster");
    }
    return c;
  }

  /**
   * Measures a run of several clusters cluster by cluster: {@code cluster} is meant to reach
   * {@code desiredSize} members and, with {@code requirePdClusterId}, a PD cluster ID; {@code
   * of} names the cluster of each member (the same function for every call). A run that never
   * calls this is measured as one cluster ({@link #expectSize}, {@link #requirePdClusterId}).
   */
  public void measureCluster(String cluster, int desiredSize, boolean requirePdClusterId,
      Function<String, String> of) {
    clusters.remove(ONE);
    clusters.put(cluster, new ClusterClassifier(desiredSize, requirePdClusterId));
    classifiers = clusters.values().toArray(new ClusterClassifier[0]);
    clusterOf = of;
    stale = true;
  }

  /** PD runs: bootstrap also needs the PD cluster ID written. */
  public void requirePdClusterId(boolean on) {
    one().requirePdClusterId(on);
    stale = true;
  }

  /** The etcd member inside process {@code name}, or null while it has none or is down. */
  public EtcdMember etcd(String name) {
    Process p = sim.instance(name);
    return p instanceof EtcdHolder h ? h.etcd() : null;
  }

  /** Starts the measures' clock now and accounts availability from now on. */
  public void startMeasuring() {
    if (startUs >= 0) {
      return;
    }
    startUs = sim.nowUs();
    accountedUs = startUs;
  }

  /**
   * Accounts the span since the last accounting with the health found by the last observation
   * (which held all along: nothing changed since, or it would have been observed).
   */
  private void account() {
    long now = sim.nowUs();
    if (now > accountedUs) {
      for (ClusterClassifier c : classifiers) {
        ClusterClassifier.Health h = c.health();
        c.account(now - accountedUs, h.serving(), h.tolerant());
      }
      accountedUs = now;
    }
  }

  /**
   * When the world first bootstrapped, from the start of measuring; -1 if not (yet). With
   * several clusters, when the last of them did.
   */
  public long bootstrappedAtUs() {
    // Once set, a bootstrap time stays unless an expectation changes (which makes the views
    // stale); until every cluster has one, observe at each ask.
    boolean ask = stale;
    for (ClusterClassifier c : classifiers) {
      ask |= c.bootstrappedAtUs() < 0;
    }
    if (ask) {
      observe();
    }
    long last = 0;
    for (ClusterClassifier c : classifiers) {
      if (c.bootstrappedAtUs() < 0) {
        return -1;
      }
      last = Math.max(last, c.bootstrappedAtUs());
    }
    return last;
  }

  /**
   * Runs until bootstrapped (exact to the event), or the budget ends. The predicate is evaluated
   * before each event; it observes only when something changed since the last observation.
   */
  public RunResult runUntilBootstrapped() {
    startMeasuring();
    return sim.run(() -> bootstrappedAtUs() >= 0);
  }

  /** Runs until {@code timeUs}, measuring. */
  public RunResult runUntil(long timeUs) {
    startMeasuring();
    return sim.runUntil(timeUs);
  }

  /** An expectation changed since the last observation: observe again whatever the counts. */
  private boolean stale = true;
  /** The recorder's and the world's change counts at the last observation. */
  private long observedRecorderChanges;
  private long observedWorldChanges;
  /** Formations the recorder had at the last observation (its map only grows). */
  private int formationsFed;
  private final Map<String, MemberView> views = new LinkedHashMap<>();

  /**
   * Gives the classifier the members' views now, unless nothing changed since the last time (no
   * member, process or link did, and no expectation). Elections the recorder saw between two
   * observations count as formations at their own time. Nothing is observed before measuring
   * starts; times are from its start.
   */
  private void observe() {
    if (startUs < 0) {
      return;
    }
    if (!stale && observedRecorderChanges == recorder.changes()
        && observedWorldChanges == sim.changes()) {
      return; // the same views would give the same verdicts
    }
    account(); // until now, by what held since the last observation
    if (recorder.formedAtUs().size() != formationsFed) {
      for (Map.Entry<Long, Long> f : recorder.formedAtUs().entrySet()) {
        ClusterClassifier c = clusters.get(clusterOf.apply(recorder.firstLeader(f.getKey())));
        if (c != null) {
          c.formed(f.getKey(), Math.max(0, f.getValue() - startUs));
        }
      }
      formationsFed = recorder.formedAtUs().size();
    }
    views.clear();
    for (String name : expected) {
      views.put(name, view(name));
    }
    for (Map.Entry<String, ClusterClassifier> c : clusters.entrySet()) {
      c.getValue().observe(sim.nowUs() - startUs, expectedIn(c.getKey()), views);
    }
    observedRecorderChanges = recorder.changes();
    observedWorldChanges = sim.changes();
    stale = false;
  }

  /**
   * What member {@code name} reports: it answers while its process runs and it is in a cluster.
   * The simulator knows more than a member does: a follower cut off from its leader still names
   * it until its election timeout, so the view names a leader only while the links to and from
   * it are up (the leader itself always names itself).
   */
  private MemberView view(String name) {
    EtcdMember e = etcd(name);
    if (e == null || e.raft() == null || sim.state(name) != ProcessState.RUNNING) {
      return MemberView.Of.down(name);
    }
    long lead = e.raft().lead();
    if (lead != 0 && lead != e.memberId()) {
      String ep = e.endpointInMembership(lead);
      if (ep == null || !sim.hasProcess(ep) || !sim.network().isUp(name, ep)
          || !sim.network().isUp(ep, name)) {
        lead = 0;
      }
    }
    return new ModelView(name, e, lead);
  }

  /**
   * A member's view read off the model; its member list is copied only when asked for, once.
   * Views live for one observation (the next change makes new ones).
   */
  private static final class ModelView implements MemberView {
    private final String name;
    private final EtcdMember e;
    private final long leaderId;
    private List<Member> members;

    ModelView(String name, EtcdMember e, long leaderId) {
      this.name = name;
      this.e = e;
      this.leaderId = leaderId;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public long leaderId() {
      return leaderId;
    }

    @Override
    public boolean answering() {
      return true;
    }

    @Override
    public long clusterId() {
      return e.clusterId();
    }

    @Override
    public long memberId() {
      return e.memberId();
    }

    @Override
    public long raftTerm() {
      return e.raft().term();
    }

    @Override
    public long raftIndex() {
      return e.raft().lastIndex();
    }

    @Override
    public List<Member> members() {
      if (members == null) {
        members = List.copyOf(e.membership().members().values());
      }
      return members;
    }
  }

  /** The expected members of {@code cluster}, in the order they were added. */
  private List<String> expectedIn(String cluster) {
    if (cluster.equals(ONE)) {
      return expected; // a run measured as one: every member (no copy on the observation path)
    }
    List<String> out = new ArrayList<>();
    for (String name : expected) {
      if (cluster.equals(clusterOf.apply(name))) {
        out.add(name);
      }
    }
    return out;
  }

  /**
   * The health at the last observation ({@link ClusterClassifier#health}); with several
   * clusters, the first cluster's.
   */
  public ClusterClassifier.Health health() {
    observe();
    return clusters.firstEntry().getValue().health();
  }

  /** Whether the expected members (of every cluster) are bootstrapped now. */
  public boolean bootstrapped() {
    observe();
    return clusters.values().stream().allMatch(ClusterClassifier::bootstrappedNow);
  }

  /**
   * Acknowledged writes that are gone. With a serving leader, a write survives if it is in that
   * leader's log (Raft's Leader Completeness: every committed entry is); with none, if any
   * member's disk still holds it (a crash keeps logs; a wipe loses them).
   */
  public List<String> lostWrites() {
    observe();
    List<String> lost = new ArrayList<>();
    for (String cluster : clusters.keySet()) {
      lost.addAll(lostWrites(cluster));
    }
    return lost;
  }

  /** The writes acknowledged by members of {@code cluster} that are gone. */
  private List<String> lostWrites(String cluster) {
    ClusterClassifier.Health h = clusters.get(cluster).health();
    List<String> lost = new ArrayList<>();
    List<String> holders = new ArrayList<>();
    if (h.serving()) {
      holders.add(h.leaderName());
    } else {
      holders.addAll(expectedIn(cluster));
    }
    for (ClusterRecorder.Ack a : recorder.acks()) {
      if (!cluster.equals(clusterOf.apply(a.member()))) {
        continue;
      }
      Entry want = a.entry();
      boolean found = false;
      for (String name : holders) {
        // (a real member's marker is no RaftStorage: its WAL is in its real data directory)
        Object wal = sim.disk(name).get(EtcdMember.WAL_KEY);
        if (wal instanceof RaftStorage s && s.clusterId() == a.clusterId() && s.lastIndex() >= a.index()
            && s.entry(a.index()).equals(want)) {
          found = true;
          break;
        }
      }
      if (!found) {
        lost.add(a.key() + "=" + a.value() + " (acked by " + a.member() + " at "
            + TraceRecord.formatTime(a.timeUs()) + "s, index " + a.index() + ")");
      }
    }
    return lost;
  }

  /** The measures and outcome of the run so far. */
  public RunMeasures measures() {
    observe();
    account();
    if (clusters.containsKey(ONE)) {
      return one().measures(lostWrites(ONE), recorder.timeline(), recorder.joins());
    }
    return RunMeasures.ofClusters(clusterMeasures(), recorder.timeline(), recorder.joins());
  }

  /**
   * Each cluster's measures, by cluster name, in a run of several ({@link #measureCluster});
   * empty for a run of one. The timeline and joins are the whole run's.
   */
  public SortedMap<String, RunMeasures> clusterMeasures() {
    observe();
    account();
    TreeMap<String, RunMeasures> out = new TreeMap<>();
    if (clusters.containsKey(ONE)) {
      return out;
    }
    for (Map.Entry<String, ClusterClassifier> c : clusters.entrySet()) {
      out.put(c.getKey(), c.getValue().measures(lostWrites(c.getKey()), recorder.timeline(),
          recorder.joins()));
    }
    return out;
  }

  /** One line per expected member: state, role, term, cluster, commit, membership view. */
  public String status() {
    StringBuilder sb = new StringBuilder();
    for (String name : expected) {
      EtcdMember e = etcd(name);
      sb.append(name).append(' ').append(sim.state(name).name().toLowerCase(java.util.Locale.ROOT));
      if (e != null && e.raft() != null) {
        Raft r = e.raft();
        sb.append(' ').append(r.role().name().toLowerCase(java.util.Locale.ROOT))
            .append(" term=").append(r.term())
            .append(" commit=").append(r.commit())
            .append(" voters=").append(r.voters().size())
            .append(" learners=").append(r.learners().size())
            .append(e.ready() ? " ready" : " not-ready");
      } else if (e != null) {
        sb.append(" joining");
      }
      sb.append('\n');
    }
    return sb.toString();
  }
}
