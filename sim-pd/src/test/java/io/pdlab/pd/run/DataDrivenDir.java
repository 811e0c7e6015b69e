package io.pdlab.pd.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.pdlab.sim.datadriven.DataDrivenFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;

/** One dynamic test per {@code .txt} file of a testdata folder, each with a fresh runner. */
final class DataDrivenDir {
  private DataDrivenDir() {}

  static Stream<DynamicTest> tests(Path dir,
      Supplier<Function<DataDrivenFile.Case, String>> runner) {
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(p -> p.toString().endsWith(".txt")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
    assertEquals(false, files.isEmpty(), "no test files in " + dir);
    return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
      List<String> failures = DataDrivenFile.check(f, runner.get());
      if (!failures.isEmpty()) {
        fail(String.join("\n\n", failures));
      }
    }));
  }
}
