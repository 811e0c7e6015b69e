package io.pdlab.reports;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A results file that cannot be used: malformed JSON, an unsupported schema version, a missing
 * or invalid field. The message names the file, the place in it and the problem, so a user can
 * fix the file without reading code.
 */
public final class ResultsFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  private final Path file;

  /** A problem in {@code file}; {@code problem} says where and what. */
  public ResultsFormatException(Path file, String problem, Throwable cause) {
    super(file + ": " + problem, cause);
    this.file = file;
  }

  /** The file that has the problem. */
  public Path file() {
    return file;
  }
}
