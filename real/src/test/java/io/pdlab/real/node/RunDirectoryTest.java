package io.pdlab.real.node;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Run directories leave nothing behind: not their run, and not an emptied shared base. */
class RunDirectoryTest {

  @TempDir
  Path tmp;

  @Test
  void theLastRunToLeaveTheDefaultBaseTakesItAlong() throws Exception {
    RunDirectory run = RunDirectory.create();
    Files.writeString(run.memberDir("m0").resolve("log"), "x");
    assertTrue(Files.isDirectory(RunDirectory.DEFAULT_BASE));

    run.delete();

    assertFalse(Files.exists(run.path()), "the run is gone");
    // another pdlab on this machine may have a run there; then the base stays, and is not empty
    assertTrue(!Files.exists(RunDirectory.DEFAULT_BASE) || !empty(RunDirectory.DEFAULT_BASE),
        RunDirectory.DEFAULT_BASE + " is left empty");
  }

  @Test
  void aBaseOfTheCallersOwnStays() throws Exception {
    Path base = tmp.resolve("base");
    RunDirectory run = RunDirectory.create(base);
    assertTrue(Files.exists(run.path().resolve(RunDirectory.OWNER_FILE)), "the owner marker");

    run.delete();

    assertFalse(Files.exists(run.path()));
    assertTrue(Files.isDirectory(base), "the caller's base is the caller's to remove");
  }

  @Test
  void onlyAnEmptyBaseIsRemoved() throws Exception {
    Path base = tmp.resolve("base");
    RunDirectory run = RunDirectory.create(base);
    assertFalse(RunDirectory.removeIfEmpty(base), "a base holding a run stays");
    run.delete();
    assertTrue(RunDirectory.removeIfEmpty(base), "an empty base goes");
    assertFalse(RunDirectory.removeIfEmpty(base), "and is gone");
  }

  @Test
  void runsAreMadeWhileAnotherThreadRemovesTheirEmptyBase() throws Exception {
    Path base = tmp.resolve("raced");
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger removed = new AtomicInteger();
    Thread remover = new Thread(() -> {
      while (!stop.get()) {
        if (RunDirectory.removeIfEmpty(base)) {
          removed.incrementAndGet();
        }
      }
    }, "base-remover");
    remover.start();
    try {
      for (int i = 0; i < 1_000; i++) {
        RunDirectory run = RunDirectory.create(base);
        assertTrue(Files.isDirectory(run.path()), "run " + i + " is made");
        run.delete();
      }
    } finally {
      stop.set(true);
      remover.join(10_000);
    }
    assertFalse(remover.isAlive(), "the remover stopped");
    assertTrue(removed.get() > 0, "the base was removed under the runs");
  }

  private static boolean empty(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.findAny().isEmpty();
    }
  }
}
