package io.pdlab.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code pdlab}: the entry point; every subcommand has {@code --help}. */
@Command(name = "pdlab", mixinStandardHelpOptions = true, version = "pdlab 0.1.0",
    description = "Evidence for how operators should bootstrap PD's embedded etcd on Kubernetes.",
    subcommands = {CompareCommand.class, RunCommand.class, ReportCommand.class,
        CalibrateCommand.class, ExploreCommand.class})
public final class Main implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(System.err);
    return 2;
  }

  public static void main(String[] args) {
    System.setProperty("java.awt.headless", "true");
    System.exit(execute(args));
  }

  /** Runs the command line and returns its exit code (0, 1 or 2). */
  public static int execute(String... args) {
    CommandLine cl = new CommandLine(new Main());
    cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
      cmd.getErr().println("pdlab: " + e.getMessage());
      return 2;
    });
    return cl.execute(args);
  }
}
