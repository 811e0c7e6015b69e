package io.pdlab.cli;

import io.pdlab.reports.Report;
import io.pdlab.reports.Results;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Rebuilds the report from every results*.json under a directory (several runs, backends). */
@Command(name = "report", mixinStandardHelpOptions = true,
    description = "Rebuild report.html and report.md from results files.")
final class ReportCommand implements Callable<Integer> {
  @Option(names = "--in", required = true, description = "directory with results*.json files")
  Path in;

  @Option(names = "--out", description = "output directory (default: the --in directory)")
  Path out;

  @Override
  public Integer call() throws Exception {
    if (!Files.isDirectory(in)) {
      throw new BadInputException("--in " + in + ": not a directory");
    }
    Path target = out == null ? in : out;
    Results r = Report.rebuild(in, target);
    CompareCommand.printSummary(r, System.out);
    System.out.println("wrote " + target.resolve("report.html") + " from " + r.records().size()
        + " runs");
    return 0;
  }
}
