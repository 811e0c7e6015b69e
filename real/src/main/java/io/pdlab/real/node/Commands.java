package io.pdlab.real.node;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Runs short external commands (etcd --version, ldd, kill -STOP, nsenter) with a time bound. */
public final class Commands {

  /** What a command printed (stdout and stderr together) and its exit code. */
  public record Result(int exitCode, String output) {
  }

  private Commands() {
  }

  /**
   * Runs {@code command}, feeding it {@code stdin} when not null, and waits at most
   * {@code timeout}.
   *
   * @throws IllegalStateException when it cannot be started or does not finish in time
   */
  public static Result run(Duration timeout, String stdin, List<String> command) {
    Process p;
    try {
      p = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + String.join(" ", command) + ": "
          + e.getMessage(), e);
    }
    CompletableFuture<String> out = CompletableFuture.supplyAsync(
        () -> readAll(p.getInputStream()), Commands::daemon);
    try {
      try (var in = p.getOutputStream()) {
        if (stdin != null) {
          in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
      }
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(String.join(" ", command) + " did not finish within "
            + timeout);
      }
      return new Result(p.exitValue(), out.get(5, TimeUnit.SECONDS));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot talk to " + String.join(" ", command), e);
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + String.join(" ", command), e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot read the output of " + String.join(" ", command), e);
    }
  }

  /** Runs {@code command} and returns its output, failing with it when the exit code is not 0. */
  public static String check(Duration timeout, List<String> command) {
    Result r = run(timeout, null, command);
    if (r.exitCode() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed with exit code "
          + r.exitCode() + ": " + r.output().strip());
    }
    return r.output();
  }

  /** The first executable regular file called {@code name} on {@code path} (a PATH value). */
  static Optional<Path> which(String name, String path) {
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, name);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /** {@link #which(String, String)} on this JVM's PATH, then /usr/sbin, /sbin, /usr/bin, /bin. */
  public static Optional<Path> which(String name) {
    return which(name, System.getenv("PATH"))
        .or(() -> which(name, "/usr/sbin:/sbin:/usr/bin:/bin"));
  }

  /** Runs an output reader on its own daemon thread (it blocks until the command ends). */
  private static void daemon(Runnable r) {
    Thread t = new Thread(r, "pdlab-command-output");
    t.setDaemon(true);
    t.start();
  }

  private static String readAll(InputStream in) {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(output unreadable: " + e.getMessage() + ")";
    }
  }
}
