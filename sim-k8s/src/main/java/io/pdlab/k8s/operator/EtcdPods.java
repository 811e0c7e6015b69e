package io.pdlab.k8s.operator;

import io.pdlab.k8s.api.Images;
import io.pdlab.k8s.api.LivenessProbe;
import io.pdlab.k8s.api.Container;
import io.pdlab.k8s.api.ObjectMeta;
import io.pdlab.k8s.api.Pod;
import io.pdlab.k8s.api.PodSpec;
import io.pdlab.k8s.api.PodStatus;
import io.pdlab.k8s.api.Resources;
import io.pdlab.k8s.api.Service;
import io.pdlab.k8s.controllers.CheckDns;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** How the etcd operators name, address and build their member pods and Service. */
public final class EtcdPods {
  /** Requests of an etcd member pod (an assumption: etcd's documented small-cluster sizing). */
  static final Resources REQUESTS = new Resources(500, 1_024);

  private EtcdPods() {}

  /**
   * A member's DNS name, coreos/etcd-operator v0.9.4 pkg/util/etcdutil/member.go {@code Addr()}:
   * {@code <pod>.<cluster>.<namespace>.svc}.
   */
  static String addr(ClusterSpec c, String pod) {
    return pod + "." + c.name() + "." + c.namespace() + ".svc";
  }

  static String peerUrl(ClusterSpec c, String pod) {
    return "http://" + addr(c, pod) + ":2380";
  }

  static String clientUrl(ClusterSpec c, String pod) {
    return "http://" + addr(c, pod) + ":2379";
  }

  static TreeMap<String, String> labels(ClusterSpec c) {
    TreeMap<String, String> l = new TreeMap<>();
    l.put("app", "etcd");
    l.put("etcd_cluster", c.name());
    return l;
  }

  /** The headless Service giving members stable DNS names before they are ready. */
  static Service headlessService(ClusterSpec c) {
    return new Service(ObjectMeta.of(c.namespace(), c.name()).withLabels(labels(c)), labels(c),
        true, true, List.of(2379, 2380), "ClusterIP");
  }

  static String initialCluster(ClusterSpec c, Iterable<String> pods) {
    StringBuilder sb = new StringBuilder();
    for (String p : pods) {
      sb.append(sb.length() == 0 ? "" : ",").append(p).append('=').append(peerUrl(c, p));
    }
    return sb.toString();
  }

  /**
   * coreos/etcd-operator v0.9.4 pkg/util/k8sutil/pod_util.go {@code newEtcdProbe}, the liveness
   * probe {@code newEtcdPod} (k8sutil.go) gives every member's etcd container: {@code
   * ETCDCTL_API=3 etcdctl endpoint status} (no TLS), InitialDelaySeconds 10, TimeoutSeconds 10,
   * PeriodSeconds 60, FailureThreshold 3.
   */
  public static final LivenessProbe COREOS_LIVENESS = new LivenessProbe(List.of("/bin/sh", "-ec",
      "ETCDCTL_API=3 etcdctl endpoint status"), 10, 10, 60, 3);

  /**
   * A coreos/etcd-operator v0.9.4 member pod (pkg/util/k8sutil/k8sutil.go {@code newEtcdPod}):
   * RestartPolicy Never, the liveness probe {@link #COREOS_LIVENESS}, and the {@code check-dns}
   * init container ({@link CheckDns}), which holds etcd back until the pod's DNS name resolves.
   */
  static Pod coreosMember(ClusterSpec c, String name, String initialCluster, String state) {
    Pod p = pod(c, name, initialCluster, state, "Never", new TreeMap<>(), COREOS_LIVENESS);
    return p.withSpec(p.spec().withInitContainers(List.of(CheckDns.container(addr(c, name)))));
  }

  /**
   * A bare member pod (not from a StatefulSet) with the given flags, its etcd container with
   * liveness probe {@code liveness} (null: none).
   */
  static Pod pod(ClusterSpec c, String name, String initialCluster, String state,
      String restartPolicy, Map<String, String> extraLabels, LivenessProbe liveness) {
    TreeMap<String, String> l = labels(c);
    l.putAll(extraLabels);
    PodSpec spec = new PodSpec(null, c.nodeSelector(), c.tolerations(), REQUESTS, null,
        List.of(), List.of(new Container("etcd", Images.ETCD, "etcd", List.of(
            "--initial-cluster=" + initialCluster, "--initial-cluster-state=" + state,
            "--initial-cluster-token=" + c.name(), "--timing=" + c.timing()),
            io.pdlab.k8s.api.Container.NO_PROBE, liveness)),
        restartPolicy, name, c.name());
    return new Pod(ObjectMeta.of(c.namespace(), name).withLabels(l), spec, PodStatus.PENDING);
  }
}
