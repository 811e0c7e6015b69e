package io.pdlab.k8s.api;

import java.util.SortedMap;

/** The pod template of a StatefulSet or Deployment: labels and a spec without a node. */
public record PodTemplate(SortedMap<String, String> labels, PodSpec spec) {
  public PodTemplate {
    labels = java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(labels));
  }
}
