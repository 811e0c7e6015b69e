package io.pdlab.cli;

import io.pdlab.scenarios.model.Scenario;
import java.util.List;

/** The option checks compare, calibrate and explore share. */
final class Checks {
  private Checks() {}

  static void strategies(List<String> strategies) {
    for (String s : strategies) {
      if (!Scenario.STRATEGIES.contains(s)) {
        throw new BadInputException("--strategies: unknown strategy '" + s + "' (known: "
            + String.join(", ", Scenario.STRATEGIES) + ")");
      }
    }
  }

  static void members(List<Integer> members) {
    for (int n : members) {
      if (n < 1 || n > 9) {
        throw new BadInputException("--members: " + n + " is out of range 1..9");
      }
    }
  }

  /** {@code --engine} and {@code --master}, as the engines judge them. */
  static void engine(String engine, String master) {
    String refusal = io.pdlab.scenarios.engine.Engines.refusal(engine, master);
    if (refusal != null) {
      throw new BadInputException(refusal);
    }
  }

  static void runs(int runs) {
    if (runs < 1) {
      throw new BadInputException("--runs must be at least 1, got " + runs);
    }
  }
}
