package io.pdlab.k8s.manifest;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.pdlab.k8s.api.ConfigMap;
import io.pdlab.k8s.api.Container;
import io.pdlab.k8s.api.Deployment;
import io.pdlab.k8s.api.K8sObject;
import io.pdlab.k8s.api.Kind;
import io.pdlab.k8s.api.Node;
import io.pdlab.k8s.api.ObjectMeta;
import io.pdlab.k8s.api.PersistentVolume;
import io.pdlab.k8s.api.PersistentVolumeClaim;
import io.pdlab.k8s.api.Pod;
import io.pdlab.k8s.api.PodSpec;
import io.pdlab.k8s.api.PodStatus;
import io.pdlab.k8s.api.PodTemplate;
import io.pdlab.k8s.api.Resources;
import io.pdlab.k8s.api.Service;
import io.pdlab.k8s.api.StatefulSet;
import io.pdlab.k8s.api.StorageClass;
import io.pdlab.k8s.api.Taint;
import io.pdlab.k8s.api.TidbCluster;
import io.pdlab.k8s.api.Toleration;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The way back from fabric8 model objects to the model's lean records ({@link
 * Manifests#toFabric8(K8sObject)} renders them): {@link #fromFabric8} reads back what a real
 * API server returns or a watch delivers, so the model's operators can run against one.
 *
 * <p>What is inverted: everything {@code Fabric8Objects} derives from a model field goes back into
 * that field and out of the labels and annotations. A node's {@code kubernetes.io/hostname} label
 * (when it equals the node's name) and its {@code topology.kubernetes.io/zone} label become its
 * zone, {@code pdlab.io/local-disks} its disks; {@code pdlab.io/role} becomes the containers'
 * roles and {@code pdlab.io/init-role} the init containers'; the containers' requests the pod's
 * requests; PVC volumes the claims, in order; the
 * required pod anti-affinity term over {@code kubernetes.io/hostname} the anti-affinity label; a
 * claim template's namespace is its StatefulSet's. So for every object the model writes, {@code
 * fromFabric8(kind, Manifests.toFabric8(o))} equals {@code o} once the server's resourceVersion and
 * creationTimestamp are those of {@code o}.
 *
 * <p>What is dropped, because the model has no field for it: what a server defaults (dnsPolicy,
 * schedulerName, terminationGracePeriodSeconds, imagePullPolicy, clusterIP, targetPort, update
 * strategies, revisionHistoryLimit, volumeMode, reclaim policy of a PV, ...), controllers'
 * status (StatefulSet, Deployment, PV and PVC phases; a PV's claimRef and a PVC's volumeName are
 * kept), node conditions other than Ready, volumes that are not PVCs (service-account tokens),
 * tolerations with {@code tolerationSeconds} (admission's default not-ready/unreachable ones;
 * the model cannot say "for 300 s"), derived container ports, Service port names, selectors of
 * workloads (the model's controllers select exactly the template's labels), template annotations
 * other than the role, and every volume claim template after the first. Labels and annotations
 * that servers and controllers add (controller-revision-hash, pod-template-hash, kubelet's os and
 * arch labels, kubectl's last-applied-configuration) are kept as they are.
 *
 * <p>Absent fields read as the API's default where it has one (restartPolicy Always, Service type
 * ClusterIP, StatefulSet podManagementPolicy OrderedReady, one replica, StorageClass binding mode
 * Immediate and reclaim policy Delete, toleration operator Equal, pod phase Pending), otherwise as
 * what {@code Fabric8Objects} leaves out: empty strings and maps, {@link Resources#NONE}, null for
 * a pod's node, hostname and subdomain, a PV's path, affinity and claim, a PVC's class and volume.
 * Quantities are rounded to the model's units: capacities down, requests up.
 */
public final class ModelObjects {
  /** The label a kubelet's zone comes from on EKS (k8s.io/api core/v1 LabelTopologyZone). */
  private static final String ZONE_LABEL = Fabric8Objects.ZONE_LABEL;
  private static final String HOSTNAME_LABEL = Fabric8Objects.HOSTNAME_LABEL;
  private static final BigDecimal MIB = BigDecimal.valueOf(1L << 20);
  private static final BigDecimal GIB = BigDecimal.valueOf(1L << 30);
  private static final BigDecimal THOUSAND = BigDecimal.valueOf(1_000);

  private ModelObjects() {}


  /**
   * The model record of {@code o}, an object of kind {@code kind} as a real API server returns
   * it (or as {@link Manifests#toFabric8(K8sObject)} renders it).
   *
   * @throws IllegalArgumentException naming the object if it is not of {@code kind} (a typed
   *     fabric8 class of another kind, or a generic resource that is no TidbCluster), if {@code
   *     kind} is ENDPOINTS (the model derives Endpoints and has no record for them), or if a field
   *     the model needs cannot be read (a resourceVersion that is no number, a bad quantity)
   */
  public static K8sObject fromFabric8(Kind kind, HasMetadata o) {
    if (o == null) {
      throw new IllegalArgumentException("no object to read as a " + kind.kindName());
    }
    if (o.getMetadata() == null || o.getMetadata().getName() == null) {
      throw new IllegalArgumentException("a " + o.getKind() + " without a name cannot be read as"
          + " a " + kind.kindName());
    }
    try {
      return switch (kind) {
        case NODE -> node(as(io.fabric8.kubernetes.api.model.Node.class, kind, o));
        case POD -> pod(as(io.fabric8.kubernetes.api.model.Pod.class, kind, o));
        case SERVICE -> service(as(io.fabric8.kubernetes.api.model.Service.class, kind, o));
        case PERSISTENT_VOLUME -> persistentVolume(
            as(io.fabric8.kubernetes.api.model.PersistentVolume.class, kind, o));
        case PERSISTENT_VOLUME_CLAIM -> persistentVolumeClaim(
            as(io.fabric8.kubernetes.api.model.PersistentVolumeClaim.class, kind, o));
        case STORAGE_CLASS -> storageClass(
            as(io.fabric8.kubernetes.api.model.storage.StorageClass.class, kind, o));
        case STATEFUL_SET -> statefulSet(
            as(io.fabric8.kubernetes.api.model.apps.StatefulSet.class, kind, o));
        case DEPLOYMENT -> deployment(
            as(io.fabric8.kubernetes.api.model.apps.Deployment.class, kind, o));
        case CONFIG_MAP -> configMap(as(io.fabric8.kubernetes.api.model.ConfigMap.class, kind, o));
        case TIDB_CLUSTER -> tidbCluster(tidbResource(o));
        case ENDPOINTS -> throw new IllegalArgumentException("the model has no Endpoints record"
            + " (the store derives them): cannot read " + describe(o));
      };
    } catch (IllegalArgumentException | NullPointerException | ArithmeticException e) {
      // a field the model requires is missing or malformed: say which object it was
      if (e instanceof IllegalArgumentException && e.getMessage() != null
          && e.getMessage().contains(describe(o))) {
        throw e;
      }
      throw new IllegalArgumentException("cannot read " + describe(o) + " as a "
          + kind.kindName() + ": "
          + (e instanceof IllegalArgumentException ? e.getMessage() : e.toString()), e);
    }
  }

  // ---------------------------------------------------------------- checks

  private static <T extends HasMetadata> T as(Class<T> type, Kind kind, HasMetadata o) {
    if (!type.isInstance(o)) {
      throw new IllegalArgumentException(describe(o) + " is a " + o.getClass().getSimpleName()
          + ", not a " + kind.kindName());
    }
    return type.cast(o);
  }

  private static GenericKubernetesResource tidbResource(HasMetadata o) {
    if (!(o instanceof GenericKubernetesResource g)
        || !Kind.TIDB_CLUSTER.kindName().equals(g.getKind())) {
      throw new IllegalArgumentException(describe(o) + " is a " + o.getClass().getSimpleName()
          + " of kind " + o.getKind() + ", not a generic " + Kind.TIDB_CLUSTER.kindName());
    }
    String apiVersion = g.getApiVersion();
    if (apiVersion != null && !apiVersion.startsWith("pingcap.com/")) {
      throw new IllegalArgumentException(describe(o) + " has apiVersion " + apiVersion
          + ", not " + Kind.TIDB_CLUSTER.apiVersion());
    }
    return g;
  }

  /** {@code Kind namespace/name}, the evidence every exception carries. */
  private static String describe(HasMetadata o) {
    io.fabric8.kubernetes.api.model.ObjectMeta m = o.getMetadata();
    String ns = m.getNamespace() == null || m.getNamespace().isEmpty() ? ""
        : m.getNamespace() + "/";
    return o.getKind() + " " + ns + m.getName();
  }

  // ---------------------------------------------------------------- metadata

  /**
   * Namespace, name, labels and annotations as the server has them minus the {@code dropLabels}
   * and {@code dropAnnotations} the model keeps in fields; resourceVersion (an etcd revision on a
   * real server) and creationTimestamp in microseconds, 0 when absent.
   */
  static ObjectMeta meta(io.fabric8.kubernetes.api.model.ObjectMeta m, List<String> dropLabels,
      List<String> dropAnnotations) {
    TreeMap<String, String> labels = sorted(m.getLabels());
    dropLabels.forEach(labels::remove);
    TreeMap<String, String> annotations = sorted(m.getAnnotations());
    dropAnnotations.forEach(annotations::remove);
    return new ObjectMeta(m.getNamespace(), m.getName(), labels, annotations,
        resourceVersion(m.getResourceVersion()), createdUs(m.getCreationTimestamp()));
  }

  static ObjectMeta meta(io.fabric8.kubernetes.api.model.ObjectMeta m) {
    return meta(m, List.of(), List.of());
  }

  static long resourceVersion(String rv) {
    if (rv == null || rv.isEmpty()) {
      return 0;
    }
    try {
      return Long.parseLong(rv);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("resourceVersion '" + rv + "' is no etcd revision", e);
    }
  }

  /** RFC 3339 (a server writes whole seconds, {@code Z}) to epoch microseconds. */
  static long createdUs(String timestamp) {
    if (timestamp == null || timestamp.isEmpty()) {
      return 0;
    }
    try {
      Instant t = OffsetDateTime.parse(timestamp).toInstant();
      return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L),
          t.getNano() / 1_000);
    } catch (DateTimeParseException | ArithmeticException e) {
      throw new IllegalArgumentException("creationTimestamp '" + timestamp + "' is no RFC 3339"
          + " time", e);
    }
  }

  private static TreeMap<String, String> sorted(Map<String, String> m) {
    return m == null ? new TreeMap<>() : new TreeMap<>(m);
  }

  private static boolean isSet(String s) {
    return s != null && !s.isEmpty();
  }

  private static String orElse(String s, String dflt) {
    return isSet(s) ? s : dflt;
  }

  // ---------------------------------------------------------------- quantities

  /** {@code q} in units of {@code unit}, rounded as {@code mode}; 0 when absent. */
  static long amount(Quantity q, BigDecimal unit, RoundingMode mode) {
    if (q == null) {
      return 0;
    }
    try {
      return q.getNumericalAmount().divide(unit, 0, mode).longValueExact();
    } catch (ArithmeticException | NumberFormatException e) {
      throw new IllegalArgumentException("quantity '" + q + "' is out of range or malformed", e);
    }
  }

  /** CPU in millicores and memory in MiB of a requests or allocatable map. */
  static Resources resources(Map<String, Quantity> m, RoundingMode mode) {
    if (m == null) {
      return Resources.NONE;
    }
    return new Resources(amount(m.get("cpu"), BigDecimal.ONE.divide(THOUSAND), mode),
        amount(m.get("memory"), MIB, mode));
  }

  static long gibibytes(Map<String, Quantity> m, RoundingMode mode) {
    return m == null ? 0 : amount(m.get("storage"), GIB, mode);
  }

  // ---------------------------------------------------------------- Node

  static Node node(io.fabric8.kubernetes.api.model.Node n) {
    io.fabric8.kubernetes.api.model.ObjectMeta m = n.getMetadata();
    Map<String, String> labels = m.getLabels() == null ? new TreeMap<>() : m.getLabels();
    List<String> dropLabels = new ArrayList<>();
    // kubernetes.io/hostname is derived only when it is the node's name (as a kubelet sets it
    // and Fabric8Objects renders it); another value is a label of the node's own.
    if (m.getName().equals(labels.get(HOSTNAME_LABEL))) {
      dropLabels.add(HOSTNAME_LABEL);
    }
    String zone = orElse(labels.get(ZONE_LABEL), "");
    dropLabels.add(ZONE_LABEL);
    Map<String, String> annotations =
        m.getAnnotations() == null ? new TreeMap<>() : m.getAnnotations();
    List<String> disks = new ArrayList<>();
    String diskList = annotations.get(Fabric8Objects.DISKS_ANNOTATION);
    if (isSet(diskList)) {
      for (String d : diskList.split(",")) {
        if (!d.isBlank()) {
          disks.add(d.trim());
        }
      }
    }
    ObjectMeta meta = meta(m, dropLabels, List.of(Fabric8Objects.DISKS_ANNOTATION));
    List<Taint> taints = new ArrayList<>();
    boolean unschedulable = false;
    if (n.getSpec() != null) {
      unschedulable = Boolean.TRUE.equals(n.getSpec().getUnschedulable());
      for (io.fabric8.kubernetes.api.model.Taint t : nonNull(n.getSpec().getTaints())) {
        taints.add(new Taint(t.getKey(), orElse(t.getValue(), ""), effect(t.getEffect())));
      }
    }
    Resources allocatable = Resources.NONE;
    boolean ready = false;
    if (n.getStatus() != null) {
      // Capacity rounds down: a kubelet reports memory in Ki, the model counts whole MiB.
      allocatable = resources(n.getStatus().getAllocatable(), RoundingMode.FLOOR);
      for (NodeCondition c : nonNull(n.getStatus().getConditions())) {
        if ("Ready".equals(c.getType())) {
          ready = "True".equals(c.getStatus());
        }
      }
    }
    return new Node(meta, taints, allocatable, disks, zone, ready, unschedulable);
  }

  private static Taint.Effect effect(String effect) {
    try {
      return Taint.Effect.valueOf(effect);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalArgumentException("taint effect '" + effect + "' is none of "
          + List.of(Taint.Effect.values()), e);
    }
  }

  private static <T> List<T> nonNull(List<T> l) {
    return l == null ? List.of() : l;
  }

  // ---------------------------------------------------------------- Pod and templates

  static Pod pod(io.fabric8.kubernetes.api.model.Pod p) {
    ObjectMeta meta = meta(p.getMetadata(), List.of(), List.of(Fabric8Objects.ROLE_ANNOTATION,
        Fabric8Objects.INIT_ROLE_ANNOTATION));
    io.fabric8.kubernetes.api.model.PodSpec spec = p.getSpec() == null
        ? new io.fabric8.kubernetes.api.model.PodSpec() : p.getSpec();
    return new Pod(meta, podSpec(spec, annotation(p.getMetadata()),
        annotation(p.getMetadata(), Fabric8Objects.INIT_ROLE_ANNOTATION)),
        podStatus(p.getStatus()));
  }

  static PodTemplate template(PodTemplateSpec t) {
    io.fabric8.kubernetes.api.model.ObjectMeta m = t.getMetadata() == null
        ? new io.fabric8.kubernetes.api.model.ObjectMeta() : t.getMetadata();
    io.fabric8.kubernetes.api.model.PodSpec spec = t.getSpec() == null
        ? new io.fabric8.kubernetes.api.model.PodSpec() : t.getSpec();
    return new PodTemplate(sorted(m.getLabels()), podSpec(spec, annotation(m),
        annotation(m, Fabric8Objects.INIT_ROLE_ANNOTATION)));
  }

  private static String annotation(io.fabric8.kubernetes.api.model.ObjectMeta m) {
    return annotation(m, Fabric8Objects.ROLE_ANNOTATION);
  }

  private static String annotation(io.fabric8.kubernetes.api.model.ObjectMeta m, String name) {
    return m == null || m.getAnnotations() == null ? null : m.getAnnotations().get(name);
  }

  /** The ConfigMap a container takes its environment from (the first configMapRef), or none. */
  static String envFrom(io.fabric8.kubernetes.api.model.Container c) {
    for (io.fabric8.kubernetes.api.model.EnvFromSource e : nonNull(c.getEnvFrom())) {
      if (e.getConfigMapRef() != null && isSet(e.getConfigMapRef().getName())) {
        return e.getConfigMapRef().getName();
      }
    }
    return Container.NO_ENV;
  }

  /**
   * The pod spec. Requests are the sum over the containers (what the scheduler asks a node for;
   * the model's renders put them all on the first). Roles come from {@code roles} in container
   * order (a sidecar a webhook appends gets none: empty), the init containers' from {@code
   * initRoles}.
   */
  static PodSpec podSpec(io.fabric8.kubernetes.api.model.PodSpec s, String roles,
      String initRoles) {
    List<Container> containers = containers(s.getContainers(), roles);
    List<Container> init = containers(s.getInitContainers(), initRoles);
    Resources requests = Resources.NONE;
    for (io.fabric8.kubernetes.api.model.Container c : nonNull(s.getContainers())) {
      if (c.getResources() != null) {
        requests = requests.plus(resources(c.getResources().getRequests(), RoundingMode.CEILING));
      }
    }
    List<Toleration> tolerations = new ArrayList<>();
    for (io.fabric8.kubernetes.api.model.Toleration t : nonNull(s.getTolerations())) {
      // A toleration for a while (admission's not-ready/unreachable ones: 300 s) has no model
      // counterpart; the model's tolerations are forever.
      if (t.getTolerationSeconds() == null) {
        tolerations.add(toleration(t.getKey(), t.getOperator(), t.getValue(), t.getEffect()));
      }
    }
    List<String> claims = new ArrayList<>();
    for (Volume v : nonNull(s.getVolumes())) {
      if (v.getPersistentVolumeClaim() != null) {
        claims.add(v.getPersistentVolumeClaim().getClaimName());
      }
    }
    return new PodSpec(s.getNodeName(), sorted(s.getNodeSelector()), tolerations, requests,
        antiAffinityLabel(s.getAffinity()), claims, containers,
        orElse(s.getRestartPolicy(), "Always"), s.getHostname(), s.getSubdomain(), init);
  }

  /** The model's containers of {@code fcs}, with their roles from {@code roles} in order. */
  private static List<Container> containers(List<io.fabric8.kubernetes.api.model.Container> fcs,
      String roles) {
    List<String> roleList = isSet(roles) ? List.of(roles.split(",", -1)) : List.of();
    List<Container> out = new ArrayList<>();
    fcs = nonNull(fcs);
    for (int i = 0; i < fcs.size(); i++) {
      io.fabric8.kubernetes.api.model.Container c = fcs.get(i);
      boolean health = c.getReadinessProbe() != null && c.getReadinessProbe().getHttpGet() != null
          && Fabric8Objects.HEALTH_PATH.equals(c.getReadinessProbe().getHttpGet().getPath());
      out.add(new Container(c.getName(), c.getImage(),
          i < roleList.size() ? roleList.get(i) : "", nonNull(c.getArgs()),
          health ? Container.ETCD_HEALTH : Container.NO_PROBE, envFrom(c),
          liveness(c.getLivenessProbe())));
    }
    return out;
  }

  /**
   * Inverse of {@code Fabric8Objects.liveness}: an exec probe, with core/v1's defaults for what
   * is unset (timeout 1 s, period 10 s, threshold 3, no initial delay); null for none or for a
   * probe of another kind (the model's probes are exec probes).
   */
  static io.pdlab.k8s.api.LivenessProbe liveness(io.fabric8.kubernetes.api.model.Probe p) {
    if (p == null || p.getExec() == null || nonNull(p.getExec().getCommand()).isEmpty()) {
      return null;
    }
    return new io.pdlab.k8s.api.LivenessProbe(p.getExec().getCommand(),
        orElse(p.getInitialDelaySeconds(), 0), orElse(p.getTimeoutSeconds(), 1),
        orElse(p.getPeriodSeconds(), 10), orElse(p.getFailureThreshold(), 3));
  }

  /** Inverse of {@code Fabric8Objects.toleration}: no value for Exists, absent effect = all. */
  static Toleration toleration(String key, String operator, String value, String effect) {
    String op = orElse(operator, "Equal");
    return new Toleration(orElse(key, ""), op, op.equals("Exists") ? null : orElse(value, ""),
        isSet(effect) ? effect(effect) : null);
  }

  /**
   * The label key of the first required pod anti-affinity term over {@code
   * kubernetes.io/hostname} whose selector is one {@code key In [value]} expression (as rendered)
   * or one {@code matchLabels} entry (as tidb-operator writes it); null without one.
   */
  static String antiAffinityLabel(Affinity a) {
    if (a == null || a.getPodAntiAffinity() == null) {
      return null;
    }
    for (PodAffinityTerm t : nonNull(
        a.getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution())) {
      LabelSelector sel = t.getLabelSelector();
      if (!HOSTNAME_LABEL.equals(t.getTopologyKey()) || sel == null) {
        continue;
      }
      List<LabelSelectorRequirement> exprs = nonNull(sel.getMatchExpressions());
      Map<String, String> match = sorted(sel.getMatchLabels());
      if (exprs.size() == 1 && match.isEmpty() && "In".equals(exprs.get(0).getOperator())
          && nonNull(exprs.get(0).getValues()).size() == 1) {
        return exprs.get(0).getKey();
      }
      if (exprs.isEmpty() && match.size() == 1) {
        return match.keySet().iterator().next();
      }
    }
    return null;
  }

  /**
   * phase (Pending when absent); ready from the Ready condition; reason: the status message
   * (where the model writes its reason), else the message of a False PodScheduled condition
   * (where kube-scheduler writes "0/4 nodes are available: ..."), else the first container's
   * waiting reason with its message ("CrashLoopBackOff: back-off 10s ...", as the model's
   * kubelet words it), else the status reason (Evicted, NodeLost), else empty; restarts: the first
   * container's restartCount.
   */
  static PodStatus podStatus(io.fabric8.kubernetes.api.model.PodStatus s) {
    if (s == null) {
      return PodStatus.PENDING;
    }
    boolean ready = false;
    String unschedulable = null;
    for (PodCondition c : nonNull(s.getConditions())) {
      if ("Ready".equals(c.getType())) {
        ready = "True".equals(c.getStatus());
      } else if ("PodScheduled".equals(c.getType()) && "False".equals(c.getStatus())) {
        unschedulable = c.getMessage();
      }
    }
    List<ContainerStatus> statuses = nonNull(s.getContainerStatuses());
    ContainerStatus first = statuses.isEmpty() ? null : statuses.get(0);
    String waiting = null;
    if (first != null && first.getState() != null && first.getState().getWaiting() != null
        && isSet(first.getState().getWaiting().getReason())) {
      waiting = first.getState().getWaiting().getReason();
      String message = first.getState().getWaiting().getMessage();
      if (isSet(message)) {
        waiting += ": " + message;
      }
    }
    String reason = isSet(s.getMessage()) ? s.getMessage()
        : isSet(unschedulable) ? unschedulable
        : isSet(waiting) ? waiting
        : orElse(s.getReason(), "");
    int restarts = first == null || first.getRestartCount() == null ? 0
        : first.getRestartCount();
    return new PodStatus(orElse(s.getPhase(), "Pending"), ready, reason, restarts);
  }

  // ---------------------------------------------------------------- Service

  static Service service(io.fabric8.kubernetes.api.model.Service s) {
    io.fabric8.kubernetes.api.model.ServiceSpec spec = s.getSpec() == null
        ? new io.fabric8.kubernetes.api.model.ServiceSpec() : s.getSpec();
    List<Integer> ports = new ArrayList<>();
    for (ServicePort p : nonNull(spec.getPorts())) {
      ports.add(p.getPort());
    }
    return new Service(meta(s.getMetadata()), sorted(spec.getSelector()),
        "None".equals(spec.getClusterIP()),
        Boolean.TRUE.equals(spec.getPublishNotReadyAddresses()), ports,
        orElse(spec.getType(), "ClusterIP"));
  }

  // ---------------------------------------------------------------- volumes

  static PersistentVolume persistentVolume(io.fabric8.kubernetes.api.model.PersistentVolume pv) {
    io.fabric8.kubernetes.api.model.PersistentVolumeSpec spec = pv.getSpec() == null
        ? new io.fabric8.kubernetes.api.model.PersistentVolumeSpec() : pv.getSpec();
    String path = spec.getLocal() == null ? null : spec.getLocal().getPath();
    String node = null;
    if (spec.getNodeAffinity() != null && spec.getNodeAffinity().getRequired() != null) {
      terms:
      for (NodeSelectorTerm t : nonNull(
          spec.getNodeAffinity().getRequired().getNodeSelectorTerms())) {
        for (NodeSelectorRequirement r : nonNull(t.getMatchExpressions())) {
          if (HOSTNAME_LABEL.equals(r.getKey()) && "In".equals(r.getOperator())
              && nonNull(r.getValues()).size() == 1) {
            node = r.getValues().get(0);
            break terms;
          }
        }
      }
    }
    String claim = null;
    ObjectReference ref = spec.getClaimRef();
    if (ref != null && isSet(ref.getName())) {
      claim = isSet(ref.getNamespace()) ? ref.getNamespace() + "/" + ref.getName()
          : ref.getName();
    }
    return new PersistentVolume(meta(pv.getMetadata()), orElse(spec.getStorageClassName(), null),
        gibibytes(spec.getCapacity(), RoundingMode.FLOOR), node, path, claim);
  }

  static PersistentVolumeClaim persistentVolumeClaim(
      io.fabric8.kubernetes.api.model.PersistentVolumeClaim pvc) {
    return claim(meta(pvc.getMetadata()), pvc);
  }

  /** A claim's class, request (rounded up) and the volume it is bound to ({@code volumeName}). */
  private static PersistentVolumeClaim claim(ObjectMeta meta,
      io.fabric8.kubernetes.api.model.PersistentVolumeClaim pvc) {
    io.fabric8.kubernetes.api.model.PersistentVolumeClaimSpec spec = pvc.getSpec() == null
        ? new io.fabric8.kubernetes.api.model.PersistentVolumeClaimSpec() : pvc.getSpec();
    long gi = spec.getResources() == null ? 0
        : gibibytes(spec.getResources().getRequests(), RoundingMode.CEILING);
    return new PersistentVolumeClaim(meta, orElse(spec.getStorageClassName(), null), gi,
        orElse(spec.getVolumeName(), null));
  }

  static StorageClass storageClass(io.fabric8.kubernetes.api.model.storage.StorageClass sc) {
    return new StorageClass(meta(sc.getMetadata()), sc.getProvisioner(),
        orElse(sc.getVolumeBindingMode(), "Immediate"), orElse(sc.getReclaimPolicy(), "Delete"));
  }

  // ---------------------------------------------------------------- workloads

  static StatefulSet statefulSet(io.fabric8.kubernetes.api.model.apps.StatefulSet set) {
    ObjectMeta meta = meta(set.getMetadata());
    io.fabric8.kubernetes.api.model.apps.StatefulSetSpec spec = set.getSpec() == null
        ? new io.fabric8.kubernetes.api.model.apps.StatefulSetSpec() : set.getSpec();
    PersistentVolumeClaim claimTemplate = null;
    List<io.fabric8.kubernetes.api.model.PersistentVolumeClaim> templates =
        nonNull(spec.getVolumeClaimTemplates());
    if (!templates.isEmpty()) {
      io.fabric8.kubernetes.api.model.PersistentVolumeClaim t = templates.get(0);
      io.fabric8.kubernetes.api.model.ObjectMeta tm = t.getMetadata();
      // A claim template carries no namespace: its claims are created in the set's.
      claimTemplate = claim(new ObjectMeta(meta.namespace(), tm.getName(), sorted(tm.getLabels()),
          sorted(tm.getAnnotations()), 0, 0), t);
    }
    return new StatefulSet(meta, spec.getReplicas() == null ? 1 : spec.getReplicas(),
        orElse(spec.getPodManagementPolicy(), "OrderedReady"), spec.getServiceName(),
        template(spec.getTemplate() == null ? new PodTemplateSpec() : spec.getTemplate()),
        claimTemplate, statefulSetStatus(set.getStatus()));
  }

  /**
   * apps/v1 StatefulSetStatus as the model's (inverse of {@code Fabric8Objects
   * .statefulSetStatus}); on a real control plane this is what the real StatefulSet controller
   * wrote. Absent counts are 0 (the API omits zero readyReplicas).
   */
  static StatefulSet.Status statefulSetStatus(
      io.fabric8.kubernetes.api.model.apps.StatefulSetStatus s) {
    if (s == null) {
      return StatefulSet.Status.EMPTY;
    }
    return new StatefulSet.Status(orElse(s.getReplicas(), 0), orElse(s.getReadyReplicas(), 0),
        orElse(s.getCurrentReplicas(), 0), orElse(s.getUpdatedReplicas(), 0),
        s.getCurrentRevision(), s.getUpdateRevision());
  }

  private static int orElse(Integer i, int dflt) {
    return i == null ? dflt : i;
  }

  static Deployment deployment(io.fabric8.kubernetes.api.model.apps.Deployment d) {
    io.fabric8.kubernetes.api.model.apps.DeploymentSpec spec = d.getSpec() == null
        ? new io.fabric8.kubernetes.api.model.apps.DeploymentSpec() : d.getSpec();
    return new Deployment(meta(d.getMetadata()),
        spec.getReplicas() == null ? 1 : spec.getReplicas(),
        template(spec.getTemplate() == null ? new PodTemplateSpec() : spec.getTemplate()));
  }

  static ConfigMap configMap(io.fabric8.kubernetes.api.model.ConfigMap cm) {
    return new ConfigMap(meta(cm.getMetadata()), sorted(cm.getData()));
  }

  // ---------------------------------------------------------------- TidbCluster

  /**
   * Inverse of {@code Fabric8Objects.tidbCluster}; absent strings read as empty. A missing
   * status reads as an empty one (not null): a server with the status subresource drops the
   * status on create, and the model's operators read it before they first write it.
   */
  static TidbCluster tidbCluster(GenericKubernetesResource g) {
    Map<String, Object> props = g.getAdditionalProperties();
    TidbCluster.Spec spec = null;
    Map<String, Object> s = map(props.get("spec"), "spec");
    if (s != null) {
      spec = new TidbCluster.Spec(string(s, "schedulerName"), component(s, "pd"),
          component(s, "tikv"), component(s, "tidb"), string(s, "pvReclaimPolicy"),
          string(s, "timezone"));
    }
    Map<String, Object> st = map(props.get("status"), "status");
    TidbCluster.Status status = st == null
        ? new TidbCluster.Status(false, List.of(), "", List.of(), 0, 0, "")
        : tidbStatus(st);
    return new TidbCluster(meta(g.getMetadata()), spec, status);
  }

  static TidbCluster.ComponentSpec component(Map<String, Object> spec, String name) {
    Map<String, Object> c = map(spec.get(name), "spec." + name);
    if (c == null) {
      return null;
    }
    Map<String, Object> req = map(c.get("requests"), "spec." + name + ".requests");
    TreeMap<String, Quantity> quantities = new TreeMap<>();
    if (req != null) {
      for (Map.Entry<String, Object> e : req.entrySet()) {
        if (e.getValue() != null) {
          quantities.put(e.getKey(), new Quantity(String.valueOf(e.getValue())));
        }
      }
    }
    TreeMap<String, String> nodeSelector = new TreeMap<>();
    Map<String, Object> ns = map(c.get("nodeSelector"), "spec." + name + ".nodeSelector");
    if (ns != null) {
      ns.forEach((k, v) -> nodeSelector.put(k, String.valueOf(v)));
    }
    List<Toleration> tolerations = new ArrayList<>();
    if (c.get("tolerations") instanceof List<?> l) {
      for (Object o : l) {
        Map<String, Object> t = map(o, "spec." + name + ".tolerations[]");
        if (t != null && t.get("tolerationSeconds") == null) {
          tolerations.add(toleration(string(t, "key"), string(t, "operator"),
              string(t, "value"), string(t, "effect")));
        }
      }
    }
    return new TidbCluster.ComponentSpec(integer(c, "replicas"), string(c, "image"),
        resources(quantities, RoundingMode.CEILING), gibibytes(quantities, RoundingMode.CEILING),
        string(c, "storageClassName"), nodeSelector, tolerations);
  }

  /**
   * Inverse of {@code Fabric8Objects.tidbStatus}: members and failure members in the server's
   * order, TiKV stores counted when Up, TiDB's ready replicas.
   */
  static TidbCluster.Status tidbStatus(Map<String, Object> s) {
    Map<String, Object> pd = orEmpty(map(s.get("pd"), "status.pd"));
    List<TidbCluster.PdMember> members = new ArrayList<>();
    Map<String, Object> ms = map(pd.get("members"), "status.pd.members");
    if (ms != null) {
      for (Map.Entry<String, Object> e : ms.entrySet()) {
        Map<String, Object> m = orEmpty(map(e.getValue(), "status.pd.members." + e.getKey()));
        members.add(new TidbCluster.PdMember(orElse(string(m, "name"), e.getKey()),
            unsigned(string(m, "id")), Boolean.TRUE.equals(m.get("health")),
            micros(string(m, "lastTransitionTime"))));
      }
    }
    List<TidbCluster.PdFailureMember> failures = new ArrayList<>();
    Map<String, Object> fs = map(pd.get("failureMembers"), "status.pd.failureMembers");
    if (fs != null) {
      for (Map.Entry<String, Object> e : fs.entrySet()) {
        Map<String, Object> f = orEmpty(map(e.getValue(), "status.pd.failureMembers."
            + e.getKey()));
        failures.add(new TidbCluster.PdFailureMember(orElse(string(f, "podName"), e.getKey()),
            unsigned(string(f, "memberID")), Boolean.TRUE.equals(f.get("memberDeleted")),
            micros(string(f, "createdAt"))));
      }
    }
    String leader = string(orEmpty(map(pd.get("leader"), "status.pd.leader")), "name");
    int storesUp = 0;
    Map<String, Object> tikv = orEmpty(map(s.get("tikv"), "status.tikv"));
    Map<String, Object> stores = map(tikv.get("stores"), "status.tikv.stores");
    if (stores != null) {
      for (Map.Entry<String, Object> e : stores.entrySet()) {
        if ("Up".equals(string(orEmpty(map(e.getValue(), "status.tikv.stores")), "state"))) {
          storesUp++;
        }
      }
    }
    Map<String, Object> tidb = orEmpty(map(s.get("tidb"), "status.tidb"));
    int tidbReady = integer(orEmpty(map(tidb.get("statefulSet"), "status.tidb.statefulSet")),
        "readyReplicas");
    StatefulSet.Status pdSet = null;
    Map<String, Object> ps = map(pd.get("statefulSet"), "status.pd.statefulSet");
    if (ps != null) {
      pdSet = new StatefulSet.Status(integer(ps, "replicas"), integer(ps, "readyReplicas"),
          integer(ps, "currentReplicas"), integer(ps, "updatedReplicas"),
          string(ps, "currentRevision"), string(ps, "updateRevision"));
    }
    TidbCluster.Condition ready = null;
    if (s.get("conditions") instanceof List<?> cs) {
      for (Object o : cs) {
        Map<String, Object> c = orEmpty(map(o, "status.conditions[]"));
        if ("Ready".equals(string(c, "type"))) {
          ready = new TidbCluster.Condition(string(c, "status"), orElse(string(c, "reason"), ""),
              orElse(string(c, "message"), ""), micros(string(c, "lastUpdateTime")),
              micros(string(c, "lastTransitionTime")));
        }
      }
    }
    return new TidbCluster.Status(Boolean.TRUE.equals(pd.get("synced")), members, leader,
        failures, storesUp, tidbReady, string(pd, "phase"), pdSet, ready);
  }

  /** A decimal member ID as tidb-operator writes it (unsigned 64-bit); 0 when absent. */
  private static long unsigned(String v) {
    return v == null || v.isEmpty() ? 0 : Long.parseUnsignedLong(v);
  }

  /** An RFC 3339 timestamp as model microseconds (inverse of Fabric8Objects.time); 0 if absent. */
  private static long micros(String v) {
    if (v == null || v.isEmpty()) {
      return 0;
    }
    java.time.Instant t = java.time.Instant.parse(v);
    return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1_000L);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o, String path) {
    if (o == null) {
      return null;
    }
    if (!(o instanceof Map<?, ?>)) {
      throw new IllegalArgumentException(path + " is a " + o.getClass().getSimpleName()
          + ", not an object");
    }
    return (Map<String, Object>) o;
  }

  private static Map<String, Object> orEmpty(Map<String, Object> m) {
    return m == null ? new TreeMap<>() : m;
  }

  private static String string(Map<String, Object> m, String key) {
    Object v = m.get(key);
    return v == null ? "" : String.valueOf(v);
  }

  private static int integer(Map<String, Object> m, String key) {
    Object v = m.get(key);
    if (v == null) {
      return 0;
    }
    if (v instanceof Number n) {
      return Math.toIntExact(n.longValue());
    }
    try {
      return Integer.parseInt(String.valueOf(v));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " '" + v + "' is no integer", e);
    }
  }
}
