package io.pdlab.sim;

/** A process or driver failed inside a run; the message names the seed, time and trace tail. */
public final class SimulationException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public SimulationException(String message, Throwable cause) {
    super(message, cause);
  }
}
