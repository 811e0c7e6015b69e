package io.pdlab.real.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Telling a live owner from a dead one, from markers and labels. */
class OwnerTest {

  /** A pid that is not running now (counting down from the kernel's pid_max). */
  static long deadPid() throws Exception {
    long max = Long.parseLong(new String(Fs.readProc(java.nio.file.Path.of(
        "/proc/sys/kernel/pid_max")), java.nio.charset.StandardCharsets.UTF_8).strip());
    for (long pid = max - 1; pid > 1; pid--) {
      if (ProcessHandle.of(pid).isEmpty()) {
        return pid;
      }
    }
    throw new IllegalStateException("no free pid");
  }

  @Test
  void markerAndLabelsRoundTrip() {
    Owner me = Owner.current();
    assertEquals(Optional.of(me), Owner.parseMarker(me.toMarker()));
    assertEquals(Optional.of(me), Owner.fromLabels(me.labels("run-1")));
    assertEquals("run-1", me.labels("run-1").get(Owner.RUN_LABEL));
    assertTrue(me.label().startsWith(ProcessHandle.current().pid() + "@"), me.label());
    assertTrue(me.toMarker().contains("pid=" + ProcessHandle.current().pid()), me.toMarker());
    assertEquals(Optional.empty(), Owner.parseMarker("garbage"));
    assertEquals(Optional.empty(), Owner.fromLabels(Map.of(Owner.OWNER_LABEL, "x")));
    assertEquals(Optional.empty(), Owner.fromLabels(Map.of()));
  }

  @Test
  void thisJvmIsAlive() {
    assertEquals(Owner.Status.ALIVE, Owner.current().status());
  }

  @Test
  void aFreePidIsDead() throws Exception {
    Owner me = Owner.current();
    Owner gone = new Owner(deadPid(), Instant.now(), me.bootId(), me.pidNamespace());
    assertEquals(Owner.Status.DEAD, gone.status());
  }

  @Test
  void aReusedPidIsDead() {
    Owner me = Owner.current();
    Owner earlier = new Owner(me.pid(), me.start().minusSeconds(3600), me.bootId(),
        me.pidNamespace());
    assertEquals(Owner.Status.DEAD, earlier.status());
  }

  @Test
  void anotherBootIsDeadAnotherPidNamespaceIsUnknown() {
    Owner me = Owner.current();
    assertEquals(Owner.Status.DEAD,
        new Owner(me.pid(), me.start(), "other-boot", me.pidNamespace()).status());
    assertEquals(Owner.Status.UNKNOWN,
        new Owner(me.pid(), me.start(), me.bootId(), "pid:[1]").status());
  }
}
