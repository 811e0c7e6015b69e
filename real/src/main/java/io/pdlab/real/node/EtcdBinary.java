package io.pdlab.real.node;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The etcd binary the real backends run: {@code $ETCD_BIN} when set, else {@code etcd} on the
 * PATH, else {@code /usr/bin/etcd}. Processes run it directly; containers are built from it.
 */
public final class EtcdBinary {

  /** The environment variable that names the etcd binary to use. */
  public static final String ENV = "ETCD_BIN";

  /** How to get an etcd binary; part of every "not found" message. */
  public static final String HOW_TO_GET =
      "install Debian's etcd-server: apt-get install -y etcd-server, or set ETCD_BIN to an etcd 3.4"
          + " binary";

  private static final Path DEBIAN_PATH = Path.of("/usr/bin/etcd");
  private static final Pattern VERSION = Pattern.compile("etcd Version:\\s*(\\S+)");

  private final Path path;
  private volatile String version;

  private EtcdBinary(Path path) {
    this.path = path;
  }

  /**
   * Finds the etcd binary from this JVM's environment.
   *
   * @throws IllegalStateException when {@code ETCD_BIN} is set but is not an executable file, or
   *     when no etcd is found; the message says how to get one
   */
  public static EtcdBinary locate() {
    return locate(System.getenv(), DEBIAN_PATH);
  }

  /** {@link #locate()} with an explicit environment and last-resort path (for tests). */
  static EtcdBinary locate(Map<String, String> env, Path fallback) {
    String fromEnv = env.get(ENV);
    if (fromEnv != null && !fromEnv.isBlank()) {
      Path p = Path.of(fromEnv).toAbsolutePath();
      if (!Files.exists(p)) {
        throw new IllegalStateException(ENV + " is set to " + p + ", which does not exist; "
            + HOW_TO_GET);
      }
      if (!Files.isRegularFile(p)) {
        throw new IllegalStateException(ENV + " is set to " + p + ", which is not a regular file;"
            + " " + HOW_TO_GET);
      }
      if (!Files.isExecutable(p)) {
        throw new IllegalStateException(ENV + " is set to " + p + ", which is not executable"
            + " (chmod +x it); " + HOW_TO_GET);
      }
      return new EtcdBinary(p);
    }
    Optional<Path> onPath = Commands.which("etcd", env.get("PATH"));
    if (onPath.isPresent()) {
      return new EtcdBinary(onPath.get().toAbsolutePath());
    }
    if (Files.isRegularFile(fallback) && Files.isExecutable(fallback)) {
      return new EtcdBinary(fallback);
    }
    throw new IllegalStateException("no etcd binary: " + ENV + " is not set, there is no etcd on"
        + " the PATH and no " + fallback + "; " + HOW_TO_GET);
  }

  /**
   * Why no etcd binary can be used here, or empty when {@link #locate()} works; for tests that
   * must be skipped without one.
   */
  public static Optional<String> unavailableReason() {
    try {
      locate();
      return Optional.empty();
    } catch (IllegalStateException e) {
      return Optional.of(e.getMessage());
    }
  }

  /** The binary's absolute path. */
  public Path path() {
    return path;
  }

  /**
   * The version etcd reports ({@code etcd --version}), e.g. {@code 3.4.23}.
   *
   * @throws IllegalStateException when it cannot be run or prints no version
   */
  public String version() {
    String v = version;
    if (v == null) {
      String out = Commands.check(Duration.ofSeconds(20), List.of(path.toString(), "--version"));
      Matcher m = VERSION.matcher(out);
      if (!m.find()) {
        throw new IllegalStateException(path + " --version printed no 'etcd Version:' line: "
            + out.strip());
      }
      v = m.group(1);
      version = v;
    }
    return v;
  }

  /** The etcdctl next to the binary, else on the PATH, when there is one. */
  public Optional<Path> etcdctl() {
    Path sibling = path.resolveSibling("etcdctl");
    if (Files.isRegularFile(sibling) && Files.isExecutable(sibling)) {
      return Optional.of(sibling);
    }
    return Commands.which("etcdctl", System.getenv("PATH"));
  }

  @Override
  public String toString() {
    return path.toString();
  }
}
