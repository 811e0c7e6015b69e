package io.pdlab.sim.trace;

/** What a trace record reports. */
public enum TraceKind {
  /** A message handed to its receiver. */
  DELIVER,
  /** A message lost: link loss, partition, receiver down or restarted. */
  DROP,
  /** A timer fired in a process. */
  TIMER,
  /** A fault applied (crash, restart, pause, resume, wipe, partition, cut, heal, delay). */
  FAULT,
  /** A process's own report of a state change (started, became leader, exited, ...). */
  STATE,
  /** A note from the driver of the run (parameters, stop reasons). */
  NOTE;

  /** A record of the network or a timer, which {@link Trace#leaveOutMessages} leaves out. */
  public boolean message() {
    return this == DELIVER || this == DROP || this == TIMER;
  }
}
