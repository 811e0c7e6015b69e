package io.pdlab.cli;

import io.pdlab.pd.run.RunMeasures;
import io.pdlab.scenarios.model.Backend;
import io.pdlab.scenarios.model.Scenario;
import io.pdlab.scenarios.run.ScenarioResult;
import io.pdlab.scenarios.run.ScenarioRunner;
import io.pdlab.scenarios.yaml.ScenarioParser;
import io.pdlab.sim.trace.TraceBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Runs one scenario file, prints the outcome and measures, and judges its expectations. */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = "Run one scenario file; exit 1 if an expectation fails.")
final class RunCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "FILE.yaml", description = "the scenario")
  Path file;

  @Option(names = "--seed", description = "seed (default: the scenario's)")
  Long seed;

  @Option(names = "--trace", description = "write the trace here (.jsonl: JSON lines)")
  Path trace;

  @Override
  public Integer call() {
    if (!Files.isRegularFile(file)) {
      throw new BadInputException(file + ": no such file");
    }
    Scenario s = ScenarioParser.parse(file);
    TraceBuffer buf = trace == null ? null : new TraceBuffer();
    ScenarioResult r = ScenarioRunner.run(s, seed, buf);
    RunMeasures m = r.measures();
    System.out.println(s.name() + (s.backend() == Backend.SIM
        ? " (seed " + r.seed() + ", " + r.events() + " events)"
        : " (backend " + s.backend() + ", seed " + r.seed() + ")"));
    System.out.println(m.describe());
    r.clusters().forEach((name, c) -> System.out.println("cluster " + name + ": "
        + c.describe().replace("\n", "\n  ")));
    System.out.println("nodes: " + String.join(", ", r.nodeKinds().entrySet().stream()
        .map(e -> e.getValue() + " " + e.getKey()).toList()));
    for (String t : m.timeline()) {
      System.out.println("  " + t);
    }
    if (!r.provisioning().isEmpty()) {
      System.out.println("provisioning (start, finish, resource):");
      for (String line : r.provisioning()) {
        System.out.println("  " + line);
      }
    }
    if (buf != null) {
      buf.writeTo(trace);
      System.out.println("trace written to " + trace);
    }
    if (!r.passed()) {
      for (String f : r.failures()) {
        System.out.println("EXPECTATION FAILED: " + f);
      }
      return 1;
    }
    System.out.println(s.expect() == null ? "no expectations" : "expectations held");
    return 0;
  }
}
