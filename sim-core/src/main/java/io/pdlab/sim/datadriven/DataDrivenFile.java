package io.pdlab.sim.datadriven;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One data-driven test file. Format: lines starting with {@code #} and blank lines between cases
 * are ignored; a case is one command line, a line {@code ----}, then the expected output, ended by
 * a blank line or the end of the file. Outputs never contain blank lines.
 */
public final class DataDrivenFile {
  /** System property that makes {@link #check} rewrite files instead of comparing. */
  public static final String REWRITE_PROPERTY = "pdlab.rewrite";

  /** One case: where it is, its command line and what it expects. */
  public record Case(Path file, int line, String command, String expected) {
    /** The command's first word. */
    public String verb() {
      return command.split("\\s+", 2)[0];
    }

    /** Words after the verb without {@code key=value} ones. */
    public List<String> args() {
      List<String> out = new ArrayList<>();
      String[] words = command.trim().split("\\s+");
      for (int i = 1; i < words.length; i++) {
        if (!words[i].contains("=")) {
          out.add(words[i]);
        }
      }
      return out;
    }

    /** The {@code key=value} words, in order. */
    public Map<String, String> options() {
      Map<String, String> out = new LinkedHashMap<>();
      String[] words = command.trim().split("\\s+");
      for (int i = 1; i < words.length; i++) {
        int eq = words[i].indexOf('=');
        if (eq > 0) {
          out.put(words[i].substring(0, eq), words[i].substring(eq + 1));
        }
      }
      return out;
    }

    /** "file:line" for messages. */
    public String where() {
      return file.getFileName() + ":" + line;
    }
  }

  private DataDrivenFile() {}

  /** Parses a file; a malformed one is an error naming file and line. */
  public static List<Case> parse(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    List<Case> cases = new ArrayList<>();
    int i = 0;
    while (i < lines.size()) {
      String l = lines.get(i);
      if (l.isBlank() || l.startsWith("#")) {
        i++;
        continue;
      }
      int commandLine = i + 1;
      if (i + 1 >= lines.size() || !lines.get(i + 1).equals("----")) {
        throw new IllegalArgumentException(file + ":" + commandLine + ": command '" + l
            + "' must be followed by a line '----'");
      }
      i += 2;
      StringBuilder expected = new StringBuilder();
      while (i < lines.size() && !lines.get(i).isEmpty()) {
        expected.append(lines.get(i)).append('\n');
        i++;
      }
      cases.add(new Case(file, commandLine, l, expected.toString()));
    }
    return cases;
  }

  /**
   * Runs every case of {@code file} through {@code run} (in order; the runner keeps state between
   * cases) and returns the mismatches as messages; with {@code -Dpdlab.rewrite=true} rewrites the
   * file with the actual outputs instead and returns none.
   */
  public static List<String> check(Path file, Function<Case, String> run) {
    List<Case> cases = parse(file);
    List<String> failures = new ArrayList<>();
    StringBuilder rewritten = new StringBuilder();
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    int copied = 0;
    for (Case c : cases) {
      String actual = normalize(run.apply(c));
      if (!actual.equals(c.expected())) {
        failures.add(c.where() + ": " + c.command() + "\n--- expected\n" + c.expected()
            + "--- actual\n" + actual);
      }
      // copy comments and blank lines before the case, then the case with its actual output
      while (copied < c.line() - 1) {
        rewritten.append(lines.get(copied++)).append('\n');
      }
      rewritten.append(c.command()).append("\n----\n").append(actual);
      copied = c.line() + 1;
      while (copied < lines.size() && !lines.get(copied).isEmpty()) {
        copied++;
      }
    }
    while (copied < lines.size()) {
      rewritten.append(lines.get(copied++)).append('\n');
    }
    if (Boolean.getBoolean(REWRITE_PROPERTY)) {
      try {
        Files.writeString(file, rewritten.toString(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot rewrite " + file, e);
      }
      return List.of();
    }
    return failures;
  }

  /** Drops blank lines and ensures a final newline. */
  static String normalize(String out) {
    StringBuilder sb = new StringBuilder();
    for (String l : out.split("\n", -1)) {
      if (!l.isBlank()) {
        sb.append(l.stripTrailing()).append('\n');
      }
    }
    return sb.toString();
  }
}
