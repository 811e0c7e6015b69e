package io.pdlab.scenarios.yaml;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as scenario files write them: a number with a unit, {@code ms}, {@code s}, {@code m}
 * or {@code h}, e.g. {@code 500ms}, {@code 1.5s}, {@code 2m}; terms may be chained as in Go's
 * {@code time.ParseDuration} ({@code 1m30s}). The value is in microseconds, the unit of the model.
 */
final class Durations {
  private Durations() {}

  static final String UNITS = "units: ms, s, m, h";

  private static final Pattern TERM = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)([^\\d.]*)");
  private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)");
  private static final BigDecimal MAX = BigDecimal.valueOf(Long.MAX_VALUE);

  /** Parses {@code text}; a leading sign is allowed, callers check the range they need. */
  static long parseUs(String text) {
    String s = text.strip();
    if (NUMBER.matcher(s).matches()) {
      throw new IllegalArgumentException("'" + text + "' has no unit: a duration needs one, e.g. '"
          + s + "s' (" + UNITS + ")");
    }
    int pos = 0;
    boolean negative = false;
    if (s.startsWith("-") || s.startsWith("+")) {
      negative = s.startsWith("-");
      pos = 1;
    }
    if (pos == s.length()) {
      throw notADuration(text);
    }
    BigDecimal totalUs = BigDecimal.ZERO;
    Matcher m = TERM.matcher(s);
    while (pos < s.length()) {
      if (!m.find(pos) || m.start() != pos) {
        throw notADuration(text);
      }
      String unit = m.group(2);
      if (unit.isEmpty()) {
        // Only the end of the text or another '.' can follow a number directly.
        if (m.end() < s.length()) {
          throw notADuration(text);
        }
        throw new IllegalArgumentException("'" + text + "' has a number without a unit (" + UNITS
            + ")");
      }
      long unitUs = switch (unit) {
        case "ms" -> 1_000L;
        case "s" -> 1_000_000L;
        case "m" -> 60_000_000L;
        case "h" -> 3_600_000_000L;
        default -> throw new IllegalArgumentException("'" + text + "' has an unknown unit '" + unit
            + "' (" + UNITS + ")");
      };
      totalUs = totalUs.add(new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unitUs)));
      pos = m.end();
    }
    if (totalUs.stripTrailingZeros().scale() > 0) {
      throw new IllegalArgumentException("'" + text + "' is finer than a microsecond");
    }
    if (totalUs.compareTo(MAX) > 0) {
      throw new IllegalArgumentException("'" + text + "' is too long");
    }
    long us = totalUs.setScale(0, RoundingMode.UNNECESSARY).longValueExact();
    return negative ? -us : us;
  }

  private static IllegalArgumentException notADuration(String text) {
    return new IllegalArgumentException("'" + text + "' is not a duration: write a number and a "
        + "unit, e.g. '1.5s' (" + UNITS + ")");
  }

  /** {@code us} for messages: whole hours as {@code 24h}, else seconds or milliseconds. */
  static String format(long us) {
    if (us != 0 && us % 3_600_000_000L == 0) {
      return us / 3_600_000_000L + "h";
    }
    if (us % 1_000_000L == 0) {
      return us / 1_000_000L + "s";
    }
    return BigDecimal.valueOf(us, 3).stripTrailingZeros().toPlainString() + "ms";
  }
}
