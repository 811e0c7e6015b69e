package io.pdlab.real.node;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A backend's run directory, {@code /tmp/pdlab-real/run-<pid>-<n>-<random>}, holding an
 * {@code owner} marker (the JVM's pid and start instant) and the members' (or a Kubernetes control
 * plane's) data and logs. Every process a run starts names a path in it on its command line. The
 * marker lets a later JVM tell a killed run from a live one ({@link Reaper}).
 */
public final class RunDirectory {
  private static final System.Logger LOG = System.getLogger(RunDirectory.class.getName());

  /** Where run directories live. */
  public static final Path DEFAULT_BASE = Path.of("/tmp/pdlab-real");
  /** The marker file's name. */
  static final String OWNER_FILE = "owner";
  /** Prefix of run directory names. */
  static final String PREFIX = "run-";
  /** Prefix of directories being set up (moved to their final name once the marker is in). */
  static final String CREATING_PREFIX = ".creating-";

  private static final AtomicInteger COUNTER = new AtomicInteger();

  private final Path path;

  private RunDirectory(Path path) {
    this.path = path;
  }

  /** A new run directory of this JVM under {@link #DEFAULT_BASE}. */
  public static RunDirectory create() {
    return create(DEFAULT_BASE);
  }

  /** A new run directory of this JVM under {@code base}. */
  public static RunDirectory create(Path base) {
    return create(base, Owner.current());
  }

  /**
   * How often {@link #create} makes {@code base} again when it went between making it and making
   * the run directory in it: another JVM's (or thread's) {@link #delete} removes {@link
   * #DEFAULT_BASE} when it leaves it empty. Bounded; a loss needs that removal to fall between two
   * system calls, so more than one in a row is already rare.
   */
  static final int BASE_ATTEMPTS = 100;

  /**
   * Creates a new run directory under {@code base}, marker included. It appears under its final
   * name only once the marker is written, so a reaper never sees a run without its owner.
   */
  static RunDirectory create(Path base, Owner owner) {
    String name = PREFIX + owner.pid() + "-" + COUNTER.incrementAndGet() + "-"
        + Long.toString(ThreadLocalRandom.current().nextLong(36L * 36 * 36 * 36 * 36 * 36), 36);
    Path target = base.resolve(name);
    Path temp = base.resolve(CREATING_PREFIX + name);
    try {
      for (int attempt = 1; ; attempt++) {
        try {
          // createDirectories throws FileAlreadyExistsException when the base it found existing
          // went before it checked it is a directory
          Files.createDirectories(base);
          Files.createDirectory(temp);
          break;
        } catch (NoSuchFileException | FileAlreadyExistsException e) {
          if (attempt == BASE_ATTEMPTS || Files.exists(temp, LinkOption.NOFOLLOW_LINKS)) {
            throw e;
          }
        }
      }
      Files.writeString(temp.resolve(OWNER_FILE), owner.toMarker());
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, target);
      }
      return new RunDirectory(target);
    } catch (IOException e) {
      Fs.deleteTree(temp);
      throw new UncheckedIOException("cannot create the run directory " + target + ": " + e, e);
    }
  }

  /** The owner recorded in {@code dir}'s marker, if it has a readable one. */
  static Optional<Owner> ownerOf(Path dir) {
    try {
      return Owner.parseMarker(Files.readString(dir.resolve(OWNER_FILE)));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** The directory. */
  public Path path() {
    return path;
  }

  /** The directory's name, used as the {@code io.pdlab.run} label. */
  String name() {
    return path.getFileName().toString();
  }

  /** A member's directory (data and log), created if needed. */
  public Path memberDir(String member) {
    Path dir = path.resolve(member);
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir + ": " + e, e);
    }
    return dir;
  }

  /**
   * Deletes the directory and everything in it, its owner marker last: a deletion that fails
   * part-way (a mount left under it, a process still writing there) leaves a run that the
   * {@link Reaper} can still judge by its owner, not a directory nobody owns.
   */
  public void delete() {
    List<Path> children = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(path)) {
      entries.forEach(children::add);
    } catch (NoSuchFileException e) {
      return;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + path + ": " + e, e);
    }
    for (Path c : children) {
      if (!c.getFileName().toString().equals(OWNER_FILE)) {
        Fs.deleteTree(c);
      }
    }
    Fs.deleteTree(path);
    if (DEFAULT_BASE.equals(path.getParent())) {
      removeIfEmpty(DEFAULT_BASE);
    }
  }

  /**
   * Removes {@code dir} if it is empty: the last run to leave {@link #DEFAULT_BASE} takes it along,
   * so a finished test or command leaves no directory behind. A run another JVM or thread is
   * creating there at that moment makes it again ({@link #create}). Tidying only: a base that
   * cannot be removed (a mount point, another user's, a read-only file system) is left, with a
   * warning, and the run's deletion still succeeds.
   *
   * @return whether it was removed
   */
  static boolean removeIfEmpty(Path dir) {
    try {
      return Files.deleteIfExists(dir);
    } catch (DirectoryNotEmptyException e) {
      return false;
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "left " + dir + " in place: " + e);
      return false;
    }
  }

  @Override
  public String toString() {
    return path.toString();
  }
}
