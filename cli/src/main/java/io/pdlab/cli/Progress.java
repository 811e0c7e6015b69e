package io.pdlab.cli;

import java.io.PrintStream;

/**
 * A progress bar on standard error: redrawn in place on a terminal, a line per 10% otherwise
 * (logs and CI stay readable).
 */
final class Progress {
  private static final int WIDTH = 40;
  private final PrintStream out;
  private final int total;
  private final boolean terminal = System.console() != null;
  private int done;
  private int lastTenth = -1;

  Progress(PrintStream out, int total) {
    this.out = out;
    this.total = Math.max(1, total);
  }

  void step() {
    done++;
    show(done, total, done + "/" + total + " runs");
  }

  /**
   * Draws the bar at {@code done} of {@code of} (any unit: runs, milliseconds of a time budget)
   * with {@code what} in brackets after it.
   */
  void show(long done, long of, String what) {
    long whole = Math.max(1, of);
    int filled = (int) (Math.min(done, whole) * WIDTH / whole);
    int pct = (int) (Math.min(done, whole) * 100 / whole);
    if (terminal) {
      out.print("\r[" + "#".repeat(filled) + " ".repeat(WIDTH - filled) + "] " + pct + "% ("
          + what + ")   ");
      out.flush();
    } else if (pct / 10 != lastTenth) {
      lastTenth = pct / 10;
      out.println("[" + "#".repeat(filled) + " ".repeat(WIDTH - filled) + "] " + pct + "% ("
          + what + ")");
    }
  }

  void done() {
    if (terminal) {
      out.println();
    }
  }
}
