package io.pdlab.scenarios.run;

import io.pdlab.pd.run.RunMeasures;
import io.pdlab.scenarios.model.Scenario;
import java.util.List;

/**
 * What one run of a scenario gave.
 *
 * @param seed the seed used (the scenario's, or an override)
 * @param measures the measures of protocols.md section 4
 * @param events events fired
 * @param failures expectations that did not hold, one message each (empty: all held)
 */
public record ScenarioResult(Scenario scenario, long seed, RunMeasures measures, long events,
    List<String> failures) {
  public ScenarioResult {
    failures = List.copyOf(failures);
  }

  public boolean passed() {
    return failures.isEmpty();
  }
}
