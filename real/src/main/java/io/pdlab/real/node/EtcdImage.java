package io.pdlab.real.node;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.testcontainers.images.builder.ImageFromDockerfile;

/**
 * The etcd image, built once per JVM from the host's etcd binary (and etcdctl, when there is
 * one) plus the shared libraries {@code ldd} says they need, on {@code FROM scratch}: no registry
 * is reachable here, and the image then runs exactly the etcd the process backend runs. It is
 * labelled with its owner and removed by the JVM shutdown hook (or a later {@link Reaper}).
 */
public final class EtcdImage {

  private static final System.Logger LOG = System.getLogger(EtcdImage.class.getName());
  /** The repository part of the image's tag. */
  static final String REPOSITORY = "pdlab/etcd-local";
  /** Where etcd is inside the image. */
  static final String ETCD_IN_IMAGE = "/usr/local/bin/etcd";

  private static String tag;
  private static Duration buildTime;

  private EtcdImage() {
  }

  /** The image's tag, building it first if this JVM has not yet (or it was removed). */
  static synchronized String ensure(DockerClient docker, EtcdBinary binary) {
    if (tag != null) {
      try {
        docker.inspectImageCmd(tag).exec();
        return tag;
      } catch (NotFoundException e) {
        tag = null;
      }
    }
    Owner owner = Owner.current();
    String hash = sha256(binary.path()).substring(0, 12);
    String t = REPOSITORY + ":" + hash + "-p" + owner.pid() + "-t"
        + (owner.start() == null ? 0 : owner.start().toEpochMilli());
    Map<String, String> labels = new LinkedHashMap<>(owner.labels(null));
    labels.put("io.pdlab.etcd-sha256", hash);

    StringBuilder dockerfile = new StringBuilder("FROM scratch\n");
    ImageFromDockerfile image = new ImageFromDockerfile(t, false);
    Set<Path> libraries = new LinkedHashSet<>(sharedLibraries(binary.path()));
    Optional<Path> etcdctl = binary.etcdctl();
    etcdctl.ifPresent(p -> libraries.addAll(sharedLibraries(p)));
    int i = 0;
    for (Path lib : libraries) {
      String file = "lib" + i++;
      image.withFileFromPath(file, realPath(lib));
      dockerfile.append("COPY ").append(file).append(' ').append(lib).append('\n');
    }
    image.withFileFromPath("etcd", realPath(binary.path()));
    dockerfile.append("COPY etcd ").append(ETCD_IN_IMAGE).append('\n');
    if (etcdctl.isPresent()) {
      image.withFileFromPath("etcdctl", realPath(etcdctl.get()));
      dockerfile.append("COPY etcdctl /usr/local/bin/etcdctl\n");
    }
    dockerfile.append("ENTRYPOINT [\"").append(ETCD_IN_IMAGE).append("\"]\n");
    image.withFileFromString("Dockerfile", dockerfile.toString());
    image.withBuildImageCmdModifier(cmd -> cmd.withLabels(labels));

    Instant begin = Instant.now();
    try {
      image.get();
    } catch (RuntimeException e) {
      throw new IllegalStateException("cannot build the etcd image " + t + " from " + binary
          + " (Dockerfile:\n" + dockerfile + "): " + e.getMessage(), e);
    }
    buildTime = Duration.between(begin, Instant.now());
    tag = t;
    LOG.log(System.Logger.Level.INFO, "built " + t + " from " + binary + " in " + buildTime);
    Hygiene.atExit(() -> remove(docker, t));
    return t;
  }

  /** How long the last build took, if this JVM built the image. */
  static synchronized Optional<Duration> buildTime() {
    return Optional.ofNullable(buildTime);
  }

  private static void remove(DockerClient docker, String t) {
    try {
      docker.removeImageCmd(t).withForce(true).exec();
    } catch (NotFoundException e) {
      // Already gone.
    }
  }

  /**
   * The shared libraries {@code binary} loads, as {@code ldd} names them (including the loader);
   * empty for a static binary (like etcd's official release builds).
   */
  public static List<Path> sharedLibraries(Path binary) {
    Commands.Result r = Commands.run(Duration.ofSeconds(20), null,
        List.of(Commands.which("ldd").map(Path::toString).orElse("ldd"), binary.toString()));
    String out = r.output();
    if (out.contains("not a dynamic executable") || out.contains("statically linked")) {
      return List.of();
    }
    if (r.exitCode() != 0) {
      throw new IllegalStateException("ldd " + binary + " failed (exit code " + r.exitCode()
          + "): " + out.strip());
    }
    List<Path> libs = new ArrayList<>();
    for (String raw : out.split("\n")) {
      String line = raw.strip();
      String path;
      int arrow = line.indexOf("=>");
      if (arrow >= 0) {
        String rest = line.substring(arrow + 2).strip();
        if (rest.startsWith("not found")) {
          throw new IllegalStateException("ldd " + binary + ": a library is missing: " + line);
        }
        path = rest.split("\\s+")[0];
      } else if (line.startsWith("/")) {
        path = line.split("\\s+")[0];
      } else {
        continue;
      }
      if (path.startsWith("/")) {
        libs.add(Path.of(path));
      }
    }
    return libs;
  }

  private static Path realPath(Path p) {
    try {
      return p.toRealPath();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot resolve " + p + " for the etcd image: " + e, e);
    }
  }

  private static String sha256(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + " to hash it: " + e, e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("no SHA-256 in this JVM", e);
    }
  }
}
