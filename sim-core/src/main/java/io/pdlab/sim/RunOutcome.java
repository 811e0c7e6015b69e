package io.pdlab.sim;

/** Why a run ended. */
public enum RunOutcome {
  /** The stop condition held. */
  COMPLETED,
  /** No event was left to run (nothing more can happen). */
  QUIESCENT,
  /** An invariant was violated and the run was set to stop on violations. */
  VIOLATION,
  /** The event budget was used up. */
  EVENT_BUDGET,
  /** Virtual time reached the time budget. */
  TIME_BUDGET,
  /** The event queue reached its capacity. */
  QUEUE_FULL
}
