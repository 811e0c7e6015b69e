package io.pdlab.sim.process;

/**
 * A protocol participant as a state machine. It holds only volatile state; what must survive a
 * crash goes to {@link ProcessContext#disk()}. A crash discards the instance, a restart creates a
 * new one with the same factory and the same disk. Handlers run one at a time and must not block,
 * sleep, read a clock or use randomness other than {@link ProcessContext#rng()}.
 */
public interface Process {
  /** The process has (re)started; read the disk here to recover. */
  default void onStart(ProcessContext ctx) {}

  /** A message from {@code from} arrived. */
  void onMessage(ProcessContext ctx, String from, Object message);

  /** A timer set with {@link ProcessContext#setTimer} fired. */
  default void onTimer(ProcessContext ctx, Object tag) {}

  /**
   * Whether this process listens at its endpoint from its start, for {@link
   * ProcessContext#incarnationAt}; one that does not says when it does with {@link
   * ProcessContext#listen}. Messages reach it either way.
   */
  default boolean listensOnStart() {
    return true;
  }
}
