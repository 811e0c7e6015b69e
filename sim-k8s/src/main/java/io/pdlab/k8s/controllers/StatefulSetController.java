package io.pdlab.k8s.controllers;

import io.pdlab.k8s.api.ObjectMeta;
import io.pdlab.k8s.api.PersistentVolumeClaim;
import io.pdlab.k8s.api.Pod;
import io.pdlab.k8s.api.PodStatus;
import io.pdlab.k8s.api.StatefulSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The StatefulSet controller's reconcile, as a pure function of the set and its pods: pods
 * {@code <set>-0 .. <set>-(replicas-1)} with stable names and per-pod PVCs. OrderedReady creates
 * ordinal i only when 0..i-1 are Running and Ready, and scales down from the highest ordinal one
 * at a time; Parallel creates and deletes all at once (kubernetes pkg/controller/statefulset
 * stateful_set_control.go).
 *
 * <p>A changed template is rolled out as apps/v1's default update strategy does (RollingUpdate,
 * partition 0; Kubernetes 1.20 stateful_set_control.go {@code updateStatefulSet}, whatever the pod
 * management policy): from the highest ordinal down, the first pod not of the current template
 * is deleted (and re-created from it by a later pass), but only past pods that are Running and
 * Ready; an unhealthy pod, a new one included, holds the rollout. A pod is of the current
 * template when its containers are the template's (the model's stand-in for the
 * controller-revision-hash label).
 */
public final class StatefulSetController {
  /** What reconcile asks the driver to do. */
  public sealed interface Action {
    record CreateClaim(PersistentVolumeClaim claim) implements Action {}

    record CreatePod(Pod pod) implements Action {}

    record DeletePod(String key) implements Action {}
  }

  /** Label naming the StatefulSet that owns a pod (the model's stand-in for ownerReferences). */
  public static final String OWNER_LABEL = "pdlab.io/statefulset";

  private StatefulSetController() {}

  public static String podName(StatefulSet set, int ordinal) {
    return set.meta().name() + "-" + ordinal;
  }

  /**
   * @param pods the set's existing pods by name
   * @param claims names of existing PVCs in the set's namespace
   */
  public static List<Action> reconcile(StatefulSet set, Map<String, Pod> pods,
      java.util.Set<String> claims) {
    List<Action> out = new ArrayList<>();
    boolean ordered = set.podManagementPolicy().equals("OrderedReady");
    for (int i = 0; i < set.replicas(); i++) {
      String name = podName(set, i);
      Pod existing = pods.get(name);
      if (existing != null) {
        if (ordered && !(existing.status().phase().equals("Running")
            && existing.status().ready())) {
          return out; // OrderedReady: wait for this one before creating the next
        }
        continue;
      }
      List<String> podClaims = new ArrayList<>();
      if (set.claimTemplate() != null) {
        String claimName = set.claimTemplate().meta().name() + "-" + name;
        podClaims.add(claimName);
        if (!claims.contains(claimName)) {
          out.add(new Action.CreateClaim(new PersistentVolumeClaim(
              ObjectMeta.of(set.meta().namespace(), claimName)
                  .withLabels(set.template().labels()),
              set.claimTemplate().storageClass(), set.claimTemplate().requestGi(), null)));
        }
      }
      java.util.TreeMap<String, String> labels = new java.util.TreeMap<>(set.template().labels());
      labels.put("statefulset.kubernetes.io/pod-name", name);
      labels.put(OWNER_LABEL, set.meta().name());
      out.add(new Action.CreatePod(new Pod(
          ObjectMeta.of(set.meta().namespace(), name).withLabels(labels),
          set.template().spec().withClaims(podClaims).withIdentity(name, set.serviceName()),
          PodStatus.PENDING)));
      if (ordered) {
        return out;
      }
    }
    // Scale down: highest ordinal first; OrderedReady one at a time.
    List<String> extra = new ArrayList<>();
    for (String name : pods.keySet()) {
      int ordinal = ordinalOf(set, name);
      if (ordinal >= set.replicas()) {
        extra.add(name);
      }
    }
    extra.sort((a, b) -> Integer.compare(ordinalOf(set, b), ordinalOf(set, a)));
    for (String name : extra) {
      out.add(new Action.DeletePod(set.meta().namespace() + "/" + name));
      if (ordered) {
        break;
      }
    }
    if (ordered && !extra.isEmpty()) {
      return out; // OrderedReady: the scale-down first, one pod a pass
    }
    // Rolling update: the highest ordinal not of the template goes; an unhealthy one waits.
    for (int target = set.replicas() - 1; target >= 0; target--) {
      Pod p = pods.get(podName(set, target));
      if (p == null) {
        return out; // created in this pass: not healthy yet
      }
      if (!p.spec().containers().equals(set.template().spec().containers())) {
        out.add(new Action.DeletePod(p.meta().key()));
        return out;
      }
      if (!(p.status().phase().equals("Running") && p.status().ready())) {
        return out;
      }
    }
    return out;
  }

  /**
   * The status the controller writes after a pass over the set's pods (Kubernetes 1.20
   * {@code stateful_set_control.go} updateStatefulSet's counting loop and
   * {@code completeRollingUpdate}; the driver writes it when it differs, as
   * {@code inconsistentStatus} decides): replicas counts every pod, readyReplicas those Running
   * and Ready, and each pod counts for the revision it was made from. The update revision is
   * the current template's; the current revision is the one the status names, or the update
   * revision for a new set ({@code getStatefulSetRevisions}); once every pod is updated and
   * ready the current revision becomes the update revision. The model's pods carry no
   * controller-revision-hash label: a pod of the template is of the update revision, any other
   * of the current one.
   */
  public static StatefulSet.Status status(StatefulSet set, Map<String, Pod> pods) {
    return status(set, pods, List.of());
  }

  /**
   * As above, with {@code terminating}: the pods this pass deleted, as they were. The real
   * controller counts the pods it listed at the pass's start; one it deletes in the pass is
   * terminating until its kubelet confirms, so it still counts in replicas (and readyReplicas
   * while it runs Ready) but no longer in the revisions' counts (updateStatefulSet decrements
   * currentReplicas and updatedReplicas for each pod it condemns); the next pass, once it is
   * gone, writes replicas without it. Watched on kube-controller-manager 1.20.2 scaling a PD set
   * from 4 to 3: one write moved currentReplicas and updatedReplicas to 3, the next replicas and
   * readyReplicas. The model's deleted pod is gone at once, so that next pass follows the first
   * write's own watch event.
   */
  public static StatefulSet.Status status(StatefulSet set, Map<String, Pod> pods,
      java.util.Collection<Pod> terminating) {
    String update = revisionName(set);
    String current = set.status().currentRevision().isEmpty() ? update
        : set.status().currentRevision();
    int replicas = 0;
    int ready = 0;
    int currentReplicas = 0;
    int updated = 0;
    for (Pod p : pods.values()) {
      replicas++;
      if (p.status().phase().equals("Running") && p.status().ready()) {
        ready++;
      }
      String revision = p.spec().containers().equals(set.template().spec().containers())
          ? update : current.equals(update) ? null : current;
      if (current.equals(revision)) {
        currentReplicas++;
      }
      if (update.equals(revision)) {
        updated++;
      }
    }
    for (Pod p : terminating) {
      replicas++;
      if (p.status().phase().equals("Running") && p.status().ready()) {
        ready++;
      }
    }
    if (updated == replicas && ready == replicas) { // completeRollingUpdate
      currentReplicas = updated;
      current = update;
    }
    return new StatefulSet.Status(replicas, ready, currentReplicas, updated, current, update);
  }

  /**
   * A ControllerRevision's name: the set's name and a hash of its template (Kubernetes 1.20
   * {@code history.ControllerRevisionName} with {@code HashControllerRevision}'s FNV-32a; the
   * model hashes the template's text).
   */
  static String revisionName(StatefulSet set) {
    java.util.IdentityHashMap<Object, String> seen = TEMPLATE_HASHES.get();
    String hash = seen.get(set.template());
    if (hash == null) {
      int h = 0x811c9dc5;
      for (byte b : set.template().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
        h ^= b & 0xff;
        h *= 0x01000193;
      }
      hash = Integer.toHexString(h);
      if (seen.size() >= TEMPLATES_REMEMBERED) {
        seen.clear();
      }
      seen.put(set.template(), hash);
    }
    return set.meta().name() + "-" + hash;
  }

  /**
   * Templates already hashed, by identity, per thread: a set is reconciled at every change of
   * its pods with the same template object, and printing it to hash it was 4% of an explored
   * run's CPU. A pure function of the (immutable) template, so what is kept is what hashing again
   * would give; at most {@link #TEMPLATES_REMEMBERED} are kept.
   */
  private static final ThreadLocal<java.util.IdentityHashMap<Object, String>> TEMPLATE_HASHES =
      ThreadLocal.withInitial(java.util.IdentityHashMap::new);
  private static final int TEMPLATES_REMEMBERED = 64;

  static int ordinalOf(StatefulSet set, String podName) {
    return ordinalOf(set.meta().name(), podName);
  }

  /** The ordinal of pod {@code podName} of StatefulSet {@code setName}, or -1 if not one. */
  public static int ordinalOf(String setName, String podName) {
    String prefix = setName + "-";
    if (!podName.startsWith(prefix)) {
      return -1;
    }
    try {
      return Integer.parseInt(podName.substring(prefix.length()));
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
