package io.pdlab.sim;

/** A scheduled piece of work that has not run yet and may be cancelled. */
public interface TimerHandle {
  /**
   * Cancels the work if it has not run yet.
   *
   * @return true if this call cancelled it; false if it had already run or been cancelled
   */
  boolean cancel();

  /** True while the work is scheduled and neither run nor cancelled. */
  boolean isPending();
}
