package io.pdlab.k8s.manifest;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.LocalVolumeSource;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeSelector;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.NodeSpec;
import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimSpec;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimStatus;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimVolumeSource;
import io.fabric8.kubernetes.api.model.PersistentVolumeSpec;
import io.fabric8.kubernetes.api.model.PersistentVolumeStatus;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.PodAntiAffinity;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.fabric8.kubernetes.api.model.EmptyDirVolumeSource;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.VolumeNodeAffinity;
import io.fabric8.kubernetes.api.model.VolumeResourceRequirements;
import io.fabric8.kubernetes.api.model.apps.DeploymentSpec;
import io.fabric8.kubernetes.api.model.apps.StatefulSetSpec;
import io.pdlab.k8s.api.ConfigMap;
import io.pdlab.k8s.api.Container;
import io.pdlab.k8s.api.Deployment;
import io.pdlab.k8s.api.K8sObject;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Lean record to fabric8 model object, one method per kind. Every map is filled in a fixed
 * order (the lean maps are sorted), so the same lean object always gives an equal fabric8 object
 * with the same iteration order.
 *
 * <p>What is deliberately not rendered: {@code resourceVersion} and the creation time (a real
 * API server rejects a create that sets the first and stamps the second itself). Status is
 * rendered where the model has one (a server ignores it on create; a driver reads it back).
 */
final class Fabric8Objects {
  /** The well-known node label local PVs and pod anti-affinity use (k8s.io/api core/v1). */
  static final String HOSTNAME_LABEL = "kubernetes.io/hostname";
  /** The well-known zone label (k8s.io/api core/v1 LabelTopologyZone). */
  static final String ZONE_LABEL = "topology.kubernetes.io/zone";
  /** The emptyDir an etcd member without a claim keeps its data in (etcd-operator's name). */
  static final String ETCD_DATA_VOLUME = "etcd-data";
  /** Where it is mounted (etcd-operator v0.9.4 k8sutil etcdVolumeMountDir). */
  static final String ETCD_DATA_DIR = "/var/etcd";

  /** Which simulated process a container stands for (the model's {@link Container#role()}). */
  static final String ROLE_ANNOTATION = "pdlab.io/role";
  /** As {@link #ROLE_ANNOTATION}, for the init containers. */
  static final String INIT_ROLE_ANNOTATION = "pdlab.io/init-role";
  /** A node's local disks (mount paths the local volume provisioner turns into PVs). */
  static final String DISKS_ANNOTATION = "pdlab.io/local-disks";
  /** The only access mode the model's volumes have (one pod, one node). */
  static final String READ_WRITE_ONCE = "ReadWriteOnce";
  /** Client and peer ports: etcd's defaults, which PD keeps (--client-urls, --peer-urls). */
  static final int CLIENT_PORT = 2379;
  static final int PEER_PORT = 2380;

  private Fabric8Objects() {}

  static HasMetadata of(K8sObject o) {
    return switch (o.kind()) {
      case NODE -> node((Node) o);
      case POD -> pod((Pod) o);
      case SERVICE -> service((Service) o);
      case PERSISTENT_VOLUME -> persistentVolume((PersistentVolume) o);
      case PERSISTENT_VOLUME_CLAIM -> persistentVolumeClaim((PersistentVolumeClaim) o);
      case STORAGE_CLASS -> storageClass((StorageClass) o);
      case STATEFUL_SET -> statefulSet((StatefulSet) o);
      case DEPLOYMENT -> deployment((Deployment) o);
      case CONFIG_MAP -> configMap((ConfigMap) o);
      case TIDB_CLUSTER -> tidbCluster((TidbCluster) o);
      // Kind lists Endpoints, which no K8sObject implements (the store derives it).
      case ENDPOINTS -> throw new IllegalArgumentException("no lean Endpoints type to render: "
          + o.meta().key());
    };
  }

  // ---------------------------------------------------------------- metadata

  static io.fabric8.kubernetes.api.model.ObjectMeta meta(ObjectMeta m, boolean namespaced,
      SortedMap<String, String> extraLabels, SortedMap<String, String> extraAnnotations) {
    io.fabric8.kubernetes.api.model.ObjectMeta out =
        new io.fabric8.kubernetes.api.model.ObjectMeta();
    out.setName(m.name());
    // A cluster-scoped object carries no namespace (the API server refuses one that does).
    if (namespaced && !m.namespace().isEmpty()) {
      out.setNamespace(m.namespace());
    }
    TreeMap<String, String> labels = new TreeMap<>(extraLabels);
    labels.putAll(m.labels()); // the object's own labels win over derived ones
    if (!labels.isEmpty()) {
      out.setLabels(new LinkedHashMap<>(labels));
    }
    TreeMap<String, String> annotations = new TreeMap<>(m.annotations());
    annotations.putAll(extraAnnotations); // derived from the model's fields: the model wins
    if (!annotations.isEmpty()) {
      out.setAnnotations(new LinkedHashMap<>(annotations));
    }
    return out;
  }

  static io.fabric8.kubernetes.api.model.ObjectMeta meta(ObjectMeta m, boolean namespaced) {
    return meta(m, namespaced, new TreeMap<>(), new TreeMap<>());
  }

  // ---------------------------------------------------------------- quantities

  /** CPU in millicores, {@code 500m}: exact for every value the model holds. */
  static Quantity cpu(long millis) {
    return new Quantity(millis + "m");
  }

  static Quantity memory(long mib) {
    return new Quantity(mib + "Mi");
  }

  static Quantity storage(long gib) {
    return new Quantity(gib + "Gi");
  }

  static LinkedHashMap<String, Quantity> requests(Resources r) {
    LinkedHashMap<String, Quantity> out = new LinkedHashMap<>();
    if (r != null && r.cpuMillis() > 0) {
      out.put("cpu", cpu(r.cpuMillis()));
    }
    if (r != null && r.memoryMiB() > 0) {
      out.put("memory", memory(r.memoryMiB()));
    }
    return out;
  }

  // ---------------------------------------------------------------- Node

  static io.fabric8.kubernetes.api.model.Node node(Node n) {
    io.fabric8.kubernetes.api.model.Node out = new io.fabric8.kubernetes.api.model.Node();
    // The labels a kubelet puts on every node; local PVs and anti-affinity refer to the first.
    TreeMap<String, String> derived = new TreeMap<>();
    derived.put(HOSTNAME_LABEL, n.meta().name());
    if (n.zone() != null && !n.zone().isEmpty()) {
      derived.put(ZONE_LABEL, n.zone());
    }
    TreeMap<String, String> annotations = new TreeMap<>();
    if (!n.disks().isEmpty()) {
      annotations.put(DISKS_ANNOTATION, String.join(",", n.disks()));
    }
    out.setMetadata(meta(n.meta(), false, derived, annotations));
    NodeSpec spec = new NodeSpec();
    if (n.unschedulable()) {
      spec.setUnschedulable(true);
    }
    List<io.fabric8.kubernetes.api.model.Taint> taints = new ArrayList<>();
    for (Taint t : n.taints()) {
      io.fabric8.kubernetes.api.model.Taint ft = new io.fabric8.kubernetes.api.model.Taint();
      ft.setKey(t.key());
      if (t.value() != null && !t.value().isEmpty()) {
        ft.setValue(t.value());
      }
      ft.setEffect(t.effect().name());
      taints.add(ft);
    }
    spec.setTaints(taints);
    out.setSpec(spec);
    NodeStatus status = new NodeStatus();
    status.setAllocatable(requests(n.allocatable()));
    NodeCondition ready = new NodeCondition();
    ready.setType("Ready");
    ready.setStatus(n.ready() ? "True" : "False");
    status.setConditions(new ArrayList<>(List.of(ready)));
    out.setStatus(status);
    return out;
  }

  // ---------------------------------------------------------------- Pod and templates

  static io.fabric8.kubernetes.api.model.Pod pod(Pod p) {
    io.fabric8.kubernetes.api.model.Pod out = new io.fabric8.kubernetes.api.model.Pod();
    out.setMetadata(meta(p.meta(), true, new TreeMap<>(), roleAnnotation(p.spec())));
    out.setSpec(podSpec(p.spec(), p.meta().labels(), p.meta().name()));
    out.setStatus(podStatus(p.spec(), p.status()));
    return out;
  }

  static PodTemplateSpec template(PodTemplate t) {
    PodTemplateSpec out = new PodTemplateSpec();
    io.fabric8.kubernetes.api.model.ObjectMeta m = new io.fabric8.kubernetes.api.model.ObjectMeta();
    if (!t.labels().isEmpty()) {
      m.setLabels(new LinkedHashMap<>(t.labels()));
    }
    TreeMap<String, String> annotations = roleAnnotation(t.spec());
    if (!annotations.isEmpty()) {
      m.setAnnotations(new LinkedHashMap<>(annotations));
    }
    out.setMetadata(m);
    out.setSpec(podSpec(t.spec(), t.labels(), null));
    return out;
  }

  /**
   * {@code pdlab.io/role}: the containers' roles in container order, comma-separated; {@code
   * pdlab.io/init-role} the same for the init containers.
   */
  static TreeMap<String, String> roleAnnotation(PodSpec s) {
    TreeMap<String, String> out = new TreeMap<>();
    roles(out, ROLE_ANNOTATION, s.containers());
    roles(out, INIT_ROLE_ANNOTATION, s.initContainers());
    return out;
  }

  private static void roles(TreeMap<String, String> out, String annotation,
      List<Container> containers) {
    List<String> roles = new ArrayList<>();
    for (Container c : containers) {
      if (c.role() != null && !c.role().isEmpty()) {
        roles.add(c.role());
      }
    }
    if (!roles.isEmpty()) {
      out.put(annotation, String.join(",", roles));
    }
  }

  /**
   * A pod spec. The model's pod-level requests go on the first container (the scheduler sums
   * container requests, so the pod asks for the same). {@code podName} is null for a template.
   */
  static io.fabric8.kubernetes.api.model.PodSpec podSpec(PodSpec s,
      SortedMap<String, String> podLabels, String podName) {
    io.fabric8.kubernetes.api.model.PodSpec out = new io.fabric8.kubernetes.api.model.PodSpec();
    List<io.fabric8.kubernetes.api.model.Container> containers = new ArrayList<>();
    for (int i = 0; i < s.containers().size(); i++) {
      containers.add(container(s.containers().get(i), i == 0 ? s.requests() : null));
    }
    out.setContainers(containers);
    // Init containers carry no requests of the model's: its pod-level requests are the app
    // containers' (and a pod's effective request is the larger of the two, kube-scheduler's
    // computePodResourceRequest, so the app containers' is the pod's when they ask more).
    List<io.fabric8.kubernetes.api.model.Container> init = new ArrayList<>();
    for (Container c : s.initContainers()) {
      init.add(container(c, null));
    }
    if (!init.isEmpty()) {
      out.setInitContainers(init);
    }
    if (s.restartPolicy() != null && !s.restartPolicy().isEmpty()) {
      out.setRestartPolicy(s.restartPolicy());
    }
    if (s.nodeName() != null) {
      out.setNodeName(s.nodeName());
    }
    if (!s.nodeSelector().isEmpty()) {
      out.setNodeSelector(new LinkedHashMap<>(s.nodeSelector()));
    }
    List<io.fabric8.kubernetes.api.model.Toleration> tolerations = new ArrayList<>();
    for (Toleration t : s.tolerations()) {
      tolerations.add(toleration(t));
    }
    out.setTolerations(tolerations);
    if (s.hostname() != null) {
      out.setHostname(s.hostname());
    }
    if (s.subdomain() != null) {
      out.setSubdomain(s.subdomain());
    }
    List<Volume> volumes = new ArrayList<>();
    for (int i = 0; i < s.claims().size(); i++) {
      String claim = s.claims().get(i);
      Volume v = new Volume();
      v.setName(volumeName(claim, podName, i));
      PersistentVolumeClaimVolumeSource src = new PersistentVolumeClaimVolumeSource();
      src.setClaimName(claim);
      v.setPersistentVolumeClaim(src);
      volumes.add(v);
    }
    // Where the first container keeps its data, as upstream mounts it: a claim's volume at
    // /var/lib/<volume> (tidb-operator pd_member_manager.go: "pd" at /var/lib/pd), else for an
    // etcd member an emptyDir "etcd-data" at /var/etcd (coreos/etcd-operator v0.9.4
    // pkg/util/k8sutil/pod_util.go etcdVolumeMountDir). A real kubelet's container restarts on
    // it with its data, as the model's process restarts on its disk.
    List<VolumeMount> mounts = new ArrayList<>();
    for (Volume v : volumes) {
      mounts.add(new VolumeMountBuilder().withName(v.getName())
          .withMountPath("/var/lib/" + v.getName()).build());
    }
    String role = s.containers().isEmpty() ? "" : s.containers().get(0).role();
    if (volumes.isEmpty() && ("etcd".equals(role) || "pd".equals(role))) {
      Volume data = new Volume();
      data.setName(ETCD_DATA_VOLUME);
      data.setEmptyDir(new EmptyDirVolumeSource());
      volumes.add(data);
      mounts.add(new VolumeMountBuilder().withName(ETCD_DATA_VOLUME)
          .withMountPath(ETCD_DATA_DIR).build());
    }
    if (!mounts.isEmpty() && !out.getContainers().isEmpty()) {
      out.getContainers().get(0).setVolumeMounts(mounts);
    }
    out.setVolumes(volumes);
    String label = s.antiAffinityLabel();
    if (label != null && podLabels.containsKey(label)) {
      out.setAffinity(antiAffinity(label, podLabels.get(label)));
    }
    return out;
  }

  /**
   * The pod volume for a claim. A StatefulSet names its pods' claims {@code
   * <template>-<set>-<ordinal>} = {@code <template>-<pod>} and the volume {@code <template>}
   * (pkg/controller/statefulset stateful_set_utils.go getPersistentVolumeClaimName); other claims
   * give their own name, or {@code claim-<i>} when that is no DNS-1123 label.
   */
  static String volumeName(String claim, String podName, int index) {
    String name = claim;
    if (podName != null && claim.endsWith("-" + podName)
        && claim.length() > podName.length() + 1) {
      name = claim.substring(0, claim.length() - podName.length() - 1);
    }
    return DNS1123_LABEL.matcher(name).matches() && name.length() <= 63 ? name
        : "claim-" + index;
  }

  /** A DNS-1123 label (apimachinery validation.IsDNS1123Label), a volume name's syntax. */
  private static final java.util.regex.Pattern DNS1123_LABEL =
      java.util.regex.Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

  /**
   * "At most one pod with the same value of {@code label} per node": a required pod
   * anti-affinity term over {@code kubernetes.io/hostname} selecting that value (what
   * tidb-scheduler enforces for PD; a pod without the label is not constrained, as in the model).
   */
  static Affinity antiAffinity(String label, String value) {
    LabelSelectorRequirement req = new LabelSelectorRequirement();
    req.setKey(label);
    req.setOperator("In");
    req.setValues(new ArrayList<>(List.of(value)));
    LabelSelector sel = new LabelSelector();
    sel.setMatchExpressions(new ArrayList<>(List.of(req)));
    PodAffinityTerm term = new PodAffinityTerm();
    term.setLabelSelector(sel);
    term.setTopologyKey(HOSTNAME_LABEL);
    PodAntiAffinity anti = new PodAntiAffinity();
    anti.setRequiredDuringSchedulingIgnoredDuringExecution(new ArrayList<>(List.of(term)));
    Affinity a = new Affinity();
    a.setPodAntiAffinity(anti);
    return a;
  }

  static io.fabric8.kubernetes.api.model.Container container(Container c, Resources requests) {
    io.fabric8.kubernetes.api.model.Container out = new io.fabric8.kubernetes.api.model.Container();
    out.setName(c.name());
    out.setImage(c.image());
    out.setArgs(new ArrayList<>(c.args()));
    if (!c.envFrom().equals(Container.NO_ENV)) {
      io.fabric8.kubernetes.api.model.EnvFromSource env =
          new io.fabric8.kubernetes.api.model.EnvFromSource();
      env.setConfigMapRef(new io.fabric8.kubernetes.api.model.ConfigMapEnvSource(c.envFrom(),
          null));
      out.setEnvFrom(new ArrayList<>(List.of(env)));
    }
    if ("etcd".equals(c.role()) || "pd".equals(c.role())) {
      out.setPorts(new ArrayList<>(List.of(containerPort("client", CLIENT_PORT),
          containerPort("peer", PEER_PORT))));
    }
    if (c.readinessProbe().equals(Container.ETCD_HEALTH)) {
      io.fabric8.kubernetes.api.model.Probe probe = new io.fabric8.kubernetes.api.model.Probe();
      io.fabric8.kubernetes.api.model.HTTPGetAction get =
          new io.fabric8.kubernetes.api.model.HTTPGetAction();
      get.setPath(HEALTH_PATH);
      get.setPort(new io.fabric8.kubernetes.api.model.IntOrString(CLIENT_PORT));
      probe.setHttpGet(get);
      probe.setPeriodSeconds((int) (io.pdlab.k8s.controllers.K8sConstants.READINESS_PERIOD_MS
          / 1_000));
      out.setReadinessProbe(probe);
    }
    if (c.liveness() != null) {
      out.setLivenessProbe(liveness(c.liveness()));
    }
    LinkedHashMap<String, Quantity> req = requests(requests);
    if (!req.isEmpty()) {
      ResourceRequirements rr = new ResourceRequirements();
      rr.setRequests(req);
      out.setResources(rr);
    }
    return out;
  }

  /**
   * An exec liveness probe as core/v1 writes it (coreos/etcd-operator's {@code etcdctl endpoint
   * status}; a real kubelet execs it in the container, whose image has a shell and etcdctl).
   */
  static io.fabric8.kubernetes.api.model.Probe liveness(io.pdlab.k8s.api.LivenessProbe l) {
    io.fabric8.kubernetes.api.model.Probe probe = new io.fabric8.kubernetes.api.model.Probe();
    probe.setExec(new io.fabric8.kubernetes.api.model.ExecAction(new ArrayList<>(l.command())));
    probe.setInitialDelaySeconds(l.initialDelaySeconds());
    probe.setTimeoutSeconds(l.timeoutSeconds());
    probe.setPeriodSeconds(l.periodSeconds());
    probe.setFailureThreshold(l.failureThreshold());
    return probe;
  }

  /** The path of {@link Container#ETCD_HEALTH}. */
  static final String HEALTH_PATH = "/health";

  static ContainerPort containerPort(String name, int port) {
    ContainerPort p = new ContainerPort();
    p.setName(name);
    p.setContainerPort(port);
    p.setProtocol("TCP");
    return p;
  }

  /**
   * A toleration as the API has it: an absent effect matches every effect, and an {@code Exists}
   * toleration has no value (the model ignores it; a server rejects one).
   */
  static io.fabric8.kubernetes.api.model.Toleration toleration(Toleration t) {
    io.fabric8.kubernetes.api.model.Toleration out =
        new io.fabric8.kubernetes.api.model.Toleration();
    if (t.key() != null && !t.key().isEmpty()) {
      out.setKey(t.key());
    }
    String op = t.operator() == null || t.operator().isEmpty() ? "Equal" : t.operator();
    out.setOperator(op);
    if (!op.equals("Exists") && t.value() != null && !t.value().isEmpty()) {
      out.setValue(t.value());
    }
    if (t.effect() != null) {
      out.setEffect(t.effect().name());
    }
    return out;
  }

  static io.fabric8.kubernetes.api.model.PodStatus podStatus(PodSpec spec, PodStatus s) {
    io.fabric8.kubernetes.api.model.PodStatus out = new io.fabric8.kubernetes.api.model.PodStatus();
    out.setPhase(s.phase());
    if (s.reason() != null && !s.reason().isEmpty()) {
      out.setMessage(s.reason());
    }
    PodCondition ready = new PodCondition();
    ready.setType("Ready");
    ready.setStatus(s.ready() ? "True" : "False");
    out.setConditions(new ArrayList<>(List.of(ready)));
    List<ContainerStatus> statuses = new ArrayList<>();
    for (Container c : spec.containers()) {
      ContainerStatus cs = new ContainerStatus();
      cs.setName(c.name());
      cs.setImage(c.image());
      cs.setReady(s.ready());
      cs.setRestartCount(s.restarts());
      cs.setState(containerState(s));
      statuses.add(cs);
    }
    out.setContainerStatuses(statuses);
    return out;
  }

  /** Exit code a kubelet reports for a container killed by SIGKILL (128 + 9). */
  static final int KILLED_EXIT_CODE = 137;

  /**
   * The container state a kubelet reports for a pod in the model's status: waiting with the
   * reason the model's kubelet gives (CrashLoopBackOff with its back-off message, ImagePullBackOff
   * for a container that never starts), running, or terminated for a Failed pod (exit 137 when it
   * was killed, 1 otherwise, with the model's reason as message); none while Pending for lack of
   * a node or without a reason.
   */
  static io.fabric8.kubernetes.api.model.ContainerState containerState(PodStatus s) {
    io.fabric8.kubernetes.api.model.ContainerState state =
        new io.fabric8.kubernetes.api.model.ContainerState();
    String reason = s.reason() == null ? "" : s.reason();
    int colon = reason.indexOf(": ");
    String word = colon < 0 ? reason : reason.substring(0, colon);
    boolean waitingReason = word.matches("[A-Z][A-Za-z]+");
    switch (s.phase()) {
      case "Running", "Pending" -> {
        if (waitingReason) {
          state.setWaiting(new io.fabric8.kubernetes.api.model.ContainerStateWaiting(
              colon < 0 ? null : reason.substring(colon + 2), word));
        } else if (s.phase().equals("Running")) {
          state.setRunning(new io.fabric8.kubernetes.api.model.ContainerStateRunning());
        } else {
          return null;
        }
      }
      case "Failed", "Succeeded" -> {
        io.fabric8.kubernetes.api.model.ContainerStateTerminated t =
            new io.fabric8.kubernetes.api.model.ContainerStateTerminated();
        t.setExitCode(s.phase().equals("Succeeded") ? 0
            : reason.contains("killed") ? KILLED_EXIT_CODE : 1);
        t.setReason(s.phase().equals("Succeeded") ? "Completed" : "Error");
        if (!reason.isEmpty()) {
          t.setMessage(reason);
        }
        state.setTerminated(t);
      }
      default -> {
        return null;
      }
    }
    return state;
  }

  // ---------------------------------------------------------------- Service

  static io.fabric8.kubernetes.api.model.Service service(Service s) {
    io.fabric8.kubernetes.api.model.Service out = new io.fabric8.kubernetes.api.model.Service();
    out.setMetadata(meta(s.meta(), true));
    ServiceSpec spec = new ServiceSpec();
    if (s.type() != null && !s.type().isEmpty()) {
      spec.setType(s.type());
    }
    if (s.headless()) {
      spec.setClusterIP("None");
    }
    if (s.publishNotReadyAddresses()) {
      spec.setPublishNotReadyAddresses(true);
    }
    if (!s.selector().isEmpty()) {
      spec.setSelector(new LinkedHashMap<>(s.selector()));
    }
    List<ServicePort> ports = new ArrayList<>();
    for (int port : s.ports()) {
      ServicePort sp = new ServicePort();
      sp.setName(portName(port));
      sp.setPort(port);
      sp.setTargetPort(new IntOrString(port));
      sp.setProtocol("TCP");
      ports.add(sp);
    }
    spec.setPorts(ports);
    out.setSpec(spec);
    return out;
  }

  /** Port names (a Service with several ports must name each one): etcd's, else by number. */
  static String portName(int port) {
    return switch (port) {
      case CLIENT_PORT -> "client";
      case PEER_PORT -> "peer";
      default -> "port-" + port;
    };
  }

  // ---------------------------------------------------------------- volumes

  static io.fabric8.kubernetes.api.model.PersistentVolume persistentVolume(PersistentVolume pv) {
    io.fabric8.kubernetes.api.model.PersistentVolume out =
        new io.fabric8.kubernetes.api.model.PersistentVolume();
    out.setMetadata(meta(pv.meta(), false));
    PersistentVolumeSpec spec = new PersistentVolumeSpec();
    LinkedHashMap<String, Quantity> capacity = new LinkedHashMap<>();
    capacity.put("storage", storage(pv.capacityGi()));
    spec.setCapacity(capacity);
    spec.setAccessModes(new ArrayList<>(List.of(READ_WRITE_ONCE)));
    if (pv.storageClass() != null && !pv.storageClass().isEmpty()) {
      spec.setStorageClassName(pv.storageClass());
    }
    if (pv.path() != null) {
      LocalVolumeSource local = new LocalVolumeSource();
      local.setPath(pv.path());
      spec.setLocal(local);
    }
    if (pv.nodeAffinity() != null) {
      NodeSelectorRequirement req = new NodeSelectorRequirement();
      req.setKey(HOSTNAME_LABEL);
      req.setOperator("In");
      req.setValues(new ArrayList<>(List.of(pv.nodeAffinity())));
      NodeSelectorTerm term = new NodeSelectorTerm();
      term.setMatchExpressions(new ArrayList<>(List.of(req)));
      NodeSelector sel = new NodeSelector();
      sel.setNodeSelectorTerms(new ArrayList<>(List.of(term)));
      VolumeNodeAffinity affinity = new VolumeNodeAffinity();
      affinity.setRequired(sel);
      spec.setNodeAffinity(affinity);
    }
    if (pv.claim() != null) {
      ObjectReference ref = new ObjectReference();
      ref.setApiVersion("v1");
      ref.setKind("PersistentVolumeClaim");
      int slash = pv.claim().indexOf('/');
      if (slash >= 0) {
        ref.setNamespace(pv.claim().substring(0, slash));
      }
      ref.setName(pv.claim().substring(slash + 1));
      spec.setClaimRef(ref);
    }
    out.setSpec(spec);
    PersistentVolumeStatus status = new PersistentVolumeStatus();
    status.setPhase(pv.claim() != null ? "Bound" : "Available");
    out.setStatus(status);
    return out;
  }

  static io.fabric8.kubernetes.api.model.PersistentVolumeClaim persistentVolumeClaim(
      PersistentVolumeClaim pvc) {
    io.fabric8.kubernetes.api.model.PersistentVolumeClaim out = claimTemplate(pvc);
    out.setMetadata(meta(pvc.meta(), true));
    if (pvc.volume() != null) {
      out.getSpec().setVolumeName(pvc.volume());
    }
    PersistentVolumeClaimStatus status = new PersistentVolumeClaimStatus();
    status.setPhase(pvc.volume() != null ? "Bound" : "Pending");
    out.setStatus(status);
    return out;
  }

  /** A claim as a StatefulSet's volumeClaimTemplates holds it: name, labels, spec; no status. */
  static io.fabric8.kubernetes.api.model.PersistentVolumeClaim claimTemplate(
      PersistentVolumeClaim pvc) {
    io.fabric8.kubernetes.api.model.PersistentVolumeClaim out =
        new io.fabric8.kubernetes.api.model.PersistentVolumeClaim();
    out.setMetadata(meta(pvc.meta(), false));
    PersistentVolumeClaimSpec spec = new PersistentVolumeClaimSpec();
    spec.setAccessModes(new ArrayList<>(List.of(READ_WRITE_ONCE)));
    if (pvc.storageClass() != null && !pvc.storageClass().isEmpty()) {
      spec.setStorageClassName(pvc.storageClass());
    }
    VolumeResourceRequirements resources = new VolumeResourceRequirements();
    LinkedHashMap<String, Quantity> req = new LinkedHashMap<>();
    req.put("storage", storage(pvc.requestGi()));
    resources.setRequests(req);
    spec.setResources(resources);
    out.setSpec(spec);
    return out;
  }

  static io.fabric8.kubernetes.api.model.storage.StorageClass storageClass(StorageClass sc) {
    io.fabric8.kubernetes.api.model.storage.StorageClass out =
        new io.fabric8.kubernetes.api.model.storage.StorageClass();
    out.setMetadata(meta(sc.meta(), false));
    out.setProvisioner(sc.provisioner());
    if (sc.volumeBindingMode() != null && !sc.volumeBindingMode().isEmpty()) {
      out.setVolumeBindingMode(sc.volumeBindingMode());
    }
    if (sc.reclaimPolicy() != null && !sc.reclaimPolicy().isEmpty()) {
      out.setReclaimPolicy(sc.reclaimPolicy());
    }
    return out;
  }

  // ---------------------------------------------------------------- workloads

  /** A selector that matches exactly the template's labels (what the model's controllers use). */
  static LabelSelector selectorOf(SortedMap<String, String> labels) {
    LabelSelector sel = new LabelSelector();
    sel.setMatchLabels(new LinkedHashMap<>(labels));
    return sel;
  }

  static io.fabric8.kubernetes.api.model.apps.StatefulSet statefulSet(StatefulSet set) {
    io.fabric8.kubernetes.api.model.apps.StatefulSet out =
        new io.fabric8.kubernetes.api.model.apps.StatefulSet();
    out.setMetadata(meta(set.meta(), true));
    StatefulSetSpec spec = new StatefulSetSpec();
    spec.setReplicas(set.replicas());
    spec.setPodManagementPolicy(set.podManagementPolicy());
    spec.setServiceName(set.serviceName());
    spec.setSelector(selectorOf(set.template().labels()));
    spec.setTemplate(template(set.template()));
    List<io.fabric8.kubernetes.api.model.PersistentVolumeClaim> claims = new ArrayList<>();
    if (set.claimTemplate() != null) {
      claims.add(claimTemplate(set.claimTemplate()));
    }
    spec.setVolumeClaimTemplates(claims);
    out.setSpec(spec);
    if (!set.status().equals(StatefulSet.Status.EMPTY)) {
      out.setStatus(statefulSetStatus(set.status()));
    }
    return out;
  }

  /** apps/v1 StatefulSetStatus of the model's (what a real StatefulSet controller writes). */
  static io.fabric8.kubernetes.api.model.apps.StatefulSetStatus statefulSetStatus(
      StatefulSet.Status s) {
    io.fabric8.kubernetes.api.model.apps.StatefulSetStatus out =
        new io.fabric8.kubernetes.api.model.apps.StatefulSetStatus();
    out.setReplicas(s.replicas());
    out.setReadyReplicas(s.readyReplicas());
    out.setCurrentReplicas(s.currentReplicas());
    out.setUpdatedReplicas(s.updatedReplicas());
    out.setCurrentRevision(s.currentRevision());
    out.setUpdateRevision(s.updateRevision());
    return out;
  }

  static io.fabric8.kubernetes.api.model.apps.Deployment deployment(Deployment d) {
    io.fabric8.kubernetes.api.model.apps.Deployment out =
        new io.fabric8.kubernetes.api.model.apps.Deployment();
    out.setMetadata(meta(d.meta(), true));
    DeploymentSpec spec = new DeploymentSpec();
    spec.setReplicas(d.replicas());
    spec.setSelector(selectorOf(d.template().labels()));
    spec.setTemplate(template(d.template()));
    out.setSpec(spec);
    return out;
  }

  static io.fabric8.kubernetes.api.model.ConfigMap configMap(ConfigMap cm) {
    io.fabric8.kubernetes.api.model.ConfigMap out = new io.fabric8.kubernetes.api.model.ConfigMap();
    out.setMetadata(meta(cm.meta(), true));
    out.setData(new LinkedHashMap<>(cm.data()));
    return out;
  }

  // ---------------------------------------------------------------- TidbCluster

  /**
   * The pingcap.com/v1alpha1 TidbCluster as an untyped resource whose spec and status have the
   * CRD's shape (tidb-operator pkg/apis/pingcap/v1alpha1 types.go; provisioning.md section 4).
   * Values are the JSON types a parser gives back (Integer, Boolean, String, maps, lists), so a
   * YAML round trip yields an equal object.
   *
   * <p>The model counts TiKV stores that are Up but does not know PD's store IDs: {@code
   * status.tikv.stores} is keyed by {@code 1..n} as stand-ins.
   */
  static GenericKubernetesResource tidbCluster(TidbCluster tc) {
    GenericKubernetesResource out = new GenericKubernetesResource();
    out.setApiVersion(tc.kind().apiVersion());
    out.setKind(tc.kind().kindName());
    out.setMetadata(meta(tc.meta(), true));
    LinkedHashMap<String, Object> spec = new LinkedHashMap<>();
    TidbCluster.Spec s = tc.spec();
    if (s != null) {
      putIfSet(spec, "schedulerName", s.schedulerName());
      putIfSet(spec, "pvReclaimPolicy", s.pvReclaimPolicy());
      putIfSet(spec, "timezone", s.timezone());
      if (s.pd() != null) {
        spec.put("pd", component(s.pd()));
      }
      if (s.tikv() != null) {
        spec.put("tikv", component(s.tikv()));
      }
      if (s.tidb() != null) {
        spec.put("tidb", component(s.tidb()));
      }
    }
    out.setAdditionalProperty("spec", spec);
    if (tc.status() != null) {
      out.setAdditionalProperty("status", tidbStatus(tc.status()));
    }
    return out;
  }

  private static void putIfSet(Map<String, Object> m, String key, String value) {
    if (value != null && !value.isEmpty()) {
      m.put(key, value);
    }
  }

  /** A component spec: replicas, image, requests (cpu, memory, storage), placement. */
  static LinkedHashMap<String, Object> component(TidbCluster.ComponentSpec c) {
    LinkedHashMap<String, Object> out = new LinkedHashMap<>();
    out.put("replicas", c.replicas());
    putIfSet(out, "image", c.image());
    LinkedHashMap<String, Object> requests = new LinkedHashMap<>();
    for (Map.Entry<String, Quantity> e : requests(c.requests()).entrySet()) {
      requests.put(e.getKey(), e.getValue().toString());
    }
    if (c.storageGi() > 0) {
      requests.put("storage", storage(c.storageGi()).toString());
    }
    if (!requests.isEmpty()) {
      out.put("requests", requests);
    }
    putIfSet(out, "storageClassName", c.storageClassName());
    if (!c.nodeSelector().isEmpty()) {
      out.put("nodeSelector", new LinkedHashMap<String, Object>(c.nodeSelector()));
    }
    if (!c.tolerations().isEmpty()) {
      List<Object> tolerations = new ArrayList<>();
      for (Toleration t : c.tolerations()) {
        io.fabric8.kubernetes.api.model.Toleration ft = toleration(t);
        LinkedHashMap<String, Object> m = new LinkedHashMap<>();
        putIfSet(m, "key", ft.getKey());
        putIfSet(m, "operator", ft.getOperator());
        putIfSet(m, "value", ft.getValue());
        putIfSet(m, "effect", ft.getEffect());
        tolerations.add(m);
      }
      out.put("tolerations", tolerations);
    }
    return out;
  }

  /** A model time (microseconds) as an RFC 3339 timestamp with microseconds. */
  static String time(long us) {
    return java.time.Instant.ofEpochSecond(Math.floorDiv(us, 1_000_000L),
        Math.floorMod(us, 1_000_000L) * 1_000L).toString();
  }

  /**
   * TidbClusterStatus: pd {synced, phase, members (name, id, health, lastTransitionTime), leader,
   * failureMembers (podName, memberID, memberDeleted, createdAt)}, tikv {stores}, tidb
   * {statefulSet.readyReplicas}. Times are RFC 3339 with microseconds, as metav1.Time parses them.
   */
  static LinkedHashMap<String, Object> tidbStatus(TidbCluster.Status s) {
    LinkedHashMap<String, Object> pd = new LinkedHashMap<>();
    pd.put("synced", s.pdSynced());
    putIfSet(pd, "phase", s.pdPhase());
    if (s.pdStatefulSet() != null) {
      // status.pd.statefulSet: the set's apps/v1 StatefulSetStatus, as tidb-operator copies it
      StatefulSet.Status st = s.pdStatefulSet();
      LinkedHashMap<String, Object> set = new LinkedHashMap<>();
      set.put("replicas", st.replicas());
      set.put("readyReplicas", st.readyReplicas());
      set.put("currentReplicas", st.currentReplicas());
      set.put("updatedReplicas", st.updatedReplicas());
      putIfSet(set, "currentRevision", st.currentRevision());
      putIfSet(set, "updateRevision", st.updateRevision());
      pd.put("statefulSet", set);
    }
    if (!s.pdMembers().isEmpty()) {
      LinkedHashMap<String, Object> members = new LinkedHashMap<>();
      for (TidbCluster.PdMember m : s.pdMembers()) {
        LinkedHashMap<String, Object> member = new LinkedHashMap<>();
        member.put("name", m.name());
        member.put("id", Long.toUnsignedString(m.id()));
        member.put("health", m.health());
        member.put("lastTransitionTime", time(m.lastTransitionUs()));
        members.put(m.name(), member);
      }
      pd.put("members", members);
    }
    if (s.pdLeader() != null && !s.pdLeader().isEmpty()) {
      LinkedHashMap<String, Object> leader = new LinkedHashMap<>();
      leader.put("name", s.pdLeader());
      leader.put("health", true);
      pd.put("leader", leader);
    }
    if (!s.pdFailureMembers().isEmpty()) {
      LinkedHashMap<String, Object> failures = new LinkedHashMap<>();
      for (TidbCluster.PdFailureMember m : s.pdFailureMembers()) {
        LinkedHashMap<String, Object> f = new LinkedHashMap<>();
        f.put("podName", m.podName());
        f.put("memberID", Long.toUnsignedString(m.memberId()));
        f.put("memberDeleted", m.memberDeleted());
        f.put("createdAt", time(m.createdAtUs()));
        failures.put(m.podName(), f);
      }
      pd.put("failureMembers", failures);
    }
    LinkedHashMap<String, Object> tikv = new LinkedHashMap<>();
    if (s.tikvStoresUp() > 0) {
      LinkedHashMap<String, Object> stores = new LinkedHashMap<>();
      for (int i = 1; i <= s.tikvStoresUp(); i++) {
        LinkedHashMap<String, Object> store = new LinkedHashMap<>();
        store.put("id", Integer.toString(i));
        store.put("state", "Up");
        stores.put(Integer.toString(i), store);
      }
      tikv.put("stores", stores);
    }
    LinkedHashMap<String, Object> tidbSet = new LinkedHashMap<>();
    tidbSet.put("readyReplicas", s.tidbReady());
    LinkedHashMap<String, Object> tidb = new LinkedHashMap<>();
    tidb.put("statefulSet", tidbSet);
    LinkedHashMap<String, Object> out = new LinkedHashMap<>();
    out.put("pd", pd);
    out.put("tikv", tikv);
    out.put("tidb", tidb);
    if (s.ready() != null) {
      LinkedHashMap<String, Object> c = new LinkedHashMap<>();
      c.put("type", "Ready");
      c.put("status", s.ready().status());
      c.put("lastUpdateTime", time(s.ready().lastUpdateUs()));
      c.put("lastTransitionTime", time(s.ready().lastTransitionUs()));
      c.put("reason", s.ready().reason());
      c.put("message", s.ready().message());
      out.put("conditions", List.of(c));
    }
    return out;
  }
}
