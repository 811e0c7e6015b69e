package io.pdlab.scenarios.engine;

import java.io.Serializable;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * Maps inputs to results, possibly in parallel and possibly in other JVMs. Implementations keep
 * the input order in the result, so that a caller whose function is deterministic gets the same
 * list on every engine and with any parallelism.
 */
public interface Engine extends AutoCloseable {
  /** The engine's name as the command line spells it ({@code threads}, {@code spark}). */
  String name();

  /**
   * Applies {@code f} to every input and returns the results in input order. {@code done} is
   * told, on the calling thread or another, how many inputs have just finished (for a progress
   * bar); it may be called with batches. An exception thrown by {@code f} fails the whole map
   * with an {@link EngineException} that carries the input's message.
   */
  <T extends Serializable, R extends Serializable> List<R> map(List<T> inputs,
      SerialFunction<T, R> f, IntConsumer done);

  /** Releases the engine's threads or cluster connection. */
  @Override
  void close();
}
