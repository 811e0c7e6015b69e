package io.pdlab.real.client;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.pdlab.pd.etcd.MemberIds;
import io.pdlab.pd.run.RunMeasures;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/**
 * The real backend's counterpart of {@code EtcdWorld}'s measures: the same {@link RunMeasures},
 * observed from outside a real etcd (or PD) cluster through its client API only.
 *
 * <p>Once {@linkplain #start started}, one daemon thread ({@code pdlab-measures}) ticks every
 * {@link Settings#intervalMs} (50 ms) and
 * <ul>
 *   <li>polls each expected member of the {@link MemberDirectory} (member list with its cluster
 *       and member ID, maintenance status with leader, term and index; PD runs also read
 *       {@code /pd/cluster_id}), each call with a {@link Settings#pollDeadlineMs} deadline;
 *   <li>starts a probe write of {@link #PROBE_KEY} (a counter) through a reachable member, one at
 *       a time, with a {@link Settings#probeDeadlineMs} deadline (see {@link WriteProbe});
 *   <li>feeds what it saw to a {@link StatusAggregator}, whose javadoc defines every measure
 *       (formation, bootstrap, unavailable and zero-tolerance intervals, cluster IDs, PD cluster
 *       IDs, lost writes, timeline, joins, outcome).
 * </ul>
 * Intervals are closed one interval late (and never past a probe write in flight), so the health
 * observed at an interval's end and the outcome of the write covering it are both known. Lost writes are found two ways: each probe write returns the
 * value it replaced, and {@link #measures()} and {@link #stop()} read the key linearizably in each
 * cluster that acknowledged a probe (a cluster none of whose members answers the read is not
 * judged). Joins are derived from the member lists seen (added = first seen, started = first seen
 * with a name), at the resolution of one poll.
 *
 * <p>The expected set is live: the directory is asked on every tick, so there is no
 * {@code expect}/{@code unexpect}; the bootstrap time follows {@code ClusterClassifier}'s rule
 * (with a desired size, members added after bootstrap do not move it), as in {@code EtcdWorld}.
 *
 * <p>Thread-safe: every method may be called from any thread. {@link #measures()} blocks for the
 * lost-write reads (at most about two {@link Settings#readDeadlineMs}); the rest does not block
 * except {@link #stop()} and {@link #close()}. The clock must be thread-safe and monotonic.
 */
public final class ExternalMeasures implements AutoCloseable {
  /** The key the probe writes. */
  public static final String PROBE_KEY = "/pdlab/probe";

  private static final System.Logger LOG = System.getLogger(ExternalMeasures.class.getName());

  /**
   * Timing of the observation.
   *
   * @param intervalMs tick period, availability interval and poll period
   * @param probeDeadlineMs a probe write's deadline, fail-over included
   * @param pollDeadlineMs each status call's deadline
   * @param readDeadlineMs each lost-write read's deadline
   * @param connectTimeoutMs TCP connect timeout
   */
  public record Settings(long intervalMs, long probeDeadlineMs, long pollDeadlineMs,
      long readDeadlineMs, long connectTimeoutMs) {
    public Settings {
      if (intervalMs <= 0 || probeDeadlineMs <= 0 || pollDeadlineMs <= 0 || readDeadlineMs <= 0
          || connectTimeoutMs <= 0) {
        throw new IllegalArgumentException("all settings must be positive: " + intervalMs + ", "
            + probeDeadlineMs + ", " + pollDeadlineMs + ", " + readDeadlineMs + ", "
            + connectTimeoutMs);
      }
    }

    /** 50 ms intervals, 300 ms probe deadline, 250 ms polls, 1 s reads, 500 ms connects. */
    public static Settings defaults() {
      return new Settings(50, 300, 250, 1_000, 500);
    }
  }

  /**
   * What the probe did so far.
   *
   * @param sent probe writes started
   * @param acked acknowledged
   * @param failed not acknowledged within the deadline (refused, timed out, or errors)
   * @param meanLatencyUs mean time from start to acknowledgement (-1: none yet)
   * @param maxLatencyUs longest such time (-1: none yet)
   * @param lastLatencyUs the last such time (-1: none yet)
   * @param lastError why the last failed write failed (null: none failed)
   */
  public record ProbeStats(long sent, long acked, long failed, long meanLatencyUs,
      long maxLatencyUs, long lastLatencyUs, String lastError) {}

  private enum State { NEW, RUNNING, STOPPED, CLOSED }

  private final MemberDirectory directory;
  private final LongSupplier nowUs;
  private final Settings settings;
  private final Object lock = new Object();
  private final StatusAggregator aggregator;
  private final MemberRpc rpc;
  private final ClusterStatusPoller poller;
  private final WriteProbe probe;
  private ScheduledExecutorService scheduler;
  private ScheduledFuture<?> ticks;
  private State state = State.NEW;
  private RunMeasures last;

  /**
   * @param directory the expected members and where they serve clients now
   * @param desiredSize the size the cluster is meant to reach (as {@code EtcdWorld.expectSize};
   *     0: whatever the directory lists)
   * @param requirePdClusterId PD runs: bootstrap also needs {@code /pd/cluster_id} present
   * @param nowUs the run's clock: wall-clock microseconds since the run's start
   */
  public ExternalMeasures(MemberDirectory directory, int desiredSize, boolean requirePdClusterId,
      LongSupplier nowUs) {
    this(directory, desiredSize, requirePdClusterId, nowUs, Settings.defaults());
  }

  public ExternalMeasures(MemberDirectory directory, int desiredSize, boolean requirePdClusterId,
      LongSupplier nowUs, Settings settings) {
    this.directory = Objects.requireNonNull(directory, "directory");
    this.nowUs = Objects.requireNonNull(nowUs, "nowUs");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.aggregator = new StatusAggregator(desiredSize, requirePdClusterId,
        settings.intervalMs() * 1_000);
    this.rpc = new MemberRpc(settings.connectTimeoutMs());
    this.poller = new ClusterStatusPoller(rpc, nowUs, settings.pollDeadlineMs(),
        requirePdClusterId ? (cluster, id) -> {
          synchronized (lock) {
            aggregator.pdClusterIdRead(cluster, id);
          }
        } : null);
    // Counters start at the wall clock in microseconds, so a later run against the same cluster
    // still writes higher values than an earlier one.
    this.probe = new WriteProbe(rpc, nowUs, settings.probeDeadlineMs(), lock, aggregator,
        System.currentTimeMillis() * 1_000);
  }

  /** Starts polling and probing on a daemon thread. Does nothing if already running. */
  public synchronized void start() {
    if (state == State.RUNNING) {
      return;
    }
    if (state != State.NEW) {
      throw new IllegalStateException("the measures were " + state.name().toLowerCase(java.util.Locale.ROOT)
          + "; make a new ExternalMeasures for a new run");
    }
    scheduler = Executors.newSingleThreadScheduledExecutor(EtcdOps.daemon("pdlab-measures"));
    ticks = scheduler.scheduleAtFixedRate(this::tick, 0, settings.intervalMs(),
        TimeUnit.MILLISECONDS);
    state = State.RUNNING;
  }

  private void tick() {
    try {
      Map<String, String> endpoints = endpoints();
      Set<String> live = new HashSet<>(endpoints.values());
      live.remove(null);
      rpc.retain(live);
      poller.tick(endpoints);
      probe.tick(endpoints);
      observe(endpoints);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "measures tick failed", e);
    }
  }

  private Map<String, String> endpoints() {
    Map<String, String> m = directory.endpoints();
    return m == null ? Map.of() : new LinkedHashMap<>(m);
  }

  private void observe(Map<String, String> endpoints) {
    synchronized (lock) {
      long now = nowUs.getAsLong();
      aggregator.observe(now, new ArrayList<>(endpoints.keySet()), Map.copyOf(poller.latest()));
      aggregator.closeIntervals(now - settings.intervalMs() * 1_000);
    }
  }

  /**
   * The measures so far (while running: after a lost-write read of each cluster, intervals closed
   * up to one interval ago), or the final ones after {@link #stop()}.
   */
  public RunMeasures measures() {
    synchronized (this) {
      if (state == State.STOPPED || state == State.CLOSED) {
        return last;
      }
    }
    checkLostWrites();
    synchronized (lock) {
      aggregator.closeIntervals(nowUs.getAsLong() - settings.intervalMs() * 1_000);
      return aggregator.measures();
    }
  }

  /**
   * Reads the probe key linearizably in each cluster that acknowledged a probe, through its
   * answering members in turn, and records a lost write where the value is below the highest
   * counter acknowledged there before the read.
   */
  private void checkLostWrites() {
    Map<Long, StatusAggregator.Ack> acks;
    synchronized (lock) {
      acks = aggregator.highestAcks();
    }
    Map<String, String> endpoints = endpoints();
    Map<String, MemberStatus> latest = Map.copyOf(poller.latest());
    List<CompletableFuture<Void>> reads = new ArrayList<>();
    for (StatusAggregator.Ack acked : acks.values()) {
      List<String> names = new ArrayList<>();
      for (Map.Entry<String, String> e : endpoints.entrySet()) {
        MemberStatus s = latest.get(e.getKey());
        if (e.getValue() != null && s != null && s.answering()
            && s.clusterId() == acked.clusterId()) {
          names.add(e.getKey());
        }
      }
      CompletableFuture<Void> done = new CompletableFuture<>();
      read(acked, names, 0, endpoints, done);
      reads.add(done);
    }
    try {
      CompletableFuture.allOf(reads.toArray(new CompletableFuture<?>[0]))
          .get(2 * settings.readDeadlineMs() + 200, TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      LOG.log(System.Logger.Level.DEBUG, "lost-write reads did not all end: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void read(StatusAggregator.Ack acked, List<String> names, int i,
      Map<String, String> endpoints, CompletableFuture<Void> done) {
    if (i >= names.size()) {
      LOG.log(System.Logger.Level.DEBUG, () -> "no member of cluster "
          + MemberIds.hex(acked.clusterId()) + " answered the lost-write read");
      done.complete(null);
      return;
    }
    String name = names.get(i);
    RangeRequest req = RangeRequest.newBuilder()
        .setKey(ByteString.copyFromUtf8(PROBE_KEY)).build();
    CompletableFuture<RangeResponse> f;
    try {
      f = rpc.range(endpoints.get(name), req, settings.readDeadlineMs());
    } catch (RuntimeException e) {
      done.complete(null);
      return;
    }
    f.whenComplete((r, t) -> {
      if (t != null || r.getHeader().getClusterId() != acked.clusterId()) {
        read(acked, names, i + 1, endpoints, done);
        return;
      }
      long found = r.getKvsCount() == 0 ? -1 : WriteProbe.decode(r.getKvs(0).getValue());
      synchronized (lock) {
        aggregator.checkValue(acked, found, nowUs.getAsLong(), name);
      }
      done.complete(null);
    });
  }

  /**
   * Stops polling and probing (waiting up to the probe deadline for the write in flight), observes
   * once more, checks lost writes, closes the intervals up to now and freezes the measures.
   */
  public void stop() {
    synchronized (this) {
      if (state == State.NEW) {
        state = State.STOPPED;
        synchronized (lock) {
          last = aggregator.measures();
        }
        return;
      }
      if (state != State.RUNNING) {
        return;
      }
      ticks.cancel(false);
      scheduler.shutdown();
    }
    try {
      scheduler.awaitTermination(settings.intervalMs() * 10, TimeUnit.MILLISECONDS);
      long until = System.nanoTime() + (settings.probeDeadlineMs() + settings.intervalMs())
          * 1_000_000;
      while ((probe.busy() || poller.busy()) && System.nanoTime() < until) {
        Thread.sleep(5);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    observe(endpoints());
    checkLostWrites();
    RunMeasures m;
    synchronized (lock) {
      long now = nowUs.getAsLong();
      aggregator.abandonInFlight(now);
      aggregator.closeIntervals(now);
      m = aggregator.measures();
    }
    synchronized (this) {
      last = m;
      state = State.STOPPED;
    }
  }

  /** Stops (if running) and closes the connections. The frozen measures stay readable. */
  @Override
  public void close() {
    stop();
    synchronized (this) {
      state = State.CLOSED;
    }
    rpc.close();
  }

  /** Whether the last observation found the cluster bootstrapped. */
  public boolean bootstrapped() {
    synchronized (lock) {
      return aggregator.bootstrappedNow();
    }
  }

  /** When the cluster first bootstrapped on the run's clock, or -1. */
  public long bootstrappedAtUs() {
    synchronized (lock) {
      return aggregator.bootstrappedAtUs();
    }
  }

  /** The serving leader and its voters at the last observation. */
  public io.pdlab.pd.run.ClusterClassifier.Health health() {
    synchronized (lock) {
      return aggregator.health();
    }
  }

  /** Each expected member's latest sample. */
  public Map<String, MemberStatus> latest() {
    return Map.copyOf(poller.latest());
  }

  public ProbeStats probeStats() {
    return probe.stats();
  }

  /** One line per expected member's latest sample, then the health and the probe's numbers. */
  public String status() {
    StringBuilder sb = new StringBuilder();
    Map<String, MemberStatus> latest = latest();
    for (String name : endpoints().keySet()) {
      MemberStatus s = latest.get(name);
      sb.append(s == null ? name + " not polled yet" : s.toString()).append('\n');
    }
    sb.append(health()).append('\n').append(probeStats()).append('\n');
    return sb.toString();
  }
}
