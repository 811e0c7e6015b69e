package io.pdlab.real.node;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
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
  void aBaseThatWentIsMadeAgainAndOnlyAnEmptyOneIsRemoved() throws Exception {
    Path base = tmp.resolve("base");
    RunDirectory first = RunDirectory.create(base);
    assertFalse(RunDirectory.removeIfEmpty(base), "a base holding a run stays");
    first.delete();
    assertTrue(RunDirectory.removeIfEmpty(base), "an empty base goes");
    assertFalse(RunDirectory.removeIfEmpty(base), "and is gone");

    RunDirectory second = RunDirectory.create(base);
    assertTrue(Files.isDirectory(second.path()), "a run is made in a base that went");
    second.delete();
  }

  private static boolean empty(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.findAny().isEmpty();
    }
  }
}
