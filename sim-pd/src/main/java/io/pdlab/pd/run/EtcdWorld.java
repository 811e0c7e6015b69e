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
import io.pdlab.sim.Event;
import io.pdlab.sim.RunResult;
import io.pdlab.sim.Simulation;
import io.pdlab.sim.process.Process;
import io.pdlab.sim.process.ProcessFactory;
import io.pdlab.sim.process.ProcessState;
import io.pdlab.sim.trace.TraceRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A simulated world of etcd (or PD) members with a client, a recorder and the measures of
 * protocols.md section 4. Availability and fault tolerance are sampled every
 * {@link #SAMPLE_INTERVAL_US} once measuring starts; the bootstrap time is exact when the run is
 * driven with {@link #runUntilBootstrapped}.
 */
public final class EtcdWorld implements MemberTracker {
  /** Resolution of the availability measures (a measurement choice, not a model parameter). */
  public static final long SAMPLE_INTERVAL_US = 10_000;
  /** The client gives up on a request after this long (etcd clients' default dial+request). */
  public static final long CLIENT_TIMEOUT_US = 30_000_000;
  public static final String CLIENT = "client";

  private final Simulation sim;
  private final ClusterRecorder recorder = new ClusterRecorder();
  private final List<String> expected = new ArrayList<>();
  private final EtcdClient client = new EtcdClient(CLIENT_TIMEOUT_US);
  private boolean requirePdClusterId;
  private long startUs = -1;
  private long bootstrappedAtUs = -1;
  private long unavailableUs;
  private long zeroToleranceUs;
  private boolean sampling;

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
    sim.addProcess(CLIENT, n -> client);
    sim.start(CLIENT);
  }

  /** Counts an existing process as a member the cluster should end up with. */
  @Override
  public void expect(String name) {
    if (!expected.contains(name)) {
      expected.add(name);
      bootstrappedAtUs = -1;
      cachedHealth = null;
    }
  }

  /** No longer counts {@code name} (a scaled-in member). */
  @Override
  public void unexpect(String name) {
    expected.remove(name);
    cachedHealth = null;
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
    bootstrappedAtUs = -1; // N grew: bootstrap means all of them
    cachedHealth = null;
  }

  /** The members the cluster should end up with, in the order they were added. */
  public List<String> expected() {
    return List.copyOf(expected);
  }

  /** At least this many members must be expected, voting and started (0: all expected). */
  private int desiredSize;

  /**
   * The size the cluster is meant to reach. Members join the expected set as their containers
   * start, so without this a member that never starts would not count against bootstrap.
   */
  public void expectSize(int n) {
    desiredSize = n;
    bootstrappedAtUs = -1;
  }

  /** PD runs: bootstrap also needs the PD cluster ID written. */
  public void requirePdClusterId(boolean on) {
    requirePdClusterId = on;
  }

  /** The etcd member inside process {@code name}, or null while it has none or is down. */
  public EtcdMember etcd(String name) {
    Process p = sim.instance(name);
    return p instanceof EtcdHolder h ? h.etcd() : null;
  }

  /** Starts the measures' clock now and samples availability from now on. */
  public void startMeasuring() {
    if (startUs >= 0) {
      return;
    }
    startUs = sim.nowUs();
    sampling = true;
    sim.schedule(SAMPLE_INTERVAL_US, sampler);
  }

  /** One event object that reschedules itself: sampling allocates nothing per sample. */
  private final Event sampler = new Event() {
    @Override
    protected void fire() {
      sample();
    }
  };

  private void sample() {
    noteBootstrap();
    if (!recorder.formedAtUs().isEmpty()) {
      Health h = health();
      if (!h.serving) {
        unavailableUs += SAMPLE_INTERVAL_US;
      }
      if (!h.serving || h.healthyVoters < h.quorum + 1) {
        zeroToleranceUs += SAMPLE_INTERVAL_US;
      }
    }
    if (sampling) {
      sim.schedule(SAMPLE_INTERVAL_US, sampler);
    }
  }

  private void noteBootstrap() {
    if (bootstrappedAtUs < 0 && startUs >= 0 && bootstrapped()) {
      bootstrappedAtUs = sim.nowUs();
    }
  }

  /** When the world first bootstrapped, from the start of measuring; -1 if not (yet). */
  public long bootstrappedAtUs() {
    noteBootstrap();
    return bootstrappedAtUs < 0 ? -1 : bootstrappedAtUs - startUs;
  }

  /**
   * Runs until bootstrapped (exact to the event), or the budget ends. The predicate is evaluated
   * when the recorder saw something new (a role, an applied entry, a membership change); the
   * availability sampler catches what only the network changed.
   */
  public RunResult runUntilBootstrapped() {
    startMeasuring();
    long[] seen = {-1};
    return sim.run(() -> {
      if (recorder.changes() != seen[0]) {
        seen[0] = recorder.changes();
        noteBootstrap();
      }
      return bootstrappedAtUs >= 0;
    });
  }

  /** Runs until {@code timeUs}, measuring. */
  public RunResult runUntil(long timeUs) {
    startMeasuring();
    return sim.runUntil(timeUs);
  }

  /** What the serving leader (if any) can count on right now. */
  record Health(boolean serving, int quorum, int healthyVoters, EtcdMember leader) {}

  /** The last computed health and the change counts it was computed at. */
  private Health cachedHealth;
  private long cachedRecorderChanges = -1;
  private long cachedWorldChanges = -1;

  /** {@link #computeHealth}, recomputed only when a member, a process or a link changed. */
  Health health() {
    if (cachedHealth == null || recorder.changes() != cachedRecorderChanges
        || sim.changes() != cachedWorldChanges) {
      cachedHealth = computeHealth();
      cachedRecorderChanges = recorder.changes();
      cachedWorldChanges = sim.changes();
    }
    return cachedHealth;
  }

  private Health computeHealth() {
    Health best = new Health(false, 0, 0, null);
    for (String name : expected) {
      EtcdMember l = etcd(name);
      if (l == null || l.raft() == null || !l.isLeader()
          || sim.state(name) != ProcessState.RUNNING) {
        continue;
      }
      int quorum = l.raft().voters().size() / 2 + 1;
      int connected = 0;
      int healthy = 0;
      for (long v : l.raft().voters()) {
        Member m = l.membership().get(v);
        if (m == null || m.peerUrls().isEmpty()) {
          continue;
        }
        String ep = EtcdConfig.endpointOf(m.peerUrls().get(0));
        boolean up = v == l.memberId() || (sim.hasProcess(ep)
            && sim.state(ep) == ProcessState.RUNNING && etcd(ep) != null
            && etcd(ep).clusterId() == l.clusterId()
            && sim.network().isUp(name, ep) && sim.network().isUp(ep, name));
        if (up) {
          connected++;
          if (m.started()) {
            healthy++;
          }
        }
      }
      if (connected >= quorum && (!best.serving || healthy > best.healthyVoters)) {
        best = new Health(true, quorum, healthy, l);
      }
    }
    return best;
  }

  /**
   * All expected members voting and started in one cluster with one serving leader (and, for PD,
   * a PD cluster ID written).
   */
  public boolean bootstrapped() {
    if (recorder.formedAtUs().size() != 1 || expected.size() < desiredSize) {
      return false;
    }
    if (requirePdClusterId && recorder.pdClusterIds().isEmpty()) {
      return false;
    }
    Health h = health();
    if (!h.serving || h.leader.raft().voters().size() != expected.size()
        || !h.leader.raft().learners().isEmpty() || h.healthyVoters != expected.size()) {
      return false;
    }
    for (String name : expected) {
      EtcdMember e = etcd(name);
      if (e == null || e.raft() == null || e.clusterId() != h.leader.clusterId()
          || !h.leader.raft().voters().contains(e.memberId())) {
        return false;
      }
    }
    return true;
  }

  /**
   * Acknowledged writes that are gone. With a serving leader, a write survives if it is in that
   * leader's log (Raft's Leader Completeness: every committed entry is); with none, if any
   * member's disk still holds it (a crash keeps logs; a wipe loses them).
   */
  public List<String> lostWrites() {
    List<String> lost = new ArrayList<>();
    Health h = health();
    List<String> holders = new ArrayList<>();
    if (h.serving) {
      holders.add(h.leader.name());
    } else {
      holders.addAll(expected);
    }
    for (ClusterRecorder.Ack a : recorder.acks()) {
      Entry want = a.entry();
      boolean found = false;
      for (String name : holders) {
        RaftStorage s = sim.disk(name).get(EtcdMember.WAL_KEY);
        if (s != null && s.clusterId() == a.clusterId() && s.lastIndex() >= a.index()
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
    noteBootstrap();
    List<String> lost = lostWrites();
    Outcome outcome;
    Health h = health();
    if (!lost.isEmpty()) {
      outcome = Outcome.DATA_LOSS;
    } else if (recorder.formedAtUs().size() > 1 || recorder.pdClusterIds().size() > 1) {
      outcome = Outcome.SPLIT_BRAIN;
    } else if (!h.serving) {
      outcome = Outcome.STUCK;
    } else if (!bootstrapped()) {
      outcome = Outcome.DEGRADED;
    } else {
      outcome = Outcome.OK;
    }
    long boot = bootstrappedAtUs < 0 ? -1 : bootstrappedAtUs - startUs;
    return new RunMeasures(boot, unavailableUs, zeroToleranceUs,
        new ArrayList<>(recorder.formedAtUs().keySet()), new ArrayList<>(recorder.pdClusterIds()),
        lost, recorder.timeline(), outcome, recorder.joins());
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
