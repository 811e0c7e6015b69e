package io.pdlab.pd.run;

import java.nio.file.Path;
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
  Stream<DynamicTest> files() {
    return DataDrivenDir.tests(DIR, () -> new EtcdScript()::run);
  }
}
