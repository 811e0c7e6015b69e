package io.pdlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static java.nio.file.StandardCopyOption.REPLACE_EXISTING;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code pdlab} launcher script picks the JVM and its options: {@code $JAVA_HOME}'s java when
 * set, and {@code $PDLAB_JAVA_OPTS}, by default the serial collector. Run on a copy of the script
 * beside a built jar (so it builds nothing) and a JDK check that passes, with a stand-in java
 * that prints what it was given.
 */
class LauncherTest {
  @TempDir
  Path dir;

  private List<String> launch(Map<String, String> env) throws IOException, InterruptedException {
    Path root = Path.of("..").toAbsolutePath().normalize();
    Path copy = dir.resolve("pdlab-copy");
    Files.createDirectories(copy.resolve("scripts"));
    Files.createDirectories(copy.resolve("cli/target"));
    Files.copy(root.resolve("pdlab"), copy.resolve("pdlab"), REPLACE_EXISTING);
    // the JDK and Maven check stands aside: it may install them, which is not this test's
    Files.writeString(copy.resolve("scripts/ensure-jdk"), ":\n");
    Files.writeString(copy.resolve("cli/target/pdlab.jar"), "");
    Path javaHome = dir.resolve("jdk");
    Files.createDirectories(javaHome.resolve("bin"));
    Path java = javaHome.resolve("bin/java");
    Files.writeString(java, "#!/bin/sh\nfor a in \"$@\"; do echo \"$a\"; done\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    ProcessBuilder pb = new ProcessBuilder("bash", copy.resolve("pdlab").toString(), "explore",
        "--help").redirectErrorStream(true);
    pb.environment().put("JAVA_HOME", javaHome.toString());
    pb.environment().remove("PDLAB_JAVA_OPTS");
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the launcher ended");
    assertEquals(0, p.exitValue(), out);
    return out.lines().toList();
  }

  @Test
  void runsJavaHomesJvmWithTheSerialCollectorByDefault() throws Exception {
    List<String> args = launch(Map.of());
    assertEquals(List.of("-XX:+UseSerialGC", "-Djava.awt.headless=true", "-jar",
        dir.resolve("pdlab-copy/cli/target/pdlab.jar").toString(), "explore", "--help"), args);
  }

  @Test
  void pdlabJavaOptsReplaceTheDefaultOptions() throws Exception {
    assertEquals(List.of("-Xmx1g", "-XX:+UseG1GC", "-Djava.awt.headless=true", "-jar",
        dir.resolve("pdlab-copy/cli/target/pdlab.jar").toString(), "explore", "--help"),
        launch(Map.of("PDLAB_JAVA_OPTS", "-Xmx1g -XX:+UseG1GC")));
    assertEquals(List.of("-Djava.awt.headless=true", "-jar",
        dir.resolve("pdlab-copy/cli/target/pdlab.jar").toString(), "explore", "--help"),
        launch(Map.of("PDLAB_JAVA_OPTS", "")));
  }
}
