package io.pdlab.real.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The JVM that owns a run directory, container, network or image: its pid and start instant,
 * plus the boot id and pid namespace they are valid in. A pid alone is not enough (pids are
 * reused); pid and start instant together identify one process on one boot.
 *
 * @param pid the owner's process id
 * @param start the owner's start instant, or null when unknown
 * @param bootId the kernel boot id when the owner ran ({@code /proc/sys/kernel/random/boot_id})
 * @param pidNamespace the owner's pid namespace ({@code /proc/self/ns/pid} link)
 */
record Owner(long pid, Instant start, String bootId, String pidNamespace) {

  /** Docker label holding {@link #label()}. */
  static final String OWNER_LABEL = "io.pdlab.owner";
  /** Docker label holding {@link #hostLabel()}. */
  static final String HOST_LABEL = "io.pdlab.host";
  /** Docker label holding the run directory's name. */
  static final String RUN_LABEL = "io.pdlab.run";

  static final String UNKNOWN = "unknown";
  /** Start instants of one process compare equal; allow some slack for rounding. */
  private static final Duration START_SLACK = Duration.ofSeconds(1);

  /** Whether an owner is still running. */
  enum Status {
    /** The owner process is running. */
    ALIVE,
    /** The owner process is gone (its pid is free, or taken by a later process, or rebooted). */
    DEAD,
    /** It cannot be told from here (another pid namespace); leave its things alone. */
    UNKNOWN
  }

  private static final Owner CURRENT = new Owner(ProcessHandle.current().pid(),
      ProcessHandle.current().info().startInstant().orElse(null), readBootId(), readPidNamespace());

  /** This JVM. */
  static Owner current() {
    return CURRENT;
  }

  /** The value of the {@value #OWNER_LABEL} label: {@code pid@startInstant}. */
  String label() {
    return pid + "@" + (start == null ? UNKNOWN : start.toString());
  }

  /** The value of the {@value #HOST_LABEL} label: {@code bootId/pidNamespace}. */
  String hostLabel() {
    return bootId + "/" + pidNamespace;
  }

  /** The docker labels marking a thing as this owner's (plus the run's name when not null). */
  Map<String, String> labels(String runName) {
    Map<String, String> labels = new HashMap<>();
    labels.put(OWNER_LABEL, label());
    labels.put(HOST_LABEL, hostLabel());
    if (runName != null) {
      labels.put(RUN_LABEL, runName);
    }
    return labels;
  }

  /** The content of a run directory's {@code owner} marker file. */
  String toMarker() {
    return "pid=" + pid + "\n"
        + "start=" + (start == null ? UNKNOWN : start.toString()) + "\n"
        + "boot=" + bootId + "\n"
        + "pidns=" + pidNamespace + "\n";
  }

  /** Parses an {@code owner} marker file's content; empty when it is not one. */
  static Optional<Owner> parseMarker(String text) {
    Map<String, String> kv = new HashMap<>();
    for (String line : text.split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        kv.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
      }
    }
    return parse(kv.get("pid"), kv.get("start"), kv.getOrDefault("boot", UNKNOWN),
        kv.getOrDefault("pidns", UNKNOWN));
  }

  /** The owner a docker object's labels name; empty when they name none or cannot be read. */
  static Optional<Owner> fromLabels(Map<String, String> labels) {
    if (labels == null) {
      return Optional.empty();
    }
    String owner = labels.get(OWNER_LABEL);
    if (owner == null) {
      return Optional.empty();
    }
    int at = owner.indexOf('@');
    if (at <= 0) {
      return Optional.empty();
    }
    String host = labels.getOrDefault(HOST_LABEL, UNKNOWN + "/" + UNKNOWN);
    int slash = host.indexOf('/');
    String boot = slash < 0 ? host : host.substring(0, slash);
    String ns = slash < 0 ? UNKNOWN : host.substring(slash + 1);
    return parse(owner.substring(0, at), owner.substring(at + 1), boot, ns);
  }

  private static Optional<Owner> parse(String pid, String start, String boot, String ns) {
    if (pid == null || start == null) {
      return Optional.empty();
    }
    try {
      Instant s = UNKNOWN.equals(start) ? null : Instant.parse(start);
      return Optional.of(new Owner(Long.parseLong(pid), s, boot, ns));
    } catch (NumberFormatException | DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /** Whether this owner is still running, judged from this JVM. */
  Status status() {
    Owner me = current();
    if (known(bootId) && known(me.bootId) && !bootId.equals(me.bootId)) {
      return Status.DEAD;
    }
    if (!known(pidNamespace) || !known(me.pidNamespace) || !pidNamespace.equals(me.pidNamespace)) {
      return Status.UNKNOWN;
    }
    Optional<ProcessHandle> handle = ProcessHandle.of(pid);
    if (handle.isEmpty() || !handle.get().isAlive()) {
      return Status.DEAD;
    }
    Optional<Instant> actual = handle.get().info().startInstant();
    if (start == null || actual.isEmpty()) {
      return Status.ALIVE;
    }
    Duration diff = Duration.between(start, actual.get()).abs();
    return diff.compareTo(START_SLACK) <= 0 ? Status.ALIVE : Status.DEAD;
  }

  private static boolean known(String s) {
    return s != null && !s.isBlank() && !UNKNOWN.equals(s);
  }

  private static String readBootId() {
    try {
      return new String(Fs.readProc(Path.of("/proc/sys/kernel/random/boot_id")),
          java.nio.charset.StandardCharsets.UTF_8).strip();
    } catch (IOException | RuntimeException e) {
      return UNKNOWN;
    }
  }

  private static String readPidNamespace() {
    try {
      return Files.readSymbolicLink(Path.of("/proc/self/ns/pid")).toString();
    } catch (IOException | RuntimeException e) {
      return UNKNOWN;
    }
  }
}
