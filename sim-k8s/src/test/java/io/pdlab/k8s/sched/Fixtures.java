package io.pdlab.k8s.sched;

import io.pdlab.k8s.api.Node;
import io.pdlab.k8s.api.ObjectMeta;
import io.pdlab.k8s.api.PersistentVolume;
import io.pdlab.k8s.api.PersistentVolumeClaim;
import io.pdlab.k8s.api.Pod;
import io.pdlab.k8s.api.PodSpec;
import io.pdlab.k8s.api.PodStatus;
import io.pdlab.k8s.api.Resources;
import io.pdlab.k8s.api.StorageClass;
import io.pdlab.k8s.api.Taint;
import io.pdlab.k8s.api.Toleration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/** Nodes, pods and volumes shaped like provisioning.md's EKS cluster. */
final class Fixtures {
  static final String NS = "tidb";
  static final String INSTANCE = "app.kubernetes.io/instance";
  static final String COMPONENT = "app.kubernetes.io/component";
  static final String LOCAL = "local-storage";
  static final String EBS = "ebs-gp2";

  private Fixtures() {
  }

  /**
   * A worker of a group (pd, tikv, tidb: tainted and labelled {@code dedicated=<group>}) or an
   * untainted, unlabelled one (group null, the monitor group).
   */
  static Node node(String name, String group, String zone, Resources allocatable) {
    TreeMap<String, String> labels = new TreeMap<>();
    labels.put("kubernetes.io/hostname", name);
    List<Taint> taints = new ArrayList<>();
    if (group != null) {
      labels.put("dedicated", group);
      taints.add(new Taint("dedicated", group, Taint.Effect.NoSchedule));
    }
    return new Node(ObjectMeta.of("", name).withLabels(labels), taints, allocatable, List.of(),
        zone, true, false);
  }

  /** provisioning.md section 2 instance types: m5d.xlarge, i3.2xlarge, c4.4xlarge, c5.xlarge. */
  static Node pdNode(String name) {
    return node(name, "pd", "us-west-2a", new Resources(4_000, 16_384));
  }

  static Node tikvNode(String name) {
    return node(name, "tikv", "us-west-2a", new Resources(8_000, 62_464));
  }

  static Node tidbNode(String name) {
    return node(name, "tidb", "us-west-2a", new Resources(16_000, 30_720));
  }

  static Node monitorNode(String name) {
    return node(name, null, "us-west-2a", new Resources(4_000, 8_192));
  }

  /** The 9 workers of one TiDB cluster, or the 6 without the pd group. */
  static List<Node> workers(boolean withPd) {
    List<Node> out = new ArrayList<>();
    if (withPd) {
      for (int i = 0; i < 3; i++) {
        out.add(pdNode("pd-" + i));
      }
    }
    for (int i = 0; i < 3; i++) {
      out.add(tikvNode("tikv-" + i));
    }
    out.add(tidbNode("tidb-0"));
    out.add(tidbNode("tidb-1"));
    out.add(monitorNode("monitor-0"));
    return out;
  }

  static SchedulerCache cacheWith(List<Node> nodes) {
    SchedulerCache c = new SchedulerCache();
    for (Node n : nodes) {
      c.addNode(n);
    }
    return c;
  }

  static Pod pod(String name, TreeMap<String, String> labels, TreeMap<String, String> selector,
      List<Toleration> tolerations, Resources requests, String antiAffinityLabel,
      List<String> claims) {
    PodSpec spec = new PodSpec(null, selector, tolerations, requests, antiAffinityLabel, claims,
        List.of(), "Always", name, null);
    return new Pod(ObjectMeta.of(NS, name).withLabels(labels), spec, PodStatus.PENDING);
  }

  /** A plain pod without selector, tolerations or volumes. */
  static Pod plainPod(String name, Resources requests) {
    return pod(name, new TreeMap<>(), new TreeMap<>(), List.of(), requests, null, List.of());
  }

  /**
   * A PD pod of TidbCluster {@code tc} as the chart makes it: nodeSelector dedicated=pd, the
   * dedicated=pd:NoSchedule toleration, one PD per node (anti-affinity on the instance label).
   */
  static Pod pdPod(String tc, int ordinal, List<String> claims) {
    TreeMap<String, String> labels = new TreeMap<>();
    labels.put(INSTANCE, tc);
    labels.put(COMPONENT, "pd");
    TreeMap<String, String> selector = new TreeMap<>();
    selector.put("dedicated", "pd");
    return pod(tc + "-pd-" + ordinal, labels, selector,
        List.of(Toleration.equal("dedicated", "pd", Taint.Effect.NoSchedule)),
        new Resources(1_000, 4_096), INSTANCE, claims);
  }

  static Pod pdPod(String tc, int ordinal) {
    return pdPod(tc, ordinal, List.of());
  }

  static Pod boundTo(Pod p, String node) {
    return p.withSpec(p.spec().withNodeName(node));
  }

  static StorageClass localStorage() {
    return new StorageClass(ObjectMeta.of("", LOCAL), KubeScheduler.NO_PROVISIONER,
        "WaitForFirstConsumer", "Retain");
  }

  static StorageClass ebsGp2() {
    return new StorageClass(ObjectMeta.of("", EBS), "kubernetes.io/aws-ebs",
        "WaitForFirstConsumer", "Retain");
  }

  static StorageClass immediate(String name) {
    return new StorageClass(ObjectMeta.of("", name), "kubernetes.io/aws-ebs", "Immediate",
        "Delete");
  }

  static PersistentVolume localPv(String name, String node, long capacityGi) {
    return new PersistentVolume(ObjectMeta.of("", name), LOCAL, capacityGi, node,
        "/mnt/disks/ssd1", null);
  }

  static PersistentVolumeClaim pvc(String name, String storageClass, long requestGi) {
    return new PersistentVolumeClaim(ObjectMeta.of(NS, name), storageClass, requestGi, null);
  }

  /** PVCs and StorageClasses held in sorted maps, for the pure scheduler tests. */
  static final class Volumes implements VolumeLookup {
    final TreeMap<String, PersistentVolumeClaim> claims = new TreeMap<>();
    final TreeMap<String, StorageClass> classes = new TreeMap<>();

    Volumes add(PersistentVolumeClaim c) {
      claims.put(c.meta().key(), c);
      return this;
    }

    Volumes add(StorageClass sc) {
      classes.put(sc.meta().name(), sc);
      return this;
    }

    @Override
    public PersistentVolumeClaim claim(String namespace, String name) {
      return claims.get(namespace + "/" + name);
    }

    @Override
    public StorageClass storageClass(String name) {
      return classes.get(name);
    }
  }
}
