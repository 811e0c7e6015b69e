/**
 * Reads a scenario file (YAML) into a {@link io.pdlab.scenarios.model.Scenario}, checking every
 * rule of the format on the way. Each problem names the file, line and column (1-based) it is
 * about; all problems found in one pass are reported together, in file order, by one {@link
 * io.pdlab.scenarios.yaml.ScenarioException}.
 *
 * <p>SnakeYAML stays inside this package: it composes the file into nodes (which carry their
 * position) and nothing else; no YAML type reaches the model.
 */
package io.pdlab.scenarios.yaml;
