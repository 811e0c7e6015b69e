package io.pdlab.real.testing;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A second JVM for hygiene tests: runs {@code main} with this JVM's class path, waits (bounded)
 * for it to print a line starting with {@code READY }, and hands back the process and that line's
 * words, so a test can then System.exit, SIGTERM or kill -9 it and look at what is left.
 */
public final class ChildJvm {
  private ChildJvm() {}

  /** A running child and the words of its READY line after "READY". */
  public record Child(Process process, List<String> ready) {}

  /**
   * Starts {@code main} with {@code args}, its stderr in {@code stderr}.
   *
   * @throws AssertionError when it exits or is not ready within {@code timeout} (with its stderr)
   */
  public static Child launch(Class<?> main, Path stderr, Duration timeout, String... args) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java, "-cp",
        System.getProperty("java.class.path"), main.getName()));
    command.addAll(List.of(args));
    Process p;
    try {
      p = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start a child JVM", e);
    }
    AtomicReference<String> ready = new AtomicReference<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
          StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          if (line.startsWith("READY ")) {
            ready.set(line);
          }
        }
      } catch (IOException e) {
        // The child is gone.
      }
    });
    reader.setDaemon(true);
    reader.start();
    try {
      await().atMost(timeout).until(() -> ready.get() != null || !p.isAlive());
    } finally {
      if (ready.get() == null) {
        p.destroyForcibly();
      }
    }
    String line = ready.get();
    assertTrue(line != null, () -> "the child JVM did not get ready; its stderr: "
        + readQuietly(stderr));
    List<String> words = List.of(line.split(" "));
    return new Child(p, words.subList(1, words.size()));
  }

  /** Waits, bounded, until the child is gone. */
  public static void awaitExit(Process p, Duration timeout) {
    await().atMost(timeout).until(() -> !p.isAlive());
  }

  private static String readQuietly(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }
}
