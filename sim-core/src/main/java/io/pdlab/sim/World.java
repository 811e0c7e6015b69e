package io.pdlab.sim;

import io.pdlab.sim.check.Invariant;
import io.pdlab.sim.check.Violation;
import io.pdlab.sim.fault.FaultSchedule;
import io.pdlab.sim.fault.FaultTarget;
import io.pdlab.sim.fault.TimedFault;
import io.pdlab.sim.net.Network;
import io.pdlab.sim.process.Disk;
import io.pdlab.sim.process.Process;
import io.pdlab.sim.process.Refusable;
import io.pdlab.sim.process.ProcessContext;
import io.pdlab.sim.process.ProcessFactory;
import io.pdlab.sim.process.ProcessState;
import io.pdlab.sim.trace.Trace;
import io.pdlab.sim.trace.TraceKind;
import io.pdlab.sim.trace.TraceRecord;
import io.pdlab.sim.trace.TraceRing;
import io.pdlab.sim.trace.TraceSink;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * A world of processes on a network, driven by an {@link EventScheduler}: random streams split from
 * one seed, the network, the processes with their disks, faults, a trace and invariants. The
 * virtual driver is {@link Simulation}; the wall-clock driver is
 * {@code io.pdlab.sim.realtime.RealTimeRuntime}. Both host processes with this same code, so a
 * process behaves alike under either (one core, several drivers). Not thread-safe: the driver calls
 * it from one thread.
 *
 * <p>Guarantees: events run in (time, scheduling order); every random draw comes from a stream of
 * the seed; processes, endpoints and trace records are kept in insertion order. So the same seed
 * and the same calls give a byte-identical trace.
 *
 * <p>Message semantics: a message is planned by the {@link Network} when sent (loss, duplication,
 * latency) and delivered only if, on arrival, the link is still up and the receiver is running. If
 * the receiver was running when the message was sent, it must still be the same incarnation (a
 * restart breaks connections, as TCP does); if it was down, any incarnation started meanwhile
 * takes it. To a paused receiver a message waits until resume.
 */
public class World implements Scheduler, FaultTarget {
  /** Trace records kept for excerpts in violations and budget stops. */
  public static final int EXCERPT_RECORDS = 20;

  private final long seed;
  private final EventScheduler loop;
  private final RandomStreams streams;
  private final Trace trace;
  private final TraceRing ring = new TraceRing(EXCERPT_RECORDS);
  private final Network network;
  private final Map<String, SimProcess> processes = new LinkedHashMap<>();
  /** {@link ProcessContext#watchStart}: by endpoint, in the order they were asked for. */
  private final Map<String, List<StartWatch>> startWatches = new LinkedHashMap<>();

  /** A watch for a start at an endpoint by incarnation {@code incarnation} of {@code owner}. */
  private record StartWatch(SimProcess owner, int incarnation, Object tag) {}
  private final List<Invariant> invariants = new ArrayList<>();
  private final List<Violation> violations = new ArrayList<>();
  private boolean stopOnViolation;
  private long lifecycleChanges;
  private final List<ExitListener> exitListeners = new ArrayList<>();
  private final List<LifecycleListener> lifecycleListeners = new ArrayList<>();

  /**
   * Told when a process is stopped (crash, exit, restart), paused, resumed or wiped. Simulated
   * processes need none of it; a driver whose processes stand for something outside the world (a
   * real etcd process or container) carries the same fault out there.
   */
  public interface LifecycleListener {
    /** The process is down now (after its instance was discarded). */
    default void stopped(String process, String reason) {}

    default void paused(String process) {}

    default void resumed(String process) {}

    /** The process's disk was wiped (it is down). */
    default void wiped(String process) {}
  }

  /**
   * What the lifecycle listeners ({@link LifecycleListener#stopped}) and the trace are told,
   * followed by the reason, when a process exits by itself.
   */
  public static final String EXITED = "exited: ";

  /** Told when a process exits by itself ({@link ProcessContext#exit}). */
  @FunctionalInterface
  public interface ExitListener {
    void exited(String process, String reason);
  }
  private final long[] planned = new long[2];
  private static final int ANY_INCARNATION = -1;

  /**
   * @param seed the run's seed
   * @param scheduler the driver's clock and scheduler
   * @param traceEnabled whether to record the trace (needed by invariants checked as the run goes)
   */
  protected World(long seed, EventScheduler scheduler, boolean traceEnabled) {
    this.seed = seed;
    this.loop = scheduler;
    this.streams = new RandomStreams(seed);
    this.trace = new Trace(loop, traceEnabled);
    this.network = new Network(streams.stream("network"));
    trace.addSink(ring);
    trace.addSink(this::checkRecord);
  }

  public long seed() {
    return seed;
  }

  @Override
  public long nowUs() {
    return loop.nowUs();
  }

  /** The random stream of a component of the world other than a process (each name once). */
  public Rng stream(String component) {
    return streams.stream(component);
  }

  public RandomStreams streams() {
    return streams;
  }

  public Trace trace() {
    return trace;
  }

  /** Adds a sink that sees every trace record (a buffer, a file writer). */
  public void addTraceSink(TraceSink sink) {
    trace.addSink(sink);
  }

  @Override
  public Network network() {
    return network;
  }

  @Override
  public TimerHandle schedule(long delayUs, Runnable task) {
    return loop.schedule(delayUs, task);
  }

  /** Schedules a prepared event (no allocation; a periodic task can reschedule itself). */
  public void schedule(long delayUs, Event e) {
    loop.schedule(delayUs, e);
  }

  /** Records a driver note in the trace. */
  public void note(String node, String text) {
    trace.record(TraceKind.NOTE, node, text);
  }

  // ---------------------------------------------------------------- processes

  /** Adds a process on a host of its own name (down until started) and its network endpoint. */
  public void addProcess(String name, ProcessFactory factory) {
    addProcess(name, name, factory);
  }

  /**
   * Adds a process on {@code host} (down until started) and its network endpoint. Processes on one
   * host share its fate in {@link #crashHost}; each keeps its own disk.
   */
  public void addProcess(String name, String host, ProcessFactory factory) {
    if (processes.containsKey(name)) {
      throw new IllegalArgumentException("process '" + name + "' already exists");
    }
    if (name.isEmpty() || name.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException("process name must be non-empty without spaces: '"
          + name + "'");
    }
    int id = network.addEndpoint(name);
    processes.put(name, new SimProcess(name, host, id, factory,
        streams.stream("process/" + name)));
  }

  public String hostOf(String process) {
    return proc(process).host;
  }

  /** Processes on {@code host}, in the order they were added. */
  public List<String> processesOn(String host) {
    List<String> out = new ArrayList<>();
    for (SimProcess p : processes.values()) {
      if (p.host.equals(host)) {
        out.add(p.name);
      }
    }
    return out;
  }

  /** Crashes every process on {@code host} (a machine lost or rebooted); disks are kept. */
  public void crashHost(String host) {
    List<String> on = processesOn(host);
    if (on.isEmpty()) {
      throw new IllegalArgumentException("no process runs on host '" + host + "'");
    }
    for (String p : on) {
      crash(p);
    }
  }

  /**
   * Registers a listener for processes exiting by themselves (a driver restarts containers with
   * it). Listeners run inside the exiting process's event, after it is down.
   */
  public void addExitListener(ExitListener listener) {
    exitListeners.add(listener);
  }

  /** Registers a listener for every process's stops, pauses, resumes and wipes. */
  public void addLifecycleListener(LifecycleListener listener) {
    lifecycleListeners.add(listener);
  }

  /**
   * Grows whenever a process starts, stops, pauses or resumes, or a link changes: a cheap test of
   * whether anything that decides reachability may have changed.
   */
  public long changes() {
    return lifecycleChanges + network.changes();
  }

  /** Whether a process of that name exists (in any state). */
  public boolean hasProcess(String name) {
    return processes.containsKey(name);
  }

  /** Process names in the order they were added. */
  public List<String> processNames() {
    return List.copyOf(processes.keySet());
  }

  public ProcessState state(String name) {
    return proc(name).state;
  }

  public int incarnation(String name) {
    return proc(name).incarnation;
  }

  /** The running instance of a process (for checkers and tests), or null when it is down. */
  public Process instance(String name) {
    return proc(name).instance;
  }

  public Disk disk(String name) {
    return proc(name).disk;
  }

  /** Starts a process that is down. */
  public void start(String name) {
    SimProcess p = proc(name);
    if (p.state != ProcessState.DOWN) {
      throw new IllegalStateException("process '" + name + "' is already " + p.state);
    }
    p.start();
  }

  public void startAll() {
    for (SimProcess p : processes.values()) {
      if (p.state == ProcessState.DOWN) {
        p.start();
      }
    }
  }

  @Override
  public void crash(String name) {
    SimProcess p = proc(name);
    if (p.state == ProcessState.DOWN) {
      trace.record(TraceKind.STATE, name, "crash ignored: already down");
      return;
    }
    p.stop("crashed");
  }

  /**
   * Stops a running process for {@code reason} (what the listeners and the trace are told), as
   * {@link #crash(String)} does for "crashed": a driver's process that ended outside the model (its
   * container ended) says so.
   */
  public void crash(String name, String reason) {
    SimProcess p = proc(name);
    if (p.state == ProcessState.DOWN) {
      trace.record(TraceKind.STATE, name, reason + ": already down");
      return;
    }
    p.stop(reason);
  }

  @Override
  public void restart(String name) {
    SimProcess p = proc(name);
    if (p.state != ProcessState.DOWN) {
      p.stop("crashed for restart");
    }
    p.start();
  }

  @Override
  public void pause(String name) {
    SimProcess p = proc(name);
    if (p.state != ProcessState.RUNNING) {
      trace.record(TraceKind.STATE, name, "pause ignored: " + p.state);
      return;
    }
    p.instance.onPause(p); // still running: it may set the timer its polling would have
    p.state = ProcessState.PAUSED;
    lifecycleChanges++;
    trace.record(TraceKind.STATE, name, "paused");
    for (LifecycleListener l : lifecycleListeners) {
      l.paused(name);
    }
  }

  @Override
  public void resume(String name) {
    SimProcess p = proc(name);
    if (p.state != ProcessState.PAUSED) {
      trace.record(TraceKind.STATE, name, "resume ignored: " + p.state);
      return;
    }
    p.state = ProcessState.RUNNING;
    lifecycleChanges++;
    trace.record(TraceKind.STATE, name, "resumed with " + p.backlog.size() + " waiting events");
    for (LifecycleListener l : lifecycleListeners) {
      l.resumed(name);
    }
    List<Event> waiting = new ArrayList<>(p.backlog);
    p.backlog.clear();
    for (Event e : waiting) {
      if (e instanceof TimerEvent t) {
        p.link(t);
      }
      loop.schedule(0, e); // same time, original order
    }
  }

  @Override
  public void wipe(String name) {
    SimProcess p = proc(name);
    if (p.state != ProcessState.DOWN) {
      p.stop("crashed for wipe");
    }
    p.disk.wipe();
    trace.record(TraceKind.STATE, name, "disk wiped");
    for (LifecycleListener l : lifecycleListeners) {
      l.wiped(name);
    }
  }

  /**
   * Whether {@code members} (a full voting membership) can form a quorum now: some running member
   * can talk both ways with enough other running members to make a majority of all of them.
   */
  public boolean canFormQuorum(Collection<String> members) {
    LinkedHashSet<String> all = new LinkedHashSet<>(members);
    List<String> live = new ArrayList<>();
    for (String m : all) {
      if (proc(m).state == ProcessState.RUNNING) {
        live.add(m);
      }
    }
    return !all.isEmpty() && network.largestLeaderGroup(live).size() >= all.size() / 2 + 1;
  }

  private SimProcess proc(String name) {
    SimProcess p = processes.get(name);
    if (p == null) {
      throw new IllegalArgumentException("unknown process '" + name + "'; known: "
          + processes.keySet());
    }
    return p;
  }

  // ---------------------------------------------------------------- faults and invariants

  /** Schedules every fault of {@code schedule} at its time (which must not be in the past). */
  public void install(FaultSchedule schedule) {
    for (TimedFault tf : schedule.faults()) {
      long delay = tf.atUs() - loop.nowUs();
      if (delay < 0) {
        throw new IllegalArgumentException("fault '" + tf + "' is in the past (now "
            + TraceRecord.formatTime(loop.nowUs()) + "s)");
      }
      loop.schedule(delay, () -> {
        trace.record(TraceKind.FAULT, "-", tf.fault().toString());
        tf.fault().apply(this);
      });
    }
  }

  public void addInvariant(Invariant invariant) {
    invariants.add(invariant);
  }

  /** Whether the run stops at the first violation (default: it goes on and collects them all). */
  public void stopOnViolation(boolean stop) {
    this.stopOnViolation = stop;
  }

  public List<Violation> violations() {
    return Collections.unmodifiableList(violations);
  }

  /** Records kept for excerpts, oldest first. */
  protected List<TraceRecord> recentRecords() {
    return ring.snapshot();
  }

  /** Checks every invariant's end condition now, adding what fails to {@link #violations()}. */
  protected void checkEnd() {
    for (Invariant inv : invariants) {
      String msg = inv.atEnd(loop.nowUs());
      if (msg != null) {
        violations.add(new Violation(inv.name(), loop.nowUs(), -1, msg, ring.snapshot()));
      }
    }
  }

  protected boolean stopsOnViolation() {
    return stopOnViolation;
  }

  private void checkRecord(TraceRecord r) {
    for (int i = 0; i < invariants.size(); i++) {
      Invariant inv = invariants.get(i);
      String msg = inv.onRecord(r);
      if (msg != null) {
        violations.add(new Violation(inv.name(), r.timeUs(), r.seq(), msg, ring.snapshot()));
      }
    }
  }

  // ---------------------------------------------------------------- hosted process

  /** A process slot: its life cycle, disk, timers and waiting events; the process's context. */
  private final class SimProcess implements ProcessContext {
    final String name;
    final String host;
    final int id;
    final ProcessFactory factory;
    final Rng rng;
    final Disk disk = new Disk();
    ProcessState state = ProcessState.DOWN;
    int incarnation;
    /** Whether this incarnation listens ({@link Process#listensOnStart}, {@link #listen}). */
    boolean listening;
    Process instance;
    /** Intrusive list of this incarnation's pending timers, so a crash cancels them all. */
    TimerEvent timers;
    /** Deliveries and timers that arrived while paused, in order. */
    final List<Event> backlog = new ArrayList<>();

    SimProcess(String name, String host, int id, ProcessFactory factory, Rng rng) {
      this.name = name;
      this.host = host;
      this.id = id;
      this.factory = factory;
      this.rng = rng;
    }

    void start() {
      lifecycleChanges++;
      incarnation++;
      state = ProcessState.RUNNING;
      instance = factory.create(name);
      trace.record(TraceKind.STATE, name, "started incarnation=" + incarnation);
      listening = instance.listensOnStart();
      instance.onStart(this);
      if (listening) {
        fireStartWatches();
      }
    }

    @Override
    public void listen() {
      if (!listening && state != ProcessState.DOWN) {
        listening = true;
        fireStartWatches();
      }
    }

    private void fireStartWatches() {
      List<StartWatch> watching = startWatches.remove(name);
      if (watching != null) {
        for (StartWatch w : watching) {
          if (w.owner.incarnation == w.incarnation && w.owner.state != ProcessState.DOWN) {
            w.owner.setTimer(0, w.tag);
          }
        }
      }
    }

    void stop(String why) {
      lifecycleChanges++;
      while (timers != null) {
        TimerEvent t = timers;
        unlink(t);
        t.cancelQueued();
      }
      backlog.clear();
      instance = null;
      listening = false;
      state = ProcessState.DOWN;
      trace.record(TraceKind.STATE, name, why);
      for (LifecycleListener l : lifecycleListeners) {
        l.stopped(name, why);
      }
    }

    void link(TimerEvent t) {
      t.next = timers;
      t.prev = null;
      if (timers != null) {
        timers.prev = t;
      }
      timers = t;
      t.linked = true;
    }

    void unlink(TimerEvent t) {
      if (!t.linked) {
        return;
      }
      if (t.prev != null) {
        t.prev.next = t.next;
      } else {
        timers = t.next;
      }
      if (t.next != null) {
        t.next.prev = t.prev;
      }
      t.prev = null;
      t.next = null;
      t.linked = false;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public long nowUs() {
      return loop.nowUs();
    }

    @Override
    public Rng rng() {
      return rng;
    }

    @Override
    public Disk disk() {
      return disk;
    }

    @Override
    public int incarnation() {
      return incarnation;
    }

    @Override
    public boolean watchStart(String endpoint, Object tag) {
      if (state == ProcessState.DOWN) {
        throw new IllegalStateException("process '" + name + "' is down and cannot watch");
      }
      startWatches.computeIfAbsent(endpoint, k -> new ArrayList<>())
          .add(new StartWatch(this, incarnation, tag));
      return true;
    }

    @Override
    public int incarnationAt(String endpoint) {
      SimProcess p = processes.get(endpoint);
      return p == null || p.state == ProcessState.DOWN || !p.listening ? NOT_LISTENING
          : p.incarnation;
    }

    @Override
    public void send(String to, Object message) {
      if (state == ProcessState.DOWN) {
        return; // a process that exited inside this handler sends nothing more
      }
      SimProcess receiver = processes.get(to);
      if (receiver == null) {
        // No such host (a pod not created yet, a name that does not resolve): nothing arrives.
        if (trace.messages()) {
          trace.record(TraceKind.DROP, to, name + "->" + to + " " + message + " (no such endpoint)");
        }
        if (message instanceof Refusable) {
          loop.schedule(0, new Delivery(this, this, incarnation,
              new Refusable.Refused(message)));
        }
        return;
      }
      int copies = network.plan(id, receiver.id, loop.nowUs(), planned);
      if (copies == 0) {
        if (trace.messages()) {
          trace.record(TraceKind.DROP, to, name + "->" + to + " " + message + " (lost in network)");
        }
        return;
      }
      for (int c = 0; c < copies; c++) {
        // A message to a running receiver belongs to that incarnation's connection; one to a
        // process that is down reaches whichever incarnation listens when it arrives.
        int expected = receiver.state == ProcessState.DOWN ? ANY_INCARNATION : receiver.incarnation;
        loop.schedule(planned[c], new Delivery(this, receiver, expected, message));
      }
    }

    @Override
    public TimerHandle setTimer(long delayUs, Object tag) {
      if (state == ProcessState.DOWN) {
        throw new IllegalStateException("process '" + name + "' is down and cannot set timers");
      }
      TimerEvent t = new TimerEvent(this, tag);
      loop.schedule(delayUs, t);
      link(t);
      return t;
    }

    @Override
    public void log(String stateChange) {
      trace.record(TraceKind.STATE, name, stateChange);
    }

    @Override
    public boolean tracing() {
      return trace.enabled();
    }

    @Override
    public void exit(String reason) {
      if (state != ProcessState.DOWN) {
        stop(EXITED + reason);
        for (ExitListener l : exitListeners) {
          l.exited(name, reason);
        }
      }
    }
  }

  /** A message on its way; checks link and receiver on arrival. */
  private final class Delivery extends Event {
    final SimProcess from;
    final SimProcess to;
    final int toIncarnation;
    final Object message;

    Delivery(SimProcess from, SimProcess to, int toIncarnation, Object message) {
      this.from = from;
      this.to = to;
      this.toIncarnation = toIncarnation;
      this.message = message;
    }

    @Override
    protected void fire() {
      String why = null;
      if (!network.isUp(from.id, to.id)) {
        why = "link down";
      } else if (to.state == ProcessState.DOWN) {
        why = "receiver down";
      } else if (toIncarnation != ANY_INCARNATION && to.incarnation != toIncarnation) {
        why = "receiver restarted";
      }
      if (why != null) {
        if (trace.messages()) {
          trace.record(TraceKind.DROP, to.name, from.name + "->" + to.name + " " + message
              + " (" + why + ")");
        }
        if (to.state == ProcessState.DOWN && message instanceof Refusable
            && from.state != ProcessState.DOWN && network.isUp(to.id, from.id)) {
          // Nothing listens there: the connection is refused, and the sender hears it at once.
          loop.schedule(0, new Delivery(to, from, from.incarnation,
              new Refusable.Refused(message)));
        }
        return;
      }
      if (to.state == ProcessState.PAUSED) {
        to.backlog.add(this);
        return;
      }
      if (trace.messages()) {
        trace.record(TraceKind.DELIVER, to.name, from.name + "->" + to.name + " " + message);
      }
      to.instance.onMessage(to, from.name, message);
    }
  }

  /** A process timer; dies with the incarnation that set it. */
  private final class TimerEvent extends Event {
    final SimProcess owner;
    final Object tag;
    TimerEvent prev;
    TimerEvent next;
    boolean linked;

    TimerEvent(SimProcess owner, Object tag) {
      this.owner = owner;
      this.tag = tag;
    }

    void cancelQueued() {
      super.cancel();
    }

    /** Cancels the timer whether it is queued or waiting for its paused owner to resume. */
    @Override
    public boolean cancel() {
      owner.unlink(this);
      return super.cancel() || owner.backlog.remove(this);
    }

    @Override
    public boolean isPending() {
      return super.isPending() || owner.backlog.contains(this);
    }

    @Override
    protected void fire() {
      if (owner.state == ProcessState.PAUSED) {
        owner.unlink(this);
        owner.backlog.add(this);
        return;
      }
      owner.unlink(this);
      if (trace.messages()) {
        trace.record(TraceKind.TIMER, owner.name, String.valueOf(tag));
      }
      owner.instance.onTimer(owner, tag);
    }
  }
}
