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
 * @param provisioning with {@code infra.provision: true}, the Terraform apply's timeline, one
 *     line per resource under the plan's names ({@code ApplyResult.toText}), or what was left
 *     when the run ended first; empty otherwise
 */
public record ScenarioResult(Scenario scenario, long seed, RunMeasures measures, long events,
    List<String> failures, List<String> provisioning) {
  public ScenarioResult {
    failures = List.copyOf(failures);
    provisioning = List.copyOf(provisioning);
  }

  /** A run without provisioning. */
  public ScenarioResult(Scenario scenario, long seed, RunMeasures measures, long events,
      List<String> failures) {
    this(scenario, seed, measures, events, failures, List.of());
  }

  public boolean passed() {
    return failures.isEmpty();
  }
}
