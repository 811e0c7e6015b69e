package io.pdlab.explore;

import io.pdlab.scenarios.model.FaultDef;
import io.pdlab.sim.trace.TraceRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the hazard atlas says, whatever its format: a section per strategy and size searched, in
 * each its findings with their facts, minimal faults and timeline. It is built once ({@link #of})
 * and rendered as {@code atlas.md} ({@link #markdown}) and {@code atlas.html} ({@link #html}), so
 * that the two files cannot say different things; the renderers add only markup and each format's
 * note on how its timelines are drawn.
 *
 * @param command the command line the atlas quotes
 */
record AtlasPage(String command, List<Section> sections) {
  static final String TITLE = "Hazard atlas";
  static final String ABOUT = "Each finding is a run whose outcome its faults do not explain,"
      + " shrunk to a minimal schedule with the same outcome and mechanism.";
  static final String NONE = "No findings.";

  AtlasPage {
    sections = List.copyOf(sections);
  }

  /** One strategy and size searched, with its findings (none: {@link #NONE}). */
  record Section(String strategy, int members, List<Entry> entries) {
    Section {
      entries = List.copyOf(entries);
    }

    String title() {
      return strategy + ", " + members + " members";
    }
  }

  /**
   * One finding as the atlas shows it: its shrunk run.
   *
   * @param file the finding's file name, without {@code .yaml}
   * @param rows each member's states over the shrunk run, by member name ({@link Chart#spans})
   */
  record Entry(Explorer.Finding finding, String file, TreeMap<String, List<Chart.Span>> rows) {
    /** The entry of {@code finding}, whose shrunk run's kept trace records are {@code records}. */
    static Entry of(Explorer.Finding finding, String file, List<TraceRecord> records) {
      return new Entry(finding, file, Chart.spans(records, Schedule.CLUSTER,
          finding.shrunk().schedule().durationUs()));
    }

    String heading() {
      return finding.outcome() + ": " + finding.mechanism();
    }

    /** What follows the link to its file. */
    String facts() {
      Schedule s = finding.shrunk().schedule();
      return ", " + s.members() + " members" + (s.config().isEmpty() ? "" : ", " + s.config())
          + ", seed " + s.seed() + "; " + finding.runs()
          + " run(s) showed it. " + finding.shrunk().summary();
    }

    /** The shrunk schedule's faults. */
    List<FaultDef> faults() {
      Schedule s = finding.shrunk().schedule();
      return s.faults().stream().map(s::onInfra).toList();
    }
  }

  /** The atlas of {@code results}, whose findings are {@code entries} (each in its section). */
  static AtlasPage of(String command, List<Explorer.Result> results, List<Entry> entries) {
    List<Section> sections = new ArrayList<>();
    for (Explorer.Result r : results) {
      List<Entry> in = new ArrayList<>();
      for (Entry e : entries) {
        if (e.finding().strategy().equals(r.strategy())
            && e.finding().members() == r.members()) {
          in.add(e);
        }
      }
      sections.add(new Section(r.strategy(), r.members(), in));
    }
    return new AtlasPage(command, sections);
  }

  /** {@code atlas.md}: the timelines as text, each member's states and when each fault began. */
  String markdown() {
    StringBuilder sb = new StringBuilder("# ").append(TITLE).append("\n\n`").append(command)
        .append("`\n\n");
    sb.append(ABOUT).append(" Timelines: each member's states from the run's trace; `[fault]`"
        + " marks when a fault began. The charts are in atlas.html.\n");
    for (Section s : sections) {
      sb.append("\n## ").append(s.title()).append("\n\n");
      for (Entry e : s.entries()) {
        sb.append("### ").append(e.heading()).append("\n\n");
        sb.append("[").append(e.file()).append(".yaml](").append(e.file()).append(".yaml)")
            .append(e.facts()).append("\n\n```yaml\n");
        for (FaultDef d : e.faults()) {
          sb.append("- ").append(Schedule.flow(d)).append('\n');
        }
        sb.append("```\n\n");
        for (Map.Entry<String, List<Chart.Span>> row : e.rows().entrySet()) {
          sb.append("- ").append(row.getKey()).append(':');
          for (Chart.Span sp : row.getValue()) {
            sb.append(' ').append(sp.state()).append(" ").append(seconds(sp.fromUs()));
          }
          sb.append('\n');
        }
        for (FaultDef d : e.faults()) {
          sb.append("- [fault] ").append(seconds(d.atUs())).append(' ').append(Schedule.flow(d))
              .append('\n');
        }
        sb.append('\n');
      }
      if (s.entries().isEmpty()) {
        sb.append(NONE).append('\n');
      }
    }
    return sb.toString();
  }

  /** {@code atlas.html}, self-contained: the timelines as SVG charts ({@link Chart#svg}). */
  String html() {
    StringBuilder sb = new StringBuilder("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
        + "<title>pdlab hazard atlas</title>\n<style>body{font-family:sans-serif;margin:2em;"
        + "max-width:900px}code,pre{background:#f5f5f5}pre{padding:.5em}</style></head><body>\n");
    sb.append("<h1>").append(TITLE).append("</h1>\n<p><code>").append(Chart.esc(command))
        .append("</code></p>\n<p>").append(ABOUT).append(" Each chart has a row per member, its"
            + " state over time from the run's trace; faults are the red bands.</p>\n");
    for (Section s : sections) {
      sb.append("<h2>").append(Chart.esc(s.title())).append("</h2>\n");
      for (Entry e : s.entries()) {
        sb.append("<h3>").append(Chart.esc(e.heading())).append("</h3>\n<p><a href=\"")
            .append(e.file()).append(".yaml\">").append(e.file()).append(".yaml</a>")
            .append(Chart.esc(e.facts())).append("</p>\n<pre>");
        for (FaultDef d : e.faults()) {
          sb.append("- ").append(Chart.esc(Schedule.flow(d))).append('\n');
        }
        sb.append("</pre>\n").append(Chart.svg(e.faults(), e.rows(),
            e.finding().shrunk().schedule().durationUs()));
      }
      if (s.entries().isEmpty()) {
        sb.append("<p>").append(NONE).append("</p>\n");
      }
    }
    return sb.append("</body></html>\n").toString();
  }

  private static String seconds(long us) {
    return TraceRecord.formatTime(us).replaceAll("0+$", "").replaceAll("\\.$", "") + "s";
  }
}
