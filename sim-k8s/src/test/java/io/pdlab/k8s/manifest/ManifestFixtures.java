package io.pdlab.k8s.manifest;

import io.pdlab.k8s.api.ConfigMap;
import io.pdlab.k8s.api.Container;
import io.pdlab.k8s.api.Deployment;
import io.pdlab.k8s.api.K8sObject;
import io.pdlab.k8s.api.Node;
import io.pdlab.k8s.api.ObjectMeta;
import io.pdlab.k8s.api.PersistentVolume;
import io.pdlab.k8s.api.PersistentVolumeClaim;
import io.pdlab.k8s.api.Pod;
import io.pdlab.k8s.api.PodSpec;
import io.pdlab.k8s.api.PodStatus;
import io.pdlab.k8s.api.PodTemplate;
import io.pdlab.k8s.api.Resources;
import io.pdlab.k8s.api.Service;
import io.pdlab.k8s.api.StatefulSet;
import io.pdlab.k8s.api.StorageClass;
import io.pdlab.k8s.api.Taint;
import io.pdlab.k8s.api.TidbCluster;
import io.pdlab.k8s.api.Toleration;
import java.util.List;
import java.util.TreeMap;

/**
 * One lean object of every kind, built the way the operators build theirs (EtcdPods,
 * Strategies.STATIC, the StatefulSet controller), with placement on a dedicated pd node group.
 */
final class ManifestFixtures {
  static final String NS = "tidb-cluster";
  static final String NODE = "ip-10-0-1-5.us-west-2.compute.internal";

  private ManifestFixtures() {}

  static TreeMap<String, String> map(String... kv) {
    TreeMap<String, String> m = new TreeMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  static TreeMap<String, String> etcdLabels() {
    return map("app", "etcd", "etcd_cluster", "etcd");
  }

  static List<Toleration> pdTolerations() {
    return List.of(Toleration.equal("dedicated", "pd", Taint.Effect.NoSchedule),
        new Toleration("node.kubernetes.io/not-ready", "Exists", "ignored", null));
  }

  static Node node() {
    return new Node(ObjectMeta.of("", NODE).withLabels(map("dedicated", "pd")),
        List.of(Taint.parse("dedicated=pd:NoSchedule")), new Resources(4_000, 16_384),
        List.of("/mnt/disks/ssd0", "/mnt/disks/ssd1"), "us-west-2a", true, false);
  }

  static Container etcdContainer() {
    return new Container("etcd", "quay.io/coreos/etcd:v3.4", "etcd", List.of(
        "--initial-cluster=etcd-0000=http://etcd-0000.etcd." + NS + ".svc:2380",
        "--initial-cluster-state=new", "--initial-cluster-token=etcd", "--timing=etcd"));
  }

  /** A seed member pod as SeedJoinOperator creates it, bound to {@link #NODE}, Running. */
  static Pod etcdPod() {
    PodSpec spec = new PodSpec(NODE, map("dedicated", "pd"), pdTolerations(),
        new Resources(500, 1_024), "app", List.of("data-etcd-0000"), List.of(etcdContainer()),
        "Never", "etcd-0000", "etcd");
    return new Pod(ObjectMeta.of(NS, "etcd-0000").withLabels(etcdLabels()), spec,
        new PodStatus("Running", true, "", 2));
  }

  /** The headless Service of EtcdPods.headlessService. */
  static Service headlessService() {
    return new Service(ObjectMeta.of(NS, "etcd").withLabels(etcdLabels()), etcdLabels(), true,
        true, List.of(2379, 2380), "ClusterIP");
  }

  static StorageClass localStorage() {
    return new StorageClass(ObjectMeta.of("", "local-storage"), "kubernetes.io/no-provisioner",
        "WaitForFirstConsumer", "Delete");
  }

  static PersistentVolume localPv() {
    return new PersistentVolume(ObjectMeta.of("", "local-pv-5f3a2c1b"), "local-storage", 100,
        NODE, "/mnt/disks/ssd0", NS + "/pd-basic-pd-0");
  }

  static PersistentVolumeClaim boundClaim() {
    return new PersistentVolumeClaim(ObjectMeta.of(NS, "pd-basic-pd-0")
        .withLabels(map("app.kubernetes.io/component", "pd")), "local-storage", 10,
        "local-pv-5f3a2c1b");
  }

  static PodTemplate pdTemplate() {
    PodSpec spec = new PodSpec(null, map("dedicated", "pd"), pdTolerations(),
        new Resources(1_000, 4_096), "app.kubernetes.io/component", List.of(),
        List.of(new Container("pd", "pingcap/pd:v7.5.0", "pd", List.of(
            "--name=$(POD_NAME)", "--data-dir=/var/lib/pd"))), "Always", null, null);
    return new PodTemplate(map("app.kubernetes.io/component", "pd",
        "app.kubernetes.io/instance", "basic"), spec);
  }

  /** A PD StatefulSet with a claim template, one PD per node. */
  static StatefulSet pdSet() {
    return new StatefulSet(ObjectMeta.of(NS, "basic-pd"), 3, "Parallel", "basic-pd-peer",
        pdTemplate(), new PersistentVolumeClaim(ObjectMeta.of(NS, "pd"), "local-storage", 10,
            null));
  }

  /** A pod as the StatefulSet controller makes it from {@link #pdSet()}. */
  static Pod pdPod() {
    StatefulSet set = pdSet();
    TreeMap<String, String> labels = new TreeMap<>(set.template().labels());
    labels.put("statefulset.kubernetes.io/pod-name", "basic-pd-0");
    labels.put("pdlab.io/statefulset", "basic-pd");
    return new Pod(ObjectMeta.of(NS, "basic-pd-0").withLabels(labels),
        set.template().spec().withClaims(List.of("pd-basic-pd-0"))
            .withIdentity("basic-pd-0", "basic-pd-peer"), PodStatus.PENDING);
  }

  static Deployment discovery() {
    PodSpec spec = new PodSpec(null, map(), List.of(), new Resources(80, 50), null, List.of(),
        List.of(new Container("discovery", "pingcap/tidb-operator:v1.5.0", "discovery",
            List.of("/usr/local/bin/tidb-discovery"))), "Always", null, null);
    return new Deployment(ObjectMeta.of(NS, "basic-discovery"), 1,
        new PodTemplate(map("app.kubernetes.io/component", "discovery"), spec));
  }

  static ConfigMap startScript() {
    return new ConfigMap(ObjectMeta.of(NS, "basic-pd-startup"), map(
        "config-file", "[replication]\nmax-replicas = 3\n",
        "pd_start_script.sh", "#!/bin/sh\nset -uo pipefail\nexec /pd-server --name=${POD_NAME}\n",
        "version", "1"));
  }

  static TidbCluster.ComponentSpec component(int replicas, String image, long storageGi,
      String group) {
    return new TidbCluster.ComponentSpec(replicas, image, new Resources(1_000, 4_096),
        storageGi, storageGi > 0 ? "local-storage" : null, map("dedicated", group),
        List.of(Toleration.equal("dedicated", group, Taint.Effect.NoSchedule)));
  }

  static TidbCluster tidbCluster() {
    return new TidbCluster(ObjectMeta.of(NS, "basic"), new TidbCluster.Spec("tidb-scheduler",
        component(3, "pingcap/pd:v7.5.0", 10, "pd"),
        component(3, "pingcap/tikv:v7.5.0", 100, "tikv"),
        component(2, "pingcap/tidb:v7.5.0", 0, "tidb"), "Retain", "UTC"),
        new TidbCluster.Status(true, List.of(
            new TidbCluster.PdMember("basic-pd-0", 1, true, 0),
            new TidbCluster.PdMember("basic-pd-1", 2, true, 0),
            new TidbCluster.PdMember("basic-pd-2", 3, false, 30_000_000)),
            "basic-pd-0", List.of(new TidbCluster.PdFailureMember("basic-pd-2", 3, true,
            330_000_000)), 3, 2, "Normal"));
  }

  /** One of every kind. */
  static List<K8sObject> all() {
    return List.of(node(), localStorage(), localPv(), boundClaim(), headlessService(),
        etcdPod(), pdSet(), pdPod(), discovery(), startScript(), tidbCluster());
  }
}
