package io.pdlab.real.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pdlab.real.node.Commands;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * pdlab-launch (the member image's entrypoint on kubelet nodes), built with gcc as {@link
 * MemberImage} builds it and run here as a plain process against a socket playing pdlab: its
 * greeting names the container, and each answer ends it as the protocol says.
 */
class PdlabLaunchTest {
  @TempDir
  static Path dir;
  private static Path launcher;

  @BeforeAll
  static void build() {
    Assumptions.assumeTrue(Commands.which("gcc").isPresent(), "no gcc to build pdlab-launch");
    launcher = dir.resolve("pdlab-launch");
    MemberImage.compileLauncher(launcher);
  }

  /** pdlab-launch started with {@code container} as its PDLAB_CONTAINER (null: unset). */
  private static Process start(ServerSocket pdlab, String container) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(launcher.toString()).redirectErrorStream(true);
    pb.environment().put("PDLAB_DRIVER", "127.0.0.1:" + pdlab.getLocalPort());
    pb.environment().put("HOSTNAME", "m-1");
    pb.environment().remove(LaunchServer.CONTAINER_ENV);
    if (container != null) {
      pb.environment().put(LaunchServer.CONTAINER_ENV, container);
    }
    return pb.start();
  }

  private static ServerSocket pdlab() throws Exception {
    ServerSocket s = new ServerSocket();
    s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    s.setSoTimeout(10_000);
    return s;
  }

  private static String greeting(Socket c) throws Exception {
    c.setSoTimeout(10_000);
    return new BufferedReader(new InputStreamReader(c.getInputStream(),
        StandardCharsets.UTF_8)).readLine();
  }

  private static void say(Socket c, String text) throws Exception {
    OutputStream out = c.getOutputStream();
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private static int exitOf(Process p) throws Exception {
    assertTrue(p.waitFor(10, TimeUnit.SECONDS), "pdlab-launch did not end");
    return p.exitValue();
  }

  @Test
  void anIdleContainerWaitsUntilPdlabSaysItsProcesssExitCode() throws Exception {
    for (int code : List.of(0, 3)) {
      try (ServerSocket pdlab = pdlab()) {
        Process p = start(pdlab, "check-dns");
        try (Socket c = pdlab.accept()) {
          String hello = greeting(c);
          assertEquals("pdlab-launch 2 m-1 check-dns", hello);
          assertEquals(List.of("m-1", "check-dns"), LaunchServer.greeting(hello));
          say(c, "wait\n");
          assertFalse(p.waitFor(300, TimeUnit.MILLISECONDS), "it waits for the model's process");
          say(c, "exit " + code + "\n");
          assertEquals(code, exitOf(p), "the model's process's exit code");
        }
      }
    }
  }

  @Test
  void anIdleContainerPdlabHangsUpOnExits1() throws Exception {
    try (ServerSocket pdlab = pdlab()) {
      Process p = start(pdlab, "etcd");
      try (Socket c = pdlab.accept()) {
        assertEquals("pdlab-launch 2 m-1 etcd", greeting(c));
        say(c, "wait\n");
      }
      assertEquals(1, exitOf(p));
    }
  }

  @Test
  void aHangUpBeforeAnyAnswerExits1AndExecRunsTheProgram() throws Exception {
    try (ServerSocket pdlab = pdlab()) {
      Process p = start(pdlab, null);
      try (Socket c = pdlab.accept()) {
        assertEquals("pdlab-launch 2 m-1 -", greeting(c), "no PDLAB_CONTAINER: '-'");
      }
      assertEquals(1, exitOf(p));
    }
    try (ServerSocket pdlab = pdlab()) {
      Process p = start(pdlab, "etcd");
      try (Socket c = pdlab.accept()) {
        greeting(c);
        say(c, "exec 3\n/bin/sh\n-c\nexit 7\n");
        assertEquals(7, exitOf(p), "the exec'd program's exit");
      }
    }
  }

  @Test
  void aBadExitLineIsRefused() throws Exception {
    try (ServerSocket pdlab = pdlab()) {
      Process p = start(pdlab, "check-dns");
      try (Socket c = pdlab.accept()) {
        greeting(c);
        say(c, "wait\nexit 256\n");
        assertEquals(2, exitOf(p));
      }
    }
  }

  @Test
  void launchServerTakesOnlyProtocol2Greetings() {
    assertEquals(List.of("m-1", "check-dns"), LaunchServer.greeting(
        "pdlab-launch 2 m-1 check-dns"));
    assertNull(LaunchServer.greeting("pdlab-launch 1 m-1"), "protocol 1 names no container");
    assertNull(LaunchServer.greeting("pdlab-launch 2 m-1"));
    assertNull(LaunchServer.greeting("pdlab-launch 2 m-1  "));
    assertNull(LaunchServer.greeting("pdlab-launch 3 m-1 etcd"));
    assertNull(LaunchServer.greeting(null));
  }
}
