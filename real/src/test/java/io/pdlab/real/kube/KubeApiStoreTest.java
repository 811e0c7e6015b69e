package io.pdlab.real.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pdlab.k8s.api.Kind;
import io.pdlab.k8s.api.ObjectMeta;
import io.pdlab.k8s.api.Pod;
import io.pdlab.k8s.api.PodSpec;
import io.pdlab.k8s.api.PodStatus;
import io.pdlab.k8s.manifest.Manifests;
import io.pdlab.k8s.manifest.ModelObjects;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The pieces of the API store that need no server: merge patches and the kinds' types. */
class KubeApiStoreTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode json(String s) throws Exception {
    return JSON.readTree(s);
  }

  @Test
  void mergePatchHoldsOnlyWhatChangedAndNullsWhatWentAway() throws Exception {
    JsonNode from = json("{\"metadata\":{\"name\":\"a\",\"labels\":{\"x\":\"1\",\"y\":\"2\"}},"
        + "\"spec\":{\"replicas\":3,\"list\":[1,2]},\"status\":{\"phase\":\"Pending\"}}");
    JsonNode to = json("{\"metadata\":{\"name\":\"a\",\"labels\":{\"x\":\"1\"}},"
        + "\"spec\":{\"replicas\":5,\"list\":[1,2,3]},\"status\":{\"phase\":\"Pending\"}}");
    assertEquals(json("{\"metadata\":{\"labels\":{\"y\":null}},"
        + "\"spec\":{\"replicas\":5,\"list\":[1,2,3]}}"), KubeApiStore.mergePatch(from, to));
    assertNull(KubeApiStore.mergePatch(from, from), "equal objects: no patch");
    assertEquals(json("{\"status\":{\"phase\":\"Running\",\"new\":{\"a\":1}}}"),
        KubeApiStore.mergePatch(from, json("{\"metadata\":{\"name\":\"a\",\"labels\":{\"x\":"
            + "\"1\",\"y\":\"2\"}},\"spec\":{\"replicas\":3,\"list\":[1,2]},"
            + "\"status\":{\"phase\":\"Running\",\"new\":{\"a\":1}}}")));
  }

  @Test
  void aPodStatusChangeIsAPatchOfStatusOnly() {
    TreeMap<String, String> labels = new TreeMap<>();
    labels.put("app", "etcd");
    PodSpec spec = new PodSpec("node-0", new TreeMap<>(), List.of(), null, null, List.of(),
        List.of(new io.pdlab.k8s.api.Container("etcd", "etcd:3.4", "etcd", List.of("--a"))),
        "Always", "p-0", "p");
    Pod before = new Pod(ObjectMeta.of("ns", "p-0").withLabels(labels), spec,
        PodStatus.PENDING);
    Pod after = before.withStatus(new PodStatus("Running", true, "", 2));
    ObjectMapper m = new ObjectMapper();
    JsonNode patch = KubeApiStore.mergePatch(m.valueToTree(Manifests.toFabric8(before)),
        m.valueToTree(Manifests.toFabric8(after)));
    assertEquals(List.of("status"), iterate(patch.fieldNames()));
    assertEquals("Running", patch.get("status").get("phase").asText());
  }

  private static List<String> iterate(java.util.Iterator<String> it) {
    List<String> out = new java.util.ArrayList<>();
    it.forEachRemaining(out::add);
    return out;
  }

  @Test
  void everyKindTheStoreHoldsHasATypeTheConverterReads() {
    for (Kind k : KubeApiStore.kinds()) {
      Class<?> type = KubeApiStore.typeOf(k);
      assertEquals(true, io.fabric8.kubernetes.api.model.HasMetadata.class.isAssignableFrom(type),
          k.name());
    }
    assertEquals(false, KubeApiStore.kinds().contains(Kind.ENDPOINTS));
    // The converter reads what the type says: a pod rendered and read back is the same pod.
    Pod p = new Pod(ObjectMeta.of("ns", "p").withVersion(7, 0), new PodSpec(null,
        new TreeMap<>(), List.of(), new io.pdlab.k8s.api.Resources(100, 128), null, List.of(),
        List.of(new io.pdlab.k8s.api.Container("etcd", "etcd:3.4", "etcd", List.of())),
        "Always", null, null), PodStatus.PENDING);
    io.fabric8.kubernetes.api.model.Pod f = (io.fabric8.kubernetes.api.model.Pod) Manifests
        .toFabric8(p);
    f.getMetadata().setResourceVersion("7");
    assertEquals(p, ModelObjects.fromFabric8(Kind.POD, f));
  }

  /**
   * Every container of a pod the store writes is told its name (PDLAB_CONTAINER, which
   * pdlab-launch sends on a kubelet node: a seed-join pod's check-dns init container asks before
   * its etcd container), and the model reads the pod back unchanged.
   */
  @Test
  void aWrittenPodsContainersKnowTheirNamesAndTheModelReadsItBackUnchanged() {
    Pod p = new Pod(ObjectMeta.of("ns", "m-1").withVersion(3, 0), new PodSpec(null,
        new TreeMap<>(), List.of(), new io.pdlab.k8s.api.Resources(100, 128), null, List.of(),
        List.of(new io.pdlab.k8s.api.Container("etcd", "etcd:3.4", "etcd", List.of("--a"))),
        "Never", "m-1", "m", List.of(io.pdlab.k8s.controllers.CheckDns.container(
            "m-1.m.ns.svc"))), PodStatus.PENDING);
    io.fabric8.kubernetes.api.model.Pod f = (io.fabric8.kubernetes.api.model.Pod) KubeApiStore
        .toApi(p);
    assertEquals(List.of(new io.fabric8.kubernetes.api.model.EnvVar("PDLAB_CONTAINER", "etcd",
        null)), f.getSpec().getContainers().get(0).getEnv());
    assertEquals(List.of(new io.fabric8.kubernetes.api.model.EnvVar("PDLAB_CONTAINER",
        "check-dns", null)), f.getSpec().getInitContainers().get(0).getEnv());
    f.getMetadata().setResourceVersion("3");
    assertEquals(p, ModelObjects.fromFabric8(Kind.POD, f));
    // An update's patch is taken between two such renderings: a status change keeps them.
    ObjectMapper m = new ObjectMapper();
    JsonNode patch = KubeApiStore.mergePatch(m.valueToTree(KubeApiStore.toApi(p)),
        m.valueToTree(KubeApiStore.toApi(p.withStatus(new PodStatus("Running", true, "", 0)))));
    assertEquals(List.of("status"), iterate(patch.fieldNames()));
  }
}
