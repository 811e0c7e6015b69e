package io.pdlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pdlab explore}: its refusals of bad input, its help, and a small search's files. */
class ExploreCommandTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private PrintStream oldOut;
  private PrintStream oldErr;

  @TempDir
  Path dir;

  @BeforeEach
  void capture() {
    oldOut = System.out;
    oldErr = System.err;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restore() {
    System.setOut(oldOut);
    System.setErr(oldErr);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  private void refused(String message, String... args) throws Exception {
    err.reset();
    Path o = dir.resolve("out");
    String[] all = new String[args.length + 3];
    all[0] = "explore";
    System.arraycopy(args, 0, all, 1, args.length);
    all[args.length + 1] = "--out";
    all[args.length + 2] = o.toString();
    assertEquals(2, Main.execute(all), err());
    assertTrue(err().contains(message), err());
    assertFalse(Files.exists(o), "nothing written");
    try (Stream<Path> s = Files.list(dir)) {
      assertEquals(0, s.count(), "no temporary directory left");
    }
  }

  @Test
  void badInputIsRefusedBeforeAnythingIsWritten() throws Exception {
    refused("unknown strategy 'raft'", "--strategy", "raft", "--budget", "8runs");
    refused("--members: 12 is out of range", "--strategy", "static", "--members", "12");
    refused("--budget: 'lots' is neither a time", "--strategy", "static", "--budget", "lots");
    refused("--budget: at least 1 run", "--strategy", "static", "--budget", "0runs");
    refused("unknown fault kind 'meteor'", "--strategy", "static", "--faults", "meteor");
    refused("fault kind discovery-restart cannot be used with strategy static", "--strategy",
        "static", "--faults", "discovery-restart");
    refused("fault kind liveness-kill cannot be used with strategy seed-join at 3 members in"
        + " runs of 120 s (only long runs draw it)", "--strategy", "seed-join", "--faults",
        "liveness-kill", "--no-long-runs");
    refused("--catalog: " + dir.resolve("nowhere") + " is not a directory", "--strategy",
        "static", "--budget", "8runs", "--catalog", dir.resolve("nowhere").toString());
  }

  @Test
  void aNonEmptyOutputDirectoryIsRefused() throws Exception {
    Path o = dir.resolve("full");
    Files.createDirectories(o);
    Files.writeString(o.resolve("keep.txt"), "mine");
    assertEquals(2, Main.execute("explore", "--strategy", "static", "--budget", "8runs",
        "--out", o.toString()), err());
    assertTrue(err().contains("exists and is not empty"), err());
    assertEquals("mine", Files.readString(o.resolve("keep.txt")));
  }

  @Test
  void helpHasExamples() {
    assertEquals(0, Main.execute("explore", "--help"));
    String help = out.toString(StandardCharsets.UTF_8);
    assertTrue(help.contains("--budget 2m"), help);
    assertTrue(help.contains("2000runs"), help);
    assertTrue(help.contains("--catalog"), help);
    assertTrue(help.contains("--[no-]long-runs"), help);
  }

  @Test
  void aSmallSearchWritesTheFindingsAndTheAtlas() throws Exception {
    Path o = dir.resolve("sj");
    // the kinds named, so that a fault kind added later does not change what 8 runs draw
    assertEquals(0, Main.execute("explore", "--strategy", "seed-join", "--faults",
        "never-start,crash,pause,partition", "--budget", "8runs", "--shrink-runs", "2",
        "--threads", "2", "--out", o.toString()), err());
    String printed = out.toString(StandardCharsets.UTF_8);
    assertTrue(printed.contains("seed-join at 3 members: 8 runs"), printed);
    assertTrue(Files.readString(o.resolve("findings.md")).contains("--faults"
        + " never-start,crash,pause,partition --budget 8runs"), "long runs by default");
    assertTrue(printed.contains("joiner added but never joined"), printed);
    assertTrue(err().contains("runs/s"), err());
    for (String f : new String[] {"findings.md", "atlas.md", "atlas.html"}) {
      assertTrue(Files.size(o.resolve(f)) > 100, f);
    }
    assertTrue(Files.readString(o.resolve("findings.md")).contains("| stuck |"));
    // run from the module's directory: no scenarios/catalog there, a note and no catalog.md
    assertTrue(err().contains("no scenario catalog at scenarios/catalog"), err());
    assertFalse(Files.exists(o.resolve("catalog.md")));
  }

  @Test
  void aSearchComparesItsFindingsWithTheCatalogItIsGiven() throws Exception {
    Path catalog = Files.createDirectories(dir.resolve("catalog"));
    Files.writeString(catalog.resolve("first-joiner-never-starts.yaml"), """
        name: first-joiner-never-starts
        seed: 3
        clusters:
          - {name: basic, strategy: seed-join, pd: {replicas: 3}}
        faults:
          - {at: 0s, kind: never-start, member: 1}
        duration: 120s
        expect: {outcome: stuck}
        """);
    Files.writeString(catalog.resolve("add-answer-lost.yaml"), """
        name: add-answer-lost
        clusters:
          - {name: basic, strategy: seed-join, pd: {replicas: 3}}
        faults:
          - {at: 0s, kind: add-timeout}
        duration: 120s
        expect: {outcome: stuck}
        """);
    Path o = dir.resolve("sj");
    assertEquals(0, Main.execute("explore", "--strategy", "seed-join", "--faults",
        "never-start,crash,pause,partition", "--budget", "24runs", "--shrink-runs", "2",
        "--threads", "2", "--catalog", catalog.toString(), "--out", o.toString()), err());
    String printed = out.toString(StandardCharsets.UTF_8);
    assertTrue(printed.contains("catalog " + catalog + ": 2 hazards pinned for seed-join at 3"
        + " members: 1 rediscovered"), printed);
    assertTrue(printed.contains("not searchable: needs kind add-timeout"), printed);
    String md = Files.readString(o.resolve("catalog.md"));
    assertTrue(md.contains("| first-joiner-never-starts | stuck | 1 |"), md);
    assertTrue(Files.readString(o.resolve("findings.md")).contains("[catalog.md](catalog.md)"));
  }
}
