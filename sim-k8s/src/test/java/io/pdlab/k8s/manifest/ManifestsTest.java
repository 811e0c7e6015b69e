package io.pdlab.k8s.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.apps.StatefulSetSpec;
import io.pdlab.k8s.api.K8sObject;
import io.pdlab.k8s.api.Kind;
import io.pdlab.k8s.api.ObjectMeta;
import io.pdlab.k8s.api.Pod;
import io.pdlab.k8s.api.PodSpec;
import io.pdlab.k8s.api.PodStatus;
import io.pdlab.k8s.api.Resources;
import io.pdlab.k8s.api.Service;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each kind renders to the fabric8 object a real API server expects, field by field. */
class ManifestsTest {
  @Test
  void everyKindRendersToItsTypedModelWithTheRightApiVersion() {
    for (K8sObject o : ManifestFixtures.all()) {
      HasMetadata m = Manifests.toFabric8(o);
      assertEquals(o.kind().apiVersion(), m.getApiVersion(), o.meta().key());
      assertEquals(o.kind().kindName(), m.getKind(), o.meta().key());
      assertEquals(o.meta().name(), m.getMetadata().getName());
      assertEquals(o.kind().namespaced() ? o.meta().namespace() : null,
          m.getMetadata().getNamespace(), o.meta().key());
      String expectedClass = switch (o.kind()) {
        case TIDB_CLUSTER -> "GenericKubernetesResource";
        default -> o.kind().kindName();
      };
      assertEquals(expectedClass, m.getClass().getSimpleName(), o.meta().key());
    }
  }

  @Test
  void aHeadlessServiceHasClusterIpNoneAndPublishesNotReadyAddresses() {
    var s = (io.fabric8.kubernetes.api.model.Service) Manifests.toFabric8(
        ManifestFixtures.headlessService());
    assertEquals("None", s.getSpec().getClusterIP());
    assertEquals(Boolean.TRUE, s.getSpec().getPublishNotReadyAddresses());
    assertEquals("ClusterIP", s.getSpec().getType());
    assertEquals(Map.of("app", "etcd", "etcd_cluster", "etcd"), s.getSpec().getSelector());
    List<ServicePort> ports = s.getSpec().getPorts();
    assertEquals(List.of("client", "peer"), ports.stream().map(ServicePort::getName).toList());
    assertEquals(List.of(2379, 2380), ports.stream().map(ServicePort::getPort).toList());
    assertEquals(2380, ports.get(1).getTargetPort().getIntVal());
    assertEquals("TCP", ports.get(0).getProtocol());

    var plain = (io.fabric8.kubernetes.api.model.Service) Manifests.toFabric8(new Service(
        ObjectMeta.of("ns", "pd"), ManifestFixtures.map("app", "pd"), false, false,
        List.of(2379), "ClusterIP"));
    assertNull(plain.getSpec().getClusterIP(), "a normal Service gets its IP from the server");
    assertNull(plain.getSpec().getPublishNotReadyAddresses());
  }

  @Test
  void aLocalPvIsPinnedToItsNodeByHostnameAffinity() {
    var pv = (io.fabric8.kubernetes.api.model.PersistentVolume) Manifests.toFabric8(
        ManifestFixtures.localPv());
    assertEquals("/mnt/disks/ssd0", pv.getSpec().getLocal().getPath());
    List<NodeSelectorRequirement> exprs = pv.getSpec().getNodeAffinity().getRequired()
        .getNodeSelectorTerms().get(0).getMatchExpressions();
    assertEquals(1, exprs.size());
    assertEquals("kubernetes.io/hostname", exprs.get(0).getKey());
    assertEquals("In", exprs.get(0).getOperator());
    assertEquals(List.of(ManifestFixtures.NODE), exprs.get(0).getValues());
    assertEquals("local-storage", pv.getSpec().getStorageClassName());
    assertEquals("100Gi", pv.getSpec().getCapacity().get("storage").toString());
    assertEquals(List.of("ReadWriteOnce"), pv.getSpec().getAccessModes());
    assertEquals("tidb-cluster", pv.getSpec().getClaimRef().getNamespace());
    assertEquals("pd-basic-pd-0", pv.getSpec().getClaimRef().getName());
    assertEquals("PersistentVolumeClaim", pv.getSpec().getClaimRef().getKind());
    assertEquals("Bound", pv.getStatus().getPhase());

    var free = (io.fabric8.kubernetes.api.model.PersistentVolume) Manifests.toFabric8(
        ManifestFixtures.localPv().withClaim(null));
    assertNull(free.getSpec().getClaimRef());
    assertEquals("Available", free.getStatus().getPhase());
  }

  @Test
  void aClaimAsksForItsStorageAndNamesItsVolume() {
    var pvc = (io.fabric8.kubernetes.api.model.PersistentVolumeClaim) Manifests.toFabric8(
        ManifestFixtures.boundClaim());
    assertEquals(new Quantity("10Gi"), pvc.getSpec().getResources().getRequests().get("storage"));
    assertEquals("local-storage", pvc.getSpec().getStorageClassName());
    assertEquals("local-pv-5f3a2c1b", pvc.getSpec().getVolumeName());
    assertEquals(List.of("ReadWriteOnce"), pvc.getSpec().getAccessModes());
    assertEquals("Bound", pvc.getStatus().getPhase());
    var pending = (io.fabric8.kubernetes.api.model.PersistentVolumeClaim) Manifests.toFabric8(
        ManifestFixtures.boundClaim().withVolume(null));
    assertNull(pending.getSpec().getVolumeName());
    assertEquals("Pending", pending.getStatus().getPhase());
  }

  @Test
  void aStorageClassKeepsProvisionerBindingModeAndReclaimPolicy() {
    var sc = (io.fabric8.kubernetes.api.model.storage.StorageClass) Manifests.toFabric8(
        ManifestFixtures.localStorage());
    assertEquals("storage.k8s.io/v1", sc.getApiVersion());
    assertEquals("kubernetes.io/no-provisioner", sc.getProvisioner());
    assertEquals("WaitForFirstConsumer", sc.getVolumeBindingMode());
    assertEquals("Delete", sc.getReclaimPolicy());
    assertNull(sc.getMetadata().getNamespace());
  }

  @Test
  void aStatefulSetSelectsExactlyItsTemplateLabelsAndCarriesItsClaimTemplate() {
    var set = (io.fabric8.kubernetes.api.model.apps.StatefulSet) Manifests.toFabric8(
        ManifestFixtures.pdSet());
    StatefulSetSpec spec = set.getSpec();
    assertEquals("apps/v1", set.getApiVersion());
    assertEquals(3, spec.getReplicas());
    assertEquals("Parallel", spec.getPodManagementPolicy());
    assertEquals("basic-pd-peer", spec.getServiceName());
    assertEquals(spec.getTemplate().getMetadata().getLabels(), spec.getSelector().getMatchLabels());
    assertEquals(Map.of("app.kubernetes.io/component", "pd", "app.kubernetes.io/instance",
        "basic"), spec.getSelector().getMatchLabels());
    assertEquals("Always", spec.getTemplate().getSpec().getRestartPolicy());
    assertNull(spec.getTemplate().getSpec().getNodeName());
    assertEquals("pd", spec.getTemplate().getMetadata().getAnnotations().get("pdlab.io/role"));
    assertEquals(1, spec.getVolumeClaimTemplates().size());
    var claim = spec.getVolumeClaimTemplates().get(0);
    assertEquals("pd", claim.getMetadata().getName());
    assertNull(claim.getMetadata().getNamespace(), "a claim template has no namespace");
    assertNull(claim.getStatus(), "a claim template has no status");
    assertEquals("10Gi", claim.getSpec().getResources().getRequests().get("storage").toString());
    PodAffinityTerm term = spec.getTemplate().getSpec().getAffinity().getPodAntiAffinity()
        .getRequiredDuringSchedulingIgnoredDuringExecution().get(0);
    assertEquals("kubernetes.io/hostname", term.getTopologyKey());
    LabelSelectorRequirement req = term.getLabelSelector().getMatchExpressions().get(0);
    assertEquals("app.kubernetes.io/component", req.getKey());
    assertEquals("In", req.getOperator());
    assertEquals(List.of("pd"), req.getValues());
  }

  @Test
  void aPodCarriesRequestsPlacementIdentityVolumesAndAntiAffinity() {
    Pod lean = ManifestFixtures.etcdPod();
    // the store's bookkeeping must not reach a manifest a server would accept on create
    lean = lean.withMeta(lean.meta().withVersion(42, 1_000));
    var pod = (io.fabric8.kubernetes.api.model.Pod) Manifests.toFabric8(lean);
    assertNull(pod.getMetadata().getResourceVersion());
    assertNull(pod.getMetadata().getCreationTimestamp());
    assertEquals("etcd", pod.getMetadata().getAnnotations().get("pdlab.io/role"));

    Container c = pod.getSpec().getContainers().get(0);
    assertEquals("etcd", c.getName());
    assertEquals("quay.io/coreos/etcd:v3.4", c.getImage());
    assertEquals(lean.spec().containers().get(0).args(), c.getArgs());
    assertEquals("500m", c.getResources().getRequests().get("cpu").toString());
    assertEquals("1024Mi", c.getResources().getRequests().get("memory").toString());
    assertEquals(List.of(2379, 2380), c.getPorts().stream().map(p -> p.getContainerPort())
        .toList());
    assertEquals(List.of("client", "peer"), c.getPorts().stream().map(p -> p.getName()).toList());

    var spec = pod.getSpec();
    assertEquals(ManifestFixtures.NODE, spec.getNodeName());
    assertEquals("etcd-0000", spec.getHostname());
    assertEquals("etcd", spec.getSubdomain());
    assertEquals("Never", spec.getRestartPolicy());
    assertEquals(Map.of("dedicated", "pd"), spec.getNodeSelector());
    Toleration equal = spec.getTolerations().get(0);
    assertEquals(List.of("dedicated", "Equal", "pd", "NoSchedule"),
        List.of(equal.getKey(), equal.getOperator(), equal.getValue(), equal.getEffect()));
    Toleration exists = spec.getTolerations().get(1);
    assertEquals("Exists", exists.getOperator());
    assertNull(exists.getValue(), "an Exists toleration has no value");
    assertNull(exists.getEffect(), "no effect means every effect");
    assertEquals(1, spec.getVolumes().size());
    assertEquals("data", spec.getVolumes().get(0).getName());
    assertEquals("data-etcd-0000", spec.getVolumes().get(0).getPersistentVolumeClaim()
        .getClaimName());
    PodAffinityTerm term = spec.getAffinity().getPodAntiAffinity()
        .getRequiredDuringSchedulingIgnoredDuringExecution().get(0);
    assertEquals("kubernetes.io/hostname", term.getTopologyKey());
    assertEquals(List.of("etcd"), term.getLabelSelector().getMatchExpressions().get(0)
        .getValues());

    assertEquals("Running", pod.getStatus().getPhase());
    assertEquals("True", pod.getStatus().getConditions().get(0).getStatus());
    assertEquals(2, pod.getStatus().getContainerStatuses().get(0).getRestartCount());
  }

  @Test
  void aStatefulSetPodNamesItsVolumeAfterTheClaimTemplate() {
    var pod = (io.fabric8.kubernetes.api.model.Pod) Manifests.toFabric8(
        ManifestFixtures.pdPod());
    assertEquals("pd", pod.getSpec().getVolumes().get(0).getName());
    assertEquals("pd-basic-pd-0", pod.getSpec().getVolumes().get(0).getPersistentVolumeClaim()
        .getClaimName());
    assertEquals("basic-pd-peer", pod.getSpec().getSubdomain());
    assertNull(pod.getSpec().getNodeName(), "not scheduled yet");
    assertEquals("Pending", pod.getStatus().getPhase());
  }

  @Test
  void aPodWithoutTheAntiAffinityLabelOrRequestsGetsNeither() {
    PodSpec spec = new PodSpec(null, ManifestFixtures.map(), List.of(), Resources.NONE,
        "app", List.of(), List.of(new io.pdlab.k8s.api.Container("sh", "busybox:1.36",
            "simple", List.of())), "Always", null, null);
    var pod = (io.fabric8.kubernetes.api.model.Pod) Manifests.toFabric8(
        new Pod(ObjectMeta.of("ns", "tool"), spec, PodStatus.PENDING));
    assertNull(pod.getSpec().getAffinity());
    assertNull(pod.getSpec().getContainers().get(0).getResources());
    assertTrue(pod.getSpec().getContainers().get(0).getPorts().isEmpty(),
        "only etcd and pd containers expose 2379/2380");
  }

  @Test
  void aNodeHasTheKubeletsLabelsTaintsAndAllocatable() {
    var node = (io.fabric8.kubernetes.api.model.Node) Manifests.toFabric8(
        ManifestFixtures.node().withReady(false));
    Map<String, String> labels = node.getMetadata().getLabels();
    assertEquals(ManifestFixtures.NODE, labels.get("kubernetes.io/hostname"));
    assertEquals("us-west-2a", labels.get("topology.kubernetes.io/zone"));
    assertEquals("pd", labels.get("dedicated"));
    var taint = node.getSpec().getTaints().get(0);
    assertEquals(List.of("dedicated", "pd", "NoSchedule"),
        List.of(taint.getKey(), taint.getValue(), taint.getEffect()));
    assertNull(node.getSpec().getUnschedulable());
    assertEquals("4000m", node.getStatus().getAllocatable().get("cpu").toString());
    assertEquals(new Quantity("16Gi"), node.getStatus().getAllocatable().get("memory"));
    assertEquals("False", node.getStatus().getConditions().get(0).getStatus());
    assertEquals("/mnt/disks/ssd0,/mnt/disks/ssd1",
        node.getMetadata().getAnnotations().get("pdlab.io/local-disks"));
  }

  @Test
  void aDeploymentSelectsItsTemplateLabels() {
    var d = (io.fabric8.kubernetes.api.model.apps.Deployment) Manifests.toFabric8(
        ManifestFixtures.discovery());
    assertEquals("apps/v1", d.getApiVersion());
    assertEquals(1, d.getSpec().getReplicas());
    assertEquals(Map.of("app.kubernetes.io/component", "discovery"),
        d.getSpec().getSelector().getMatchLabels());
    assertEquals(d.getSpec().getTemplate().getMetadata().getLabels(),
        d.getSpec().getSelector().getMatchLabels());
    assertEquals("80m", d.getSpec().getTemplate().getSpec().getContainers().get(0)
        .getResources().getRequests().get("cpu").toString());
  }

  @Test
  void aConfigMapKeepsItsData() {
    var cm = (io.fabric8.kubernetes.api.model.ConfigMap) Manifests.toFabric8(
        ManifestFixtures.startScript());
    assertEquals(ManifestFixtures.startScript().data(), cm.getData());
  }

  @Test
  void aTidbClusterIsAGenericResourceShapedLikeTheCrd() {
    HasMetadata m = Manifests.toFabric8(ManifestFixtures.tidbCluster());
    GenericKubernetesResource tc = assertInstanceOf(GenericKubernetesResource.class, m);
    assertEquals("pingcap.com/v1alpha1", tc.getApiVersion());
    assertEquals("TidbCluster", tc.getKind());
    assertEquals("tidb-scheduler", tc.get("spec", "schedulerName"));
    assertEquals("Retain", tc.get("spec", "pvReclaimPolicy"));
    assertEquals("UTC", tc.get("spec", "timezone"));
    assertEquals(Integer.valueOf(3), tc.get("spec", "pd", "replicas"));
    assertEquals("pingcap/pd:v7.5.0", tc.get("spec", "pd", "image"));
    assertEquals("1000m", tc.get("spec", "pd", "requests", "cpu"));
    assertEquals("4096Mi", tc.get("spec", "pd", "requests", "memory"));
    assertEquals("10Gi", tc.get("spec", "pd", "requests", "storage"));
    assertEquals("100Gi", tc.get("spec", "tikv", "requests", "storage"));
    assertNull(tc.get("spec", "tidb", "requests", "storage"), "TiDB keeps no data");
    assertEquals("local-storage", tc.get("spec", "pd", "storageClassName"));
    assertEquals("pd", tc.get("spec", "pd", "nodeSelector", "dedicated"));
    assertEquals("NoSchedule", tc.get("spec", "pd", "tolerations", 0, "effect"));
    assertEquals("Equal", tc.get("spec", "tikv", "tolerations", 0, "operator"));
    assertEquals("tikv", tc.get("spec", "tikv", "tolerations", 0, "value"));
    assertEquals(Boolean.TRUE, tc.get("status", "pd", "synced"));
    assertEquals("basic-pd-0", tc.get("status", "pd", "leader", "name"));
    assertEquals(Boolean.FALSE, tc.get("status", "pd", "members", "basic-pd-2", "health"));
    assertEquals("basic-pd-2", tc.get("status", "pd", "failureMembers", "basic-pd-2",
        "podName"));
    assertEquals("Normal", tc.get("status", "pd", "phase"));
    assertEquals(Integer.valueOf(2), tc.get("status", "tidb", "statefulSet", "readyReplicas"));
    Map<String, Object> stores = tc.get("status", "tikv", "stores");
    assertEquals(3, stores.size());
  }

  @Test
  void clusterScopedObjectsDropANamespace() {
    var sc = Manifests.toFabric8(new io.pdlab.k8s.api.StorageClass(
        ObjectMeta.of("tidb-cluster", "gp2"), "kubernetes.io/aws-ebs", "WaitForFirstConsumer",
        "Delete"));
    assertNull(sc.getMetadata().getNamespace());
    assertFalse(Kind.STORAGE_CLASS.namespaced());
  }

  @Test
  void volumeNamesFallBackWhenAClaimNameIsNoDnsLabel() {
    assertEquals("pd", Fabric8Objects.volumeName("pd-basic-pd-0", "basic-pd-0", 0));
    assertEquals("data-x", Fabric8Objects.volumeName("data-x", "other", 0));
    assertEquals("data-x", Fabric8Objects.volumeName("data-x", null, 0));
    String longName = "c".repeat(70);
    assertEquals("claim-1", Fabric8Objects.volumeName(longName, null, 1));
    assertEquals("claim-0", Fabric8Objects.volumeName("a.b", null, 0));
  }
}
