package io.pdlab.sim.datadriven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDrivenFileTest {
  private static final String TEXT = "# a counter\n\nadd n=2 x\n----\n2\n\nadd n=3\n----\n5\n"
      + "\nshow\n----\ntotal 5\nbye\n";

  private int total;

  private String run(DataDrivenFile.Case c) {
    switch (c.verb()) {
      case "add" -> {
        total += Integer.parseInt(c.options().get("n"));
        return Integer.toString(total);
      }
      case "show" -> {
        return "total " + total + "\nbye\n\n";
      }
      default -> throw new IllegalArgumentException(c.where() + ": unknown command");
    }
  }

  @Test
  void parsesCasesWithCommandsOptionsAndOutputs(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("t.txt");
    Files.writeString(f, TEXT);
    List<DataDrivenFile.Case> cases = DataDrivenFile.parse(f);
    assertEquals(3, cases.size());
    assertEquals(3, cases.get(0).line());
    assertEquals("add", cases.get(0).verb());
    assertEquals(Map.of("n", "2").toString(), cases.get(0).options().toString());
    assertEquals(List.of("x"), cases.get(0).args());
    assertEquals("total 5\nbye\n", cases.get(2).expected());
    assertEquals(List.of(), DataDrivenFile.check(f, this::run));
  }

  @Test
  void reportsMismatchesWithFileAndLine(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("t.txt");
    Files.writeString(f, TEXT.replace("----\n5\n", "----\n6\n"));
    List<String> failures = DataDrivenFile.check(f, this::run);
    assertEquals(1, failures.size());
    assertTrue(failures.get(0).startsWith("t.txt:7: add n=3\n--- expected\n6\n--- actual\n5\n"),
        failures.get(0));
  }

  @Test
  void rewriteKeepsCommentsAndReplacesOutputs(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("t.txt");
    Files.writeString(f, TEXT.replace("----\n5\n", "----\nstale\nstale\n"));
    System.setProperty(DataDrivenFile.REWRITE_PROPERTY, "true");
    try {
      assertEquals(List.of(), DataDrivenFile.check(f, this::run));
    } finally {
      System.clearProperty(DataDrivenFile.REWRITE_PROPERTY);
    }
    assertEquals(TEXT, Files.readString(f));
  }

  @Test
  void malformedFilesNameTheLine(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("bad.txt");
    Files.writeString(f, "ok\n----\nx\n\nno-separator\nfoo\n");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> DataDrivenFile.parse(f));
    assertTrue(e.getMessage().contains("bad.txt:5: command 'no-separator'"), e.getMessage());
  }
}
