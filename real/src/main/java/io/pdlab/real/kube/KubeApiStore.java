package io.pdlab.real.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.pdlab.k8s.api.K8sObject;
import io.pdlab.k8s.api.Kind;
import io.pdlab.k8s.manifest.Manifests;
import io.pdlab.k8s.manifest.ModelObjects;
import io.pdlab.k8s.store.ObjectStore;
import io.pdlab.k8s.store.WatchEvent;
import io.pdlab.sim.Scheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The model's {@link ObjectStore} over a real API server (the {@code k8s} backend): the
 * operators, the discovery service, the start script and the node agent read and write the same
 * objects as in the simulator, and a real apiserver, scheduler and controller-manager act on them.
 *
 * <p>It works as a controller built on client-go does. Reads come from a cache fed by one
 * informer (list and watch) per kind and by the answers to this store's own writes; an entry is
 * only replaced by a newer resourceVersion (a real server's resourceVersion is its etcd
 * revision), and a deleted key ignores events older than its deletion. Watchers are told of what
 * the watches deliver, on the world's thread. Writes go to the server and fail as it fails:
 * 409 AlreadyExists, 409 Conflict on a stale resourceVersion, 404. An update is sent as a JSON
 * merge patch of what the model changed (the difference between the old and the new object as
 * the model renders them, so fields the server defaulted are left alone), with the
 * resourceVersion the writer read as its precondition; a change of {@code status} goes to the
 * status subresource, as the real API requires.
 *
 * <p>Nodes created through it are pdlab's agent nodes: they are registered with {@link
 * NodeHeartbeats} and heartbeat from then on. Pods are deleted at once (grace period 0): the
 * agent that runs them stops their containers when it hears of the deletion, as a kubelet does
 * before it confirms one. A namespace is created on first use, and a write into it waits until
 * its {@code default} ServiceAccount exists (pods are refused before it does).
 *
 * <p>Every method except {@link #start} and {@link #close} runs on the world's thread; the
 * informers' threads only convert and post.
 */
public final class KubeApiStore implements ObjectStore, AutoCloseable {
  private static final System.Logger LOG = System.getLogger(KubeApiStore.class.getName());
  /** How long a new namespace may take to get its default ServiceAccount (controller-manager). */
  static final Duration SERVICE_ACCOUNT_WAIT = Duration.ofSeconds(30);
  /** How long the informers' first lists may take. */
  static final Duration SYNC_WAIT = Duration.ofSeconds(30);
  /** Kinds with a status subresource: their status is written there and only there. */
  private static final Set<Kind> STATUS_SUBRESOURCE = EnumSet.of(Kind.POD, Kind.NODE,
      Kind.SERVICE, Kind.PERSISTENT_VOLUME, Kind.PERSISTENT_VOLUME_CLAIM, Kind.STATEFUL_SET,
      Kind.DEPLOYMENT, Kind.TIDB_CLUSTER);

  private final KubernetesClient client;
  private final KubernetesSerialization json;
  private final Scheduler world;
  private final NodeHeartbeats heartbeats;
  private final EnumMap<Kind, TreeMap<String, K8sObject>> cache = new EnumMap<>(Kind.class);
  /** Per kind and key: the revision at which this store deleted it (older events are stale). */
  private final EnumMap<Kind, TreeMap<String, Long>> deletedAt = new EnumMap<>(Kind.class);
  private final EnumMap<Kind, List<Consumer<WatchEvent>>> watchers = new EnumMap<>(Kind.class);
  private final List<SharedIndexInformer<GenericKubernetesResource>> informers = new ArrayList<>();
  private final Set<String> namespaces = new HashSet<>();
  private long revision;
  private long writes;
  private volatile boolean closed;
  /** The address the node agent gives a pod it runs (null: none); see {@link #setPodAddresses}. */
  private java.util.function.Function<io.pdlab.k8s.api.Pod, String> podAddress = p -> null;

  /**
   * @param client the API server's client
   * @param world where watch events are delivered (the run's world; its thread)
   * @param heartbeats registers and heartbeats the nodes created through this store
   */
  public KubeApiStore(KubernetesClient client, Scheduler world, NodeHeartbeats heartbeats) {
    this.client = client;
    this.json = client.getKubernetesSerialization();
    this.world = world;
    this.heartbeats = heartbeats;
    for (Kind k : kinds()) {
      cache.put(k, new TreeMap<>());
      deletedAt.put(k, new TreeMap<>());
      watchers.put(k, new ArrayList<>());
    }
  }

  /**
   * How the node agent addresses the pods it runs: a Running pod's status written through this
   * store carries that address as {@code podIP}/{@code podIPs}, as a kubelet reports its pods'.
   */
  public void setPodAddresses(java.util.function.Function<io.pdlab.k8s.api.Pod, String> address) {
    this.podAddress = java.util.Objects.requireNonNull(address, "address");
  }

  /** The API server's client, for what the model's objects do not hold (tests, reports). */
  public KubernetesClient client() {
    return client;
  }

  /** The kinds this store holds: every kind the model has a type for. */
  static List<Kind> kinds() {
    List<Kind> out = new ArrayList<>();
    for (Kind k : Kind.values()) {
      if (k != Kind.ENDPOINTS) {
        out.add(k);
      }
    }
    return out;
  }

  /**
   * Starts an informer per kind and waits until each has listed what exists. Call it from any
   * thread but the world's (the first lists are delivered there). The TidbCluster CRD must be
   * installed first.
   */
  public void start() {
    for (Kind k : kinds()) {
      SharedIndexInformer<GenericKubernetesResource> inf = resources(k).inAnyNamespace()
          .inform(new Handler(k), 0);
      informers.add(inf);
    }
    for (SharedIndexInformer<GenericKubernetesResource> inf : informers) {
      try {
        inf.start().toCompletableFuture().get(SYNC_WAIT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        throw new IllegalStateException("the API server's watch of " + inf.getApiTypeClass()
            .getSimpleName() + " did not start within " + SYNC_WAIT.toSeconds() + " s: " + e, e);
      }
    }
  }

  private MixedOperation<GenericKubernetesResource, io.fabric8.kubernetes.api.model
      .GenericKubernetesResourceList, Resource<GenericKubernetesResource>> resources(Kind k) {
    return client.genericKubernetesResources(k.apiVersion(), k.kindName());
  }

  private Resource<GenericKubernetesResource> resource(Kind k, String namespace, String name) {
    return k.namespaced() ? resources(k).inNamespace(namespace).withName(name)
        : resources(k).withName(name);
  }

  // ------------------------------------------------------------------ reads

  @Override
  public long revision() {
    return revision;
  }

  @Override
  public long writes() {
    return writes;
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T extends K8sObject> T get(Kind kind, String key) {
    return (T) cache.get(kind).get(key);
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T extends K8sObject> List<T> list(Kind kind) {
    return (List<T>) new ArrayList<>(cache.get(kind).values());
  }

  @Override
  public <T extends K8sObject> List<T> list(Kind kind, Predicate<T> filter) {
    return ObjectStore.matching(cache.get(kind).values(), filter);
  }

  @Override
  public <T extends K8sObject> List<T> listIn(Kind kind, String namespace, Predicate<T> filter) {
    return ObjectStore.matching(ObjectStore.inNamespace(cache.get(kind), namespace).values(),
        filter);
  }

  @Override
  public int count(Kind kind) {
    return cache.get(kind).size();
  }

  @Override
  public void watch(Kind kind, Consumer<WatchEvent> watcher) {
    watchers.get(kind).add(watcher);
  }

  // ------------------------------------------------------------------ writes

  /**
   * Where the local volumes of a kubelet node are on this host (null: not a kubelet node): a
   * local PV's path {@code /mnt/disks/ssd1} on such a node is {@code <root>/mnt/disks/ssd1} on
   * the server (created here), since a real kubelet mounts it; the model keeps its own path.
   */
  public void setLocalVolumeRoots(java.util.function.Function<String, java.nio.file.Path> roots) {
    this.localVolumeRoot = roots;
  }

  private volatile java.util.function.Function<String, java.nio.file.Path> localVolumeRoot =
      n -> null;

  private static io.pdlab.k8s.api.PersistentVolume withPath(io.pdlab.k8s.api.PersistentVolume pv,
      String path) {
    return new io.pdlab.k8s.api.PersistentVolume(pv.meta(), pv.storageClass(), pv.capacityGi(),
        pv.nodeAffinity(), path, pv.claim());
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T extends K8sObject> T create(T obj) {
    if (obj instanceof io.pdlab.k8s.api.PersistentVolume pv && pv.path() != null) {
      java.nio.file.Path root = localVolumeRoot.apply(pv.nodeAffinity());
      if (root != null) {
        java.nio.file.Path host = java.nio.file.Path.of(root + pv.path());
        try {
          java.nio.file.Files.createDirectories(host);
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException("cannot make local volume " + host + ": " + e, e);
        }
        obj = (T) withPath(pv, host.toString());
      }
    }
    Kind k = obj.kind();
    String ns = obj.meta().namespace();
    if (k.namespaced()) {
      ensureNamespace(ns);
    }
    HasMetadata created;
    try {
      if (k == Kind.NODE && heartbeats != null) {
        heartbeats.register((io.fabric8.kubernetes.api.model.Node) Manifests.toFabric8(obj));
        created = resource(k, ns, obj.meta().name()).get();
      } else {
        GenericKubernetesResource g = json.convertValue(toApi(obj),
            GenericKubernetesResource.class);
        created = k.namespaced() ? resources(k).inNamespace(ns).resource(g).create()
            : resources(k).resource(g).create();
      }
    } catch (KubernetesClientException e) {
      throw translate(e, k, obj.meta().key());
    }
    writes++;
    return (T) remember(k, created);
  }

  /**
   * {@code obj} as the API server holds it: the model's object ({@link Manifests#toFabric8})
   * whose pods, and pod templates, give each container its name as {@link
   * LaunchServer#CONTAINER_ENV}, which {@code pdlab-launch} sends pdlab (on a kubelet node, a
   * pod's init containers and then its app container ask). The model reads no {@code env} back
   * ({@code ModelObjects}); an update's patch is computed between two such objects, so it keeps
   * the variable.
   */
  static HasMetadata toApi(K8sObject obj) {
    HasMetadata f = Manifests.toFabric8(obj);
    if (f instanceof io.fabric8.kubernetes.api.model.Pod p) {
      namedContainers(p.getSpec());
    } else if (f instanceof io.fabric8.kubernetes.api.model.apps.StatefulSet s
        && s.getSpec() != null && s.getSpec().getTemplate() != null) {
      namedContainers(s.getSpec().getTemplate().getSpec());
    } else if (f instanceof io.fabric8.kubernetes.api.model.apps.Deployment d
        && d.getSpec() != null && d.getSpec().getTemplate() != null) {
      namedContainers(d.getSpec().getTemplate().getSpec());
    }
    return f;
  }

  private static void namedContainers(io.fabric8.kubernetes.api.model.PodSpec spec) {
    if (spec == null) {
      return;
    }
    List<io.fabric8.kubernetes.api.model.Container> all = new ArrayList<>();
    if (spec.getContainers() != null) {
      all.addAll(spec.getContainers());
    }
    if (spec.getInitContainers() != null) {
      all.addAll(spec.getInitContainers());
    }
    for (io.fabric8.kubernetes.api.model.Container c : all) {
      List<io.fabric8.kubernetes.api.model.EnvVar> env = c.getEnv() == null ? new ArrayList<>()
          : new ArrayList<>(c.getEnv());
      env.removeIf(e -> e.getName().equals(LaunchServer.CONTAINER_ENV));
      env.add(new io.fabric8.kubernetes.api.model.EnvVar(LaunchServer.CONTAINER_ENV, c.getName(),
          null));
      c.setEnv(env);
    }
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T extends K8sObject> T update(T obj) {
    Kind k = obj.kind();
    String key = obj.meta().key();
    K8sObject old = cache.get(k).get(key);
    if (old == null) {
      throw new NotFoundException(k.kindName() + " \"" + key + "\" not found");
    }
    if (old.meta().resourceVersion() != obj.meta().resourceVersion()) {
      throw new ConflictException("Operation cannot be fulfilled on " + k.kindName() + " \""
          + key + "\": the object has been modified (have version "
          + obj.meta().resourceVersion() + ", seen " + old.meta().resourceVersion() + ")");
    }
    ObjectNode patch = mergePatch(json.convertValue(toApi(old), JsonNode.class),
        json.convertValue(toApi(obj), JsonNode.class));
    if (patch == null) {
      return (T) old; // nothing the server holds changes
    }
    JsonNode status = STATUS_SUBRESOURCE.contains(k) ? patch.remove("status") : null;
    long rv = old.meta().resourceVersion();
    HasMetadata result = null;
    Resource<GenericKubernetesResource> r = resource(k, obj.meta().namespace(),
        obj.meta().name());
    try {
      if (patch.size() > 0) {
        result = r.patch(PatchContext.of(PatchType.JSON_MERGE), withVersion(patch, rv));
        rv = versionOf(result);
      }
      if (status != null) {
        if (obj instanceof io.pdlab.k8s.api.Pod pod && status instanceof ObjectNode st
            && "Running".equals(pod.status().phase())) {
          String ip = podAddress.apply(pod);
          if (ip != null) {
            st.put("podIP", ip);
            st.set("podIPs", JsonNodeFactory.instance.arrayNode().add(
                JsonNodeFactory.instance.objectNode().put("ip", ip)));
          }
        }
        ObjectNode p = JsonNodeFactory.instance.objectNode();
        p.set("status", status);
        result = r.subresource("status").patch(PatchContext.of(PatchType.JSON_MERGE),
            withVersion(p, rv));
      }
    } catch (KubernetesClientException e) {
      if (result != null) {
        remember(k, result); // the first half went through
      }
      if (e.getCode() == 409) {
        // Someone wrote in between and the watch has not brought it yet: read it from the
        // server, as client-go's RetryOnConflict callers GET before they try again, so that
        // the caller's next read is not the same stale version.
        try {
          GenericKubernetesResource fresh = r.get();
          if (fresh != null) {
            remember(k, fresh);
          }
        } catch (KubernetesClientException again) {
          e.addSuppressed(again);
        }
      }
      throw translate(e, k, key);
    }
    writes++;
    return (T) remember(k, result);
  }

  @Override
  public K8sObject delete(Kind kind, String key) {
    K8sObject gone = cache.get(kind).get(key);
    String ns = kind.namespaced() ? key.substring(0, key.indexOf('/')) : "";
    String name = key.substring(key.indexOf('/') + 1);
    List<io.fabric8.kubernetes.api.model.StatusDetails> details;
    try {
      details = kind == Kind.POD ? resource(kind, ns, name).withGracePeriod(0).delete()
          : resource(kind, ns, name).delete();
    } catch (KubernetesClientException e) {
      throw translate(e, kind, key);
    }
    if (details.isEmpty() && gone == null) {
      throw new NotFoundException(kind.kindName() + " \"" + key + "\" not found");
    }
    if (kind == Kind.NODE && heartbeats != null) {
      heartbeats.stop(name);
    }
    cache.get(kind).remove(key);
    deletedAt.get(kind).put(key, revision);
    writes++;
    return gone;
  }

  /** Creates {@code ns} if this store has not seen it, and waits for its default account. */
  private void ensureNamespace(String ns) {
    if (namespaces.contains(ns)) {
      return;
    }
    if (client.namespaces().withName(ns).get() == null) {
      try {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns)
            .endMetadata().build()).create();
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw new IllegalStateException("cannot create namespace " + ns + ": " + e.getMessage(),
              e);
        }
      }
    }
    try {
      client.serviceAccounts().inNamespace(ns).withName("default").waitUntilCondition(
          sa -> sa != null, SERVICE_ACCOUNT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (KubernetesClientException e) {
      throw new IllegalStateException("namespace " + ns + " has no default ServiceAccount after "
          + SERVICE_ACCOUNT_WAIT.toSeconds() + " s (is the controller-manager running?): "
          + e.getMessage(), e);
    }
    namespaces.add(ns);
  }

  /**
   * RFC 7386: the merge patch that turns {@code from} into {@code to} (objects merged key by
   * key, a removed key set to null, anything else replaced whole); null when they are equal.
   */
  static ObjectNode mergePatch(JsonNode from, JsonNode to) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    Iterator<Map.Entry<String, JsonNode>> it = to.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode before = from.get(e.getKey());
      JsonNode after = e.getValue();
      if (before == null || !before.equals(after)) {
        if (before != null && before.isObject() && after.isObject()) {
          ObjectNode sub = mergePatch(before, after);
          if (sub != null) {
            out.set(e.getKey(), sub);
          }
        } else {
          out.set(e.getKey(), after);
        }
      }
    }
    Iterator<String> names = from.fieldNames();
    while (names.hasNext()) {
      String n = names.next();
      if (!to.has(n)) {
        out.putNull(n);
      }
    }
    return out.size() == 0 ? null : out;
  }

  private static String withVersion(ObjectNode patch, long rv) {
    ObjectNode p = patch.deepCopy();
    JsonNode meta = p.get("metadata");
    ObjectNode m = meta instanceof ObjectNode o ? o : p.putObject("metadata");
    m.put("resourceVersion", Long.toString(rv));
    return p.toString();
  }

  private static long versionOf(HasMetadata o) {
    String rv = o.getMetadata().getResourceVersion();
    return rv == null ? 0 : Long.parseLong(rv);
  }

  private static RuntimeException translate(KubernetesClientException e, Kind kind, String key) {
    String what = kind.kindName() + " \"" + key + "\"";
    String reason = e.getStatus() != null ? e.getStatus().getReason() : null;
    return switch (e.getCode()) {
      case 409 -> "AlreadyExists".equals(reason)
          ? new AlreadyExistsException(what + " already exists")
          : new ConflictException("Operation cannot be fulfilled on " + what + ": "
              + e.getMessage());
      case 404 -> new NotFoundException(what + " not found");
      default -> new IllegalStateException("the API server refused a write of " + what + ": "
          + e.getMessage(), e);
    };
  }

  // ------------------------------------------------------------------ cache

  /** Puts what the server returned into the cache, unless the cache already has newer. */
  private K8sObject remember(Kind k, HasMetadata real) {
    K8sObject o = toModel(k, real);
    apply(k, o, false);
    return cache.get(k).getOrDefault(o.meta().key(), o);
  }

  private K8sObject toModel(Kind k, HasMetadata real) {
    K8sObject o = ModelObjects.fromFabric8(k, real instanceof GenericKubernetesResource g
        && k != Kind.TIDB_CLUSTER ? json.convertValue(g, typeOf(k)) : real);
    if (o instanceof io.pdlab.k8s.api.PersistentVolume pv) {
      java.nio.file.Path root = localVolumeRoot.apply(pv.nodeAffinity());
      if (root != null && pv.path() != null && pv.path().startsWith(root + "/")) {
        o = withPath(pv, pv.path().substring(root.toString().length()));
      }
    }
    return o;
  }

  /** The fabric8 type the model's converter takes for {@code k}. */
  static Class<? extends HasMetadata> typeOf(Kind k) {
    return switch (k) {
      case NODE -> io.fabric8.kubernetes.api.model.Node.class;
      case POD -> io.fabric8.kubernetes.api.model.Pod.class;
      case SERVICE -> io.fabric8.kubernetes.api.model.Service.class;
      case ENDPOINTS -> io.fabric8.kubernetes.api.model.Endpoints.class;
      case CONFIG_MAP -> io.fabric8.kubernetes.api.model.ConfigMap.class;
      case PERSISTENT_VOLUME -> io.fabric8.kubernetes.api.model.PersistentVolume.class;
      case PERSISTENT_VOLUME_CLAIM -> io.fabric8.kubernetes.api.model.PersistentVolumeClaim.class;
      case STORAGE_CLASS -> io.fabric8.kubernetes.api.model.storage.StorageClass.class;
      case STATEFUL_SET -> io.fabric8.kubernetes.api.model.apps.StatefulSet.class;
      case DEPLOYMENT -> io.fabric8.kubernetes.api.model.apps.Deployment.class;
      case TIDB_CLUSTER -> GenericKubernetesResource.class;
    };
  }

  /** Whether {@code o} (a write or an event) is newer than what the cache has; stores it if so. */
  private boolean apply(Kind k, K8sObject o, boolean deleted) {
    String key = o.meta().key();
    long rv = o.meta().resourceVersion();
    revision = Math.max(revision, rv);
    Long gone = deletedAt.get(k).get(key);
    if (gone != null && rv <= gone) {
      return false;
    }
    K8sObject have = cache.get(k).get(key);
    if (deleted) {
      if (have == null || have.meta().resourceVersion() <= rv) {
        cache.get(k).remove(key);
        deletedAt.get(k).put(key, rv);
        return true;
      }
      return false;
    }
    if (have != null && have.meta().resourceVersion() >= rv) {
      return have.meta().resourceVersion() == rv; // our own write, heard back
    }
    deletedAt.get(k).remove(key);
    cache.get(k).put(key, o);
    return true;
  }

  private void deliver(Kind k, WatchEvent.Type type, K8sObject o) {
    if (closed) {
      return;
    }
    apply(k, o, type == WatchEvent.Type.DELETED);
    for (Consumer<WatchEvent> w : List.copyOf(watchers.get(k))) {
      w.accept(new WatchEvent(type, o));
    }
  }

  private void confirmDeletion(String ns, String name) {
    if (closed) {
      return;
    }
    try {
      resource(Kind.POD, ns, name).withGracePeriod(0).delete();
    } catch (KubernetesClientException e) {
      LOG.log(System.Logger.Level.DEBUG, "confirming the deletion of pod " + ns + "/" + name
          + ": " + e.getMessage());
    }
  }

  /** An informer's events, converted on its thread and delivered on the world's. */
  private final class Handler implements ResourceEventHandler<GenericKubernetesResource> {
    private final Kind kind;

    Handler(Kind kind) {
      this.kind = kind;
    }

    private void post(WatchEvent.Type type, GenericKubernetesResource g) {
      if (closed) {
        return;
      }
      K8sObject o;
      try {
        o = toModel(kind, g);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "cannot read " + kind.kindName() + " "
            + g.getMetadata().getName() + " from the API server: " + e);
        return;
      }
      // A pod being deleted gracefully (a controller's delete) on one of the agent's nodes: the
      // agent stops its container when the deletion completes, and completes it now, as a
      // kubelet confirms a deletion once the containers are gone.
      boolean confirm = kind == Kind.POD && type != WatchEvent.Type.DELETED && heartbeats != null
          && g.getMetadata().getDeletionTimestamp() != null
          && g.get("spec", "nodeName") != null
          && !heartbeats.kubeletNode(String.valueOf((Object) g.get("spec", "nodeName")));
      try {
        world.schedule(0, confirm ? () -> confirmDeletion(g.getMetadata().getNamespace(),
            g.getMetadata().getName()) : () -> deliver(kind, type, o));
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // the run ended meanwhile
      }
    }

    @Override
    public void onAdd(GenericKubernetesResource obj) {
      post(WatchEvent.Type.ADDED, obj);
    }

    @Override
    public void onUpdate(GenericKubernetesResource oldObj, GenericKubernetesResource newObj) {
      if (!oldObj.getMetadata().getResourceVersion().equals(newObj.getMetadata()
          .getResourceVersion())) {
        post(WatchEvent.Type.MODIFIED, newObj);
      }
    }

    @Override
    public void onDelete(GenericKubernetesResource obj, boolean deletedFinalStateUnknown) {
      post(WatchEvent.Type.DELETED, obj);
    }
  }

  /** Stops the informers. The objects stay on the server (the control plane goes with the run). */
  @Override
  public void close() {
    closed = true;
    for (SharedIndexInformer<GenericKubernetesResource> inf : informers) {
      try {
        inf.close();
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.DEBUG, "closing an informer: " + e);
      }
    }
  }
}
