package io.pdlab.real.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A component that dies says why, and one started again keeps its earlier log. */
class KubeProcessTest {
  /** What the 1.20.2 kubelet prints when a runtime-dependent module fails, then its stacks. */
  private static final String DIES = "echo 'I1203 09:58:00.100 1 kubelet.go:1300] starting';"
      + " echo 'F1203 09:58:01.123 1 kubelet.go:1350] Failed to start ContainerManager x';"
      + " echo 'goroutine 1 [running]:'; echo 'goroutine 262 [runnable]:'; exit 255";

  @Test
  void aKlogFatalIsNamedEvenWhenTheStacksFillTheTail(@TempDir Path dir) throws Exception {
    KubeProcess p = new KubeProcess("kubelet", List.of("sh", "-c", DIES), dir.resolve("k.log"),
        () -> "not yet");
    p.start();
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> p.awaitHealthy(Duration.ofSeconds(20)));
    assertTrue(e.getMessage().contains("exited with code 255 before it was healthy (F1203"
        + " 09:58:01.123 1 kubelet.go:1350] Failed to start ContainerManager x)"), e.getMessage());
    assertFalse(p.alive());
  }

  @Test
  void startedAgainItAppendsToItsLog(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("k.log");
    KubeProcess p = new KubeProcess("kubelet", List.of("sh", "-c", DIES), log, () -> "not yet");
    p.start();
    assertThrows(IllegalStateException.class, () -> p.awaitHealthy(Duration.ofSeconds(20)));
    p.start();
    assertThrows(IllegalStateException.class, () -> p.awaitHealthy(Duration.ofSeconds(20)));
    List<String> lines = Files.readAllLines(log);
    assertEquals(2, lines.stream().filter(l -> l.startsWith("==== pdlab: ")).count(), lines::toString);
    assertEquals(2, lines.stream().filter(l -> l.startsWith("F1203")).count(), lines::toString);
  }

  @Test
  void aLogWithoutAFatalLineSaysSo(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("k.log");
    Files.writeString(log, "I1203 09:58:00.100 1 kubelet.go:1300] starting\nFailed x\n");
    assertEquals("no fatal line in its log",
        new KubeProcess("kubelet", List.of("true"), log, () -> null).fatalLine());
    Files.writeString(log, "panic: runtime error: index out of range\n\ngoroutine 1:\n");
    assertEquals("panic: runtime error: index out of range",
        new KubeProcess("kubelet", List.of("true"), log, () -> null).fatalLine());
  }
}
