package io.pdlab.scenarios.engine;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;

/** The default engine: a fixed pool of threads in this JVM, results collected in input order. */
public final class ThreadEngine implements Engine {
  private final ExecutorService pool;
  private final int threads;

  /** {@code threads} workers; 0 or less means one per available core. */
  public ThreadEngine(int threads) {
    this.threads = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    this.pool = Executors.newFixedThreadPool(this.threads, r -> {
      Thread t = new Thread(r, "pdlab-run");
      t.setDaemon(true);
      return t;
    });
  }

  @Override
  public String name() {
    return "threads";
  }

  /** How many runs go at once. */
  public int threads() {
    return threads;
  }

  @Override
  public <T extends Serializable, R extends Serializable> List<R> map(List<T> inputs,
      SerialFunction<T, R> f, IntConsumer done) {
    List<Future<R>> futures = new ArrayList<>(inputs.size());
    for (T in : inputs) {
      futures.add(submit(in, f, () -> { }));
    }
    List<R> out = new ArrayList<>(inputs.size());
    try {
      for (int i = 0; i < futures.size(); i++) {
        out.add(result(futures.get(i)));
        done.accept(1);
      }
    } finally {
      for (Future<R> fu : futures) {
        fu.cancel(true);
      }
    }
    return out;
  }

  /**
   * Queues {@code f} on one input behind what is queued already, for a caller that keeps the
   * workers busy across its own rounds: {@code finished} is run on the worker when {@code f}
   * returned or threw (just before the future completes). Take the result with {@link #result}.
   */
  public <T, R> Future<R> submit(T input, SerialFunction<T, R> f, Runnable finished) {
    return pool.submit(() -> {
      try {
        return f.apply(input);
      } finally {
        finished.run();
      }
    });
  }

  /**
   * The result of a {@link #submit}, waiting for it; an exception thrown by its function as an
   * {@link EngineException} with the function's message, as {@link #map} throws it.
   */
  public static <R> R result(Future<R> future) {
    try {
      return future.get();
    } catch (ExecutionException e) {
      Throwable c = e.getCause() == null ? e : e.getCause();
      throw new EngineException(String.valueOf(c.getMessage()), c);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EngineException("interrupted", e);
    }
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
