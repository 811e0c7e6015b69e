package io.pdlab.sim.process;

import io.pdlab.sim.Rng;
import io.pdlab.sim.TimerHandle;

/**
 * What a running process may do. Implemented by the simulator (virtual time, simulated network)
 * and by the real-time driver (wall clock, real threads), so process code is the same under both.
 * Effects are carried out by the driver; the process does no I/O of its own.
 */
public interface ProcessContext {
  /** This process's name: its network endpoint. */
  String name();

  /** Current time in microseconds since the run started. */
  long nowUs();

  /** This process's random stream; it continues across restarts. */
  Rng rng();

  /** This process's durable state; survives crashes, lost on wipe. */
  Disk disk();

  /** How many times the process has been started, from 1. */
  int incarnation();

  /**
   * The base of this incarnation's request IDs: those of incarnation k lie in
   * [k &lt;&lt; 32, (k + 1) &lt;&lt; 32). A reply sent while this process was down reaches whichever
   * incarnation listens when it arrives ({@code World}'s message semantics), so a reply to a call
   * of an earlier incarnation must never match a call of this one. Every process that numbers its
   * requests takes its numbers from here.
   */
  default long requestIdBase() {
    return (long) incarnation() << 32;
  }

  /** {@link #incarnationAt}: nothing runs at that endpoint now (down, or no such endpoint). */
  int NOT_LISTENING = 0;

  /** {@link #incarnationAt}: the driver cannot tell (a real one). */
  int UNKNOWN = -1;

  /**
   * The incarnation of the process at {@code endpoint} now, {@link #NOT_LISTENING} when nothing
   * runs there or the process there does not listen yet ({@link Process#listensOnStart}), or
   * {@link #UNKNOWN}. The simulator's shortcut for a poll whose answer is already
   * known, so that it need not be sent: a connection to where nothing runs is refused at once
   * (a TCP RST), and a process answers a repeated request as its incarnation answered it before
   * when that answer depends only on what the incarnation fixed at its start. A driver that
   * cannot tell answers {@link #UNKNOWN}, and the process polls as it would without it.
   */
  default int incarnationAt(String endpoint) {
    return UNKNOWN;
  }

  /**
   * Fires {@link Process#onTimer} with {@code tag} once, as an event of its own, when a process
   * next starts at {@code endpoint} (or, for one that does not listen on start, when it calls
   * {@link #listen}); dies with this incarnation, as a timer does. With {@link
   * #incarnationAt}, a poll whose answer nothing but a start there can change sleeps until then
   * instead of asking every interval. Returns false when the driver cannot watch (a real one):
   * the caller polls on.
   */
  default boolean watchStart(String endpoint, Object tag) {
    return false;
  }

  /**
   * This process listens from now on, for {@link #incarnationAt} and {@link #watchStart}: for a
   * process that does not listen on start ({@link Process#listensOnStart}), such as a container
   * whose server binds its port only after a start script. Nothing for a driver, nor when it
   * listens already.
   */
  default void listen() {}

  /** Sends a message; delivery depends on the network (latency, loss, partitions). */
  void send(String to, Object message);

  /**
   * Fires {@link Process#onTimer} with {@code tag} after {@code delayUs}. Timers of an
   * incarnation die with it.
   */
  TimerHandle setTimer(long delayUs, Object tag);

  /** Reports a state change to the trace (and so to the checkers). */
  void log(String stateChange);

  /**
   * Whether {@link #log} records anything: when false, callers skip building the text (the
   * simulator's fast path for benchmarks and large sweeps).
   */
  boolean tracing();

  /** The process exits by itself (like a process calling exit); volatile state is discarded. */
  void exit(String reason);
}
