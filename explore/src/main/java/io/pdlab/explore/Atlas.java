package io.pdlab.explore;

import io.pdlab.scenarios.model.FaultDef;
import io.pdlab.sim.trace.TraceBuffer;
import io.pdlab.sim.trace.TraceRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Writes what searches found into a directory: per finding a scenario file that {@code pdlab run}
 * replays with its expected outcome (a comment block says how it was found) and the trace of that
 * run; {@code findings.md}, a table of them; and the hazard atlas, {@code atlas.md} and a
 * self-contained {@code atlas.html} with each finding's timeline chart. Everything is written to
 * a temporary directory beside {@code out} and moved into place at the end, so a failure leaves
 * no half-written directory; the files depend on nothing but the results (no times, no paths).
 */
public final class Atlas {
  private Atlas() {}

  /** One finding with its file's name and its whole-duration run. */
  private record Written(Explorer.Finding f, String file, Run.Traced run) {}

  /**
   * Writes {@code results} to {@code out}, which must not exist yet or be an empty directory.
   *
   * @param command the command line the comment blocks quote (without {@code --out})
   * @return the finding files written, in order
   */
  public static List<Path> write(Path out, List<Explorer.Result> results, String command) {
    Path abs = out.toAbsolutePath().normalize();
    Path tmp = null;
    try {
      Files.createDirectories(abs.getParent());
      tmp = Files.createTempDirectory(abs.getParent(), "." + abs.getFileName() + "-");
      List<Written> written = new ArrayList<>();
      int i = 0;
      for (Explorer.Result r : results) {
        for (Explorer.Finding f : r.findings()) {
          i++;
          String name = String.format(java.util.Locale.ROOT, "finding-%02d-%s-%d-%s", i,
              f.strategy(), f.members(), f.outcome());
          TraceBuffer trace = new TraceBuffer();
          Run.Traced run = Run.traced(f.shrunk().schedule(), trace);
          Files.writeString(tmp.resolve(name + ".yaml"), scenarioFile(name, r, f, command),
              StandardCharsets.UTF_8);
          trace.writeTo(tmp.resolve(name + ".trace.txt"));
          written.add(new Written(f, name, run));
        }
      }
      Files.writeString(tmp.resolve("findings.md"), table(results, written, command),
          StandardCharsets.UTF_8);
      Files.writeString(tmp.resolve("atlas.md"), markdown(results, written, command),
          StandardCharsets.UTF_8);
      Files.writeString(tmp.resolve("atlas.html"), html(results, written, command),
          StandardCharsets.UTF_8);
      if (Files.isDirectory(abs)) {
        Files.delete(abs); // empty: checked by the caller before the search
      }
      Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE);
      tmp = null;
      List<Path> files = new ArrayList<>();
      written.forEach(w -> files.add(abs.resolve(w.file() + ".yaml")));
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
    c.add("First shown by run " + f.index() + " of " + r.runs() + " (" + f.runs() + " run"
        + (f.runs() == 1 ? "" : "s") + " showed it), simulator seed " + f.original().schedule()
        .seed() + ", " + f.original().schedule().members() + " members:");
    for (FaultDef d : f.original().schedule().faults()) {
      c.add("  " + Schedule.flow(d));
    }
    c.add("  -> " + f.original().summary());
    c.add("Shrunk in " + f.shrinkRuns() + " whole-duration runs, " + f.shrink().size() + " step"
        + (f.shrink().size() == 1 ? "" : "s") + (f.shrink().isEmpty() ? " (already minimal)"
            : ":"));
    for (String s : f.shrink()) {
      c.add("  - " + s);
    }
    c.add("  -> " + f.shrunk().summary());
    c.add("Replay: ./pdlab run " + name + ".yaml --trace " + name + ".trace.txt");
    return f.shrunk().schedule().yaml(name, c, f.outcome());
  }

  private static String table(List<Explorer.Result> results, List<Written> written,
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
    if (written.isEmpty()) {
      return sb.append("No findings: every outcome was explained by its faults.\n").toString();
    }
    sb.append("| # | strategy | n | outcome | mechanism | runs | first run | minimal schedule |"
        + " file |\n|---|---|---|---|---|---|---|---|---|\n");
    int i = 0;
    for (Written w : written) {
      Explorer.Finding f = w.f();
      sb.append("| ").append(++i).append(" | ").append(f.strategy()).append(" | ")
          .append(f.shrunk().schedule().members()).append(" | ").append(f.outcome()).append(" | ")
          .append(f.mechanism()).append(" | ").append(f.runs()).append(" | ").append(f.index())
          .append(" | ").append(f.shrunk().schedule().describe().replace("|", "\\|"))
          .append(" | [").append(w.file()).append(".yaml](").append(w.file()).append(".yaml) |\n");
    }
    return sb.toString();
  }

  private static String markdown(List<Explorer.Result> results, List<Written> written,
      String command) {
    StringBuilder sb = new StringBuilder("# Hazard atlas\n\n`").append(command).append("`\n\n");
    sb.append("Each finding is a run whose outcome its faults do not explain, shrunk to a minimal"
        + " schedule with the same outcome and mechanism. Timelines: each member's states from"
        + " the run's trace; `[fault]` marks when a fault began. The charts are in atlas.html.\n");
    for (Explorer.Result r : results) {
      sb.append("\n## ").append(r.strategy()).append(", ").append(r.members())
          .append(" members\n\n");
      boolean any = false;
      for (Written w : written) {
        Explorer.Finding f = w.f();
        if (!f.strategy().equals(r.strategy()) || f.members() != r.members()) {
          continue;
        }
        any = true;
        sb.append("### ").append(f.outcome()).append(": ").append(f.mechanism()).append("\n\n");
        sb.append("[").append(w.file()).append(".yaml](").append(w.file()).append(".yaml), ")
            .append(f.shrunk().schedule().members()).append(" members, seed ")
            .append(f.shrunk().schedule().seed()).append("; ").append(f.runs())
            .append(" run(s) showed it. ").append(f.shrunk().summary()).append("\n\n```yaml\n");
        for (FaultDef d : f.shrunk().schedule().faults()) {
          sb.append("- ").append(Schedule.flow(d)).append('\n');
        }
        sb.append("```\n\n");
        for (Map.Entry<String, List<Chart.Span>> e : Chart.spans(w.run().records(),
            Schedule.CLUSTER, Schedule.DURATION_US).entrySet()) {
          sb.append("- ").append(e.getKey()).append(':');
          for (Chart.Span sp : e.getValue()) {
            sb.append(' ').append(sp.state()).append(" ").append(seconds(sp.fromUs()));
          }
          sb.append('\n');
        }
        for (FaultDef d : f.shrunk().schedule().faults()) {
          sb.append("- [fault] ").append(seconds(d.atUs())).append(' ').append(Schedule.flow(d))
              .append('\n');
        }
        sb.append('\n');
      }
      if (!any) {
        sb.append("No findings.\n");
      }
    }
    return sb.toString();
  }

  private static String html(List<Explorer.Result> results, List<Written> written,
      String command) {
    StringBuilder sb = new StringBuilder("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
        + "<title>pdlab hazard atlas</title>\n<style>body{font-family:sans-serif;margin:2em;"
        + "max-width:900px}code,pre{background:#f5f5f5}pre{padding:.5em}</style></head><body>\n");
    sb.append("<h1>Hazard atlas</h1>\n<p><code>").append(Chart.esc(command))
        .append("</code></p>\n<p>Each finding is a run whose outcome its faults do not explain,"
            + " shrunk to a minimal schedule with the same outcome and mechanism. Each chart has"
            + " a row per member, its state over time from the run's trace; faults are the red"
            + " bands.</p>\n");
    for (Explorer.Result r : results) {
      sb.append("<h2>").append(Chart.esc(r.strategy())).append(", ").append(r.members())
          .append(" members</h2>\n");
      boolean any = false;
      for (Written w : written) {
        Explorer.Finding f = w.f();
        if (!f.strategy().equals(r.strategy()) || f.members() != r.members()) {
          continue;
        }
        any = true;
        sb.append("<h3>").append(f.outcome()).append(": ").append(Chart.esc(f.mechanism()))
            .append("</h3>\n<p><a href=\"").append(w.file()).append(".yaml\">").append(w.file())
            .append(".yaml</a>, ").append(f.shrunk().schedule().members()).append(" members, seed ")
            .append(f.shrunk().schedule().seed()).append("; ").append(f.runs())
            .append(" run(s) showed it. ").append(Chart.esc(f.shrunk().summary()))
            .append("</p>\n<pre>");
        for (FaultDef d : f.shrunk().schedule().faults()) {
          sb.append("- ").append(Chart.esc(Schedule.flow(d))).append('\n');
        }
        sb.append("</pre>\n").append(Chart.svg(f.shrunk().schedule(), w.run().records(),
            Schedule.DURATION_US));
      }
      if (!any) {
        sb.append("<p>No findings.</p>\n");
      }
    }
    return sb.append("</body></html>\n").toString();
  }

  private static String seconds(long us) {
    return TraceRecord.formatTime(us).replaceAll("0+$", "").replaceAll("\\.$", "") + "s";
  }
}
