package io.pdlab.sim;

import io.pdlab.sim.trace.TraceRecord;
import java.util.function.BooleanSupplier;

/**
 * The virtual-time driver of a {@link World}: an {@link EventLoop} run under a {@link Budget}.
 *
 * <p>Guarantees: events run in (time, scheduling order); every random draw comes from a stream of
 * the seed; processes, endpoints and trace records are kept in insertion order. So the same seed
 * and the same calls give a byte-identical trace. Every run ends: when its stop condition holds,
 * when nothing is left to do, or when the budget (events, virtual time, queue size) is reached,
 * which is reported as the run's outcome.
 */
public final class Simulation extends World {
  private final Budget budget;
  private final EventLoop loop;
  /** Told after every event, in the order added ({@link #afterEachEvent}). */
  private Runnable[] afterEach = new Runnable[0];

  /**
   * @param seed the run's seed
   * @param budget the limits of the run
   * @param traceEnabled whether to record the trace (needed by invariants checked as the run goes)
   */
  public Simulation(long seed, Budget budget, boolean traceEnabled) {
    this(seed, budget, traceEnabled, new EventLoop(budget.maxQueuedEvents()));
  }

  private Simulation(long seed, Budget budget, boolean traceEnabled, EventLoop loop) {
    super(seed, loop, traceEnabled);
    this.budget = budget;
    this.loop = loop;
  }

  public Budget budget() {
    return budget;
  }

  /**
   * Tells {@code r} after every event, in the order added: for an observer that must see each
   * state the world passes through (exact measures) without events of its own. It runs often,
   * so it should first test cheaply whether anything it reads changed ({@link #changes}).
   */
  public void afterEachEvent(Runnable r) {
    Runnable[] more = java.util.Arrays.copyOf(afterEach, afterEach.length + 1);
    more[afterEach.length] = java.util.Objects.requireNonNull(r, "r");
    afterEach = more;
  }

  public long eventsRun() {
    return loop.eventsRun();
  }

  /** Runs until nothing is left to do or the budget ends. */
  public RunResult run() {
    return run(null);
  }

  /**
   * Runs until {@code stopWhen} holds (checked before each event), nothing is left to do, an
   * invariant fails (if {@link #stopOnViolation}) or the budget ends; then checks the invariants'
   * end conditions. May be called again to continue the same world.
   */
  public RunResult run(BooleanSupplier stopWhen) {
    return run(stopWhen, Long.MAX_VALUE);
  }

  /**
   * Runs every event due up to {@code timeUs} (inclusive), then moves the clock to {@code timeUs}:
   * outcome {@link RunOutcome#COMPLETED}. Budgets and violations end it earlier, as in
   * {@link #run(BooleanSupplier)}.
   */
  public RunResult runUntil(long timeUs) {
    if (timeUs < nowUs()) {
      throw new IllegalArgumentException("cannot run until " + TraceRecord.formatTime(timeUs)
          + "s: the clock is at " + TraceRecord.formatTime(nowUs()) + "s");
    }
    return run(null, timeUs);
  }

  /** {@link #runUntil} {@code durationUs} from now. */
  public RunResult runFor(long durationUs) {
    return runUntil(Math.addExact(nowUs(), durationUs));
  }

  private RunResult run(BooleanSupplier stopWhen, long untilUs) {
    RunOutcome outcome;
    String detail = "";
    int violationsBefore = violations().size();
    while (true) {
      if (stopWhen != null && stopWhen.getAsBoolean()) {
        outcome = RunOutcome.COMPLETED;
        break;
      }
      if (stopsOnViolation() && violations().size() > violationsBefore) {
        outcome = RunOutcome.VIOLATION;
        break;
      }
      if (loop.eventsRun() >= budget.maxEvents()) {
        outcome = RunOutcome.EVENT_BUDGET;
        detail = "event budget of " + budget.maxEvents() + " events used up";
        break;
      }
      long next = loop.nextEventTimeUs();
      if (untilUs != Long.MAX_VALUE && next > untilUs && untilUs <= budget.maxTimeUs()) {
        loop.advanceTo(untilUs);
        outcome = RunOutcome.COMPLETED;
        break;
      }
      if (next == Long.MAX_VALUE) {
        outcome = RunOutcome.QUIESCENT;
        break;
      }
      if (next > budget.maxTimeUs()) {
        loop.advanceTo(budget.maxTimeUs());
        outcome = RunOutcome.TIME_BUDGET;
        detail = "time budget of " + TraceRecord.formatTime(budget.maxTimeUs()) + "s reached";
        break;
      }
      try {
        loop.runNext(next);
        for (Runnable r : afterEach) {
          r.run();
        }
      } catch (EventQueue.QueueFullException e) {
        outcome = RunOutcome.QUEUE_FULL;
        detail = e.getMessage();
        break;
      } catch (RuntimeException e) {
        StringBuilder sb = new StringBuilder();
        for (TraceRecord r : recentRecords()) {
          sb.append("    ").append(r.toText()).append('\n');
        }
        throw new SimulationException("run failed at " + TraceRecord.formatTime(loop.nowUs())
            + "s, seed=" + seed() + ": " + e + "\nlast trace records:\n" + sb, e);
      }
    }
    checkEnd();
    if (stopsOnViolation() && violations().size() > violationsBefore) {
      outcome = RunOutcome.VIOLATION;
    }
    return new RunResult(outcome, seed(), loop.nowUs(), loop.eventsRun(), violations(),
        recentRecords(), detail);
  }
}
