package io.pdlab.scenarios.model;

import java.util.List;

/**
 * The infrastructure: either provisioned through the Terraform-like graph first, or (default)
 * enough Ready, untainted nodes for every pod.
 *
 * @param nodes on the {@code k8s} backend, what runs the nodes' pods: {@link #KUBELET} (real
 *     kubelets, each with its own docker daemon, for the nodes members run on; agent nodes for
 *     the rest), {@link #AGENT} (pdlab's node agent for every node), or null for the default
 *     (kubelet where the machine fits them, see the runner); the other backends ignore it
 */
public record Infra(boolean provision, List<WorkerGroupDef> workerGroups, String nodes) {
  /** Real kubelets run the nodes' pods. */
  public static final String KUBELET = "kubelet";
  /** pdlab's node agent runs them. */
  public static final String AGENT = "agent";
  /** The values of {@code nodes}. */
  public static final List<String> NODE_KINDS = List.of(KUBELET, AGENT);

  public static final Infra DEFAULT = new Infra(false, List.of(), null);

  public Infra {
    workerGroups = List.copyOf(workerGroups);
    if (nodes != null && !NODE_KINDS.contains(nodes)) {
      throw new IllegalArgumentException("infra.nodes must be one of " + NODE_KINDS + ", got '"
          + nodes + "'");
    }
  }

  /** As before this field existed: nodes chosen by default. */
  public Infra(boolean provision, List<WorkerGroupDef> workerGroups) {
    this(provision, workerGroups, null);
  }
}
