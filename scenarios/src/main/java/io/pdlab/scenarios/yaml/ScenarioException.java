package io.pdlab.scenarios.yaml;

import java.util.List;

/**
 * A scenario file that cannot be used, with every problem found in it. Each problem reads {@code
 * <file>:<line>:<column>: <what is wrong>} (line and column 1-based) and they are sorted by
 * position; the message is the problems, one per line.
 */
public final class ScenarioException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String source;
  private final List<String> problems;

  /**
   * @param source the file (as named to the parser)
   * @param problems at least one, each already in {@code <file>:<line>:<column>: ...} form
   */
  public ScenarioException(String source, List<String> problems) {
    super(String.join("\n", problems));
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("a ScenarioException needs at least one problem");
    }
    this.source = source;
    this.problems = List.copyOf(problems);
  }

  /** The file the problems are in, as named to the parser. */
  public String source() {
    return source;
  }

  /** The problems, sorted by line and column, each {@code <file>:<line>:<column>: <what>}. */
  public List<String> problems() {
    return problems;
  }
}
