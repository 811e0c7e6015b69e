package io.pdlab.explore;

import io.pdlab.scenarios.model.FaultDef;
import io.pdlab.sim.trace.TraceRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A run's timeline as an inline SVG: one row per member, its state over time read from the
 * members' and operator's reports in the trace, and the schedule's faults drawn as shaded bands
 * over the rows they touch (a fault of the whole cluster over every row).
 */
final class Chart {
  private Chart() {}

  /** The states a row shows, each with its colour. */
  static final String[][] STATES = {
      {"down", "#9e9e9e"}, {"starting", "#ffe082"}, {"candidate", "#ffab91"},
      {"follower", "#90caf9"}, {"leader", "#1565c0"}, {"learner", "#ce93d8"},
      {"paused", "#616161"}, {"removed", "#eeeeee"}};

  private static final int LEFT = 110;
  private static final int WIDTH = 720;
  private static final int ROW = 22;
  private static final int TOP = 20;

  /** One stretch of a member's state. */
  record Span(long fromUs, long toUs, String state) {}

  /** Each member's spans, by member name, from the kept STATE records. */
  static TreeMap<String, List<Span>> spans(List<TraceRecord> records, String cluster,
      long endUs) {
    TreeMap<String, String> state = new TreeMap<>();
    TreeMap<String, Long> since = new TreeMap<>();
    TreeMap<String, String> beforePause = new TreeMap<>();
    TreeSet<String> learners = new TreeSet<>();
    TreeMap<String, List<Span>> out = new TreeMap<>();
    for (TraceRecord r : records) {
      String node = r.node();
      String d = r.detail();
      String member = node;
      String next = null;
      if (d.contains("added member ")) {
        member = word(d, "added member ");
        if (d.contains("as learner")) {
          learners.add(member);
        }
        next = state.containsKey(member) ? null : "down";
      } else if (d.contains("promoted ")) {
        member = word(d, "promoted ");
        learners.remove(member);
        next = "follower".equals(state.get(member)) ? "follower" : null;
      } else if (d.contains("removed member ")) {
        member = word(d, "removed member ");
        next = "removed";
      } else if (!isMember(node, cluster)) {
        continue;
      } else if (d.startsWith("started incarnation")) {
        next = "starting";
      } else if (d.startsWith("etcd: LEADER")) {
        next = "leader";
      } else if (d.startsWith("etcd: FOLLOWER")) {
        next = "follower";
      } else if (d.startsWith("etcd: CANDIDATE")) {
        next = "candidate";
      } else if (d.equals("crashed") || d.startsWith("crashed ") || d.startsWith("exited")) {
        next = "down";
      } else if (d.equals("paused")) {
        beforePause.put(member, state.getOrDefault(member, "down"));
        next = "paused";
      } else if (d.startsWith("resumed")) {
        next = beforePause.getOrDefault(member, "follower");
      }
      if (member == null || next == null || !isMember(member, cluster)) {
        continue;
      }
      if ("follower".equals(next) && learners.contains(member)) {
        next = "learner";
      }
      String was = state.get(member);
      if (next.equals(was)) {
        continue;
      }
      if (was != null) {
        out.computeIfAbsent(member, k -> new ArrayList<>()).add(new Span(since.get(member),
            r.timeUs(), was));
      } else {
        out.computeIfAbsent(member, k -> new ArrayList<>());
      }
      state.put(member, next);
      since.put(member, r.timeUs());
    }
    for (var e : state.entrySet()) {
      out.get(e.getKey()).add(new Span(since.get(e.getKey()), endUs, e.getValue()));
    }
    return out;
  }

  /** Whether {@code name} is a member pod of the cluster (not its discovery or operator). */
  private static boolean isMember(String name, String cluster) {
    return name.startsWith(cluster + "-") && !name.contains("discovery");
  }

  private static String word(String d, String after) {
    String rest = d.substring(d.indexOf(after) + after.length());
    int end = 0;
    while (end < rest.length() && !Character.isWhitespace(rest.charAt(end))
        && rest.charAt(end) != ',' && rest.charAt(end) != ')' && rest.charAt(end) != ';') {
      end++;
    }
    return rest.substring(0, end);
  }

  /**
   * The SVG of a run of cluster {@code cluster} with faults {@code faults}, whose records are
   * {@code records}, ending at {@code endUs}.
   */
  static String svg(List<FaultDef> faults, String cluster, List<TraceRecord> records,
      long endUs) {
    return svg(faults, spans(records, cluster, endUs), endUs);
  }

  /** The SVG of a run with faults {@code faults} and its members' states {@code rows}. */
  static String svg(List<FaultDef> faults, TreeMap<String, List<Span>> rows, long endUs) {
    List<String> names = new ArrayList<>(rows.keySet());
    int height = TOP + Math.max(1, names.size()) * ROW + 40;
    StringBuilder sb = new StringBuilder();
    sb.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(LEFT + WIDTH + 10)
        .append("\" height=\"").append(height).append("\" font-family=\"sans-serif\""
            + " font-size=\"11\">\n");
    for (int i = 0; i < names.size(); i++) {
      int y = TOP + i * ROW;
      sb.append("<text x=\"4\" y=\"").append(y + 15).append("\">").append(esc(names.get(i)))
          .append("</text>\n");
      for (Span sp : rows.get(names.get(i))) {
        sb.append("<rect x=\"").append(x(sp.fromUs(), endUs)).append("\" y=\"").append(y + 3)
            .append("\" width=\"").append(fmt(Math.max(0.5, xd(sp.toUs(), endUs) - xd(sp.fromUs(),
                endUs)))).append("\" height=\"").append(ROW - 6).append("\" fill=\"")
            .append(colour(sp.state())).append("\"><title>").append(esc(names.get(i))).append(": ")
            .append(sp.state()).append(' ').append(TraceRecord.formatTime(sp.fromUs()))
            .append("s - ").append(TraceRecord.formatTime(sp.toUs())).append("s</title></rect>\n");
      }
    }
    int rowsBottom = TOP + Math.max(1, names.size()) * ROW;
    for (FaultDef f : faults) {
      long to = f.playsOutAfterUs() > 0 ? f.atUs() + f.playsOutAfterUs()
          : Math.min(endUs, f.atUs() + 1_000_000);
      List<Integer> touched = touched(f, names);
      for (int i : touched) {
        int y = touched.size() == names.size() ? TOP : TOP + i * ROW;
        int h = touched.size() == names.size() ? rowsBottom - TOP : ROW;
        sb.append("<rect x=\"").append(x(f.atUs(), endUs)).append("\" y=\"").append(y)
            .append("\" width=\"").append(fmt(Math.max(2, xd(to, endUs) - xd(f.atUs(), endUs))))
            .append("\" height=\"").append(h).append("\" fill=\"#e53935\" fill-opacity=\"0.25\""
                + " stroke=\"#e53935\"><title>").append(esc(Schedule.flow(f)))
            .append("</title></rect>\n");
        if (touched.size() == names.size()) {
          break;
        }
      }
    }
    // a label every 10 s, or every 30 s or minute on a long run's chart
    long tick = endUs <= 200_000_000L ? 10_000_000L : endUs <= 600_000_000L ? 30_000_000L
        : 60_000_000L;
    for (long t = 0; t <= endUs; t += tick) {
      sb.append("<text x=\"").append(x(t, endUs)).append("\" y=\"").append(rowsBottom + 14)
          .append("\" text-anchor=\"middle\">").append(t / 1_000_000).append("s</text>\n");
    }
    int lx = LEFT;
    for (String[] st : STATES) {
      sb.append("<rect x=\"").append(lx).append("\" y=\"").append(rowsBottom + 22)
          .append("\" width=\"10\" height=\"10\" fill=\"").append(st[1]).append("\"/>")
          .append("<text x=\"").append(lx + 13).append("\" y=\"").append(rowsBottom + 31)
          .append("\">").append(st[0]).append("</text>\n");
      lx += 80;
    }
    return sb.append("</svg>\n").toString();
  }

  /** The rows a fault is drawn over: its member's, or every row. */
  private static List<Integer> touched(FaultDef f, List<String> names) {
    List<Integer> all = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      all.add(i);
    }
    if (f.onMember().isEmpty()) {
      return all;
    }
    for (int i = 0; i < names.size(); i++) {
      if (ordinal(names.get(i)) == f.onMember().getAsInt()) {
        return List.of(i);
      }
    }
    return all;
  }

  /** The ordinal at the end of a pod's name ({@code basic-pd-2}, {@code basic-0002}). */
  private static int ordinal(String name) {
    int i = name.length();
    while (i > 0 && Character.isDigit(name.charAt(i - 1))) {
      i--;
    }
    return i == name.length() ? -1 : Integer.parseInt(name.substring(i));
  }

  private static String colour(String state) {
    for (String[] st : STATES) {
      if (st[0].equals(state)) {
        return st[1];
      }
    }
    return "#ffffff";
  }

  private static String x(long us, long endUs) {
    return fmt(xd(us, endUs));
  }

  private static double xd(long us, long endUs) {
    return LEFT + WIDTH * (double) Math.min(us, endUs) / endUs;
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }

  static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"",
        "&quot;");
  }
}
