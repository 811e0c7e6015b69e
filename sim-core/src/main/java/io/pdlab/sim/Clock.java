package io.pdlab.sim;

/** A source of the current time in microseconds: virtual in simulation, wall-clock in real time. */
public interface Clock {
  /** Microseconds since the start of the run. */
  long nowUs();
}
