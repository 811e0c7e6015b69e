package io.pdlab.k8s.provision;

import io.pdlab.sim.Distribution;
import java.util.List;

/**
 * A resource of the provisioning graph: one Terraform operation. It takes the sum of its steps'
 * durations, except {@link ResourceKind#WAIT_TIDB_READY}, which has no steps and lasts until the
 * caller's readiness check holds. An ASG carries the nodes it brings up.
 *
 * @param name unique name, e.g. {@code asg-pd}, {@code helm-release-tidb-cluster-my-cluster}
 * @param cluster the TiDB cluster it belongs to, or "" for shared infrastructure
 * @param steps timed steps run one after another; empty only for the wait
 * @param nodes for an ASG the nodes it creates, else empty
 */
public record Resource(
    String name, ResourceKind kind, String cluster, List<Step> steps, List<NodeSpec> nodes) {

  public Resource {
    if (name == null || name.isBlank() || kind == null || cluster == null) {
      throw new IllegalArgumentException("resource needs a name, a kind and a cluster (or \"\")");
    }
    steps = List.copyOf(steps);
    nodes = List.copyOf(nodes);
    if (kind == ResourceKind.WAIT_TIDB_READY) {
      if (!steps.isEmpty() || cluster.isEmpty()) {
        throw new IllegalArgumentException(
            "wait resource " + name + " needs a cluster and no timed steps");
      }
    } else if (steps.isEmpty()) {
      throw new IllegalArgumentException("resource " + name + " needs at least one step");
    }
    if (!nodes.isEmpty() && kind != ResourceKind.AUTO_SCALING_GROUP) {
      throw new IllegalArgumentException("only an ASG brings up nodes, not " + name);
    }
  }

  /** A one-step resource whose step has the resource's name. */
  public static Resource simple(
      String name, ResourceKind kind, String cluster, Distribution duration) {
    return new Resource(name, kind, cluster, List.of(Step.of(name, duration)), List.of());
  }
}
