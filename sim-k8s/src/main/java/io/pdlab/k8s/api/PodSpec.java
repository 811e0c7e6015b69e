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
 */
public record PodSpec(String nodeName, SortedMap<String, String> nodeSelector,
    List<Toleration> tolerations, Resources requests, String antiAffinityLabel,
    List<String> claims, List<Container> containers, String restartPolicy, String hostname,
    String subdomain) {
  public PodSpec {
    nodeSelector = Collections.unmodifiableSortedMap(new TreeMap<>(nodeSelector));
    tolerations = List.copyOf(tolerations);
    claims = List.copyOf(claims);
    containers = List.copyOf(containers);
  }

  public PodSpec withNodeName(String node) {
    return new PodSpec(node, nodeSelector, tolerations, requests, antiAffinityLabel, claims,
        containers, restartPolicy, hostname, subdomain);
  }

  public PodSpec withClaims(List<String> c) {
    return new PodSpec(nodeName, nodeSelector, tolerations, requests, antiAffinityLabel, c,
        containers, restartPolicy, hostname, subdomain);
  }

  public PodSpec withIdentity(String host, String sub) {
    return new PodSpec(nodeName, nodeSelector, tolerations, requests, antiAffinityLabel, claims,
        containers, restartPolicy, host, sub);
  }
}
