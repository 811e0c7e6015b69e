package io.pdlab.pd.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.pdlab.sim.datadriven.DataDrivenFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Walks {@code src/test/resources/testdata/etcd}: each file is one scripted scenario of the etcd
 * model, pinned as a transcript. Rewrite with {@code -Dpdlab.rewrite=true} and review the diff.
 */
class EtcdDataDrivenTest {
  static final Path DIR = Path.of("src/test/resources/testdata/etcd");

  @TestFactory
  Stream<DynamicTest> files() throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(DIR)) {
      files = s.filter(p -> p.toString().endsWith(".txt")).sorted().toList();
    }
    assertEquals(false, files.isEmpty(), "no test files in " + DIR);
    return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
      List<String> failures = DataDrivenFile.check(f, new EtcdScript()::run);
      if (!failures.isEmpty()) {
        fail(String.join("\n\n", failures));
      }
    }));
  }
}
