package io.pdlab.scenarios.yaml;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * One YAML map of the file, seen as string keys to value nodes in file order. Building it reports
 * duplicate keys and keys that are not strings; YAML merge keys ({@code <<: *anchor}) are applied,
 * keys written in the map itself winning over merged ones.
 */
final class YamlMap {
  private final MappingNode node;
  private final String path;
  private final Problems problems;
  private final LinkedHashMap<String, NodeTuple> entries = new LinkedHashMap<>();

  /**
   * @param path where the map is, e.g. {@code clusters[0].pd}; empty for the document itself
   */
  YamlMap(MappingNode node, String path, Problems problems) {
    this.node = node;
    this.path = path;
    this.problems = problems;
    List<Node> merged = new ArrayList<>();
    for (NodeTuple t : node.getValue()) {
      Node key = t.getKeyNode();
      if (Tag.MERGE.equals(key.getTag())) {
        merged.add(t.getValueNode());
        continue;
      }
      if (!(key instanceof ScalarNode scalar)) {
        problems.at(key, "keys must be strings, got " + ScenarioParser.describe(key) + " " + where());
        continue;
      }
      NodeTuple first = entries.putIfAbsent(scalar.getValue(), t);
      if (first != null) {
        problems.at(key, "duplicate key '" + scalar.getValue() + "' " + where() + " (first at line "
            + (first.getKeyNode().getStartMark().getLine() + 1) + ")");
      }
    }
    for (Node m : merged) {
      merge(m);
    }
  }

  /** YAML 1.1 merge: a map, or a list of maps where earlier ones win. */
  private void merge(Node value) {
    if (value instanceof MappingNode map) {
      // The merged map is an anchored node the walk meets where it is written; its own problems
      // (duplicate keys) are reported there, not again for every map that merges it.
      YamlMap inner = new YamlMap(map, path, new Problems("merged"));
      inner.entries.forEach(entries::putIfAbsent);
    } else if (value instanceof SequenceNode seq
        && seq.getValue().stream().allMatch(n -> n instanceof MappingNode)) {
      for (Node n : seq.getValue()) {
        merge(n);
      }
    } else {
      problems.at(value, "'<<' (merge) " + where() + " must be a map or a list of maps, got "
          + ScenarioParser.describe(value));
    }
  }

  MappingNode node() {
    return node;
  }

  /** The path of the value under {@code key}, e.g. {@code clusters[0].pd.replicas}. */
  String child(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  /** "at the top level" or "in clusters[0].pd", for messages. */
  String where() {
    return path.isEmpty() ? "at the top level" : "in " + path;
  }

  List<String> keys() {
    return List.copyOf(entries.keySet());
  }

  /** The value node under {@code key}, or null when the key is absent. */
  Node get(String key) {
    NodeTuple t = entries.get(key);
    return t == null ? null : t.getValueNode();
  }

  /** The value under {@code key}, or null when the key is absent or its value is null/empty. */
  Node optional(String key) {
    Node v = get(key);
    return v == null || ScenarioParser.isNull(v) ? null : v;
  }

  /** The key node of {@code key} (which must be present). */
  Node keyNode(String key) {
    return entries.get(key).getKeyNode();
  }

  /** The value under {@code key}; reports it and returns null when the key is absent. */
  Node required(String key) {
    Node v = get(key);
    if (v == null) {
      problems.at(node, "missing required key '" + key + "' " + where());
    }
    return v;
  }

  /** Reports every key not in {@code known}. */
  void allowOnly(List<String> known) {
    for (String k : entries.keySet()) {
      if (!known.contains(k)) {
        problems.at(keyNode(k), "unknown key '" + k + "' " + where() + " (known: "
            + String.join(", ", known) + ")");
      }
    }
  }
}
