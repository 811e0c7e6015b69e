package io.pdlab.scenarios.engine;

import java.util.List;
import java.util.ServiceLoader;

/** Opens an engine by the name the command line gives. */
public final class Engines {
  /** What {@code --engine} accepts. */
  public static final List<String> NAMES = List.of("threads", "spark");

  private Engines() {}

  /**
   * Why {@code --engine name --master master} cannot be, or null when it can (whether a cluster
   * engine is on the class path is found out only by {@link #open}).
   */
  public static String refusal(String name, String master) {
    if (!NAMES.contains(name)) {
      return "--engine: unknown engine '" + name + "' (known: " + String.join(", ", NAMES) + ")";
    }
    if (name.equals("threads") && master != null) {
      return "--master " + master + " needs --engine spark; the threads engine runs in this JVM";
    }
    return null;
  }

  /**
   * Opens {@code name}: {@code threads} (with {@code threads} workers, 0 for one per core) or an
   * engine a provider on the class path offers. {@code master} is for cluster engines only.
   *
   * @throws IllegalArgumentException an unknown name, a {@code master} for the threads engine,
   *     or a cluster engine that is not on the class path (saying how to get it)
   */
  public static Engine open(String name, String master, int threads, String appName) {
    String refusal = refusal(name, master);
    if (refusal != null) {
      throw new IllegalArgumentException(refusal);
    }
    if (name.equals("threads")) {
      return new ThreadEngine(threads);
    }
    for (EngineProvider p : ServiceLoader.load(EngineProvider.class)) {
      if (p.name().equals(name)) {
        return p.open(master, appName);
      }
    }
    throw new IllegalArgumentException("--engine " + name + ": this pdlab jar has no " + name
        + " engine (the default jar leaves Apache Spark out); run ./pdlab, which adds the spark"
        + " module's jar and Spark's libraries when --engine spark is given, or submit"
        + " spark/target/pdlab-spark.jar with spark-submit");
  }
}
