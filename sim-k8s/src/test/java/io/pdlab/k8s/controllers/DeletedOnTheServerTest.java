package io.pdlab.k8s.controllers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.pdlab.k8s.api.Container;
import io.pdlab.k8s.api.Kind;
import io.pdlab.k8s.api.ObjectMeta;
import io.pdlab.k8s.api.Pod;
import io.pdlab.k8s.api.PodSpec;
import io.pdlab.k8s.api.PodStatus;
import io.pdlab.k8s.api.Resources;
import io.pdlab.k8s.store.MemoryStore;
import io.pdlab.k8s.store.ObjectStore;
import io.pdlab.sim.Budget;
import io.pdlab.sim.Simulation;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * On a real API server (the k8s backend) another controller's delete can reach the server before
 * its watch event reaches the world, whose cache still holds the object: the world's writes then
 * meet a 404. The model's update loop drops the object, as a client-go controller does, instead
 * of failing the run (a k8s run scaling PD in failed so, with "Pod basic/basic-pd-3 not found",
 * when the real StatefulSet controller deleted the pod while the node agent wrote its status).
 */
class DeletedOnTheServerTest {
  /**
   * A world on a store whose server side has deleted {@code gone}, while its cache (what {@code
   * get} and {@code list} read) still holds it: writes of it are 404s.
   */
  static K8sWorld world(Set<String> gone) {
    Simulation sim = new Simulation(1, Budget.of(1_000_000, 60_000_000L), false);
    MemoryStore cache = new MemoryStore(sim, K8sConstants.WATCH_DELAY_US);
    ObjectStore api = (ObjectStore) Proxy.newProxyInstance(ObjectStore.class.getClassLoader(),
        new Class<?>[] {ObjectStore.class}, (proxy, method, args) -> {
          boolean write = method.getName().equals("update") || method.getName().equals("delete");
          if (write) {
            String key = method.getName().equals("update")
                ? ((io.pdlab.k8s.api.K8sObject) args[0]).meta().key() : (String) args[1];
            if (gone.contains(key)) {
              throw new ObjectStore.NotFoundException("Pod \"" + key + "\" not found");
            }
          }
          try {
            return method.invoke(cache, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
    return new K8sWorld(sim, null, SimContainerRuntime::new, api, null);
  }

  static Pod pod(String name) {
    PodSpec spec = new PodSpec("n0", new TreeMap<>(), List.of(), new Resources(500, 1_024), null,
        List.of(), List.of(new Container("etcd", "etcd:3.4", "simple", List.of())), "Always",
        null, null);
    return new Pod(ObjectMeta.of("ns", name), spec, PodStatus.PENDING);
  }

  @Test
  void anUpdateOfAnObjectTheServerDeletedDropsIt() {
    Set<String> gone = new HashSet<>();
    K8sWorld w = world(gone);
    w.store().create(pod("p-0"));
    assertEquals("ns/p-0", w.modify(Kind.POD, "ns/p-0", (Pod p) -> p).meta().key(),
        "written while the server has it");
    gone.add("ns/p-0");
    assertNull(w.modify(Kind.POD, "ns/p-0", (Pod p) -> p.withStatus(p.status()
        .withPhase("Running", ""))), "gone at the server: dropped");
    // the store itself still says so: only the update loop takes a 404 for "gone"
    assertThrows(ObjectStore.NotFoundException.class, () -> w.store().update(
        w.store().<Pod>get(Kind.POD, "ns/p-0")));
  }

  @Test
  void deletingAPodTheServerDeletedIsDone() {
    Set<String> gone = new HashSet<>();
    K8sWorld w = world(gone);
    w.store().create(pod("p-1"));
    gone.add("ns/p-1");
    w.deletePod("ns/p-1"); // no 404 out of it
    gone.clear();
    w.deletePod("ns/p-1");
    assertNull(w.store().get(Kind.POD, "ns/p-1"));
  }
}
