package io.pdlab.scenarios.engine;

/**
 * An engine that lives in a module the default jar does not hold, found with {@link
 * java.util.ServiceLoader} (the {@code spark} module provides {@code spark}).
 */
public interface EngineProvider {
  /** The name {@code --engine} selects it by. */
  String name();

  /**
   * Starts the engine. {@code master} is the cluster to use ({@code null}: the engine's default,
   * or what a submitting launcher such as {@code spark-submit} configured).
   */
  Engine open(String master, String appName);
}
