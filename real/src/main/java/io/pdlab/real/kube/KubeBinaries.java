package io.pdlab.real.kube;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Kubernetes 1.20.2 binaries the {@code k8s} backend runs: {@code $KUBE_BIN_DIR} when set,
 * else the newest complete cache that {@code scripts/ensure-kube} built
 * ({@code ${PDLAB_CACHE_DIR:-/var/cache/pdlab}/kubernetes-*}{@code /bin}).
 */
public final class KubeBinaries {
  /** The environment variable naming a directory with the four binaries. */
  public static final String ENV = "KUBE_BIN_DIR";
  /** The environment variable naming ensure-kube's cache root. */
  public static final String CACHE_ENV = "PDLAB_CACHE_DIR";
  /** ensure-kube's default cache root. */
  public static final Path DEFAULT_CACHE = Path.of("/var/cache/pdlab");
  /** What the backend runs. */
  public static final List<String> NAMES = List.of("kube-apiserver", "kube-controller-manager",
      "kube-scheduler", "kubelet");
  /** How to get them; part of every "not found" message. */
  public static final String HOW_TO_GET = "run scripts/ensure-kube (as root, once per machine: it"
      + " builds them from Debian's kubernetes source package, about 20 minutes on 2 cores), or"
      + " set " + ENV + " to a directory with " + String.join(", ", NAMES) + " of Kubernetes"
      + " 1.20";

  private final Path dir;

  private KubeBinaries(Path dir) {
    this.dir = dir;
  }

  /**
   * Finds the binaries from this JVM's environment.
   *
   * @throws IllegalStateException saying what is missing and how to get it
   */
  public static KubeBinaries locate() {
    return locate(System.getenv());
  }

  static KubeBinaries locate(Map<String, String> env) {
    String fromEnv = env.get(ENV);
    if (fromEnv != null && !fromEnv.isBlank()) {
      Path d = Path.of(fromEnv).toAbsolutePath();
      List<String> missing = missingIn(d);
      if (!missing.isEmpty()) {
        throw new IllegalStateException(ENV + " is set to " + d + ", which lacks "
            + String.join(", ", missing) + "; " + HOW_TO_GET);
      }
      return new KubeBinaries(d);
    }
    String cacheRoot = env.get(CACHE_ENV);
    Path root = cacheRoot == null || cacheRoot.isBlank() ? DEFAULT_CACHE : Path.of(cacheRoot);
    Optional<Path> cached = newestCache(root);
    if (cached.isEmpty()) {
      throw new IllegalStateException("no Kubernetes binaries: " + ENV + " is not set and " + root
          + " has no complete kubernetes-*/bin; " + HOW_TO_GET);
    }
    return new KubeBinaries(cached.get());
  }

  /** Why the binaries cannot be had here, or empty when {@link #locate()} works. */
  public static Optional<String> unavailableReason() {
    try {
      locate();
      return Optional.empty();
    } catch (IllegalStateException e) {
      return Optional.of(e.getMessage());
    }
  }

  /** The newest {@code root/kubernetes-*}{@code /bin} with all four binaries, if any. */
  static Optional<Path> newestCache(Path root) {
    if (!Files.isDirectory(root)) {
      return Optional.empty();
    }
    List<Path> found = new ArrayList<>();
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root, "kubernetes-*")) {
      for (Path d : dirs) {
        Path bin = d.resolve("bin");
        if (Files.isDirectory(bin) && missingIn(bin).isEmpty()) {
          found.add(bin);
        }
      }
    } catch (IOException e) {
      return Optional.empty();
    }
    return found.stream().max(Comparator.comparing(KubeBinaries::modified)
        .thenComparing(Path::toString));
  }

  private static long modified(Path p) {
    try {
      return Files.getLastModifiedTime(p).toMillis();
    } catch (IOException e) {
      return 0;
    }
  }

  private static List<String> missingIn(Path dir) {
    List<String> missing = new ArrayList<>();
    for (String n : NAMES) {
      Path b = dir.resolve(n);
      if (!Files.isRegularFile(b) || !Files.isExecutable(b)) {
        missing.add(n);
      }
    }
    return missing;
  }

  /**
   * The pause program kubelet nodes' pod sandboxes run ({@code build/pause/linux/pause.c} of the
   * same source, built static by scripts/ensure-kube beside the binaries).
   *
   * @throws IllegalStateException when it is not there, saying how to get it
   */
  public Path pause() {
    Path p = dir.resolve("pause");
    if (!Files.isRegularFile(p) || !Files.isExecutable(p)) {
      throw new IllegalStateException("no pause program in " + dir + " (kubelet nodes' pod"
          + " sandboxes run it): run scripts/ensure-kube, which builds it from the Kubernetes"
          + " source package with gcc -static, or use agent nodes (infra: {nodes: agent})");
    }
    return p;
  }

  /** The directory of the binaries. */
  public Path dir() {
    return dir;
  }

  /** One binary's path ({@link #NAMES}). */
  public Path path(String name) {
    if (!NAMES.contains(name)) {
      throw new IllegalArgumentException("not a Kubernetes binary of the backend: " + name);
    }
    return dir.resolve(name);
  }

  @Override
  public String toString() {
    return dir.toString();
  }
}
