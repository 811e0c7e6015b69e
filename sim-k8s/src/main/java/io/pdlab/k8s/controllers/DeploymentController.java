package io.pdlab.k8s.controllers;

import io.pdlab.k8s.api.Deployment;
import io.pdlab.k8s.api.ObjectMeta;
import io.pdlab.k8s.api.Pod;
import io.pdlab.k8s.api.PodStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * The Deployment (and its ReplicaSet) reconcile as a pure function: keep {@code replicas} pods;
 * a pod that is deleted is replaced by a new one with a new name ({@code <deployment>-<n>}, a
 * counter standing in for the random suffix), scale-in removes the newest.
 */
public final class DeploymentController {
  /** Label naming the Deployment that owns a pod (the model's ownerReferences). */
  public static final String OWNER_LABEL = "pdlab.io/deployment";

  /** What reconcile asks for. */
  public sealed interface Action {
    record CreatePod(Pod pod) implements Action {}

    record DeletePod(String key) implements Action {}
  }

  private DeploymentController() {}

  /**
   * @param pods the deployment's live pods, oldest first
   * @param nextSerial the serial to name the next new pod with
   */
  public static List<Action> reconcile(Deployment d, List<Pod> pods, long nextSerial) {
    List<Action> out = new ArrayList<>();
    for (int i = pods.size(); i < d.replicas(); i++) {
      String name = d.meta().name() + "-" + (nextSerial + i - pods.size());
      TreeMap<String, String> labels = new TreeMap<>(d.template().labels());
      labels.put(OWNER_LABEL, d.meta().name());
      out.add(new Action.CreatePod(new Pod(ObjectMeta.of(d.meta().namespace(), name)
          .withLabels(labels), d.template().spec(), PodStatus.PENDING)));
    }
    for (int i = pods.size() - 1; i >= d.replicas(); i--) {
      out.add(new Action.DeletePod(pods.get(i).meta().key()));
    }
    return out;
  }
}
