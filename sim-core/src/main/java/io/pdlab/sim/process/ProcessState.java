package io.pdlab.sim.process;

/** Life-cycle state of a hosted process. */
public enum ProcessState {
  /** Not running: never started, crashed or exited. */
  DOWN,
  /** Running and handling events. */
  RUNNING,
  /** Stopped (SIGSTOP): messages and timers wait until it resumes. */
  PAUSED
}
