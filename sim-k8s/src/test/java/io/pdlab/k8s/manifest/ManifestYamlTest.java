package io.pdlab.k8s.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.pdlab.k8s.api.ConfigMap;
import io.pdlab.k8s.api.K8sObject;
import io.pdlab.k8s.api.Kind;
import io.pdlab.k8s.api.Node;
import io.pdlab.k8s.api.ObjectMeta;
import io.pdlab.k8s.api.Pod;
import io.pdlab.k8s.api.Resources;
import io.pdlab.k8s.api.Service;
import io.pdlab.k8s.api.Taint;
import io.pdlab.k8s.controllers.K8sWorld;
import io.pdlab.k8s.operator.BootstrapStrategy;
import io.pdlab.k8s.operator.ClusterSpec;
import io.pdlab.k8s.operator.Strategies;
import io.pdlab.sim.Budget;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** YAML: exact text, byte-stable, and read back by fabric8 into an equal object. */
class ManifestYamlTest {
  @Test
  void aHeadlessServicePrintsExactlyLikeThis() {
    assertEquals("""
        apiVersion: v1
        kind: Service
        metadata:
          labels:
            app: etcd
            etcd_cluster: etcd
          name: etcd
          namespace: tidb-cluster
        spec:
          clusterIP: None
          ports:
          - name: client
            port: 2379
            protocol: TCP
            targetPort: 2379
          - name: peer
            port: 2380
            protocol: TCP
            targetPort: 2380
          publishNotReadyAddresses: true
          selector:
            app: etcd
            etcd_cluster: etcd
          type: ClusterIP
        """, Manifests.toYaml(ManifestFixtures.headlessService()));
  }

  @Test
  void everyKindRoundTripsThroughFabric8sDeserializer() {
    for (K8sObject o : ManifestFixtures.all()) {
      String yaml = Manifests.toYaml(o);
      List<HasMetadata> back = Manifests.fromYaml(yaml);
      assertEquals(1, back.size(), yaml);
      HasMetadata expected = Manifests.toFabric8(o);
      assertEquals(expected.getClass(), back.get(0).getClass(), o.meta().key());
      assertEquals(expected, back.get(0), o.meta().key() + "\n" + yaml);
      // and printing what was read gives the same text
      assertEquals(yaml, Manifests.yamlOf(back.get(0)), o.meta().key());
    }
  }

  @Test
  void aTidbClusterComesBackAsAGenericResourceWithTheSameSpec() {
    HasMetadata back = Manifests.fromYaml(Manifests.toYaml(ManifestFixtures.tidbCluster()))
        .get(0);
    GenericKubernetesResource tc = assertInstanceOf(GenericKubernetesResource.class, back);
    assertEquals(Integer.valueOf(3), tc.get("spec", "tikv", "replicas"));
    assertEquals("10Gi", tc.get("spec", "pd", "requests", "storage"));
  }

  @Test
  void aListIsAMultiDocumentStreamInOrder() {
    List<K8sObject> all = ManifestFixtures.all();
    String yaml = Manifests.toYaml(all);
    assertEquals(all.size() - 1, yaml.split("\n---\n", -1).length - 1, yaml);
    assertTrue(yaml.startsWith("apiVersion: v1\nkind: Node\n"), yaml);
    List<HasMetadata> back = Manifests.fromYaml(yaml);
    assertEquals(Manifests.toFabric8(all), back);
    assertEquals(all.stream().map(o -> o.kind().kindName()).toList(),
        back.stream().map(HasMetadata::getKind).toList());
  }

  @Test
  void renderingIsByteStable() {
    String first = Manifests.toYaml(ManifestFixtures.all());
    String second = Manifests.toYaml(ManifestFixtures.all());
    assertEquals(first, second);
    // a fabric8 object whose maps were filled in another order prints the same bytes
    var svc = (io.fabric8.kubernetes.api.model.Service) Manifests.toFabric8(
        ManifestFixtures.headlessService());
    LinkedHashMap<String, String> reversed = new LinkedHashMap<>();
    reversed.put("etcd_cluster", "etcd");
    reversed.put("app", "etcd");
    svc.getMetadata().setLabels(reversed);
    svc.getSpec().setSelector(new LinkedHashMap<>(reversed));
    assertEquals(Manifests.toYaml(ManifestFixtures.headlessService()), Manifests.yamlOf(svc));
    // and a different object prints different bytes
    assertNotEquals(first, Manifests.toYaml(ManifestFixtures.all().subList(1, 3)));
  }

  @Test
  void stringsAYaml11ReaderWouldRetypeAreQuoted() {
    TreeMap<String, String> data = new TreeMap<>();
    for (String v : List.of("yes", "no", "on", "Off", "true", "null", "~", "0x1F", "1e3", "0755",
        "12", "1.5", "2024-01-01", "10:20", "", " padded ", "a: b", "#comment", "*ref",
        "-dash", "plain-value", "quay.io/coreos/etcd:v3.4", "ends:")) {
      data.put("k" + data.size(), v);
    }
    data.put("1", "numeric key");
    data.put("multi", "line one\nline two\n");
    ConfigMap cm = new ConfigMap(ObjectMeta.of("ns", "tricky"), data);
    String yaml = Manifests.toYaml(cm);
    // fabric8 reads every value back unchanged...
    var back = (io.fabric8.kubernetes.api.model.ConfigMap) Manifests.fromYaml(yaml).get(0);
    assertEquals(data, new TreeMap<>(back.getData()));
    // ...and so does a YAML 1.1 reader with implicit typing (SnakeYAML, like kubectl's go-yaml)
    Map<String, Object> raw = new Yaml().load(yaml);
    @SuppressWarnings("unchecked")
    Map<Object, Object> rawData = (Map<Object, Object>) raw.get("data");
    for (Map.Entry<Object, Object> e : rawData.entrySet()) {
      assertInstanceOf(String.class, e.getKey(), "key " + e.getKey() + " in\n" + yaml);
      assertInstanceOf(String.class, e.getValue(), "value of " + e.getKey() + " in\n" + yaml);
    }
    assertEquals(data, new TreeMap<>(rawData));
    assertTrue(yaml.contains(": plain-value\n") && yaml.contains(": quay.io/coreos/etcd:v3.4\n"),
        "ordinary strings stay unquoted:\n" + yaml);
    assertTrue(yaml.contains(": \"yes\"\n") && yaml.contains(": \"0x1F\"\n")
        && yaml.contains("\n  \"1\": "), yaml);
    assertTrue(yaml.contains("multi: |\n    line one\n    line two\n"), yaml);
  }

  @Test
  void fromYamlRejectsWhatIsNoObject() {
    assertThrows(IllegalArgumentException.class, () -> Manifests.fromYaml("- a\n- b\n"));
    assertThrows(IllegalArgumentException.class, () -> Manifests.fromYaml("a: [unclosed\n"));
  }

  // ---------------------------------------------------------------- the operators' objects

  /** Runs a strategy for a while and returns every object in the store. */
  static List<K8sObject> objectsOf(BootstrapStrategy strategy) {
    K8sWorld w = new K8sWorld(7, Budget.of(5_000_000, 3_600_000_000L), false);
    for (int i = 0; i < 3; i++) {
      w.store().create(new Node(ObjectMeta.of("", "ip-10-0-1-" + i + ".ec2.internal")
          .withLabels(ManifestFixtures.map("dedicated", "pd")),
          List.of(Taint.parse("dedicated=pd:NoSchedule")), new Resources(4_000, 16_384),
          List.of("/mnt/disks/ssd0"), "us-west-2a", true, false));
    }
    int[] next = {0};
    w.store().watch(Kind.POD, e -> {
      Pod now = w.store().get(Kind.POD, e.object().meta().key());
      if (now != null && !now.scheduled()) {
        String node = "ip-10-0-1-" + (next[0]++ % 3) + ".ec2.internal";
        w.modify(Kind.POD, now.meta().key(), (Pod x) -> x.withSpec(x.spec().withNodeName(node)));
      }
    });
    strategy.install(w, new ClusterSpec("tidb-cluster", "basic-pd", 3, "pd",
        ManifestFixtures.map("dedicated", "pd"), ManifestFixtures.pdTolerations(), 0, 0));
    w.sim().runUntil(60_000_000L);
    List<K8sObject> out = new ArrayList<>();
    for (Kind k : Kind.values()) {
      if (k != Kind.ENDPOINTS) {
        out.addAll(w.store().list(k));
      }
    }
    return out;
  }

  @Test
  void everyObjectTheOperatorsCreateRoundTrips() {
    for (BootstrapStrategy s : Strategies.all()) {
      List<K8sObject> objects = objectsOf(s);
      assertTrue(objects.stream().anyMatch(o -> o.kind() == Kind.POD), s.name());
      assertTrue(objects.stream().anyMatch(o -> o.kind() == Kind.SERVICE), s.name());
      if (s == Strategies.STATIC || s == Strategies.SEED_JOIN_LEARNER) {
        assertTrue(objects.stream().anyMatch(o -> o.kind() == Kind.STATEFUL_SET), s.name());
      }
      if (s == Strategies.SEED_JOIN_LEARNER) {
        // its pods take the initial cluster from the ConfigMap at each start (envFrom)
        assertTrue(objects.stream().anyMatch(o -> o.kind() == Kind.CONFIG_MAP), s.name());
        assertTrue(objects.stream().anyMatch(o -> o instanceof io.pdlab.k8s.api.Pod p
            && p.spec().containers().get(0).envFrom().equals("basic-pd-state")), s.name());
        assertTrue(Manifests.toYaml(objects).contains("configMapRef"), s.name());
      }
      List<HasMetadata> rendered = Manifests.toFabric8(objects);
      assertEquals(rendered, Manifests.fromYaml(Manifests.toYaml(objects)), s.name());
    }
  }
}
