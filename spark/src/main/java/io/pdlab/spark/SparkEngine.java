package io.pdlab.spark;

import io.pdlab.scenarios.engine.Engine;
import io.pdlab.scenarios.engine.EngineException;
import io.pdlab.scenarios.engine.SerialFunction;
import java.io.File;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.function.IntConsumer;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * Runs a map as one Spark job: the inputs are parallelized in slices, each slice a task that
 * applies the function in an executor (a thread of this JVM for {@code local[*]}, another JVM for
 * {@code local-cluster} and real clusters), and the results are collected in input order, so a
 * deterministic function gives the same list as on the threads engine.
 */
public final class SparkEngine implements Engine {
  /** Slices per core of the cluster: small enough slices that a slow one does not idle the rest. */
  private static final int SLICES_PER_CORE = 4;

  private static final String LOOPBACK = "127.0.0.1";

  private final JavaSparkContext sc;

  private SparkEngine(JavaSparkContext sc) {
    this.sc = sc;
  }

  /**
   * Starts a Spark context. {@code master} {@code null} keeps what {@code spark-submit} set
   * ({@code spark.master}), or {@code local[*]}. For a {@code local-cluster} master started from
   * a plain JVM, the executors get this JVM's class path (its jars hold pdlab), and Spark's own
   * libraries from {@code $SPARK_HOME/jars}.
   */
  public static SparkEngine open(String master, String appName) {
    SparkConf conf = new SparkConf();
    if (master != null) {
      conf.setMaster(master);
    } else if (!conf.contains("spark.master")) {
      conf.setMaster("local[*]");
    }
    if (!conf.contains("spark.app.name")) {
      conf.setAppName(appName);
    }
    conf.setIfMissing("spark.ui.enabled", "false");
    String m = conf.get("spark.master");
    if (m.startsWith("local")) {
      // Only this machine's loopback: the driver, a local-cluster's master and workers (which
      // take their host name from Spark's Utils.localHostName, else the first non-loopback
      // interface) and their executors (told by SPARK_LOCAL_IP in their environment).
      conf.setIfMissing("spark.driver.host", LOOPBACK);
      conf.setIfMissing("spark.driver.bindAddress", LOOPBACK);
      conf.setIfMissing("spark.executorEnv.SPARK_LOCAL_IP", LOOPBACK);
      if (System.getenv("SPARK_LOCAL_IP") == null) {
        org.apache.spark.util.Utils.setCustomHostname(LOOPBACK);
      }
    }
    if (m.startsWith("local-cluster")) {
      String home = System.getenv("SPARK_HOME");
      if (home == null || !new File(home, "jars").isDirectory()) {
        throw new EngineException("--master " + m + ": a local-cluster starts executor JVMs"
            + " from $SPARK_HOME/jars, and SPARK_HOME " + (home == null ? "is not set"
            : "(" + home + ") has no jars directory") + "; ./pdlab sets it to"
            + " spark/target/spark-home");
      }
      conf.setIfMissing("spark.executor.extraClassPath", System.getProperty("java.class.path"));
    }
    try {
      return new SparkEngine(new JavaSparkContext(conf));
    } catch (RuntimeException e) {
      throw new EngineException("Spark did not start on master " + m + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String name() {
    return "spark";
  }

  /** The cluster's master URL. */
  public String master() {
    return sc.master();
  }

  @Override
  public <T extends Serializable, R extends Serializable> List<R> map(List<T> inputs,
      SerialFunction<T, R> f, IntConsumer done) {
    if (inputs.isEmpty()) {
      return new ArrayList<>();
    }
    int slices = Math.min(inputs.size(), Math.max(1, sc.defaultParallelism() * SLICES_PER_CORE));
    Counter counter = new Counter(inputs.size(), slices, done);
    sc.sc().addSparkListener(counter);
    try {
      List<R> out = sc.parallelize(inputs, slices).map(f::apply).collect();
      counter.finish();
      return new ArrayList<>(out);
    } catch (Exception e) { // SparkException, which Scala throws unchecked
      Throwable root = e;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      throw new EngineException(String.valueOf(root.getMessage()), e);
    } finally {
      sc.sc().removeSparkListener(counter);
    }
  }

  @Override
  public void close() {
    sc.stop();
  }

  /**
   * Tells the progress bar how many inputs a finished task held. Spark slices a list of n into
   * s tasks, task i holding inputs [i*n/s, (i+1)*n/s) ({@code ParallelCollectionRDD.slice}); a
   * task counts once, however often it ran. Listener events arrive late, so what has not been
   * told when the job ends is told then.
   */
  private static final class Counter extends SparkListener {
    private final long n;
    private final int slices;
    private final IntConsumer done;
    private final BitSet seen = new BitSet();
    private int told;
    private boolean finished;

    Counter(int n, int slices, IntConsumer done) {
      this.n = n;
      this.slices = slices;
      this.done = done;
    }

    @Override
    public synchronized void onTaskEnd(SparkListenerTaskEnd end) {
      int i = end.taskInfo().index();
      if (finished || !end.taskInfo().successful() || i >= slices || seen.get(i)) {
        return;
      }
      seen.set(i);
      int k = (int) ((i + 1) * n / slices - i * n / slices);
      told += k;
      done.accept(k);
    }

    synchronized void finish() {
      finished = true;
      if (told < n) {
        done.accept((int) (n - told));
      }
    }
  }
}
