package io.pdlab.explore;

import io.pdlab.scenarios.model.FaultDef;
import io.pdlab.sim.trace.TraceBuffer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Writes what searches found into a directory: per finding a scenario file that {@code pdlab run}
 * replays with its expected outcome (a comment block says how it was found) and the trace of that
 * run; {@code findings.md}, a table of them; the hazard atlas, {@code atlas.md} and a
 * self-contained {@code atlas.html} with each finding's timeline chart; and, when the findings
 * were compared with the scenario catalog ({@link CatalogCheck}), {@code catalog.md}. Everything is written to
 * a temporary directory beside {@code out} and moved into place at the end, so a failure leaves
 * no half-written directory; the files depend on nothing but the results (no times, no paths).
 */
public final class Atlas {
  private Atlas() {}

  /**
   * Writes {@code results} to {@code out}, which must not exist yet or be an empty directory.
   *
   * @param command the command line the comment blocks quote (without {@code --out})
   * @return the finding files written, in order
   */
  public static List<Path> write(Path out, List<Explorer.Result> results, String command) {
    return write(out, results, List.of(), command);
  }

  /**
   * Writes {@code results} to {@code out}, and {@code catalog.md} from {@code catalogs} (the
   * comparisons of some of the results with the catalog; none: no {@code catalog.md}).
   *
   * @param command the command line the comment blocks quote (without {@code --out})
   * @return the finding files written, in order
   */
  public static List<Path> write(Path out, List<Explorer.Result> results,
      List<CatalogCheck> catalogs, String command) {
    Path abs = out.toAbsolutePath().normalize();
    Path tmp = null;
    try {
      Files.createDirectories(abs.getParent());
      tmp = Files.createTempDirectory(abs.getParent(), "." + abs.getFileName() + "-");
      List<AtlasPage.Entry> entries = new ArrayList<>();
      List<List<String>> names = new ArrayList<>();
      int i = 0;
      for (Explorer.Result r : results) {
        List<String> ofResult = new ArrayList<>();
        names.add(ofResult);
        for (Explorer.Finding f : r.findings()) {
          i++;
          String name = String.format(java.util.Locale.ROOT, "finding-%02d-%s-%d-%s", i,
              f.strategy(), f.members(), f.outcome());
          ofResult.add(name);
          TraceBuffer trace = new TraceBuffer();
          Run.Traced run = Run.traced(f.shrunk().schedule(), trace);
          Files.writeString(tmp.resolve(name + ".yaml"), scenarioFile(name, r, f, command),
              StandardCharsets.UTF_8);
          trace.writeTo(tmp.resolve(name + ".trace.txt"));
          entries.add(AtlasPage.Entry.of(f, name, run.records()));
        }
      }
      Files.writeString(tmp.resolve("findings.md"), table(results, entries, command)
          + (catalogs.isEmpty() ? "" : "\nCompared with the scenario catalog in [catalog.md]"
              + "(catalog.md).\n"), StandardCharsets.UTF_8);
      if (!catalogs.isEmpty()) {
        StringBuilder md = new StringBuilder(CatalogCheck.header(catalogs.get(0).dir(),
            catalogs.get(0).result().lastChangeUs()));
        for (CatalogCheck c : catalogs) {
          int at = results.indexOf(c.result());
          if (at < 0) {
            throw new IllegalArgumentException("a catalog check of a result not written");
          }
          md.append(c.markdown(names.get(at)));
        }
        Files.writeString(tmp.resolve("catalog.md"), md.toString(), StandardCharsets.UTF_8);
      }
      AtlasPage atlas = AtlasPage.of(command, results, entries);
      Files.writeString(tmp.resolve("atlas.md"), atlas.markdown(), StandardCharsets.UTF_8);
      Files.writeString(tmp.resolve("atlas.html"), atlas.html(), StandardCharsets.UTF_8);
      if (Files.isDirectory(abs)) {
        Files.delete(abs); // empty: checked by the caller before the search
      }
      Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE);
      tmp = null;
      List<Path> files = new ArrayList<>();
      entries.forEach(e -> files.add(abs.resolve(e.file() + ".yaml")));
      return files;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + out + ": " + e.getMessage(), e);
    } finally {
      if (tmp != null) {
        deleteTree(tmp);
      }
    }
  }

  /** Whether {@code out} can be written: it does not exist, or is an empty directory. */
  public static String refusal(Path out) {
    if (!Files.exists(out)) {
      return null;
    }
    if (!Files.isDirectory(out)) {
      return out + " exists and is not a directory";
    }
    try (Stream<Path> s = Files.list(out)) {
      return s.findAny().isPresent() ? out + " exists and is not empty (explore writes a new"
          + " directory; remove it or choose another --out)" : null;
    } catch (IOException e) {
      return "cannot read " + out + ": " + e.getMessage();
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // best effort: a leftover temporary directory is named with a leading dot
    }
  }

  /** The scenario file of a finding: how it was found, then the shrunk schedule and expectation. */
  static String scenarioFile(String name, Explorer.Result r, Explorer.Finding f, String command) {
    List<String> c = new ArrayList<>();
    c.add("Found by: " + command);
    c.add("Mechanism: " + f.mechanism() + " (outcome " + f.outcome() + ")");
    c.add("Shown by " + f.runs() + " run" + (f.runs() == 1 ? "" : "s") + " of " + r.runs()
        + "; the first with the fewest faults, run " + f.index() + ", simulator seed "
        + f.original().schedule().seed() + ", " + f.original().schedule().members() + " members"
        + (f.original().schedule().config().isEmpty() ? ""
            : ", " + f.original().schedule().config()) + ":");
    for (FaultDef d : f.original().schedule().faults()) {
      c.add("  " + Schedule.flow(f.original().schedule().onInfra(d)));
    }
    c.add("  -> " + f.original().summary());
    c.add("Shrunk in " + f.shrinkRuns() + " whole-duration runs, " + f.shrink().size() + " step"
        + (f.shrink().size() == 1 ? "" : "s") + (f.shrink().isEmpty() ? " (already minimal)"
            : ":"));
    for (String s : f.shrink()) {
      c.add("  - " + s);
    }
    c.add("  -> " + f.shrunk().summary());
    boolean failure = f.outcome().equals(Run.MODEL_FAILURE);
    c.add("Replay: ./pdlab run " + name + ".yaml --trace " + name + ".trace.txt"
        + (failure ? " (the model fails on it: a defect of pdlab, which no expectation names)"
            : ""));
    return f.shrunk().schedule().yaml(name, c, failure ? null : f.outcome());
  }

  private static String table(List<Explorer.Result> results, List<AtlasPage.Entry> entries,
      String command) {
    StringBuilder sb = new StringBuilder("# Findings\n\n");
    sb.append("`").append(command).append("`\n\n");
    for (Explorer.Result r : results) {
      sb.append("- ").append(r.strategy()).append(" at ").append(r.members()).append(" members: ")
          .append(r.runs()).append(" runs, faults ").append(r.kinds()).append(", corpus ")
          .append(r.corpus()).append(" schedules, ").append(r.features()).append(" features, ")
          .append(r.findings().size()).append(" finding").append(r.findings().size() == 1 ? ""
              : "s");
      if (!r.unconfirmed().isEmpty()) {
        sb.append(" (").append(r.unconfirmed().size()).append(" more not shown again by a"
            + " whole-duration run, left out)");
      }
      sb.append('\n');
    }
    sb.append('\n');
    if (entries.isEmpty()) {
      return sb.append("No findings: every outcome was explained by its faults.\n").toString();
    }
    sb.append("| # | strategy | n | outcome | mechanism | runs | run kept | minimal schedule |"
        + " file |\n|---|---|---|---|---|---|---|---|---|\n");
    int i = 0;
    for (AtlasPage.Entry e : entries) {
      Explorer.Finding f = e.finding();
      sb.append("| ").append(++i).append(" | ").append(f.strategy()).append(" | ")
          .append(f.shrunk().schedule().members()).append(" | ").append(f.outcome()).append(" | ")
          .append(f.mechanism()).append(" | ").append(f.runs()).append(" | ").append(f.index())
          .append(" | ").append(f.shrunk().schedule().describe().replace("|", "\\|"))
          .append(" | [").append(e.file()).append(".yaml](").append(e.file()).append(".yaml) |\n");
    }
    return sb.toString();
  }
}
