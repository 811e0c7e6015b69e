package io.pdlab.k8s.api;

import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a pod asks for.
 *
 * @param nodeName set once the scheduler binds it
 * @param antiAffinityLabel a label key: at most one pod with the same value of it per node
 *     (tidb-scheduler's one PD per node), or null
 * @param claims PVC names the pod mounts
 * @param restartPolicy Always, OnFailure or Never
 * @param hostname and {@code subdomain}: the pod's DNS name under its headless Service
 * @param initContainers run one after another, each to completion, before {@code containers}
 *     start (kubelet 1.20; see {@code K8sWorld})
 */
public record PodSpec(String nodeName, SortedMap<String, String> nodeSelector,
    List<Toleration> tolerations, Resources requests, String antiAffinityLabel,
    List<String> claims, List<Container> containers, String restartPolicy, String hostname,
    String subdomain, List<Container> initContainers) {
  public PodSpec {
    nodeSelector = Collections.unmodifiableSortedMap(new TreeMap<>(nodeSelector));
    tolerations = List.copyOf(tolerations);
    claims = List.copyOf(claims);
    containers = List.copyOf(containers);
    initContainers = List.copyOf(initContainers);
  }

  /** A pod spec without init containers. */
  public PodSpec(String nodeName, SortedMap<String, String> nodeSelector,
      List<Toleration> tolerations, Resources requests, String antiAffinityLabel,
      List<String> claims, List<Container> containers, String restartPolicy, String hostname,
      String subdomain) {
    this(nodeName, nodeSelector, tolerations, requests, antiAffinityLabel, claims, containers,
        restartPolicy, hostname, subdomain, List.of());
  }

  public PodSpec withInitContainers(List<Container> init) {
    return new PodSpec(nodeName, nodeSelector, tolerations, requests, antiAffinityLabel, claims,
        containers, restartPolicy, hostname, subdomain, init);
  }

  public PodSpec withNodeName(String node) {
    return new PodSpec(node, nodeSelector, tolerations, requests, antiAffinityLabel, claims,
        containers, restartPolicy, hostname, subdomain, initContainers);
  }

  public PodSpec withClaims(List<String> c) {
    return new PodSpec(nodeName, nodeSelector, tolerations, requests, antiAffinityLabel, c,
        containers, restartPolicy, hostname, subdomain, initContainers);
  }

  public PodSpec withIdentity(String host, String sub) {
    return new PodSpec(nodeName, nodeSelector, tolerations, requests, antiAffinityLabel, claims,
        containers, restartPolicy, host, sub, initContainers);
  }
}
