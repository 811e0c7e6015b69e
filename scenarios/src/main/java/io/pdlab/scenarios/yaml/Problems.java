package io.pdlab.scenarios.yaml;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.Node;

/** The problems found in one file, kept with their position so they can be reported in order. */
final class Problems {
  private record Problem(int line, int column, int seq, String message) {}

  private static final Comparator<Problem> BY_POSITION = Comparator.comparingInt(Problem::line)
      .thenComparingInt(Problem::column).thenComparingInt(Problem::seq);

  private final String source;
  private final List<Problem> found = new ArrayList<>();

  Problems(String source) {
    this.source = source;
  }

  /** A problem about {@code node}, placed where the node starts. */
  void at(Node node, String message) {
    at(node.getStartMark(), message);
  }

  /** A problem at a SnakeYAML mark (0-based; null puts it at the start of the file). */
  void at(Mark mark, String message) {
    if (mark == null) {
      at(1, 1, message);
    } else {
      at(mark.getLine() + 1, mark.getColumn() + 1, message);
    }
  }

  /** A problem at a 1-based line and column. */
  void at(int line, int column, String message) {
    found.add(new Problem(line, column, found.size(), message));
  }

  boolean isEmpty() {
    return found.isEmpty();
  }

  /** Throws the problems found so far, if there are any. */
  void throwIfAny() {
    if (!found.isEmpty()) {
      throw toException();
    }
  }

  /** The problems found so far (at least one) as the exception to throw. */
  ScenarioException toException() {
    List<String> lines = found.stream().sorted(BY_POSITION)
        .map(p -> source + ":" + p.line() + ":" + p.column() + ": " + p.message()).toList();
    return new ScenarioException(source, lines);
  }
}
