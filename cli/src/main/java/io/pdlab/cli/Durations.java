package io.pdlab.cli;

/** Durations on the command line: a number with ms, s, m or h. */
final class Durations {
  private Durations() {}

  static long parse(String text, String option) {
    String t = text.trim();
    String[][] units = {{"ms", "1000"}, {"s", "1000000"}, {"m", "60000000"}, {"h", "3600000000"}};
    for (String[] u : units) {
      if (t.endsWith(u[0]) && !(u[0].equals("s") && t.endsWith("ms"))) {
        try {
          double v = Double.parseDouble(t.substring(0, t.length() - u[0].length()));
          if (v > 0) {
            return Math.round(v * Long.parseLong(u[1]));
          }
        } catch (NumberFormatException e) {
          break;
        }
      }
    }
    throw new BadInputException(option + ": '" + text + "' is not a positive duration (e.g. 120s,"
        + " 500ms, 2m)");
  }
}
