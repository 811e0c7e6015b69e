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
