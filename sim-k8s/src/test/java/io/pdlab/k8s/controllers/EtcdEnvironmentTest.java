package io.pdlab.k8s.controllers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pdlab.k8s.api.ConfigMap;
import io.pdlab.k8s.api.Container;
import io.pdlab.k8s.api.ObjectMeta;
import io.pdlab.k8s.api.Pod;
import io.pdlab.k8s.api.PodSpec;
import io.pdlab.k8s.api.PodStatus;
import io.pdlab.k8s.api.Resources;
import io.pdlab.pd.etcd.EtcdConfig;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * A container's etcd flags as etcd 3.4.23 reads them: from its args (after the kubelet's
 * {@code $(VAR)} expansion), else from {@code ETCD_*} in its environment, and never from both
 * (real etcd exits "conflicting environment variable ... is shadowed", as the learner operator's
 * StatefulSet once made it do at every start on real kubelets).
 */
class EtcdEnvironmentTest {
  static Pod pod(List<String> args) {
    PodSpec spec = new PodSpec(null, new TreeMap<>(), List.of(), Resources.NONE, null, List.of(),
        List.of(new Container("etcd", "etcd:3.4", "etcd", args, Container.NO_PROBE, "state")),
        "Always", "e-0", "e");
    return new Pod(ObjectMeta.of("ns", "e-0"), spec, PodStatus.PENDING);
  }

  static K8sWorld world(Map<String, String> env) {
    K8sWorld w = KubeletAndSetTest.world();
    w.store().create(new ConfigMap(ObjectMeta.of("ns", "state"), new TreeMap<>(env)));
    return w;
  }

  @Test
  void flagsComeFromTheEnvironmentWhenTheArgsLackThem() {
    K8sWorld w = world(Map.of("ETCD_INITIAL_CLUSTER", "e-0=http://e-0.e.ns.svc:2380",
        "ETCD_INITIAL_CLUSTER_STATE", "existing", "ETCD_DATA_DIR", "/var/lib/etcd"));
    Pod p = pod(List.of("--timing=etcd"));
    EtcdConfig cfg = SimContainerRuntime.etcdConfig(p, p.spec().containers().get(0), w.store(),
        Map.of());
    assertEquals(Map.of("e-0", "http://e-0.e.ns.svc:2380"), cfg.initialCluster());
    assertEquals(EtcdConfig.State.EXISTING, cfg.state());
    assertEquals("etcd-cluster", cfg.token(), "neither given: etcd's default");
  }

  @Test
  void argsExpandTheEnvironmentAndWinOverNothing() {
    K8sWorld w = world(Map.of("CLUSTER", "e-0=http://e-0.e.ns.svc:2380"));
    Pod p = pod(List.of("--initial-cluster=$(CLUSTER)", "--initial-cluster-token=t"));
    EtcdConfig cfg = SimContainerRuntime.etcdConfig(p, p.spec().containers().get(0), w.store(),
        Map.of());
    assertEquals(Map.of("e-0", "http://e-0.e.ns.svc:2380"), cfg.initialCluster());
    assertEquals(EtcdConfig.State.NEW, cfg.state());
    assertEquals("t", cfg.token());
  }

  @Test
  void aVariableShadowedByItsFlagIsRefusedWithEtcdsMessage() {
    K8sWorld w = world(Map.of("ETCD_INITIAL_CLUSTER", "e-0=http://e-0.e.ns.svc:2380"));
    Pod p = pod(List.of("--initial-cluster=$(ETCD_INITIAL_CLUSTER)"));
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> SimContainerRuntime.etcdConfig(p, p.spec().containers().get(0), w.store(),
            Map.of()));
    assertTrue(e.getMessage().contains("pod ns/e-0 container etcd: etcd would exit: conflicting"
        + " environment variable \"ETCD_INITIAL_CLUSTER\" is shadowed by corresponding"
        + " command-line flag"), e.getMessage());
  }

  @Test
  void aMissingConfigMapIsRefused() {
    K8sWorld w = KubeletAndSetTest.world();
    Pod p = pod(List.of());
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> SimContainerRuntime.etcdConfig(p, p.spec().containers().get(0), w.store(),
            Map.of()));
    assertEquals("pod ns/e-0: configmap \"state\" not found", e.getMessage());
  }
}
