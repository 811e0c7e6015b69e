package io.pdlab.scenarios.model;

import java.util.List;

/**
 * The infrastructure: either provisioned through the Terraform-like graph first, or (default)
 * enough Ready, untainted nodes for every pod.
 */
public record Infra(boolean provision, List<WorkerGroupDef> workerGroups) {
  public static final Infra DEFAULT = new Infra(false, List.of());

  public Infra {
    workerGroups = List.copyOf(workerGroups);
  }
}
