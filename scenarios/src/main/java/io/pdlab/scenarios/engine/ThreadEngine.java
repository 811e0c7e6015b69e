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
      futures.add(pool.submit(() -> f.apply(in)));
    }
    List<R> out = new ArrayList<>(inputs.size());
    try {
      for (int i = 0; i < futures.size(); i++) {
        try {
          out.add(futures.get(i).get());
        } catch (ExecutionException e) {
          Throwable c = e.getCause() == null ? e : e.getCause();
          throw new EngineException(String.valueOf(c.getMessage()), c);
        }
        done.accept(1);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EngineException("interrupted", e);
    } finally {
      for (Future<R> fu : futures) {
        fu.cancel(true);
      }
    }
    return out;
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
