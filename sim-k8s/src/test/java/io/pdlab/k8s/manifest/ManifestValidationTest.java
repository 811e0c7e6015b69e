package io.pdlab.k8s.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.pdlab.k8s.api.Container;
import io.pdlab.k8s.api.K8sObject;
import io.pdlab.k8s.api.Kind;
import io.pdlab.k8s.api.Node;
import io.pdlab.k8s.api.ObjectMeta;
import io.pdlab.k8s.api.PersistentVolume;
import io.pdlab.k8s.api.Pod;
import io.pdlab.k8s.api.PodSpec;
import io.pdlab.k8s.api.PodStatus;
import io.pdlab.k8s.api.PodTemplate;
import io.pdlab.k8s.api.Resources;
import io.pdlab.k8s.api.Service;
import io.pdlab.k8s.api.StatefulSet;
import io.pdlab.k8s.api.Taint;
import io.pdlab.k8s.api.Toleration;
import io.pdlab.k8s.controllers.K8sWorld;
import io.pdlab.k8s.operator.BootstrapStrategy;
import io.pdlab.k8s.operator.ClusterSpec;
import io.pdlab.k8s.operator.Strategies;
import io.pdlab.sim.Budget;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** validate() says what a real API server would reject, and passes what the operators create. */
class ManifestValidationTest {
  static boolean mentions(List<String> problems, String... parts) {
    for (String p : problems) {
      boolean all = true;
      for (String part : parts) {
        all &= p.contains(part);
      }
      if (all) {
        return true;
      }
    }
    return false;
  }

  // ---------------------------------------------------------------- the apimachinery rules

  @Test
  void dns1123SubdomainIsLowercaseAlnumDashDotAndAtMost253() {
    assertTrue(ApiRules.isDns1123Subdomain("etcd-0000").isEmpty());
    assertTrue(ApiRules.isDns1123Subdomain("ip-10-0-1-5.us-west-2.compute.internal").isEmpty());
    assertFalse(ApiRules.isDns1123Subdomain("PD_0").isEmpty());
    assertFalse(ApiRules.isDns1123Subdomain("-pd").isEmpty());
    assertFalse(ApiRules.isDns1123Subdomain("pd.").isEmpty());
    assertFalse(ApiRules.isDns1123Subdomain("").isEmpty());
    String max = ("a".repeat(63) + ".").repeat(3) + "a".repeat(61); // 253 characters
    assertEquals(253, max.length());
    assertTrue(ApiRules.isDns1123Subdomain(max).isEmpty());
    assertEquals(List.of("must be no more than 253 characters"),
        ApiRules.isDns1123Subdomain(max + "a"));
  }

  @Test
  void labelsAreAtMost63AndDns1035LabelsStartWithALetter() {
    assertTrue(ApiRules.isDns1123Label("a".repeat(63)).isEmpty());
    assertEquals(List.of("must be no more than 63 characters"),
        ApiRules.isDns1123Label("a".repeat(64)));
    assertFalse(ApiRules.isDns1123Label("a.b").isEmpty());
    assertTrue(ApiRules.isDns1123Label("0pd").isEmpty());
    assertFalse(ApiRules.isDns1035Label("0pd").isEmpty());
    assertTrue(ApiRules.isDns1035Label("basic-pd-peer").isEmpty());
    assertFalse(ApiRules.isDns1035Label("pd-").isEmpty());
  }

  @Test
  void labelKeysAreQualifiedNamesAndValuesAreShort() {
    assertTrue(ApiRules.isQualifiedName("app").isEmpty());
    assertTrue(ApiRules.isQualifiedName("app.kubernetes.io/component").isEmpty());
    assertTrue(ApiRules.isQualifiedName("etcd_cluster").isEmpty());
    assertTrue(ApiRules.isQualifiedName("Upper.Case_ok").isEmpty());
    assertFalse(ApiRules.isQualifiedName("a/b/c").isEmpty());
    assertEquals(List.of("prefix part must be non-empty"), ApiRules.isQualifiedName("/x"));
    assertEquals(List.of("name part must be non-empty"), ApiRules.isQualifiedName("pdlab.io/"));
    assertFalse(ApiRules.isQualifiedName("Bad_Prefix/x").isEmpty());
    assertFalse(ApiRules.isQualifiedName("has space").isEmpty());
    assertEquals(List.of("name part must be no more than 63 characters"),
        ApiRules.isQualifiedName("x".repeat(64)));
    assertTrue(ApiRules.isValidLabelValue("").isEmpty());
    assertTrue(ApiRules.isValidLabelValue("v7.5.0").isEmpty());
    assertFalse(ApiRules.isValidLabelValue("-x").isEmpty());
    assertFalse(ApiRules.isValidLabelValue("a/b").isEmpty());
    assertEquals(List.of("must be no more than 63 characters"),
        ApiRules.isValidLabelValue("v".repeat(64)));
  }

  @Test
  void portNamesAreIanaServiceNames() {
    assertTrue(ApiRules.isValidPortName("client").isEmpty());
    assertFalse(ApiRules.isValidPortName("2379").isEmpty(), "needs a letter");
    assertFalse(ApiRules.isValidPortName("peer--x").isEmpty());
    assertFalse(ApiRules.isValidPortName("a-very-long-port-name").isEmpty());
    assertFalse(ApiRules.isValidPortNum(0).isEmpty());
    assertFalse(ApiRules.isValidPortNum(65536).isEmpty());
  }

  // ---------------------------------------------------------------- objects

  @Test
  void everyFixtureIsAccepted() {
    for (K8sObject o : ManifestFixtures.all()) {
      assertEquals(List.of(), Manifests.validate(o), o.kind() + " " + o.meta().key());
    }
  }

  @Test
  void anInvalidPodNameIsRejected() {
    Pod p = ManifestFixtures.etcdPod();
    List<String> problems = Manifests.validate(p.withMeta(new ObjectMeta(p.meta().namespace(),
        "PD_0", p.meta().labels(), p.meta().annotations(), 0, 0)));
    assertTrue(mentions(problems, "metadata.name: Invalid value: \"PD_0\"",
        "RFC 1123 subdomain"), problems.toString());
  }

  @Test
  void aServiceNameMustBeADns1035LabelOfAtMost63() {
    Service s = ManifestFixtures.headlessService();
    String name64 = "etcd-" + "x".repeat(59);
    assertEquals(64, name64.length());
    List<String> tooLong = Manifests.validate(s.withMeta(ObjectMeta.of("ns", name64)));
    assertTrue(mentions(tooLong, "metadata.name", "must be no more than 63 characters"),
        tooLong.toString());
    assertEquals(List.of(), Manifests.validate(s.withMeta(ObjectMeta.of("ns",
        name64.substring(1)))));
    // a name a Pod may have but a Service may not
    List<String> digit = Manifests.validate(s.withMeta(ObjectMeta.of("ns", "0etcd")));
    assertTrue(mentions(digit, "DNS-1035 label"), digit.toString());
  }

  @Test
  void aStatefulSetWhoseSelectorMissesItsTemplateIsRejected() {
    var set = (io.fabric8.kubernetes.api.model.apps.StatefulSet) Manifests.toFabric8(
        ManifestFixtures.pdSet());
    assertEquals(List.of(), Manifests.validate(set));
    set.getSpec().getSelector().getMatchLabels().put("app.kubernetes.io/component", "tikv");
    List<String> problems = Manifests.validate(set);
    assertTrue(mentions(problems, "spec.template.metadata.labels",
        "`selector` does not match template `labels`"), problems.toString());
    set.getSpec().getSelector().getMatchLabels().clear();
    problems = Manifests.validate(set);
    assertTrue(mentions(problems, "empty selector is invalid for statefulset"),
        problems.toString());
  }

  @Test
  void workloadTemplatesMustRestartAlways() {
    StatefulSet set = ManifestFixtures.pdSet();
    PodTemplate t = set.template();
    PodSpec s = t.spec();
    PodSpec never = new PodSpec(null, s.nodeSelector(), s.tolerations(), s.requests(),
        s.antiAffinityLabel(), s.claims(), s.containers(), "Never", null, null);
    List<String> problems = Manifests.validate(new StatefulSet(set.meta(), 3, "Parallel",
        set.serviceName(), new PodTemplate(t.labels(), never), set.claimTemplate()));
    assertTrue(mentions(problems, "spec.template.spec.restartPolicy: Unsupported value: "
        + "\"Never\": supported values: \"Always\""), problems.toString());
  }

  @Test
  void podsNeedContainersWithImagesAndValidIdentity() {
    PodSpec none = new PodSpec(null, new TreeMap<>(), List.of(), Resources.NONE, null,
        List.of(), List.of(), "Always", "Etcd_0", "etcd");
    List<String> problems = Manifests.validate(new Pod(ObjectMeta.of("ns", "etcd-0"), none,
        PodStatus.PENDING));
    assertTrue(problems.contains("spec.containers: Required value"), problems.toString());
    assertTrue(mentions(problems, "spec.hostname: Invalid value: \"Etcd_0\""),
        problems.toString());

    PodSpec noImage = new PodSpec(null, new TreeMap<>(), List.of(), Resources.NONE, null,
        List.of(), List.of(new Container("etcd", "", "etcd", List.of()),
            new Container("etcd", " etcd:3.4", "etcd", List.of())), "Sometimes", null, null);
    problems = Manifests.validate(new Pod(ObjectMeta.of("ns", "etcd-0"), noImage,
        PodStatus.PENDING));
    assertTrue(problems.contains("spec.containers[0].image: Required value"),
        problems.toString());
    assertTrue(mentions(problems, "spec.containers[1].name: Duplicate value: \"etcd\""),
        problems.toString());
    assertTrue(mentions(problems, "spec.containers[1].image", "leading or trailing whitespace"),
        problems.toString());
    assertTrue(mentions(problems, "spec.restartPolicy: Unsupported value: \"Sometimes\""),
        problems.toString());
  }

  @Test
  void labelsTolerationsAndSelectorsFollowTheirSyntax() {
    TreeMap<String, String> labels = new TreeMap<>();
    labels.put("bad key", "x");
    labels.put("app", "-starts-with-dash");
    PodSpec spec = new PodSpec(null, ManifestFixtures.map("dedicated", "p d"),
        List.of(new Toleration("", "Equal", "pd", Taint.Effect.NoSchedule)), Resources.NONE,
        null, List.of(), List.of(ManifestFixtures.etcdContainer()), "Always", null, null);
    List<String> problems = Manifests.validate(new Pod(ObjectMeta.of("ns", "etcd-0")
        .withLabels(labels), spec, PodStatus.PENDING));
    assertTrue(mentions(problems, "metadata.labels: Invalid value: \"bad key\""),
        problems.toString());
    assertTrue(mentions(problems, "metadata.labels: Invalid value: \"-starts-with-dash\""),
        problems.toString());
    assertTrue(mentions(problems, "spec.nodeSelector: Invalid value: \"p d\""),
        problems.toString());
    assertTrue(mentions(problems, "spec.tolerations[0].operator",
        "operator must be Exists when `key` is empty"), problems.toString());

    // fabric8-level: an Exists toleration with a value (our rendering drops it; others may not)
    var pod = (io.fabric8.kubernetes.api.model.Pod) Manifests.toFabric8(
        ManifestFixtures.etcdPod());
    pod.getSpec().getTolerations().get(1).setValue("x");
    problems = Manifests.validate(pod);
    assertTrue(mentions(problems, "value must be empty when `operator` is 'Exists'"),
        problems.toString());
  }

  @Test
  void aLocalPvNeedsNodeAffinityAndEveryPvASource() {
    PersistentVolume pv = ManifestFixtures.localPv();
    List<String> noAffinity = Manifests.validate(new PersistentVolume(pv.meta(),
        pv.storageClass(), pv.capacityGi(), null, pv.path(), null));
    assertTrue(noAffinity.contains(
        "spec.nodeAffinity: Required value: Local volume requires node affinity"),
        noAffinity.toString());
    List<String> noSource = Manifests.validate(new PersistentVolume(pv.meta(),
        "gp2", 10, null, null, null));
    assertTrue(noSource.contains("spec: Required value: must specify a volume type"),
        noSource.toString());
  }

  @Test
  void serverOwnedOrScopeBreakingMetadataIsRejected() {
    var node = Manifests.toFabric8(ManifestFixtures.node());
    node.getMetadata().setNamespace("tidb-cluster");
    node.getMetadata().setResourceVersion("42");
    List<String> problems = Manifests.validate(node);
    assertTrue(problems.contains("metadata.namespace: Forbidden: not allowed on this type"),
        problems.toString());
    assertTrue(mentions(problems, "metadata.resourceVersion: Forbidden"), problems.toString());
    var tc = Manifests.toFabric8(ManifestFixtures.tidbCluster());
    tc.getMetadata().setNamespace("Bad_NS");
    problems = Manifests.validate(tc);
    assertTrue(mentions(problems, "metadata.namespace: Invalid value: \"Bad_NS\""),
        problems.toString());
  }

  @Test
  void aServiceWithSeveralPortsNamesEachAndAHeadlessOneMayHaveNone() {
    var svc = (io.fabric8.kubernetes.api.model.Service) Manifests.toFabric8(
        ManifestFixtures.headlessService());
    svc.getSpec().getPorts().forEach(p -> p.setName(null));
    List<String> problems = Manifests.validate(svc);
    assertTrue(problems.contains("spec.ports[0].name: Required value"), problems.toString());
    assertEquals(List.of(), Manifests.validate(new Service(ObjectMeta.of("ns", "etcd"),
        ManifestFixtures.etcdLabels(), true, true, List.of(), "ClusterIP")));
    List<String> normal = Manifests.validate(new Service(ObjectMeta.of("ns", "etcd"),
        ManifestFixtures.etcdLabels(), false, false, List.of(), "ClusterIP"));
    assertEquals(List.of("spec.ports: Required value"), normal);
  }

  @Test
  void aNodeTaintNeedsAValidKeyAndValue() {
    Node n = ManifestFixtures.node();
    List<String> problems = Manifests.validate(new Node(n.meta(), List.of(
        new Taint("dedicated", "p/d", Taint.Effect.NoSchedule),
        new Taint("dedicated", "pd", Taint.Effect.NoSchedule)), n.allocatable(), n.disks(),
        n.zone(), true, false));
    assertTrue(mentions(problems, "spec.taints[0].value: Invalid value: \"p/d\""),
        problems.toString());
    assertTrue(mentions(problems, "spec.taints[1]: Duplicate value"), problems.toString());
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
  void everyObjectTheOperatorsCreateIsAcceptedAndRoundTrips() {
    for (BootstrapStrategy s : Strategies.all()) {
      List<K8sObject> objects = objectsOf(s);
      assertTrue(objects.stream().anyMatch(o -> o.kind() == Kind.POD), s.name());
      assertTrue(objects.stream().anyMatch(o -> o.kind() == Kind.SERVICE), s.name());
      if (s == Strategies.STATIC) {
        assertTrue(objects.stream().anyMatch(o -> o.kind() == Kind.STATEFUL_SET), s.name());
      }
      for (K8sObject o : objects) {
        assertEquals(List.of(), Manifests.validate(o), s.name() + " " + o.kind() + " "
            + o.meta().key());
      }
      List<HasMetadata> rendered = Manifests.toFabric8(objects);
      assertEquals(rendered, Manifests.fromYaml(Manifests.toYaml(objects)), s.name());
    }
  }
}
