package io.pdlab.spark;

import io.pdlab.scenarios.engine.Engine;
import io.pdlab.scenarios.engine.EngineProvider;

/** Offers {@link SparkEngine} to {@code --engine spark} (found by {@link java.util.ServiceLoader}). */
public final class SparkEngineProvider implements EngineProvider {
  @Override
  public String name() {
    return "spark";
  }

  @Override
  public Engine open(String master, String appName) {
    return SparkEngine.open(master, appName);
  }
}
