package io.pdlab.sim.trace;

/**
 * One line of a trace.
 *
 * @param seq position of the record in its trace, from 0
 * @param timeUs virtual (or wall-clock) time of the record
 * @param kind what happened
 * @param node the process or endpoint it happened at ({@code -} for the whole world)
 * @param detail the rest, built from the toString() of messages, tags and faults
 */
public record TraceRecord(long seq, long timeUs, TraceKind kind, String node, String detail) {

  /**
   * The stable text form: {@code <seconds>.<micros> #<seq> <KIND> <node> <detail>}, e.g.
   * {@code 0.012000 #7 DELIVER b a->b Ping[n=3]}. Line breaks in the detail are escaped so that a
   * record is always one line.
   */
  public String toText() {
    StringBuilder sb = new StringBuilder(48 + detail.length());
    appendTime(sb, timeUs);
    sb.append(" #").append(seq).append(' ').append(kind.name()).append(' ').append(node);
    if (!detail.isEmpty()) {
      sb.append(' ');
      for (int i = 0; i < detail.length(); i++) {
        char c = detail.charAt(i);
        if (c == '\n') {
          sb.append("\\n");
        } else if (c == '\r') {
          sb.append("\\r");
        } else {
          sb.append(c);
        }
      }
    }
    return sb.toString();
  }

  /** One JSON object on one line: {@code {"seq":7,"t_us":12000,"kind":"DELIVER",...}}. */
  public String toJson() {
    StringBuilder sb = new StringBuilder(64 + detail.length());
    sb.append("{\"seq\":").append(seq).append(",\"t_us\":").append(timeUs)
        .append(",\"kind\":\"").append(kind.name()).append("\",\"node\":");
    Json.appendString(sb, node);
    sb.append(",\"detail\":");
    Json.appendString(sb, detail);
    return sb.append('}').toString();
  }

  @Override
  public String toString() {
    return toText();
  }

  /** Formats microseconds as seconds with six decimals, with integer arithmetic only. */
  public static void appendTime(StringBuilder sb, long us) {
    if (us < 0) {
      sb.append('-');
      us = -us;
    }
    sb.append(us / 1_000_000).append('.');
    String frac = Long.toString(us % 1_000_000);
    for (int i = frac.length(); i < 6; i++) {
      sb.append('0');
    }
    sb.append(frac);
  }

  /** {@link #appendTime} as a string, e.g. {@code 1.500000}. */
  public static String formatTime(long us) {
    StringBuilder sb = new StringBuilder(16);
    appendTime(sb, us);
    return sb.toString();
  }
}
