package io.pdlab.k8s.store;

import io.pdlab.k8s.api.K8sObject;
import io.pdlab.k8s.api.Kind;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The Kubernetes API as the model's controllers and operators use it: objects by kind and {@code
 * namespace/name}, conditional updates on the resourceVersion the writer read, and watches. Two
 * implementations: {@link MemoryStore}, the simulator's API server, and the {@code k8s} backend's
 * store over a real API server (module real). Reads come from what the store has seen (as an
 * informer's cache does); writes go to the server. Watchers are called on the world's thread,
 * never inside another's write.
 */
public interface ObjectStore {
  /** The newest resourceVersion this store has seen. */
  long revision();

  /** Writes made through this store so far (creates, updates, deletes). */
  long writes();

  /**
   * Creates an object; the server sets its resourceVersion and creation time.
   *
   * @throws AlreadyExistsException if one of that kind and key exists
   */
  <T extends K8sObject> T create(T obj);

  /**
   * Replaces an object if the writer saw its current version ({@code obj.meta().resourceVersion()}
   * must equal the stored one).
   *
   * @throws ConflictException if someone wrote it since
   * @throws NotFoundException if it does not exist
   */
  <T extends K8sObject> T update(T obj);

  /** Deletes an object; deleting a missing one is a {@link NotFoundException}. */
  K8sObject delete(Kind kind, String key);

  /** The object, or null. */
  <T extends K8sObject> T get(Kind kind, String key);

  /** All objects of a kind, in key order. */
  <T extends K8sObject> List<T> list(Kind kind);

  /** Objects of a kind that match, in key order. */
  <T extends K8sObject> List<T> list(Kind kind, Predicate<T> filter);

  /** Objects of a namespaced kind in {@code namespace} that match, in key order. */
  <T extends K8sObject> List<T> listIn(Kind kind, String namespace, Predicate<T> filter);

  /** How many objects of a kind there are. */
  int count(Kind kind);

  /** Registers a watcher of a kind; it hears of writes made from now on. */
  void watch(Kind kind, Consumer<WatchEvent> watcher);

  /** The objects of {@code objects} that {@code filter} accepts, in their order. */
  @SuppressWarnings("unchecked")
  static <T extends K8sObject> List<T> matching(Iterable<K8sObject> objects,
      Predicate<T> filter) {
    List<T> out = new java.util.ArrayList<>();
    for (K8sObject o : objects) {
      if (filter.test((T) o)) {
        out.add((T) o);
      }
    }
    return out;
  }

  /** The entries of a {@code namespace/name}-keyed map in {@code namespace}: a range, no scan. */
  static <V> java.util.SortedMap<String, V> inNamespace(java.util.TreeMap<String, V> byKey,
      String namespace) {
    return byKey.subMap(namespace + "/", namespace + "/\uffff");
  }

  /** The API server's 409 Conflict on a stale update. */
  final class ConflictException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConflictException(String message) {
      super(message);
    }
  }

  /** The API server's 409 AlreadyExists. */
  final class AlreadyExistsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public AlreadyExistsException(String message) {
      super(message);
    }
  }

  /** The API server's 404. */
  final class NotFoundException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public NotFoundException(String message) {
      super(message);
    }
  }
}
