package io.pdlab.real.node;

import com.github.dockerjava.api.DockerClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.testcontainers.DockerClientFactory;

/**
 * Whether docker can be used from this JVM, and the client to use it with. Testcontainers must be
 * configured as {@code ../shared/docs/containers.md} says (no registry here): Ryuk off, host
 * override on when the machine looks like a container; otherwise it would try to pull images for
 * minutes, so this fails fast with the fix instead.
 */
final class DockerSupport {

  /** How to get docker; part of every "docker unavailable" message. */
  static final String HOW_TO_GET = "apt-get install -y docker.io and start dockerd";

  private static Optional<String> reason;

  private DockerSupport() {
  }

  /** Why docker cannot be used, or empty when it can; determined once per JVM. */
  static synchronized Optional<String> unavailableReason() {
    if (reason == null) {
      reason = compute();
    }
    return reason;
  }

  private static Optional<String> compute() {
    if (!"true".equalsIgnoreCase(System.getenv("TESTCONTAINERS_RYUK_DISABLED"))) {
      return Optional.of("TESTCONTAINERS_RYUK_DISABLED=true is not set in the environment:"
          + " Testcontainers would pull its Ryuk image, and no registry is reachable here (these"
          + " backends remove what they create themselves); set it, and"
          + " TESTCONTAINERS_HOST_OVERRIDE=localhost, before starting the JVM");
    }
    String hostOverride = System.getenv("TESTCONTAINERS_HOST_OVERRIDE");
    if ((hostOverride == null || hostOverride.isBlank()) && Files.exists(Path.of("/.dockerenv"))) {
      return Optional.of("this machine looks like a container to Testcontainers (/.dockerenv"
          + " exists) and TESTCONTAINERS_HOST_OVERRIDE is not set: it would pull an image to find"
          + " the docker host; set TESTCONTAINERS_HOST_OVERRIDE=localhost");
    }
    String dockerHost = System.getenv("DOCKER_HOST");
    if ((dockerHost == null || dockerHost.isBlank())
        && !Files.exists(Path.of("/var/run/docker.sock"))) {
      return Optional.of("no docker daemon: /var/run/docker.sock does not exist and DOCKER_HOST is"
          + " not set; " + HOW_TO_GET);
    }
    try {
      if (!DockerClientFactory.instance().isDockerAvailable()) {
        return Optional.of("docker is not reachable from this JVM (Testcontainers found no working"
            + " docker environment); " + HOW_TO_GET);
      }
      return Optional.empty();
    } catch (RuntimeException | LinkageError e) {
      return Optional.of("docker is not reachable from this JVM (" + e + "); " + HOW_TO_GET);
    }
  }

  /**
   * The shared docker client.
   *
   * @throws IllegalStateException with the reason when docker cannot be used
   */
  static DockerClient client() {
    Optional<String> why = unavailableReason();
    if (why.isPresent()) {
      throw new IllegalStateException("docker cannot be used: " + why.get());
    }
    return DockerClientFactory.instance().client();
  }

  /** The host at which published container ports are reached ({@code localhost} here). */
  static String hostAddress() {
    return DockerClientFactory.instance().dockerHostIpAddress();
  }
}
