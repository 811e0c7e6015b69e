package io.pdlab.real.testing;

import io.pdlab.real.drive.Prerequisites;
import java.util.Optional;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * How a test that needs a real backend treats a missing prerequisite: on a developer's machine it
 * is skipped (a JUnit assumption, so the reason is in the surefire/failsafe report and the skip in
 * the summary line); where the run must prove the real backends work, it fails with the reason.
 * That is when {@code CI=true} (CI's {@code ./run-tests}, whose {@code scripts/ensure-real}
 * installs and starts everything first) or {@code -Dpdlab.requireReal=true}.
 *
 * <p>Shared with the other modules' tests through {@code real}'s test jar.
 */
public final class RealPrerequisites {
  /** The system property that makes a missing prerequisite fail the test outside CI too. */
  public static final String REQUIRE_PROPERTY = "pdlab.requireReal";

  private RealPrerequisites() {}

  /** Whether a missing prerequisite fails instead of skipping. */
  public static boolean required() {
    return "true".equalsIgnoreCase(System.getenv("CI")) || Boolean.getBoolean(REQUIRE_PROPERTY);
  }

  /** Needs real backend {@code backend} ({@code etcd} or {@code etcd-containers}). */
  public static void requireBackend(String backend) {
    require("backend " + backend, Optional.ofNullable(Prerequisites.missing(backend)));
  }

  /**
   * Needs {@code what}, which cannot be had for reason {@code why} (empty: it can).
   *
   * @throws org.opentest4j.TestAbortedException to skip, when not {@linkplain #required required}
   */
  public static void require(String what, Optional<String> why) {
    if (why.isEmpty()) {
      return;
    }
    String message = what + " is not available here: " + why.get();
    if (required()) {
      Assertions.fail(message + " (CI=true or -D" + REQUIRE_PROPERTY
          + "=true: a missing prerequisite fails; scripts/ensure-real installs and starts it)");
    }
    Assumptions.abort(message + " (skipped; as root, ./run-tests installs and starts it)");
  }
}
