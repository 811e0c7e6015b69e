package io.pdlab.real.node;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/** File helpers for run directories. */
public final class Fs {

  private Fs() {
  }

  /**
   * Deletes {@code dir} and everything under it; does not follow symbolic links; a missing
   * {@code dir} is fine.
   *
   * @throws UncheckedIOException naming the path that could not be deleted
   */
  public static void deleteTree(Path dir) {
    if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try {
      Files.walkFileTree(dir, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          deleteIfExists(file);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
          if (exc instanceof NoSuchFileException) {
            return FileVisitResult.CONTINUE;
          }
          throw exc;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
          if (exc != null && !(exc instanceof NoSuchFileException)) {
            throw exc;
          }
          deleteIfExists(d);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (NoSuchFileException e) {
      // Removed concurrently (another reaper): the goal is reached.
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir + ": " + e, e);
    }
  }

  /**
   * Reads a /proc or /sys file by streaming it: their reported sizes are not their lengths
   * (some sysctl files claim 1 byte), which truncates {@code Files.readAllBytes}.
   */
  static byte[] readProc(Path p) throws IOException {
    try (java.io.InputStream in = Files.newInputStream(p)) {
      return in.readAllBytes();
    }
  }

  private static void deleteIfExists(Path p) throws IOException {
    Files.deleteIfExists(p);
  }
}
