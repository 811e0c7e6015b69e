package io.pdlab.k8s.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.SecretVolumeSource;
import io.fabric8.kubernetes.api.model.Volume;
import io.pdlab.k8s.api.Container;
import io.pdlab.k8s.api.K8sObject;
import io.pdlab.k8s.api.Kind;
import io.pdlab.k8s.api.Node;
import io.pdlab.k8s.api.ObjectMeta;
import io.pdlab.k8s.api.PersistentVolume;
import io.pdlab.k8s.api.PersistentVolumeClaim;
import io.pdlab.k8s.api.Pod;
import io.pdlab.k8s.api.PodSpec;
import io.pdlab.k8s.api.PodStatus;
import io.pdlab.k8s.api.Resources;
import io.pdlab.k8s.api.StatefulSet;
import io.pdlab.k8s.api.StorageClass;
import io.pdlab.k8s.api.Taint;
import io.pdlab.k8s.api.TidbCluster;
import io.pdlab.k8s.api.Toleration;
import io.pdlab.k8s.controllers.K8sWorld;
import io.pdlab.k8s.operator.BootstrapStrategy;
import io.pdlab.k8s.operator.ClusterSpec;
import io.pdlab.k8s.operator.Strategies;
import io.pdlab.sim.Budget;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Reading back: every object the strategies create survives model -> fabric8 -> model exactly,
 * objects as a Kubernetes 1.20 server returns them give the model fields, and wrong input names
 * the object.
 */
class ModelObjectsTest {
  static final String NS = "tidb-cluster";

  /** Canonical tolerations (an Exists toleration has no value; see Fabric8Objects.toleration). */
  static List<Toleration> tolerations() {
    return List.of(Toleration.equal("dedicated", "pd", Taint.Effect.NoSchedule),
        new Toleration("node.kubernetes.io/not-ready", "Exists", null, Taint.Effect.NoExecute));
  }

  /**
   * Runs a strategy on three pd nodes (taint, label, a local disk and its PV each, one zone
   * apiece), an untainted node with a disk for the rest, a cordoned NotReady node; crashes the first member once it runs and returns
   * every object in the store.
   */
  static List<K8sObject> objectsOf(BootstrapStrategy strategy) {
    K8sWorld w = new K8sWorld(7, Budget.of(5_000_000, 3_600_000_000L), false);
    w.store().create(new StorageClass(ObjectMeta.of("", "local-storage"),
        "kubernetes.io/no-provisioner", "WaitForFirstConsumer", "Retain"));
    for (int i = 0; i < 3; i++) {
      String node = "ip-10-0-1-" + i + ".ec2.internal";
      w.store().create(new Node(ObjectMeta.of("", node)
          .withLabels(ManifestFixtures.map("dedicated", "pd", "node.kubernetes.io/instance-type",
              "m5.xlarge")),
          List.of(Taint.parse("dedicated=pd:NoSchedule")), new Resources(4_000, 16_384),
          List.of("/mnt/disks/ssd0", "/mnt/disks/ssd1"), "us-west-2" + (char) ('a' + i), true,
          false));
      w.store().create(new PersistentVolume(ObjectMeta.of("", "local-pv-" + i), "local-storage",
          100, node, "/mnt/disks/ssd0", null));
    }
    // an untainted node for discovery, TiKV (on its local PV) and TiDB
    w.store().create(new Node(ObjectMeta.of("", "ip-10-0-2-0.ec2.internal"), List.of(),
        new Resources(8_000, 32_768), List.of("/mnt/disks/nvme0"), "us-west-2a", true, false));
    w.store().create(new PersistentVolume(ObjectMeta.of("", "local-pv-tikv"), "local-storage",
        500, "ip-10-0-2-0.ec2.internal", "/mnt/disks/nvme0", null));
    // and a cordoned, NotReady one without zone or disks
    w.store().create(new Node(ObjectMeta.of("", "ip-10-0-9-9.ec2.internal"), List.of(),
        new Resources(2_000, 8_192), List.of(), "", false, true));
    ClusterSpec spec = new ClusterSpec(NS, "basic", 3, "pd", ManifestFixtures.map("dedicated",
        "pd"), tolerations(), 0, 0).withStores(1, 1);
    strategy.install(w, spec);
    // a pod no node can take: the scheduler writes why into its status
    w.store().create(new Pod(ObjectMeta.of(NS, "too-big").withLabels(ManifestFixtures.map("app",
        "tool")), new PodSpec(null, new TreeMap<>(), List.of(), new Resources(64_000, 1_024),
        "app", List.of(), List.of(new Container("sh", "busybox:1.36", "simple", List.of("sh"))),
        "Always", null, null), PodStatus.PENDING));
    // member 0 crashes twice: restarted at once, then in CrashLoopBackOff (RestartBackOff)
    w.sim().runUntil(90_000_000L);
    w.crashContainer(Strategies.podName(strategy, spec, 0), false, -1);
    w.sim().runUntil(91_000_000L);
    w.crashContainer(Strategies.podName(strategy, spec, 0), false, -1);
    w.sim().runUntil(92_000_000L);
    List<K8sObject> out = new ArrayList<>();
    for (Kind k : Kind.values()) {
      if (k != Kind.ENDPOINTS) {
        out.addAll(w.store().list(k));
      }
    }
    return out;
  }

  /** {@code us} as RFC 3339 with microseconds (a server writes seconds; the model counts us). */
  static String timestamp(long us) {
    return Instant.ofEpochSecond(Math.floorDiv(us, 1_000_000L),
        Math.floorMod(us, 1_000_000L) * 1_000L).toString();
  }

  /** The rendering of {@code o} with the server's bookkeeping set from {@code o}'s. */
  static HasMetadata served(K8sObject o) {
    HasMetadata f = Manifests.toFabric8(o);
    f.getMetadata().setResourceVersion(Long.toString(o.meta().resourceVersion()));
    f.getMetadata().setCreationTimestamp(timestamp(o.meta().createdUs()));
    return f;
  }

  /**
   * {@code o} with the lists a TidbCluster's status keeps as maps in name order: a server (Go's
   * encoding/json) and the YAML printer sort map keys, so that is the order they come back in.
   */
  static K8sObject keysSorted(K8sObject o) {
    if (!(o instanceof TidbCluster tc) || tc.status() == null) {
      return o;
    }
    TidbCluster.Status s = tc.status();
    // the Status record keeps members and failure members in name order itself
    return tc.withStatus(new TidbCluster.Status(s.pdSynced(), s.pdMembers(), s.pdLeader(),
        s.pdFailureMembers(), s.tikvStoresUp(), s.tidbReady(), s.pdPhase(), s.pdStatefulSet(),
        s.ready()));
  }

  // ---------------------------------------------------------------- 1. round trips

  @Test
  void everyObjectTheStrategiesCreateComesBackEqual() {
    TreeMap<String, Integer> seen = new TreeMap<>();
    for (BootstrapStrategy s : Strategies.all()) {
      for (K8sObject o : objectsOf(s)) {
        HasMetadata f = served(o);
        assertEquals(o, ModelObjects.fromFabric8(o.kind(), f), s.name() + " " + o.meta().key());
        // and as the text a server sends: YAML read by fabric8's deserializer
        HasMetadata parsed = Manifests.fromYaml(Manifests.yamlOf(f)).get(0);
        assertEquals(keysSorted(o), ModelObjects.fromFabric8(o.kind(), parsed), s.name() + " "
            + o.meta().key() + " via YAML");
        seen.merge(o.kind().name(), 1, Integer::sum);
        if (o instanceof Pod p) {
          if (p.status().restarts() > 0) {
            seen.merge("pod with restarts", 1, Integer::sum);
          }
          if (p.status().reason().startsWith("CrashLoopBackOff")) {
            seen.merge("pod in CrashLoopBackOff", 1, Integer::sum);
          }
          if (p.status().reason().startsWith("0/5 nodes are available")) {
            seen.merge("pod the scheduler cannot place", 1, Integer::sum);
          }
          if (p.spec().initContainers().size() == 1 && p.spec().initContainers().get(0).role()
              .equals(io.pdlab.k8s.controllers.CheckDns.NAME)) {
            seen.merge("pod with a check-dns init container", 1, Integer::sum);
          }
          if (p.spec().containers().get(0).liveness() != null) {
            seen.merge("pod with a liveness probe", 1, Integer::sum);
          }
          if (p.spec().antiAffinityLabel() != null && !p.spec().claims().isEmpty()) {
            seen.merge("pod with anti-affinity and a claim", 1, Integer::sum);
          }
        }
        if (o instanceof PersistentVolume pv && pv.claim() != null) {
          seen.merge("bound PV", 1, Integer::sum);
        }
        if (o instanceof PersistentVolumeClaim pvc && pvc.volume() != null) {
          seen.merge("bound PVC", 1, Integer::sum);
        }
        if (o instanceof TidbCluster tc && tc.status().pdSynced()
            && !tc.status().pdMembers().isEmpty()) {
          seen.merge("synced TidbCluster", 1, Integer::sum);
        }
        if (o instanceof TidbCluster tc && tc.status().pdStatefulSet() != null
            && tc.status().pdStatefulSet().readyReplicas() > 0 && tc.status().ready() != null) {
          seen.merge("TidbCluster with the PD set's status and a Ready condition", 1,
              Integer::sum);
        }
        if (o instanceof StatefulSet set && set.status().readyReplicas() > 0
            && !set.status().updateRevision().isEmpty()) {
          seen.merge("StatefulSet with a status", 1, Integer::sum);
        }
      }
    }
    // the run covered what the round trip has to get right
    for (String k : List.of("NODE", "POD", "SERVICE", "PERSISTENT_VOLUME",
        "PERSISTENT_VOLUME_CLAIM", "STORAGE_CLASS", "STATEFUL_SET", "DEPLOYMENT", "TIDB_CLUSTER",
        "pod with restarts", "pod in CrashLoopBackOff", "pod the scheduler cannot place", "pod with anti-affinity and a claim",
        "pod with a check-dns init container", "pod with a liveness probe",
        "bound PV", "bound PVC", "synced TidbCluster",
        "TidbCluster with the PD set's status and a Ready condition",
        "StatefulSet with a status")) {
      assertTrue(seen.getOrDefault(k, 0) > 0, k + " missing from " + seen);
    }
  }

  @Test
  void aTidbClusterWithAFullStatusAndTheFixturesComeBackEqual() {
    TidbCluster tc = new TidbCluster(new ObjectMeta(NS, "basic", ManifestFixtures.map("team",
        "db"), ManifestFixtures.map("pd.pingcap.com/bootstrapped", "true"), 4_711, 12_345_678),
        new TidbCluster.Spec("tidb-scheduler", ManifestFixtures.component(3, "pingcap/pd:v7.5.0",
            10, "pd"), ManifestFixtures.component(3, "pingcap/tikv:v7.5.0", 100, "tikv"), null,
            "Retain", "UTC"),
        new TidbCluster.Status(true, List.of(
            new TidbCluster.PdMember("basic-pd-0", 11, true, 5_000_000),
            new TidbCluster.PdMember("basic-pd-1", 0xfedcba9876543210L, true, 6_000_001),
            new TidbCluster.PdMember("basic-pd-2", 33, false, 400_123_456)),
            "basic-pd-1", List.of(
            new TidbCluster.PdFailureMember("basic-pd-2", 33, false, 700_000_000)), 3, 2,
            "Scale", new StatefulSet.Status(3, 2, 1, 2, "basic-pd-5f4e3d2c", "basic-pd-1a2b3c4d"),
            new TidbCluster.Condition("False", "StatefulSetNotUpToDate",
                "Statefulset(s) are in progress", 700_000_001, 650_123_456)));
    assertEquals(tc, ModelObjects.fromFabric8(Kind.TIDB_CLUSTER, served(tc)));
    assertEquals(tc, ModelObjects.fromFabric8(Kind.TIDB_CLUSTER,
        Manifests.fromYaml(Manifests.yamlOf(served(tc))).get(0)));
    // a StatefulSet with the status its controller wrote, mid-rollout
    StatefulSet set = ManifestFixtures.pdSet().withStatus(
        new StatefulSet.Status(3, 2, 1, 2, "basic-pd-5f4e3d2c", "basic-pd-1a2b3c4d"));
    // (the fixture's Exists toleration loses its value, as below: compare the status)
    assertEquals(set.status(), ((StatefulSet) ModelObjects.fromFabric8(Kind.STATEFUL_SET,
        served(set))).status());
    assertEquals(set.status(), ((StatefulSet) ModelObjects.fromFabric8(Kind.STATEFUL_SET,
        Manifests.fromYaml(Manifests.yamlOf(served(set))).get(0))).status());
    // the other fixtures
    for (K8sObject o : List.of(ManifestFixtures.node(), ManifestFixtures.localPv(),
        ManifestFixtures.boundClaim(), ManifestFixtures.headlessService(),
        ManifestFixtures.discovery(), ManifestFixtures.startScript(),
        ManifestFixtures.localStorage())) {
      assertEquals(o, ModelObjects.fromFabric8(o.kind(), served(o)), o.meta().key());
    }
    // ...but a value on an Exists toleration is not rendered (a server refuses one): it is lost
    Pod etcd = ManifestFixtures.etcdPod();
    assertEquals("ignored", etcd.spec().tolerations().get(1).value());
    Pod back = (Pod) ModelObjects.fromFabric8(Kind.POD, served(etcd));
    assertEquals(new Toleration("node.kubernetes.io/not-ready", "Exists", null, null),
        back.spec().tolerations().get(1));
    assertEquals(etcd.withSpec(new PodSpec(etcd.spec().nodeName(), etcd.spec().nodeSelector(),
        back.spec().tolerations(), etcd.spec().requests(), etcd.spec().antiAffinityLabel(),
        etcd.spec().claims(), etcd.spec().containers(), etcd.spec().restartPolicy(),
        etcd.spec().hostname(), etcd.spec().subdomain())), back);
  }

  /**
   * What admission and the API server add to every pod the strategies create: the default
   * tolerations, a service-account token volume, defaulted fields, controller labels, a Ready
   * kubelet status with container state. The model fields do not change.
   */
  @Test
  void whatAdmissionAndTheServerAddToThePodsIsIgnored() {
    int checked = 0;
    for (BootstrapStrategy s : List.of(Strategies.STATIC, Strategies.DISCOVERY)) {
      for (K8sObject o : objectsOf(s)) {
        if (!(o instanceof Pod p)) {
          continue;
        }
        var f = (io.fabric8.kubernetes.api.model.Pod) served(p);
        var spec = f.getSpec();
        spec.getTolerations().add(defaultToleration("node.kubernetes.io/not-ready"));
        spec.getTolerations().add(defaultToleration("node.kubernetes.io/unreachable"));
        Volume token = new Volume();
        token.setName("default-token-x7k2p");
        SecretVolumeSource secret = new SecretVolumeSource();
        secret.setSecretName("default-token-x7k2p");
        token.setSecret(secret);
        spec.getVolumes().add(0, token); // before the PVC: claims must still come out in order
        spec.setDnsPolicy("ClusterFirst");
        spec.setSchedulerName("default-scheduler");
        spec.setTerminationGracePeriodSeconds(30L);
        spec.setServiceAccountName("default");
        spec.getContainers().get(0).setImagePullPolicy("IfNotPresent");
        spec.getContainers().get(0).setTerminationMessagePath("/dev/termination-log");
        spec.getContainers().get(0).getPorts().add(new ContainerPort(8080, null, null,
            "metrics", "TCP"));
        f.getMetadata().setUid("0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0");
        f.getMetadata().setGenerateName(p.meta().name() + "-");
        PodCondition scheduled = new PodCondition();
        scheduled.setType("PodScheduled");
        scheduled.setStatus(p.scheduled() ? "True" : "False");
        f.getStatus().getConditions().add(0, scheduled);
        f.getStatus().setHostIP("10.0.1.5");
        f.getStatus().setQosClass("Burstable");
        assertEquals(p, ModelObjects.fromFabric8(Kind.POD, f), s.name() + " " + p.meta().key());
        checked++;
      }
    }
    assertTrue(checked >= 6, "pods checked: " + checked);
  }

  static io.fabric8.kubernetes.api.model.Toleration defaultToleration(String key) {
    return new io.fabric8.kubernetes.api.model.Toleration("NoExecute", key, "Exists", 300L, null);
  }

  // ---------------------------------------------------------------- 2. as a server returns them

  /** A PD pod of a StatefulSet as kube-apiserver 1.20 returns it: crash-looping on its node. */
  static final String CRASHING_POD = """
      apiVersion: v1
      kind: Pod
      metadata:
        annotations:
          kubernetes.io/psp: eks.privileged
          pdlab.io/role: pd
        creationTimestamp: "2021-03-04T05:06:07Z"
        generateName: basic-pd-
        labels:
          app.kubernetes.io/component: pd
          app.kubernetes.io/instance: basic
          controller-revision-hash: basic-pd-6d8f7b9c5
          statefulset.kubernetes.io/pod-name: basic-pd-1
        name: basic-pd-1
        namespace: tidb-cluster
        ownerReferences:
        - apiVersion: apps/v1
          blockOwnerDeletion: true
          controller: true
          kind: StatefulSet
          name: basic-pd
          uid: 6f0e1c2a-8a0b-4c39-9f52-1d2e3f405162
        resourceVersion: "48213"
        uid: 0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0
      spec:
        affinity:
          podAntiAffinity:
            requiredDuringSchedulingIgnoredDuringExecution:
            - labelSelector:
                matchExpressions:
                - key: app.kubernetes.io/component
                  operator: In
                  values:
                  - pd
              topologyKey: kubernetes.io/hostname
        containers:
        - args:
          - --timing=pd
          image: pingcap/pd:v7.1.0
          imagePullPolicy: IfNotPresent
          name: pd
          ports:
          - containerPort: 2379
            name: client
            protocol: TCP
          - containerPort: 2380
            name: peer
            protocol: TCP
          resources:
            requests:
              cpu: "1"
              memory: 2Gi
          terminationMessagePath: /dev/termination-log
          terminationMessagePolicy: File
          volumeMounts:
          - mountPath: /var/lib/pd
            name: pd
          - mountPath: /var/run/secrets/kubernetes.io/serviceaccount
            name: default-token-x7k2p
            readOnly: true
        dnsPolicy: ClusterFirst
        enableServiceLinks: true
        hostname: basic-pd-1
        nodeName: ip-10-0-1-7.us-west-2.compute.internal
        nodeSelector:
          dedicated: pd
        preemptionPolicy: PreemptLowerPriority
        priority: 0
        restartPolicy: Always
        schedulerName: default-scheduler
        securityContext: {}
        serviceAccount: default
        serviceAccountName: default
        subdomain: basic-pd-peer
        terminationGracePeriodSeconds: 30
        tolerations:
        - effect: NoSchedule
          key: dedicated
          operator: Equal
          value: pd
        - effect: NoExecute
          key: node.kubernetes.io/not-ready
          operator: Exists
          tolerationSeconds: 300
        - effect: NoExecute
          key: node.kubernetes.io/unreachable
          operator: Exists
          tolerationSeconds: 300
        volumes:
        - name: pd
          persistentVolumeClaim:
            claimName: pd-basic-pd-1
        - name: default-token-x7k2p
          secret:
            defaultMode: 420
            secretName: default-token-x7k2p
      status:
        conditions:
        - lastProbeTime: null
          lastTransitionTime: "2021-03-04T05:06:09Z"
          status: "True"
          type: Initialized
        - lastProbeTime: null
          lastTransitionTime: "2021-03-04T05:09:41Z"
          message: 'containers with unready status: [pd]'
          reason: ContainersNotReady
          status: "False"
          type: Ready
        - lastProbeTime: null
          lastTransitionTime: "2021-03-04T05:09:41Z"
          message: 'containers with unready status: [pd]'
          reason: ContainersNotReady
          status: "False"
          type: ContainersReady
        - lastProbeTime: null
          lastTransitionTime: "2021-03-04T05:06:07Z"
          status: "True"
          type: PodScheduled
        containerStatuses:
        - containerID: containerd://4f1b9e0c7d2a
          image: docker.io/pingcap/pd:v7.1.0
          imageID: docker.io/pingcap/pd@sha256:2f6a0b
          lastState:
            terminated:
              containerID: containerd://4f1b9e0c7d2a
              exitCode: 1
              finishedAt: "2021-03-04T05:09:40Z"
              reason: Error
              startedAt: "2021-03-04T05:09:38Z"
          name: pd
          ready: false
          restartCount: 3
          started: false
          state:
            waiting:
              message: back-off 40s restarting failed container=pd pod=basic-pd-1_tidb-cluster(0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0)
              reason: CrashLoopBackOff
        hostIP: 10.0.1.7
        phase: Running
        podIP: 10.0.1.23
        podIPs:
        - ip: 10.0.1.23
        qosClass: Burstable
        startTime: "2021-03-04T05:06:09Z"
      """;

  /** The same pod's successor the scheduler cannot place (kube-scheduler 1.20's message). */
  static final String UNSCHEDULABLE_POD = """
      apiVersion: v1
      kind: Pod
      metadata:
        creationTimestamp: "2021-03-04T05:20:00Z"
        labels:
          app.kubernetes.io/component: pd
          controller-revision-hash: basic-pd-6d8f7b9c5
          statefulset.kubernetes.io/pod-name: basic-pd-3
        name: basic-pd-3
        namespace: tidb-cluster
        resourceVersion: "51007"
      spec:
        containers:
        - image: pingcap/pd:v7.1.0
          name: pd
          resources:
            requests:
              cpu: 250m
              memory: 512Mi
        - image: fluent/fluent-bit:1.7
          name: logs
          resources:
            requests:
              cpu: 50m
              memory: 100M
        restartPolicy: Always
        tolerations:
        - effect: NoExecute
          key: node.kubernetes.io/not-ready
          operator: Exists
          tolerationSeconds: 300
        - operator: Exists
      status:
        conditions:
        - lastProbeTime: null
          lastTransitionTime: "2021-03-04T05:20:00Z"
          message: '0/4 nodes are available: 1 node(s) had taint {dedicated: tikv}, that the
            pod didn''t tolerate, 3 node(s) didn''t match pod affinity/anti-affinity, 3 node(s)
            didn''t match pod anti-affinity rules.'
          reason: Unschedulable
          status: "False"
          type: PodScheduled
        phase: Pending
        qosClass: Burstable
      """;

  static <T> T parse(Class<T> type, String yaml) {
    List<HasMetadata> docs = Manifests.fromYaml(yaml);
    assertEquals(1, docs.size());
    return assertInstanceOf(type, docs.get(0));
  }

  @Test
  void aPodAsTheServerReturnsIt() {
    var f = parse(io.fabric8.kubernetes.api.model.Pod.class, CRASHING_POD);
    Pod p = (Pod) ModelObjects.fromFabric8(Kind.POD, f);
    assertEquals(new ObjectMeta(NS, "basic-pd-1", ManifestFixtures.map(
        "app.kubernetes.io/component", "pd", "app.kubernetes.io/instance", "basic",
        "controller-revision-hash", "basic-pd-6d8f7b9c5",
        "statefulset.kubernetes.io/pod-name", "basic-pd-1"),
        ManifestFixtures.map("kubernetes.io/psp", "eks.privileged"), 48_213,
        Instant.parse("2021-03-04T05:06:07Z").getEpochSecond() * 1_000_000L), p.meta());
    assertEquals("ip-10-0-1-7.us-west-2.compute.internal", p.spec().nodeName());
    assertEquals(ManifestFixtures.map("dedicated", "pd"), p.spec().nodeSelector());
    assertEquals(List.of(Toleration.equal("dedicated", "pd", Taint.Effect.NoSchedule)),
        p.spec().tolerations(), "the 300 s default tolerations are dropped");
    assertEquals(new Resources(1_000, 2_048), p.spec().requests());
    assertEquals("app.kubernetes.io/component", p.spec().antiAffinityLabel());
    assertEquals(List.of("pd-basic-pd-1"), p.spec().claims(), "the token volume is no claim");
    assertEquals(List.of(new Container("pd", "pingcap/pd:v7.1.0", "pd",
        List.of("--timing=pd"))), p.spec().containers());
    assertEquals("Always", p.spec().restartPolicy());
    assertEquals("basic-pd-1", p.spec().hostname());
    assertEquals("basic-pd-peer", p.spec().subdomain());
    assertEquals(new PodStatus("Running", false, "CrashLoopBackOff: back-off 40s restarting"
        + " failed container=pd pod=basic-pd-1_tidb-cluster(0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0)",
        3), p.status());

    // the scheduler's message wins over the container's state, the status message over both
    PodCondition unscheduled = f.getStatus().getConditions().get(3);
    unscheduled.setStatus("False");
    unscheduled.setMessage("0/4 nodes are available: 4 Insufficient cpu.");
    assertEquals("0/4 nodes are available: 4 Insufficient cpu.",
        ((Pod) ModelObjects.fromFabric8(Kind.POD, f)).status().reason());
    f.getStatus().setMessage("Pod was rejected: Node didn't have enough resource: cpu");
    f.getStatus().setReason("OutOfcpu");
    f.getStatus().setPhase("Failed");
    assertEquals(new PodStatus("Failed", false,
        "Pod was rejected: Node didn't have enough resource: cpu", 3),
        ((Pod) ModelObjects.fromFabric8(Kind.POD, f)).status());
  }

  /**
   * The container state written for the model's pod status is the one a kubelet would report,
   * and reading it back gives the same status.
   */
  @Test
  void theContainerStateFollowsTheModelsStatus() {
    var f = parse(io.fabric8.kubernetes.api.model.Pod.class, CRASHING_POD);
    Pod model = (Pod) ModelObjects.fromFabric8(Kind.POD, f);
    for (PodStatus st : List.of(new PodStatus("Running", true, "", 0),
        new PodStatus("Running", false, "CrashLoopBackOff: back-off 20s (exited)", 2),
        new PodStatus("Pending", false, "ImagePullBackOff", 0),
        new PodStatus("Pending", false, "0/4 nodes are available: 4 Insufficient cpu.", 0),
        new PodStatus("Failed", false, "container killed", 0),
        new PodStatus("Failed", false, "exited with status 2", 1))) {
      var out = (io.fabric8.kubernetes.api.model.Pod) Manifests.toFabric8(model.withStatus(st));
      var state = out.getStatus().getContainerStatuses().get(0).getState();
      String shown = switch (st.phase() + "/" + st.restarts()) {
        case "Running/0" -> state.getRunning() != null ? "running" : "?";
        case "Running/2" -> state.getWaiting().getReason() + " | "
            + state.getWaiting().getMessage();
        case "Pending/0" -> state == null ? "none" : state.getWaiting().getReason();
        default -> state.getTerminated().getExitCode() + " " + state.getTerminated().getReason()
            + " | " + state.getTerminated().getMessage();
      };
      String expected = switch (st.reason()) {
        case "" -> "running";
        case "CrashLoopBackOff: back-off 20s (exited)" -> "CrashLoopBackOff | back-off 20s"
            + " (exited)";
        case "ImagePullBackOff" -> "ImagePullBackOff";
        case "container killed" -> "137 Error | container killed";
        case "exited with status 2" -> "1 Error | exited with status 2";
        default -> "none";
      };
      assertEquals(expected, shown, st.toString());
      assertEquals(st, ((Pod) ModelObjects.fromFabric8(Kind.POD, out)).status(), "round trip");
    }
  }

  @Test
  void anUnscheduledPodCarriesTheSchedulersMessage() {
    Pod p = (Pod) ModelObjects.fromFabric8(Kind.POD,
        parse(io.fabric8.kubernetes.api.model.Pod.class, UNSCHEDULABLE_POD));
    assertNull(p.spec().nodeName());
    assertEquals(new PodStatus("Pending", false, "0/4 nodes are available: 1 node(s) had taint"
        + " {dedicated: tikv}, that the pod didn't tolerate, 3 node(s) didn't match pod"
        + " affinity/anti-affinity, 3 node(s) didn't match pod anti-affinity rules.", 0),
        p.status());
    // both containers' requests count (100M = 95.4 MiB, rounded up); no role annotation
    assertEquals(new Resources(300, 608), p.spec().requests());
    assertEquals(List.of("", ""), p.spec().containers().stream().map(Container::role).toList());
    assertEquals(List.of(), p.spec().containers().get(1).args());
    assertEquals(List.of(new Toleration("", "Exists", null, null)), p.spec().tolerations());
    assertNull(p.spec().antiAffinityLabel());
    assertEquals(List.of(), p.spec().claims());
    assertNull(p.spec().hostname());
  }

  /** A node registered by pdlab's control plane (no kubelet), with the kubelet's usual labels. */
  static final String NODE = """
      apiVersion: v1
      kind: Node
      metadata:
        annotations:
          node.alpha.kubernetes.io/ttl: "0"
          pdlab.io/local-disks: /mnt/disks/ssd0,/mnt/disks/ssd1
          volumes.kubernetes.io/controller-managed-attach-detach: "true"
        creationTimestamp: "2021-03-04T05:00:00Z"
        labels:
          beta.kubernetes.io/arch: amd64
          beta.kubernetes.io/instance-type: m5.xlarge
          beta.kubernetes.io/os: linux
          dedicated: pd
          failure-domain.beta.kubernetes.io/zone: us-west-2b
          kubernetes.io/arch: amd64
          kubernetes.io/hostname: ip-10-0-1-7.us-west-2.compute.internal
          kubernetes.io/os: linux
          node.kubernetes.io/instance-type: m5.xlarge
          topology.kubernetes.io/zone: us-west-2b
        name: ip-10-0-1-7.us-west-2.compute.internal
        resourceVersion: "1234"
        uid: 2c3d4e5f-6071-8293-a4b5-c6d7e8f90a1b
      spec:
        providerID: aws:///us-west-2b/i-0abc
        taints:
        - effect: NoSchedule
          key: dedicated
          value: pd
        - effect: NoSchedule
          key: node.kubernetes.io/not-ready
          timeAdded: "2021-03-04T05:00:00Z"
      status:
        addresses:
        - address: 10.0.1.7
          type: InternalIP
        allocatable:
          attachable-volumes-aws-ebs: "25"
          cpu: 3920m
          ephemeral-storage: "76224326324"
          hugepages-1Gi: "0"
          memory: 15076720Ki
          pods: "58"
        capacity:
          cpu: "4"
          memory: 16082288Ki
        conditions:
        - lastHeartbeatTime: "2021-03-04T05:10:00Z"
          lastTransitionTime: "2021-03-04T05:00:00Z"
          message: kubelet has sufficient memory available
          reason: KubeletHasSufficientMemory
          status: "False"
          type: MemoryPressure
        - lastHeartbeatTime: "2021-03-04T05:10:00Z"
          lastTransitionTime: "2021-03-04T05:00:00Z"
          message: kubelet has no disk pressure
          reason: KubeletHasNoDiskPressure
          status: "False"
          type: DiskPressure
        - lastHeartbeatTime: "2021-03-04T05:10:00Z"
          lastTransitionTime: "2021-03-04T05:00:00Z"
          message: kubelet has sufficient PID available
          reason: KubeletHasSufficientPID
          status: "False"
          type: PIDPressure
        - lastHeartbeatTime: "2021-03-04T05:10:00Z"
          lastTransitionTime: "2021-03-04T05:00:30Z"
          message: kubelet is posting ready status
          reason: KubeletReady
          status: "True"
          type: Ready
        nodeInfo:
          architecture: amd64
          kubeletVersion: v1.20.2
          operatingSystem: linux
      """;

  @Test
  void aNodeAsTheServerReturnsIt() {
    Node n = (Node) ModelObjects.fromFabric8(Kind.NODE,
        parse(io.fabric8.kubernetes.api.model.Node.class, NODE));
    assertEquals("ip-10-0-1-7.us-west-2.compute.internal", n.meta().name());
    assertEquals("", n.meta().namespace());
    assertEquals(1_234, n.meta().resourceVersion());
    assertEquals(ManifestFixtures.map("beta.kubernetes.io/arch", "amd64",
        "beta.kubernetes.io/instance-type", "m5.xlarge", "beta.kubernetes.io/os", "linux",
        "dedicated", "pd", "failure-domain.beta.kubernetes.io/zone", "us-west-2b",
        "kubernetes.io/arch", "amd64", "kubernetes.io/os", "linux",
        "node.kubernetes.io/instance-type", "m5.xlarge"), n.meta().labels(),
        "hostname and zone labels become fields; the kubelet's others stay");
    assertEquals(ManifestFixtures.map("node.alpha.kubernetes.io/ttl", "0",
        "volumes.kubernetes.io/controller-managed-attach-detach", "true"),
        n.meta().annotations());
    assertEquals("us-west-2b", n.zone());
    assertEquals(List.of("/mnt/disks/ssd0", "/mnt/disks/ssd1"), n.disks());
    assertEquals(List.of(new Taint("dedicated", "pd", Taint.Effect.NoSchedule),
        new Taint("node.kubernetes.io/not-ready", "", Taint.Effect.NoSchedule)), n.taints());
    // 15076720Ki = 14723.4 MiB: capacity rounds down
    assertEquals(new Resources(3_920, 14_723), n.allocatable());
    assertTrue(n.ready(), "Ready is the only condition the model has");
    assertTrue(!n.unschedulable());
  }

  /** A StatefulSet as the server returns it: defaults filled in, status from the controller. */
  static final String STATEFUL_SET = """
      apiVersion: apps/v1
      kind: StatefulSet
      metadata:
        annotations:
          pingcap.com/last-applied-configuration: '{"replicas":3}'
        creationTimestamp: "2021-03-04T05:06:00Z"
        generation: 2
        labels:
          app.kubernetes.io/component: pd
          app.kubernetes.io/instance: basic
        name: basic-pd
        namespace: tidb-cluster
        ownerReferences:
        - apiVersion: pingcap.com/v1alpha1
          controller: true
          kind: TidbCluster
          name: basic
          uid: 9a8b7c6d-5e4f-3a2b-1c0d-efab12345678
        resourceVersion: "48890"
        uid: 7e6d5c4b-3a29-1807-f6e5-d4c3b2a19080
      spec:
        podManagementPolicy: Parallel
        replicas: 3
        revisionHistoryLimit: 10
        selector:
          matchLabels:
            app.kubernetes.io/component: pd
            app.kubernetes.io/instance: basic
        serviceName: basic-pd-peer
        template:
          metadata:
            annotations:
              kubectl.kubernetes.io/restartedAt: "2021-03-04T06:00:00Z"
              pdlab.io/role: pd
            creationTimestamp: null
            labels:
              app.kubernetes.io/component: pd
              app.kubernetes.io/instance: basic
          spec:
            affinity:
              podAntiAffinity:
                requiredDuringSchedulingIgnoredDuringExecution:
                - labelSelector:
                    matchLabels:
                      app.kubernetes.io/component: pd
                  topologyKey: kubernetes.io/hostname
            containers:
            - args:
              - --timing=pd
              image: pingcap/pd:v7.1.0
              imagePullPolicy: IfNotPresent
              name: pd
              resources:
                requests:
                  cpu: 1500m
                  memory: 1Gi
              terminationMessagePath: /dev/termination-log
              terminationMessagePolicy: File
            dnsPolicy: ClusterFirst
            restartPolicy: Always
            schedulerName: tidb-scheduler
            securityContext: {}
            terminationGracePeriodSeconds: 30
        updateStrategy:
          rollingUpdate:
            partition: 0
          type: RollingUpdate
        volumeClaimTemplates:
        - apiVersion: v1
          kind: PersistentVolumeClaim
          metadata:
            creationTimestamp: null
            name: pd
          spec:
            accessModes:
            - ReadWriteOnce
            resources:
              requests:
                storage: 10Gi
            storageClassName: local-storage
            volumeMode: Filesystem
          status:
            phase: Pending
      status:
        collisionCount: 0
        currentReplicas: 3
        currentRevision: basic-pd-6d8f7b9c5
        observedGeneration: 2
        readyReplicas: 2
        replicas: 3
        updateRevision: basic-pd-6d8f7b9c5
        updatedReplicas: 3
      """;

  @Test
  void aStatefulSetAsTheServerReturnsIt() {
    StatefulSet set = (StatefulSet) ModelObjects.fromFabric8(Kind.STATEFUL_SET,
        parse(io.fabric8.kubernetes.api.model.apps.StatefulSet.class, STATEFUL_SET));
    assertEquals(NS + "/basic-pd", set.meta().key());
    assertEquals(48_890, set.meta().resourceVersion());
    assertEquals(Instant.parse("2021-03-04T05:06:00Z").getEpochSecond() * 1_000_000L,
        set.meta().createdUs());
    assertEquals(ManifestFixtures.map("pingcap.com/last-applied-configuration",
        "{\"replicas\":3}"), set.meta().annotations());
    assertEquals(3, set.replicas());
    assertEquals("Parallel", set.podManagementPolicy());
    assertEquals("basic-pd-peer", set.serviceName());
    assertEquals(ManifestFixtures.map("app.kubernetes.io/component", "pd",
        "app.kubernetes.io/instance", "basic"), set.template().labels());
    PodSpec spec = set.template().spec();
    assertNull(spec.nodeName());
    assertEquals("app.kubernetes.io/component", spec.antiAffinityLabel(),
        "tidb-operator's matchLabels form");
    assertEquals(new Resources(1_500, 1_024), spec.requests());
    assertEquals(List.of(new Container("pd", "pingcap/pd:v7.1.0", "pd",
        List.of("--timing=pd"))), spec.containers());
    assertEquals(List.of(), spec.tolerations());
    assertEquals(new PersistentVolumeClaim(ObjectMeta.of(NS, "pd"), "local-storage", 10, null),
        set.claimTemplate(), "a claim template lives in its set's namespace");
    // the StatefulSet controller's status (observedGeneration and collisionCount not modelled)
    assertEquals(new StatefulSet.Status(3, 2, 3, 3, "basic-pd-6d8f7b9c5", "basic-pd-6d8f7b9c5"),
        set.status());

    // what the server defaults and the model does not store: absent, the API's defaults
    var bare = parse(io.fabric8.kubernetes.api.model.apps.StatefulSet.class, STATEFUL_SET);
    bare.getSpec().setPodManagementPolicy(null);
    bare.getSpec().setReplicas(null);
    bare.getSpec().setVolumeClaimTemplates(null);
    bare.setStatus(null);
    StatefulSet defaulted = (StatefulSet) ModelObjects.fromFabric8(Kind.STATEFUL_SET, bare);
    assertEquals("OrderedReady", defaulted.podManagementPolicy());
    assertEquals(1, defaulted.replicas());
    assertNull(defaulted.claimTemplate());
    assertEquals(StatefulSet.Status.EMPTY, defaulted.status(), "before the controller's write");
  }

  /** A TidbCluster as tidb-operator v1.5 keeps it: numbers where the chart wrote numbers. */
  static final String TIDB_CLUSTER = """
      apiVersion: pingcap.com/v1alpha1
      kind: TidbCluster
      metadata:
        creationTimestamp: "2021-03-04T05:05:00Z"
        generation: 3
        name: basic
        namespace: tidb-cluster
        resourceVersion: "49001"
        uid: 9a8b7c6d-5e4f-3a2b-1c0d-efab12345678
      spec:
        pd:
          baseImage: pingcap/pd
          config: {}
          image: pingcap/pd:v7.1.0
          maxFailoverCount: 3
          nodeSelector:
            dedicated: pd
          replicas: 3
          requests:
            cpu: 1
            memory: 2Gi
            storage: 10Gi
          storageClassName: local-storage
          tolerations:
          - effect: NoSchedule
            key: dedicated
            operator: Equal
            value: pd
          - effect: NoExecute
            key: node.kubernetes.io/unreachable
            operator: Exists
            tolerationSeconds: 30
        pvReclaimPolicy: Retain
        schedulerName: tidb-scheduler
        tikv:
          image: pingcap/tikv:v7.1.0
          replicas: 3
          requests:
            storage: 100Gi
        timezone: UTC
      status:
        clusterID: "7012345678901234567"
        conditions:
        - lastTransitionTime: "2021-03-04T05:10:00Z"
          message: TiDB cluster is fully up and running
          reason: Ready
          status: "True"
          type: Ready
        pd:
          failureMembers:
            basic-pd-2:
              createdAt: "2021-03-04T05:30:00Z"
              memberDeleted: true
              memberID: "1234"
              podName: basic-pd-2
          image: pingcap/pd:v7.1.0
          leader:
            clientURL: http://basic-pd-0.basic-pd-peer.tidb-cluster.svc:2379
            health: true
            id: "1111"
            lastTransitionTime: "2021-03-04T05:08:00Z"
            name: basic-pd-0
          members:
            basic-pd-0:
              clientURL: http://basic-pd-0.basic-pd-peer.tidb-cluster.svc:2379
              health: true
              id: "1111"
              name: basic-pd-0
            basic-pd-1:
              clientURL: http://basic-pd-1.basic-pd-peer.tidb-cluster.svc:2379
              health: true
              id: "2222"
              name: basic-pd-1
          phase: Normal
          statefulSet:
            readyReplicas: 3
            replicas: 3
          synced: true
        tikv:
          phase: Normal
          stores:
            "1":
              id: "1"
              ip: basic-tikv-0.basic-tikv-peer.tidb-cluster.svc
              podName: basic-tikv-0
              state: Up
            "4":
              id: "4"
              podName: basic-tikv-1
              state: Up
            "5":
              id: "5"
              podName: basic-tikv-2
              state: Down
          synced: true
      """;

  @Test
  void aTidbClusterAsTheServerReturnsIt() {
    HasMetadata f = Manifests.fromYaml(TIDB_CLUSTER).get(0);
    assertInstanceOf(GenericKubernetesResource.class, f);
    TidbCluster tc = (TidbCluster) ModelObjects.fromFabric8(Kind.TIDB_CLUSTER, f);
    assertEquals(NS + "/basic", tc.meta().key());
    assertEquals(49_001, tc.meta().resourceVersion());
    assertEquals(new TidbCluster.Spec("tidb-scheduler",
        new TidbCluster.ComponentSpec(3, "pingcap/pd:v7.1.0", new Resources(1_000, 2_048), 10,
            "local-storage", ManifestFixtures.map("dedicated", "pd"),
            List.of(Toleration.equal("dedicated", "pd", Taint.Effect.NoSchedule))),
        new TidbCluster.ComponentSpec(3, "pingcap/tikv:v7.1.0", Resources.NONE, 100, "",
            new TreeMap<>(), List.of()),
        null, "Retain", "UTC"), tc.spec());
    // members without a lastTransitionTime read as 0 (the model's start of time)
    assertEquals(new TidbCluster.Status(true, List.of(
        new TidbCluster.PdMember("basic-pd-0", 1111, true, 0),
        new TidbCluster.PdMember("basic-pd-1", 2222, true, 0)), "basic-pd-0",
        List.of(new TidbCluster.PdFailureMember("basic-pd-2", 1234, true,
            1_614_835_800_000_000L)), 2, 0, "Normal", new StatefulSet.Status(3, 3, 0, 0, "", ""),
        new TidbCluster.Condition("True", "Ready", "TiDB cluster is fully up and running", 0,
            Instant.parse("2021-03-04T05:10:00Z").getEpochSecond() * 1_000_000L)), tc.status());

    // before the operator's first status write: an empty status, not null
    ((GenericKubernetesResource) f).getAdditionalProperties().remove("status");
    assertEquals(new TidbCluster.Status(false, List.of(), "", List.of(), 0, 0, ""),
        ((TidbCluster) ModelObjects.fromFabric8(Kind.TIDB_CLUSTER, f)).status());
  }

  // ---------------------------------------------------------------- 3. bad input

  @Test
  void aKindThatDoesNotMatchTheObjectNamesTheObject() {
    HasMetadata node = parse(io.fabric8.kubernetes.api.model.Node.class, NODE);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ModelObjects.fromFabric8(Kind.POD, node));
    assertTrue(e.getMessage().contains("Node ip-10-0-1-7.us-west-2.compute.internal"),
        e.getMessage());

    HasMetadata tc = Manifests.fromYaml(TIDB_CLUSTER).get(0);
    e = assertThrows(IllegalArgumentException.class,
        () -> ModelObjects.fromFabric8(Kind.STATEFUL_SET, tc));
    assertTrue(e.getMessage().contains("TidbCluster tidb-cluster/basic"), e.getMessage());

    HasMetadata pod = parse(io.fabric8.kubernetes.api.model.Pod.class, CRASHING_POD);
    e = assertThrows(IllegalArgumentException.class,
        () -> ModelObjects.fromFabric8(Kind.TIDB_CLUSTER, pod));
    assertTrue(e.getMessage().contains("Pod tidb-cluster/basic-pd-1"), e.getMessage());

    GenericKubernetesResource other = new GenericKubernetesResource();
    other.setApiVersion("pingcap.com/v1alpha1");
    other.setKind("TidbMonitor");
    other.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
        .withNamespace(NS).withName("basic-monitor").build());
    e = assertThrows(IllegalArgumentException.class,
        () -> ModelObjects.fromFabric8(Kind.TIDB_CLUSTER, other));
    assertTrue(e.getMessage().contains("TidbMonitor tidb-cluster/basic-monitor"), e.getMessage());
  }

  @Test
  void endpointsHaveNoModelRecord() {
    io.fabric8.kubernetes.api.model.Endpoints ep = new io.fabric8.kubernetes.api.model.Endpoints();
    ep.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withNamespace(NS)
        .withName("basic-pd-peer").build());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ModelObjects.fromFabric8(Kind.ENDPOINTS, ep));
    assertTrue(e.getMessage().contains("Endpoints tidb-cluster/basic-pd-peer"), e.getMessage());
  }

  @Test
  void unreadableFieldsNameTheObject() {
    var pod = parse(io.fabric8.kubernetes.api.model.Pod.class, CRASHING_POD);
    pod.getMetadata().setResourceVersion("not-a-revision");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ModelObjects.fromFabric8(Kind.POD, pod));
    assertTrue(e.getMessage().contains("Pod tidb-cluster/basic-pd-1")
        && e.getMessage().contains("not-a-revision"), e.getMessage());

    var node = parse(io.fabric8.kubernetes.api.model.Node.class, NODE);
    node.getSpec().getTaints().get(0).setEffect("NoWay");
    e = assertThrows(IllegalArgumentException.class,
        () -> ModelObjects.fromFabric8(Kind.NODE, node));
    assertTrue(e.getMessage().contains("Node ip-10-0-1-7.us-west-2.compute.internal")
        && e.getMessage().contains("NoWay"), e.getMessage());
  }
}
