package io.pdlab.k8s.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pdlab.k8s.api.ConfigMap;
import io.pdlab.k8s.api.Kind;
import io.pdlab.k8s.api.Node;
import io.pdlab.k8s.api.ObjectMeta;
import io.pdlab.k8s.api.Resources;
import io.pdlab.sim.Budget;
import io.pdlab.sim.Simulation;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ObjectStoreTest {
  private Simulation sim;
  private ObjectStore store;
  private final List<String> seen = new ArrayList<>();

  @BeforeEach
  void setUp() {
    sim = new Simulation(1, Budget.of(10_000, 10_000_000), false);
    store = new MemoryStore(sim, 1_000);
  }

  private static ConfigMap cm(String name, String value) {
    TreeMap<String, String> d = new TreeMap<>();
    d.put("v", value);
    return new ConfigMap(ObjectMeta.of("ns", name), d);
  }

  @Test
  void everyWriteGetsTheNextResourceVersion() {
    ConfigMap a = store.create(cm("a", "1"));
    ConfigMap b = store.create(cm("b", "1"));
    assertEquals(1, a.meta().resourceVersion());
    assertEquals(2, b.meta().resourceVersion());
    ConfigMap a2 = store.update(cm("a", "2").withMeta(a.meta()));
    assertEquals(3, a2.meta().resourceVersion());
    assertEquals("2", ((ConfigMap) store.get(Kind.CONFIG_MAP, "ns/a")).data().get("v"));
    assertEquals(3, store.revision());
  }

  @Test
  void staleUpdatesConflictLikeTheApiServer() {
    ConfigMap a = store.create(cm("a", "1"));
    store.update(cm("a", "2").withMeta(a.meta()));
    ObjectStore.ConflictException e = assertThrows(ObjectStore.ConflictException.class,
        () -> store.update(cm("a", "3").withMeta(a.meta())));
    assertTrue(e.getMessage().contains("the object has been modified"), e.getMessage());
    assertThrows(ObjectStore.AlreadyExistsException.class, () -> store.create(cm("a", "x")));
    assertThrows(ObjectStore.NotFoundException.class,
        () -> store.update(cm("zz", "x")));
    assertThrows(ObjectStore.NotFoundException.class, () -> store.delete(Kind.CONFIG_MAP, "ns/z"));
  }

  @Test
  void scopesAreChecked() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> store.create(new ConfigMap(ObjectMeta.of("", "x"), new TreeMap<>())));
    assertTrue(e.getMessage().contains("namespaced"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> store.create(new Node(
        ObjectMeta.of("ns", "n"), List.of(), Resources.NONE, List.of(), "a", true, false)));
  }

  @Test
  void watchersHearEveryWriteLaterAndInOrder() {
    store.watch(Kind.CONFIG_MAP, e -> seen.add(e.type() + " " + e.object().meta().name() + "@"
        + e.object().meta().resourceVersion() + " t=" + sim.nowUs()));
    ConfigMap a = store.create(cm("a", "1"));
    store.update(cm("a", "2").withMeta(a.meta()));
    store.delete(Kind.CONFIG_MAP, "ns/a");
    assertEquals(List.of(), seen, "nothing is delivered inside the writer's own event");
    sim.run();
    assertEquals(List.of("ADDED a@1 t=1000", "MODIFIED a@2 t=1000", "DELETED a@2 t=1000"), seen);
    assertNull(store.get(Kind.CONFIG_MAP, "ns/a"));
    assertEquals(3, store.writes());
  }

  @Test
  void listsAreInKeyOrderAndFilterable() {
    store.create(cm("c", "1"));
    store.create(cm("a", "2"));
    store.create(cm("b", "1"));
    List<ConfigMap> all = store.list(Kind.CONFIG_MAP);
    assertEquals(List.of("a", "b", "c"), all.stream().map(c -> c.meta().name()).toList());
    List<ConfigMap> ones = store.list(Kind.CONFIG_MAP, (ConfigMap c) -> c.data().get("v")
        .equals("1"));
    assertEquals(List.of("b", "c"), ones.stream().map(c -> c.meta().name()).toList());
    assertEquals(3, store.count(Kind.CONFIG_MAP));
  }
}
