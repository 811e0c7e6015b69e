package io.pdlab.scenarios;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import io.pdlab.scenarios.model.Scenario;
import io.pdlab.scenarios.run.ScenarioResult;
import io.pdlab.scenarios.run.ScenarioRunner;
import io.pdlab.scenarios.yaml.ScenarioParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The scenario catalog ({@code scenarios/catalog/*.yaml}) as JUnit dynamic tests: one per file,
 * named by the scenario; each must meet its expectations on the simulated backend.
 */
class CatalogTest {
  static final Path CATALOG = Path.of("catalog");

  @TestFactory
  Stream<DynamicTest> catalog() throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(CATALOG)) {
      files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    assertFalse(files.isEmpty(), "no scenarios in " + CATALOG.toAbsolutePath());
    return files.stream().map(f -> {
      Scenario s = ScenarioParser.parse(f);
      return DynamicTest.dynamicTest(s.name(), () -> {
        ScenarioResult r = ScenarioRunner.run(s, null, null);
        if (!r.passed()) {
          fail(f + ": " + String.join("; ", r.failures()) + "\n" + r.measures().describe());
        }
      });
    });
  }
}
