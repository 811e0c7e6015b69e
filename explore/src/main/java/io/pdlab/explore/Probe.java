package io.pdlab.explore;

import io.pdlab.sim.trace.TraceKind;
import io.pdlab.sim.trace.TraceRecord;
import io.pdlab.sim.trace.TraceSink;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What a run's trace showed, read as it goes by: each process's reports ({@code STATE}) and the
 * faults applied ({@code FAULT}), with names, IDs and numbers taken out so that two runs that went
 * through the same states show the same text; the other records (messages, timers) are passed
 * over. Optionally keeps those records whole, for a finding's timeline chart.
 */
final class Probe implements TraceSink {
  private static final Pattern NUMBER = Pattern.compile("\\d+");

  /** Normalised report -> how many times it came. */
  final TreeMap<String, Integer> counts = new TreeMap<>();
  /** {@code etcd: bootstrapped new cluster} reports: each a bootstrap decision by a member. */
  int bootstraps;
  /** Bootstrap decisions after the first wiped disk. */
  int bootstrapsAfterWipe;
  /** Disks wiped. */
  int wipes;
  /** Members' exits, normalised, in order of first appearance. */
  final List<String> exits = new ArrayList<>();
  /**
   * Member processes (etcd members and PD pods) that exited by themselves ({@code etcd: exit:}
   * or {@code pd: exit:}) and have not served ({@code etcd: published}) since: process -> its
   * last exit's reason, {@linkplain #shorten shortened}, in the order they began failing. Why a
   * joiner never joined.
   */
  private final java.util.LinkedHashMap<String, String> failing = new java.util.LinkedHashMap<>();
  /** The STATE and FAULT records, when kept. */
  final List<TraceRecord> kept;
  /** Receives every record as well (a whole trace for a finding's file), or null. */
  private final TraceSink tee;

  Probe(boolean keep, TraceSink tee) {
    this.kept = keep ? new ArrayList<>() : null;
    this.tee = tee;
  }

  /** Only with a tee: the probe itself reads the STATE and FAULT records. */
  @Override
  public boolean readsMessages() {
    return tee != null;
  }

  @Override
  public void accept(TraceRecord r) {
    if (tee != null) {
      tee.accept(r);
    }
    if (r.kind() != TraceKind.STATE && r.kind() != TraceKind.FAULT) {
      return;
    }
    if (kept != null) {
      kept.add(r);
    }
    String detail = r.detail();
    if (detail.startsWith("etcd: CANDIDATE") || detail.startsWith("discovery: ")
        && detail.contains("connection refused")) {
      // repeated while nothing changes: their count says nothing the states do not
      counts.merge(r.kind() + " " + normalise(detail), 1, (a, b) -> 1);
      return;
    }
    String text = r.kind() + " " + role(r.node()) + " " + normalise(detail);
    counts.merge(text, 1, Integer::sum);
    if (detail.startsWith("etcd: bootstrapped new cluster")) {
      bootstraps++;
      if (wipes > 0) {
        bootstrapsAfterWipe++;
      }
    } else if (detail.equals("disk wiped")) {
      wipes++;
    } else if (detail.startsWith(ETCD_EXIT) || detail.startsWith(PD_EXIT)) {
      String why = detail.substring(detail.indexOf(EXIT) + EXIT.length());
      // a member already failing keeps its place
      failing.put(r.node(), remembered(SHORTENED, why, d -> shorten(normalise(d))));
    } else if (detail.startsWith(PUBLISHED)) {
      failing.remove(r.node());
    } else if (detail.startsWith("exited: ")) {
      String why = normalise(detail.substring("exited: ".length()));
      if (!exits.contains(why)) {
        exits.add(why);
      }
    }
  }

  private static final String ETCD_EXIT = "etcd: exit: ";
  private static final String PD_EXIT = "pd: exit: ";
  private static final String EXIT = "exit: ";
  private static final String PUBLISHED = "etcd: published ";
  private static final Pattern URL = Pattern.compile("\\w+://[^\\s,\\])\"]+");
  private static final Pattern BRACKETED =
      Pattern.compile("\\s*(\\[[^\\[\\]]*\\]|\\([^()]*\\))");

  /**
   * Why the first member process that began failing and has not served since last exited
   * (its last exit's reason, shortened); empty when none exited (the members that do not serve
   * never ran, or run without serving). Only the first: the others often fail because of it
   * (a member's refusal leaves the next joiner without a quorum to join), and a set of reasons
   * would name a new mechanism for each combination.
   */
  String notServingBecause() {
    return failing.isEmpty() ? "" : failing.values().iterator().next();
  }

  /**
   * A normalised exit reason without what varies with the members and their addresses: URLs
   * become {@code URL}, bracketed lists and parenthesised asides go ({@code error validating
   * peerURLs [H[basic-#], H[unstarted]]: member count is unequal} -> {@code error validating
   * peerURLs: member count is unequal}).
   */
  static String shorten(String reason) {
    String s = URL.matcher(reason).replaceAll("URL");
    for (String before = null; !s.equals(before); ) {
      before = s;
      s = BRACKETED.matcher(s).replaceAll("");
    }
    return s.strip();
  }

  /** A process's role: its name without ordinals ({@code basic-pd-#}, {@code etcd-operator-basic}). */
  static String role(String node) {
    return remembered(ROLES, node, n -> NUMBER.matcher(n).replaceAll("#"));
  }

  /** A report without the IDs and numbers that differ between runs through the same state. */
  static String normalise(String detail) {
    return remembered(NORMALISED, detail, Probe::idsAndNumbersOut);
  }

  /**
   * The regular expression {@code \b[0-9a-f]{8,}\b} replaced by {@code H}, then {@code \d+} by
   * {@code #}, in one pass without regular expressions (most reports carry IDs seen once, so the
   * cache above seldom holds them): a word of eight or more lower-case hex digits becomes
   * {@code H}, then each run of digits {@code #}. A word is bounded as {@code \b} bounds it: by a
   * character that is neither a letter, a digit nor {@code _}, or the text's end.
   */
  static String idsAndNumbersOut(String d) {
    StringBuilder out = null;
    int n = d.length();
    int copied = 0;
    int i = 0;
    while (i < n) {
      char c = d.charAt(i);
      if (isLowerHex(c) && (i == 0 || !isWord(Character.codePointBefore(d, i)))) {
        int j = i;
        while (j < n && isLowerHex(d.charAt(j))) {
          j++;
        }
        if (j - i >= 8 && (j == n || !isWord(d.codePointAt(j)))) {
          out = out == null ? new StringBuilder(n) : out;
          out.append(d, copied, i).append('H');
          i = j;
          copied = j;
          continue;
        }
      }
      if (c >= '0' && c <= '9') {
        int j = i;
        while (j < n && d.charAt(j) >= '0' && d.charAt(j) <= '9') {
          j++;
        }
        out = out == null ? new StringBuilder(n) : out;
        out.append(d, copied, i).append('#');
        i = j;
        copied = j;
        continue;
      }
      i++;
    }
    return out == null ? d : out.append(d, copied, n).toString();
  }

  private static boolean isLowerHex(char c) {
    return c >= '0' && c <= '9' || c >= 'a' && c <= 'f';
  }

  /** A word character as {@code \b} takes it (java.util.regex without UNICODE_CHARACTER_CLASS). */
  private static boolean isWord(int codePoint) {
    return codePoint == '_' || Character.isLetterOrDigit(codePoint);
  }

  /**
   * How many texts each of {@link #ROLES}, {@link #NORMALISED} and {@link #SHORTENED} keeps
   * before starting over.
   */
  private static final int REMEMBERED = 4096;
  /**
   * Names and reports already rewritten, with their rewriting: the same few come back run after
   * run, and the regular expressions were a few percent of a run's CPU. Pure functions of the
   * text, so what is kept is what rewriting again would give.
   */
  private static final java.util.concurrent.ConcurrentHashMap<String, String> ROLES =
      new java.util.concurrent.ConcurrentHashMap<>();
  private static final java.util.concurrent.ConcurrentHashMap<String, String> NORMALISED =
      new java.util.concurrent.ConcurrentHashMap<>();
  private static final java.util.concurrent.ConcurrentHashMap<String, String> SHORTENED =
      new java.util.concurrent.ConcurrentHashMap<>();

  private static String remembered(java.util.concurrent.ConcurrentHashMap<String, String> kept,
      String text, java.util.function.UnaryOperator<String> rewrite) {
    String r = kept.get(text);
    if (r == null) {
      if (kept.size() >= REMEMBERED) {
        kept.clear();
      }
      r = rewrite.apply(text);
      kept.put(text, r);
    }
    return r;
  }
}
