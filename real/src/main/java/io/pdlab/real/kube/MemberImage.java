package io.pdlab.real.kube;

import io.pdlab.real.node.Commands;
import io.pdlab.real.node.EtcdBinary;
import io.pdlab.real.node.EtcdImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * The two images a kubelet node's daemon holds, built there from this machine's files (nothing
 * can be pulled): the pause image ({@code build/pause/linux/pause.c} of the Kubernetes source,
 * built static by scripts/ensure-kube, on {@code FROM scratch}) and pdlab's member image: the
 * host's etcd, etcdctl and {@code /bin/sh} with the shared libraries {@code ldd} names, and
 * {@code pdlab-launch} (built here with {@code gcc -static} from the jar's {@code
 * pdlab-launch.c}) as its entrypoint, which asks the node's {@link LaunchServer} at {@code
 * PDLAB_DRIVER} what to run.
 */
final class MemberImage {
  /** Where etcd is inside the member image. */
  static final String ETCD = "/usr/local/bin/etcd";
  /**
   * The shell, in the member image as on the host (Debian's dash, with its libraries): a real
   * kubelet execs coreos/etcd-operator's liveness probe {@code /bin/sh -ec "ETCDCTL_API=3
   * etcdctl endpoint status"} in the member's container.
   */
  static final String SHELL = "/bin/sh";
  /** The entrypoint inside the member image. */
  static final String LAUNCHER = "/pdlab-launch";
  private static final Duration BUILD = Duration.ofMinutes(3);

  private final Path pause;
  private final EtcdBinary etcd;

  MemberImage(Path pause, EtcdBinary etcd) {
    this.pause = pause;
    this.etcd = etcd;
  }

  /**
   * Builds both images with {@code docker} (a node daemon's CLI) in {@code dir}, the member image
   * telling its containers to ask {@code driver} ({@code host:port}).
   */
  void buildInto(Function<String[], List<String>> docker, Path dir, String driver) {
    try {
      Path p = Files.createDirectories(dir.resolve("pause"));
      Files.copy(pause, p.resolve("pause"), StandardCopyOption.REPLACE_EXISTING);
      Files.writeString(p.resolve("Dockerfile"),
          "FROM scratch\nCOPY pause /pause\nENTRYPOINT [\"/pause\"]\n");
      build(docker, p, KubeletNode.PAUSE_IMAGE);

      Path m = Files.createDirectories(dir.resolve("member"));
      StringBuilder df = new StringBuilder("FROM scratch\n");
      Set<Path> libs = new LinkedHashSet<>(EtcdImage.sharedLibraries(etcd.path()));
      etcd.etcdctl().ifPresent(c -> libs.addAll(EtcdImage.sharedLibraries(c)));
      Path sh = Path.of(SHELL).toRealPath();
      libs.addAll(EtcdImage.sharedLibraries(sh));
      int i = 0;
      for (Path lib : libs) {
        String f = "lib" + i++;
        Files.copy(lib.toRealPath(), m.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        df.append("COPY ").append(f).append(' ').append(lib).append('\n');
      }
      Files.copy(etcd.path().toRealPath(), m.resolve("etcd"),
          StandardCopyOption.REPLACE_EXISTING);
      df.append("COPY etcd ").append(ETCD).append('\n');
      if (etcd.etcdctl().isPresent()) {
        Files.copy(etcd.etcdctl().get().toRealPath(), m.resolve("etcdctl"),
            StandardCopyOption.REPLACE_EXISTING);
        df.append("COPY etcdctl /usr/local/bin/etcdctl\n");
      }
      Files.copy(sh, m.resolve("sh"), StandardCopyOption.REPLACE_EXISTING);
      df.append("COPY sh ").append(SHELL).append('\n');
      compileLauncher(m.resolve("pdlab-launch"));
      df.append("COPY pdlab-launch ").append(LAUNCHER).append('\n')
          .append("ENV PDLAB_DRIVER=").append(driver).append('\n')
          .append("ENTRYPOINT [\"").append(LAUNCHER).append("\"]\n");
      Files.writeString(m.resolve("Dockerfile"), df.toString());
      build(docker, m, KubeletNode.MEMBER_IMAGE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare the images of a kubelet node in " + dir
          + ": " + e, e);
    }
  }

  private static void build(Function<String[], List<String>> docker, Path context, String tag) {
    Commands.Result r = Commands.run(BUILD, null, docker.apply(new String[] {"build", "-q", "-t",
        tag, context.toString()}));
    if (r.exitCode() != 0) {
      throw new IllegalStateException("cannot build image " + tag + " in a kubelet node's daemon"
          + " from " + context + ": " + r.output().strip());
    }
  }

  /** {@code gcc -Os -static} of the jar's {@code pdlab-launch.c} into {@code out}. */
  static void compileLauncher(Path out) {
    Path gcc = Commands.which("gcc").orElseThrow(() -> new IllegalStateException(
        "kubelet nodes need gcc and libc6-dev to build pdlab-launch (as root: apt-get install -y"
        + " gcc libc6-dev; scripts/ensure-kube installs them)"));
    Path src = out.resolveSibling("pdlab-launch.c");
    try (InputStream in = MemberImage.class.getResourceAsStream("pdlab-launch.c")) {
      if (in == null) {
        throw new IllegalStateException("pdlab-launch.c is missing from pdlab's jar");
      }
      Files.copy(in, src, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + src + ": " + e, e);
    }
    Commands.Result r = Commands.run(BUILD, null, List.of(gcc.toString(), "-Os", "-static",
        "-Wall", "-o", out.toString(), src.toString()));
    if (r.exitCode() != 0) {
      throw new IllegalStateException("gcc -static of pdlab-launch.c failed (is libc6-dev"
          + " installed?): " + r.output().strip());
    }
  }
}
