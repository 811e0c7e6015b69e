package io.pdlab.k8s.store;

import io.pdlab.k8s.api.K8sObject;
import io.pdlab.k8s.api.Kind;
import io.pdlab.sim.Scheduler;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Objects by kind and {@code namespace/name}, each write stamped with the next resourceVersion
 * (one counter for the whole store, as etcd's revision). Updates are conditional on the
 * resourceVersion the writer read, like the real API server; a stale write fails with {@link
 * ObjectStore.ConflictException}. Watchers are told of every write after {@code watchDelayUs},
 * in write order, from events of their own, so a controller never runs inside another's write.
 */
public final class MemoryStore implements ObjectStore {
  private final Scheduler scheduler;
  private final long watchDelayUs;
  private final EnumMap<Kind, TreeMap<String, K8sObject>> objects = new EnumMap<>(Kind.class);
  private final EnumMap<Kind, List<Consumer<WatchEvent>>> watchers = new EnumMap<>(Kind.class);
  private long revision;
  private long writes;

  public MemoryStore(Scheduler scheduler, long watchDelayUs) {
    if (watchDelayUs < 0) {
      throw new IllegalArgumentException("watch delay must be >= 0 us, got " + watchDelayUs);
    }
    this.scheduler = scheduler;
    this.watchDelayUs = watchDelayUs;
    for (Kind k : Kind.values()) {
      objects.put(k, new TreeMap<>());
      watchers.put(k, new ArrayList<>());
    }
  }

  /** The store's current revision (the last resourceVersion handed out). */
  @Override
  public long revision() {
    return revision;
  }

  /** Writes so far (creates, updates, deletes). */
  @Override
  public long writes() {
    return writes;
  }

  /** Creates an object; its resourceVersion and creation time are set here. */
  @SuppressWarnings("unchecked")
  @Override
  public <T extends K8sObject> T create(T obj) {
    checkScope(obj);
    TreeMap<String, K8sObject> byKey = objects.get(obj.kind());
    String key = obj.meta().key();
    if (byKey.containsKey(key)) {
      throw new AlreadyExistsException(obj.kind().kindName() + " \"" + key + "\" already exists");
    }
    T stored = (T) obj.withMeta(obj.meta().withVersion(++revision, scheduler.nowUs()));
    byKey.put(key, stored);
    notifyLater(new WatchEvent(WatchEvent.Type.ADDED, stored));
    return stored;
  }

  /**
   * Replaces an object if the writer saw its current version ({@code obj.meta().resourceVersion()}
   * must equal the stored one).
   *
   * @throws ConflictException if someone wrote it since
   * @throws NotFoundException if it does not exist
   */
  @SuppressWarnings("unchecked")
  @Override
  public <T extends K8sObject> T update(T obj) {
    K8sObject current = require(obj.kind(), obj.meta().key());
    if (current.meta().resourceVersion() != obj.meta().resourceVersion()) {
      throw new ConflictException("Operation cannot be fulfilled on " + obj.kind().kindName()
          + " \"" + obj.meta().key() + "\": the object has been modified (have version "
          + obj.meta().resourceVersion() + ", stored " + current.meta().resourceVersion() + ")");
    }
    T stored = (T) obj.withMeta(obj.meta().withVersion(++revision, current.meta().createdUs()));
    objects.get(obj.kind()).put(obj.meta().key(), stored);
    notifyLater(new WatchEvent(WatchEvent.Type.MODIFIED, stored));
    return stored;
  }

  /** Deletes an object; deleting a missing one is a {@link NotFoundException}. */
  @Override
  public K8sObject delete(Kind kind, String key) {
    K8sObject gone = require(kind, key);
    objects.get(kind).remove(key);
    revision++;
    notifyLater(new WatchEvent(WatchEvent.Type.DELETED, gone));
    return gone;
  }

  /** The object, or null. */
  @SuppressWarnings("unchecked")
  @Override
  public <T extends K8sObject> T get(Kind kind, String key) {
    return (T) objects.get(kind).get(key);
  }

  /** All objects of a kind, in key order. */
  @SuppressWarnings("unchecked")
  @Override
  public <T extends K8sObject> List<T> list(Kind kind) {
    return (List<T>) new ArrayList<>(objects.get(kind).values());
  }

  /** Objects of a kind that match, in key order. */
  @Override
  public <T extends K8sObject> List<T> list(Kind kind, Predicate<T> filter) {
    return ObjectStore.matching(objects.get(kind).values(), filter);
  }

  /** Objects of a namespaced kind in {@code namespace}, in key order (a range, not a scan). */
  @Override
  public <T extends K8sObject> List<T> listIn(Kind kind, String namespace, Predicate<T> filter) {
    return ObjectStore.matching(ObjectStore.inNamespace(objects.get(kind), namespace).values(),
        filter);
  }

  @Override
  public int count(Kind kind) {
    return objects.get(kind).size();
  }

  /** Registers a watcher of a kind; it hears of writes made from now on. */
  @Override
  public void watch(Kind kind, Consumer<WatchEvent> watcher) {
    watchers.get(kind).add(watcher);
  }

  private K8sObject require(Kind kind, String key) {
    K8sObject current = objects.get(kind).get(key);
    if (current == null) {
      throw new NotFoundException(kind.kindName() + " \"" + key + "\" not found");
    }
    return current;
  }

  private void checkScope(K8sObject obj) {
    boolean hasNs = !obj.meta().namespace().isEmpty();
    if (hasNs != obj.kind().namespaced()) {
      throw new IllegalArgumentException(obj.kind().kindName() + " \"" + obj.meta().key()
          + "\" is " + (obj.kind().namespaced() ? "namespaced and needs a namespace"
          : "cluster-scoped and takes no namespace"));
    }
  }

  private void notifyLater(WatchEvent e) {
    writes++;
    List<Consumer<WatchEvent>> ws = watchers.get(e.object().kind());
    if (ws.isEmpty()) {
      return;
    }
    List<Consumer<WatchEvent>> snapshot = List.copyOf(ws);
    scheduler.schedule(watchDelayUs, () -> {
      for (Consumer<WatchEvent> w : snapshot) {
        w.accept(e);
      }
    });
  }
}
