package io.pdlab.real.testing;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

class RealPrerequisitesTest {
  @AfterEach
  void clear() {
    System.clearProperty(RealPrerequisites.REQUIRE_PROPERTY);
  }

  @Test
  void somethingPresentNeitherFailsNorSkips() {
    System.setProperty(RealPrerequisites.REQUIRE_PROPERTY, "true");
    assertDoesNotThrow(() -> RealPrerequisites.require("etcd", Optional.empty()));
  }

  @Test
  void somethingMissingFailsWithItsReasonWhenRequired() {
    System.setProperty(RealPrerequisites.REQUIRE_PROPERTY, "true");
    AssertionFailedError e = assertThrows(AssertionFailedError.class,
        () -> RealPrerequisites.require("dockerd", Optional.of("no daemon answers")));
    assertTrue(e.getMessage().contains("dockerd is not available here: no daemon answers"),
        e.getMessage());
  }

  @Test
  void somethingMissingSkipsWithItsReasonOnADevelopersMachine() {
    boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));
    Class<? extends Throwable> expected = ci ? AssertionFailedError.class
        : TestAbortedException.class;
    Throwable e = assertThrows(expected,
        () -> RealPrerequisites.require("dockerd", Optional.of("no daemon answers")));
    assertTrue(e.getMessage().contains("no daemon answers"), e.getMessage());
  }
}
