package io.pdlab.scenarios.engine;

/** A map that failed: one of its inputs threw, or the engine itself could not run it. */
public final class EngineException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public EngineException(String message, Throwable cause) {
    super(message, cause);
  }

  public EngineException(String message) {
    super(message);
  }
}
