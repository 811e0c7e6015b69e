package io.pdlab.real.node;

import java.util.OptionalInt;

/**
 * An etcd member did not come up: it exited (for example on a port clash or bad flags) or did
 * not listen or become healthy in time. The message names the member, the exit code when it
 * exited, and the tail of its log, so a failed run explains itself.
 */
public class EtcdStartException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String member;
  private final Integer exitCode;
  private final String logTail;

  /**
   * @param member the member name
   * @param exitCode its exit code, when it exited
   * @param logTail the last lines of its log
   * @param message the full message (should contain all of the above)
   */
  public EtcdStartException(String member, OptionalInt exitCode, String logTail, String message) {
    super(message);
    this.member = member;
    this.exitCode = exitCode.isPresent() ? exitCode.getAsInt() : null;
    this.logTail = logTail;
  }

  /** The member that did not come up. */
  public String member() {
    return member;
  }

  /** Its exit code, when it exited. */
  public OptionalInt exitCode() {
    return exitCode == null ? OptionalInt.empty() : OptionalInt.of(exitCode);
  }

  /** The last lines of its log when the exception was made. */
  public String logTail() {
    return logTail;
  }
}
