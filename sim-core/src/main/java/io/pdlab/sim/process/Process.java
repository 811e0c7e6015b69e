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
   * The process is about to be paused (SIGSTOP): nothing of it runs until it resumes, and what
   * falls due or arrives meanwhile is held and delivered then, in order. Only for a process that
   * keeps no timer while a poll of its would find nothing (a model's shortcut): it sets here the
   * timer its polling would have pending, so that the pause holds that timer where it would have
   * held the poll. It must do nothing else: send nothing, change nothing it reports.
   */
  default void onPause(ProcessContext ctx) {}

  /**
   * Whether this process listens at its endpoint from its start, for {@link
   * ProcessContext#incarnationAt}; one that does not says when it does with {@link
   * ProcessContext#listen}. Messages reach it either way.
   */
  default boolean listensOnStart() {
    return true;
  }
}
