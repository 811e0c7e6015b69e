package io.pdlab.k8s.manifest;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeSelector;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimSpec;
import io.fabric8.kubernetes.api.model.PersistentVolumeSpec;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.pdlab.k8s.api.Kind;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * What a real API server rejects on create that our renderings could contain. Each check names
 * its source in kubernetes/kubernetes: {@code pkg/apis/core/validation/validation.go} (core),
 * {@code pkg/apis/apps/validation/validation.go} (apps), {@code
 * pkg/apis/storage/validation/validation.go} (storage), and apimachinery's {@code
 * pkg/api/validation/objectmeta.go} and {@code pkg/apis/meta/v1/validation/validation.go}
 * (metadata, labels, selectors). Problems read like {@code field.Error}: {@code <path>: <type>:
 * <detail>}.
 *
 * <p>This is a subset: the rules our objects can break. Defaulted fields (an empty restart
 * policy, type or binding mode) are accepted as the server would default them.
 */
final class ManifestValidator {
  /** apimachinery objectmeta.go {@code TotalAnnotationSizeLimitB = 256 * (1 << 10)}. */
  static final long TOTAL_ANNOTATION_SIZE_LIMIT_BYTES = 256L * 1024;
  /** core {@code MaxSecretSize = 1 * 1024 * 1024}, which ValidateConfigMap applies too. */
  static final long MAX_CONFIG_MAP_SIZE_BYTES = 1024L * 1024;

  static final List<String> RESTART_POLICIES = List.of("Always", "OnFailure", "Never");
  static final List<String> TAINT_EFFECTS = List.of("NoSchedule", "PreferNoSchedule",
      "NoExecute");
  static final List<String> SERVICE_TYPES = List.of("ClusterIP", "NodePort", "LoadBalancer",
      "ExternalName");
  static final List<String> PROTOCOLS = List.of("TCP", "UDP", "SCTP");
  static final List<String> ACCESS_MODES = List.of("ReadWriteOnce", "ReadOnlyMany",
      "ReadWriteMany", "ReadWriteOncePod");
  static final List<String> PV_RECLAIM_POLICIES = List.of("Delete", "Recycle", "Retain");
  static final List<String> SC_RECLAIM_POLICIES = List.of("Delete", "Retain");
  static final List<String> BINDING_MODES = List.of("Immediate", "WaitForFirstConsumer");
  static final List<String> POD_MANAGEMENT_POLICIES = List.of("OrderedReady", "Parallel");

  private final List<String> errs = new ArrayList<>();

  private ManifestValidator() {}

  static List<String> validate(HasMetadata o) {
    ManifestValidator v = new ManifestValidator();
    v.object(o);
    return List.copyOf(v.errs);
  }

  // ---------------------------------------------------------------- error constructors

  private static String show(Object value) {
    return value instanceof String s ? "\"" + s + "\"" : String.valueOf(value);
  }

  private void invalid(String path, Object value, String detail) {
    errs.add(path + ": Invalid value: " + show(value) + ": " + detail);
  }

  private void invalidAll(String path, Object value, List<String> details) {
    for (String d : details) {
      invalid(path, value, d);
    }
  }

  private void required(String path, String detail) {
    errs.add(path + ": Required value" + (detail.isEmpty() ? "" : ": " + detail));
  }

  private void forbidden(String path, String detail) {
    errs.add(path + ": Forbidden: " + detail);
  }

  private void duplicate(String path, Object value) {
    errs.add(path + ": Duplicate value: " + show(value));
  }

  private void notSupported(String path, Object value, List<String> supported) {
    StringBuilder sb = new StringBuilder(path).append(": Unsupported value: ").append(show(value))
        .append(": supported values: ");
    for (int i = 0; i < supported.size(); i++) {
      sb.append(i == 0 ? "" : ", ").append('"').append(supported.get(i)).append('"');
    }
    errs.add(sb.toString());
  }

  private static boolean empty(String s) {
    return s == null || s.isEmpty();
  }

  // ---------------------------------------------------------------- dispatch

  private void object(HasMetadata o) {
    // Service names are DNS-1035 labels (core ValidateServiceName = NameIsDNS1035Label); every
    // other kind here uses NameIsDNSSubdomain (ValidatePodName, ValidateNodeName,
    // ValidatePersistentVolumeName, ValidateConfigMapName, apps ValidateStatefulSetName and
    // ValidateDeploymentName, storage ValidateClassName, and the apiextensions server for
    // custom resources).
    Function<String, List<String>> nameRule = o instanceof Service
        ? ApiRules::isDns1035Label : ApiRules::isDns1123Subdomain;
    objectMeta(o, nameRule);
    if (o instanceof Pod p) {
      if (p.getSpec() == null) {
        required("spec", "");
      } else {
        podSpec(p.getSpec(), "spec");
      }
    } else if (o instanceof Service s) {
      service(s);
    } else if (o instanceof Node n) {
      node(n);
    } else if (o instanceof PersistentVolume pv) {
      persistentVolume(pv);
    } else if (o instanceof PersistentVolumeClaim pvc) {
      if (pvc.getSpec() == null) {
        required("spec", "");
      } else {
        claimSpec(pvc.getSpec(), "spec");
      }
    } else if (o instanceof StorageClass sc) {
      storageClass(sc);
    } else if (o instanceof StatefulSet set) {
      statefulSet(set);
    } else if (o instanceof Deployment d) {
      deployment(d);
    } else if (o instanceof ConfigMap cm) {
      configMap(cm);
    } else if (o instanceof GenericKubernetesResource g) {
      if (empty(g.getApiVersion())) {
        required("apiVersion", "");
      }
      if (empty(g.getKind())) {
        required("kind", "");
      }
    }
  }

  /** Whether the kind is namespaced: fabric8's marker, else the model's table; null if unknown. */
  private static Boolean namespaced(HasMetadata o) {
    if (o instanceof Namespaced) {
      return true;
    }
    for (Kind k : Kind.values()) {
      if (k.apiVersion().equals(o.getApiVersion()) && k.kindName().equals(o.getKind())) {
        return k.namespaced();
      }
    }
    return o instanceof GenericKubernetesResource ? null : false;
  }

  // ---------------------------------------------------------------- metadata

  /** objectmeta.go ValidateObjectMeta, and the store's create-time resourceVersion check. */
  private void objectMeta(HasMetadata o, Function<String, List<String>> nameRule) {
    ObjectMeta m = o.getMetadata();
    if (m == null) {
      required("metadata", "");
      return;
    }
    if (empty(m.getName())) {
      required("metadata.name", "name or generateName is required");
    } else {
      invalidAll("metadata.name", m.getName(), nameRule.apply(m.getName()));
    }
    Boolean namespaced = namespaced(o);
    if (!empty(m.getNamespace())) {
      if (Boolean.FALSE.equals(namespaced)) {
        forbidden("metadata.namespace", "not allowed on this type");
      } else {
        // ValidateNamespaceName = NameIsDNSLabel
        invalidAll("metadata.namespace", m.getNamespace(),
            ApiRules.isDns1123Label(m.getNamespace()));
      }
    }
    labels(m.getLabels(), "metadata.labels");
    annotations(m.getAnnotations(), "metadata.annotations");
    if (!empty(m.getResourceVersion())) {
      // apiserver storage/etcd3 store.go Create
      forbidden("metadata.resourceVersion",
          "resourceVersion should not be set on objects to be created");
    }
  }

  /** meta/v1 validation ValidateLabels: keys are qualified names, values label values. */
  private void labels(Map<String, String> labels, String path) {
    if (labels == null) {
      return;
    }
    for (Map.Entry<String, String> e : labels.entrySet()) {
      invalidAll(path, e.getKey(), ApiRules.isQualifiedName(e.getKey()));
      String value = e.getValue() == null ? "" : e.getValue();
      invalidAll(path, value, ApiRules.isValidLabelValue(value));
    }
  }

  /** objectmeta.go ValidateAnnotations: lower-cased keys are qualified names; 256 KiB in all. */
  private void annotations(Map<String, String> annotations, String path) {
    if (annotations == null) {
      return;
    }
    long size = 0;
    for (Map.Entry<String, String> e : annotations.entrySet()) {
      invalidAll(path, e.getKey(), ApiRules.isQualifiedName(e.getKey().toLowerCase(Locale.ROOT)));
      size += e.getKey().length() + (e.getValue() == null ? 0 : e.getValue().length());
    }
    if (size > TOTAL_ANNOTATION_SIZE_LIMIT_BYTES) {
      errs.add(path + ": Too long: must have at most " + TOTAL_ANNOTATION_SIZE_LIMIT_BYTES
          + " bytes");
    }
  }

  // ---------------------------------------------------------------- selectors

  /** meta/v1 validation ValidateLabelSelector (and its requirements). */
  private void labelSelector(LabelSelector sel, String path) {
    labels(sel.getMatchLabels(), path + ".matchLabels");
    List<LabelSelectorRequirement> exprs = sel.getMatchExpressions();
    for (int i = 0; exprs != null && i < exprs.size(); i++) {
      LabelSelectorRequirement r = exprs.get(i);
      String p = path + ".matchExpressions[" + i + "]";
      List<String> values = r.getValues() == null ? List.of() : r.getValues();
      String op = r.getOperator() == null ? "" : r.getOperator();
      switch (op) {
        case "In", "NotIn" -> {
          if (values.isEmpty()) {
            required(p + ".values", "must be specified when `operator` is 'In' or 'NotIn'");
          }
        }
        case "Exists", "DoesNotExist" -> {
          if (!values.isEmpty()) {
            forbidden(p + ".values",
                "may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
          }
        }
        default -> invalid(p + ".operator", op, "not a valid selector operator");
      }
      invalidAll(p + ".key", String.valueOf(r.getKey()),
          ApiRules.isQualifiedName(String.valueOf(r.getKey())));
      for (int j = 0; j < values.size(); j++) {
        invalidAll(p + ".values[" + j + "]", values.get(j),
            ApiRules.isValidLabelValue(values.get(j)));
      }
    }
  }

  /** Whether {@code sel} selects an object with {@code labels} (LabelSelectorAsSelector). */
  static boolean matches(LabelSelector sel, Map<String, String> labels) {
    Map<String, String> l = labels == null ? Collections.<String, String>emptyMap() : labels;
    if (sel.getMatchLabels() != null) {
      for (Map.Entry<String, String> e : sel.getMatchLabels().entrySet()) {
        if (!e.getValue().equals(l.get(e.getKey()))) {
          return false;
        }
      }
    }
    if (sel.getMatchExpressions() != null) {
      for (LabelSelectorRequirement r : sel.getMatchExpressions()) {
        boolean has = l.containsKey(r.getKey());
        List<String> values = r.getValues() == null ? List.of() : r.getValues();
        boolean ok = switch (String.valueOf(r.getOperator())) {
          case "In" -> has && values.contains(l.get(r.getKey()));
          case "NotIn" -> !has || !values.contains(l.get(r.getKey()));
          case "Exists" -> has;
          case "DoesNotExist" -> !has;
          default -> false;
        };
        if (!ok) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean emptySelector(LabelSelector sel) {
    return (sel.getMatchLabels() == null || sel.getMatchLabels().isEmpty())
        && (sel.getMatchExpressions() == null || sel.getMatchExpressions().isEmpty());
  }

  /** core validateNodeSelectorRequirement / ValidateNodeSelector. */
  private void nodeSelector(NodeSelector sel, String path) {
    List<NodeSelectorTerm> terms = sel.getNodeSelectorTerms();
    if (terms == null || terms.isEmpty()) {
      required(path + ".nodeSelectorTerms", "must have at least one node selector term");
      return;
    }
    for (int i = 0; i < terms.size(); i++) {
      List<NodeSelectorRequirement> exprs = terms.get(i).getMatchExpressions();
      for (int j = 0; exprs != null && j < exprs.size(); j++) {
        NodeSelectorRequirement r = exprs.get(j);
        String p = path + ".nodeSelectorTerms[" + i + "].matchExpressions[" + j + "]";
        List<String> values = r.getValues() == null ? List.of() : r.getValues();
        String op = r.getOperator() == null ? "" : r.getOperator();
        switch (op) {
          case "In", "NotIn" -> {
            if (values.isEmpty()) {
              required(p + ".values", "must be specified when `operator` is 'In' or 'NotIn'");
            }
          }
          case "Exists", "DoesNotExist" -> {
            if (!values.isEmpty()) {
              forbidden(p + ".values",
                  "may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
            }
          }
          case "Gt", "Lt" -> {
            if (values.size() != 1) {
              required(p + ".values",
                  "must be specified single value when `operator` is 'Lt' or 'Gt'");
            }
          }
          default -> notSupported(p + ".operator", op,
              List.of("DoesNotExist", "Exists", "Gt", "In", "Lt", "NotIn"));
        }
        invalidAll(p + ".key", String.valueOf(r.getKey()),
            ApiRules.isQualifiedName(String.valueOf(r.getKey())));
      }
    }
  }

  // ---------------------------------------------------------------- pods

  /** core ValidatePodSpec (the parts our pods use). */
  private void podSpec(PodSpec s, String path) {
    List<Container> containers = s.getContainers();
    if (containers == null || containers.isEmpty()) {
      required(path + ".containers", "");
    } else {
      TreeSet<String> names = new TreeSet<>();
      for (int i = 0; i < containers.size(); i++) {
        container(containers.get(i), path + ".containers[" + i + "]", names);
      }
    }
    if (!empty(s.getRestartPolicy()) && !RESTART_POLICIES.contains(s.getRestartPolicy())) {
      notSupported(path + ".restartPolicy", s.getRestartPolicy(), RESTART_POLICIES);
    }
    labels(s.getNodeSelector(), path + ".nodeSelector");
    if (!empty(s.getNodeName())) {
      invalidAll(path + ".nodeName", s.getNodeName(),
          ApiRules.isDns1123Subdomain(s.getNodeName()));
    }
    if (!empty(s.getHostname())) {
      invalidAll(path + ".hostname", s.getHostname(), ApiRules.isDns1123Label(s.getHostname()));
    }
    if (!empty(s.getSubdomain())) {
      invalidAll(path + ".subdomain", s.getSubdomain(),
          ApiRules.isDns1123Label(s.getSubdomain()));
    }
    List<Toleration> tolerations = s.getTolerations();
    for (int i = 0; tolerations != null && i < tolerations.size(); i++) {
      toleration(tolerations.get(i), path + ".tolerations[" + i + "]");
    }
    List<Volume> volumes = s.getVolumes();
    TreeSet<String> volumeNames = new TreeSet<>();
    for (int i = 0; volumes != null && i < volumes.size(); i++) {
      Volume v = volumes.get(i);
      String p = path + ".volumes[" + i + "]";
      if (empty(v.getName())) {
        required(p + ".name", "");
      } else {
        invalidAll(p + ".name", v.getName(), ApiRules.isDns1123Label(v.getName()));
        if (!volumeNames.add(v.getName())) {
          duplicate(p + ".name", v.getName());
        }
      }
      if (v.getPersistentVolumeClaim() != null
          && empty(v.getPersistentVolumeClaim().getClaimName())) {
        required(p + ".persistentVolumeClaim.claimName", "");
      }
    }
    affinity(s.getAffinity(), path + ".affinity");
  }

  /** core validateContainers / validateContainerCommon / validateContainerPorts. */
  private void container(Container c, String path, TreeSet<String> names) {
    if (empty(c.getName())) {
      required(path + ".name", "");
    } else {
      invalidAll(path + ".name", c.getName(), ApiRules.isDns1123Label(c.getName()));
      if (!names.add(c.getName())) {
        duplicate(path + ".name", c.getName());
      }
    }
    // validateContainers: "image" Required; validateContainerOnlyForPod: no surrounding blanks.
    if (c.getImage() == null || c.getImage().isBlank()) {
      required(path + ".image", "");
    } else if (!c.getImage().equals(c.getImage().strip())) {
      invalid(path + ".image", c.getImage(), "must not have leading or trailing whitespace");
    }
    List<ContainerPort> ports = c.getPorts();
    TreeSet<String> portNames = new TreeSet<>();
    for (int i = 0; ports != null && i < ports.size(); i++) {
      ContainerPort p = ports.get(i);
      String pp = path + ".ports[" + i + "]";
      if (!empty(p.getName())) {
        invalidAll(pp + ".name", p.getName(), ApiRules.isValidPortName(p.getName()));
        if (!portNames.add(p.getName())) {
          duplicate(pp + ".name", p.getName());
        }
      }
      if (p.getContainerPort() == null) {
        required(pp + ".containerPort", "");
      } else {
        invalidAll(pp + ".containerPort", p.getContainerPort(),
            ApiRules.isValidPortNum(p.getContainerPort()));
      }
      if (!empty(p.getProtocol()) && !PROTOCOLS.contains(p.getProtocol())) {
        notSupported(pp + ".protocol", p.getProtocol(), PROTOCOLS);
      }
    }
    if (c.getResources() != null) {
      quantities(c.getResources().getRequests(), path + ".resources.requests");
      quantities(c.getResources().getLimits(), path + ".resources.limits");
    }
  }

  /** core ValidateResourceQuantityValue: parseable and not negative. */
  private void quantities(Map<String, Quantity> q, String path) {
    if (q == null) {
      return;
    }
    for (Map.Entry<String, Quantity> e : q.entrySet()) {
      BigDecimal v = amount(e.getValue());
      if (v == null) {
        invalid(path + "[" + e.getKey() + "]", String.valueOf(e.getValue()),
            "quantities must match the regular expression "
                + "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
      } else if (v.signum() < 0) {
        invalid(path + "[" + e.getKey() + "]", e.getValue().toString(),
            "must be greater than or equal to 0");
      }
    }
  }

  private static BigDecimal amount(Quantity q) {
    if (q == null) {
      return null;
    }
    try {
      return q.getNumericalAmount();
    } catch (RuntimeException e) { // ArithmeticException or NumberFormatException: not a quantity
      return null;
    }
  }

  /** core validateTolerations. */
  private void toleration(Toleration t, String path) {
    if (!empty(t.getKey())) {
      invalidAll(path + ".key", t.getKey(), ApiRules.isQualifiedName(t.getKey()));
    }
    String op = t.getOperator() == null ? "" : t.getOperator();
    if (empty(t.getKey()) && !op.equals("Exists")) {
      invalid(path + ".operator", op,
          "operator must be Exists when `key` is empty, which means \"match all values and all "
              + "keys\"");
    }
    if (t.getTolerationSeconds() != null && !"NoExecute".equals(t.getEffect())) {
      invalid(path + ".effect", String.valueOf(t.getEffect()),
          "effect must be 'NoExecute' when `tolerationSeconds` is set");
    }
    switch (op) {
      case "Equal", "" -> invalidAll(path + ".operator", t.getValue() == null ? "" : t.getValue(),
          ApiRules.isValidLabelValue(t.getValue() == null ? "" : t.getValue()));
      case "Exists" -> {
        if (!empty(t.getValue())) {
          invalid(path + ".operator", t.getValue(), "value must be empty when `operator` is "
              + "'Exists'");
        }
      }
      default -> notSupported(path + ".operator", op, List.of("Equal", "Exists"));
    }
    if (!empty(t.getEffect()) && !TAINT_EFFECTS.contains(t.getEffect())) {
      notSupported(path + ".effect", t.getEffect(), TAINT_EFFECTS);
    }
  }

  /** core validateAffinity / validatePodAffinityTerm (required pod anti-affinity terms). */
  private void affinity(Affinity a, String path) {
    if (a == null || a.getPodAntiAffinity() == null) {
      return;
    }
    List<PodAffinityTerm> terms =
        a.getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution();
    for (int i = 0; terms != null && i < terms.size(); i++) {
      PodAffinityTerm t = terms.get(i);
      String p = path + ".podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[" + i
          + "]";
      if (t.getLabelSelector() != null) {
        labelSelector(t.getLabelSelector(), p + ".labelSelector");
      }
      if (empty(t.getTopologyKey())) {
        required(p + ".topologyKey", "can not be empty");
      } else {
        invalidAll(p + ".topologyKey", t.getTopologyKey(),
            ApiRules.isQualifiedName(t.getTopologyKey()));
      }
    }
  }

  /**
   * A workload's template: labels valid, spec valid, restart policy Always (apps
   * ValidatePodTemplateSpecForStatefulSet and ValidateDeploymentSpec: "supported values:
   * Always").
   */
  private void workloadTemplate(PodTemplateSpec t, String path) {
    if (t == null) {
      required(path, "");
      return;
    }
    if (t.getMetadata() != null) {
      labels(t.getMetadata().getLabels(), path + ".metadata.labels");
      annotations(t.getMetadata().getAnnotations(), path + ".metadata.annotations");
    }
    if (t.getSpec() == null) {
      required(path + ".spec", "");
      return;
    }
    podSpec(t.getSpec(), path + ".spec");
    String policy = t.getSpec().getRestartPolicy();
    if (!empty(policy) && !policy.equals("Always")) {
      notSupported(path + ".spec.restartPolicy", policy, List.of("Always"));
    }
  }

  /** A selector that is present, not empty, and selects the template's labels. */
  private void workloadSelector(LabelSelector sel, PodTemplateSpec t, String kind) {
    if (sel == null) {
      required("spec.selector", "");
      return;
    }
    labelSelector(sel, "spec.selector");
    if (emptySelector(sel)) {
      invalid("spec.selector", sel.toString(), "empty selector is invalid for " + kind);
      return;
    }
    Map<String, String> labels = t == null || t.getMetadata() == null ? null
        : t.getMetadata().getLabels();
    if (!matches(sel, labels)) {
      invalid("spec.template.metadata.labels", String.valueOf(labels),
          "`selector` does not match template `labels`");
    }
  }

  // ---------------------------------------------------------------- kinds

  /** core ValidateService (ports, type, headless, selector). */
  private void service(Service s) {
    ServiceSpec spec = s.getSpec();
    if (spec == null) {
      required("spec", "");
      return;
    }
    String type = empty(spec.getType()) ? "ClusterIP" : spec.getType();
    if (!SERVICE_TYPES.contains(type)) {
      notSupported("spec.type", type, SERVICE_TYPES);
    }
    boolean headless = "None".equals(spec.getClusterIP());
    if (headless && (type.equals("NodePort") || type.equals("LoadBalancer"))) {
      invalid("spec.clusterIPs[0]", "None", "may not be set to 'None' for " + type
          + " services");
    }
    List<ServicePort> ports = spec.getPorts() == null ? List.of() : spec.getPorts();
    if (ports.isEmpty() && !headless && !type.equals("ExternalName")) {
      required("spec.ports", "");
    }
    TreeSet<String> names = new TreeSet<>();
    for (int i = 0; i < ports.size(); i++) {
      ServicePort p = ports.get(i);
      String pp = "spec.ports[" + i + "]";
      if (empty(p.getName())) {
        if (ports.size() > 1) {
          required(pp + ".name", "");
        }
      } else {
        invalidAll(pp + ".name", p.getName(), ApiRules.isDns1123Label(p.getName()));
        if (!names.add(p.getName())) {
          duplicate(pp + ".name", p.getName());
        }
      }
      if (p.getPort() == null) {
        required(pp + ".port", "");
      } else {
        invalidAll(pp + ".port", p.getPort(), ApiRules.isValidPortNum(p.getPort()));
      }
      if (!empty(p.getProtocol()) && !PROTOCOLS.contains(p.getProtocol())) {
        notSupported(pp + ".protocol", p.getProtocol(), PROTOCOLS);
      }
      if (p.getTargetPort() != null) {
        if (p.getTargetPort().getIntVal() != null) {
          invalidAll(pp + ".targetPort", p.getTargetPort().getIntVal(),
              ApiRules.isValidPortNum(p.getTargetPort().getIntVal()));
        } else if (p.getTargetPort().getStrVal() != null) {
          invalidAll(pp + ".targetPort", p.getTargetPort().getStrVal(),
              ApiRules.isValidPortName(p.getTargetPort().getStrVal()));
        }
      }
    }
    labels(spec.getSelector(), "spec.selector");
  }

  /** core ValidateNode / validateNodeTaints. */
  private void node(Node n) {
    if (n.getSpec() == null || n.getSpec().getTaints() == null) {
      return;
    }
    List<Taint> taints = n.getSpec().getTaints();
    TreeSet<String> seen = new TreeSet<>();
    for (int i = 0; i < taints.size(); i++) {
      Taint t = taints.get(i);
      String p = "spec.taints[" + i + "]";
      if (empty(t.getKey())) {
        required(p + ".key", "");
      } else {
        invalidAll(p + ".key", t.getKey(), ApiRules.isQualifiedName(t.getKey()));
      }
      String value = t.getValue() == null ? "" : t.getValue();
      invalidAll(p + ".value", value, ApiRules.isValidLabelValue(value));
      if (empty(t.getEffect())) {
        required(p + ".effect", "");
      } else if (!TAINT_EFFECTS.contains(t.getEffect())) {
        notSupported(p + ".effect", t.getEffect(), TAINT_EFFECTS);
      }
      if (!seen.add(t.getKey() + "/" + t.getEffect())) {
        duplicate(p, "taints must be unique by key and effect pair");
      }
    }
  }

  private void accessModes(List<String> modes, String path) {
    if (modes == null || modes.isEmpty()) {
      required(path, "at least 1 access mode is required");
      return;
    }
    for (String m : modes) {
      if (!ACCESS_MODES.contains(m)) {
        notSupported(path, m, ACCESS_MODES);
      }
    }
  }

  /** core ValidatePersistentVolumeSpec. */
  private void persistentVolume(PersistentVolume pv) {
    PersistentVolumeSpec s = pv.getSpec();
    if (s == null) {
      required("spec", "");
      return;
    }
    accessModes(s.getAccessModes(), "spec.accessModes");
    Map<String, Quantity> capacity = s.getCapacity();
    if (capacity == null || capacity.isEmpty()) {
      required("spec.capacity", "");
    } else if (!capacity.containsKey("storage") || capacity.size() > 1) {
      notSupported("spec.capacity", capacity.keySet().toString(), List.of("storage"));
    } else {
      quantities(capacity, "spec.capacity");
    }
    if (!empty(s.getStorageClassName())) {
      invalidAll("spec.storageClassName", s.getStorageClassName(),
          ApiRules.isDns1123Subdomain(s.getStorageClassName()));
    }
    if (!empty(s.getPersistentVolumeReclaimPolicy())
        && !PV_RECLAIM_POLICIES.contains(s.getPersistentVolumeReclaimPolicy())) {
      notSupported("spec.persistentVolumeReclaimPolicy", s.getPersistentVolumeReclaimPolicy(),
          PV_RECLAIM_POLICIES);
    }
    int sources = 0;
    for (Object src : new Object[] {s.getLocal(), s.getHostPath(), s.getCsi(),
        s.getAwsElasticBlockStore(), s.getNfs(), s.getGcePersistentDisk(), s.getAzureDisk(),
        s.getIscsi(), s.getFc(), s.getRbd(), s.getCephfs(), s.getCinder(), s.getGlusterfs(),
        s.getFlexVolume(), s.getAzureFile(), s.getVsphereVolume(), s.getQuobyte(),
        s.getFlocker(), s.getPhotonPersistentDisk(), s.getPortworxVolume(), s.getScaleIO(),
        s.getStorageos()}) {
      if (src != null) {
        sources++;
      }
    }
    if (sources == 0) {
      required("spec", "must specify a volume type");
    } else if (sources > 1) {
      forbidden("spec", "may not specify more than 1 volume type");
    }
    boolean affinity = s.getNodeAffinity() != null && s.getNodeAffinity().getRequired() != null;
    if (s.getLocal() != null) {
      if (empty(s.getLocal().getPath())) {
        required("spec.local.path", "");
      }
      if (!affinity) {
        required("spec.nodeAffinity", "Local volume requires node affinity");
      }
    }
    if (affinity) {
      nodeSelector(s.getNodeAffinity().getRequired(), "spec.nodeAffinity.required");
    }
  }

  /** core ValidatePersistentVolumeClaimSpec. */
  private void claimSpec(PersistentVolumeClaimSpec s, String path) {
    accessModes(s.getAccessModes(), path + ".accessModes");
    Quantity storage = s.getResources() == null || s.getResources().getRequests() == null
        ? null : s.getResources().getRequests().get("storage");
    if (storage == null) {
      required(path + ".resources[storage]", "");
    } else {
      BigDecimal v = amount(storage);
      if (v == null || v.signum() <= 0) {
        invalid(path + ".resources[storage]", storage.toString(), "must be greater than zero");
      }
    }
    if (!empty(s.getStorageClassName())) {
      invalidAll(path + ".storageClassName", s.getStorageClassName(),
          ApiRules.isDns1123Subdomain(s.getStorageClassName()));
    }
  }

  /** storage ValidateStorageClass: provisioner, reclaim policy, binding mode. */
  private void storageClass(StorageClass sc) {
    if (empty(sc.getProvisioner())) {
      required("provisioner", "");
    } else {
      invalidAll("provisioner", sc.getProvisioner(),
          ApiRules.isQualifiedName(sc.getProvisioner().toLowerCase(Locale.ROOT)));
    }
    if (!empty(sc.getReclaimPolicy()) && !SC_RECLAIM_POLICIES.contains(sc.getReclaimPolicy())) {
      notSupported("reclaimPolicy", sc.getReclaimPolicy(), SC_RECLAIM_POLICIES);
    }
    if (!empty(sc.getVolumeBindingMode())
        && !BINDING_MODES.contains(sc.getVolumeBindingMode())) {
      notSupported("volumeBindingMode", sc.getVolumeBindingMode(), BINDING_MODES);
    }
  }

  /** apps ValidateStatefulSetSpec. */
  private void statefulSet(StatefulSet set) {
    var s = set.getSpec();
    if (s == null) {
      required("spec", "");
      return;
    }
    if (!empty(s.getPodManagementPolicy())
        && !POD_MANAGEMENT_POLICIES.contains(s.getPodManagementPolicy())) {
      notSupported("spec.podManagementPolicy", s.getPodManagementPolicy(),
          POD_MANAGEMENT_POLICIES);
    }
    if (s.getReplicas() != null && s.getReplicas() < 0) {
      invalid("spec.replicas", s.getReplicas(), "must be greater than or equal to 0");
    }
    workloadSelector(s.getSelector(), s.getTemplate(), "statefulset");
    workloadTemplate(s.getTemplate(), "spec.template");
    // The claims the controller creates from these must pass PVC validation; their names are
    // <template>-<set>-<ordinal>, and each template also names a pod volume.
    List<PersistentVolumeClaim> claims = s.getVolumeClaimTemplates();
    for (int i = 0; claims != null && i < claims.size(); i++) {
      PersistentVolumeClaim c = claims.get(i);
      String p = "spec.volumeClaimTemplates[" + i + "]";
      String name = c.getMetadata() == null ? null : c.getMetadata().getName();
      if (empty(name)) {
        required(p + ".metadata.name", "");
      } else {
        invalidAll(p + ".metadata.name", name, ApiRules.isDns1123Label(name));
      }
      if (c.getMetadata() != null) {
        labels(c.getMetadata().getLabels(), p + ".metadata.labels");
      }
      if (c.getSpec() == null) {
        required(p + ".spec", "");
      } else {
        claimSpec(c.getSpec(), p + ".spec");
      }
    }
  }

  /** apps ValidateDeploymentSpec. */
  private void deployment(Deployment d) {
    var s = d.getSpec();
    if (s == null) {
      required("spec", "");
      return;
    }
    if (s.getReplicas() != null && s.getReplicas() < 0) {
      invalid("spec.replicas", s.getReplicas(), "must be greater than or equal to 0");
    }
    workloadSelector(s.getSelector(), s.getTemplate(), "deployment");
    workloadTemplate(s.getTemplate(), "spec.template");
  }

  /** core ValidateConfigMap: keys are config-map keys; data at most 1 MiB. */
  private void configMap(ConfigMap cm) {
    long size = 0;
    if (cm.getData() != null) {
      for (Map.Entry<String, String> e : cm.getData().entrySet()) {
        invalidAll("data[" + e.getKey() + "]", e.getKey(), ApiRules.isConfigMapKey(e.getKey()));
        size += e.getValue() == null ? 0 : e.getValue().getBytes(StandardCharsets.UTF_8).length;
      }
    }
    if (size > MAX_CONFIG_MAP_SIZE_BYTES) {
      errs.add("data: Too long: must have at most " + MAX_CONFIG_MAP_SIZE_BYTES + " bytes");
    }
  }
}
