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
    int filled = done * WIDTH / total;
    int pct = done * 100 / total;
    if (terminal) {
      out.print("\r[" + "#".repeat(filled) + " ".repeat(WIDTH - filled) + "] " + pct + "% ("
          + done + "/" + total + " runs)");
      out.flush();
    } else if (pct / 10 != lastTenth) {
      lastTenth = pct / 10;
      out.println("[" + "#".repeat(filled) + " ".repeat(WIDTH - filled) + "] " + pct + "% ("
          + done + "/" + total + " runs)");
    }
  }

  void done() {
    if (terminal) {
      out.println();
    }
  }
}
