package io.pdlab.k8s.manifest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.util.StringQuotingChecker;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.pdlab.k8s.api.K8sObject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Renders the simulator's objects as real Kubernetes manifests: fabric8 model objects and YAML.
 * Whether a real API server accepts them is checked by one ({@code KubeApiIT}, server-side
 * dry-run against pdlab's own Kubernetes 1.20.2 control plane).
 *
 * <p>Guarantees: rendering is a pure function of the lean object (same object, equal fabric8
 * object, same YAML bytes); YAML lists fields in the model's declared order and map entries
 * sorted by key (as {@code kubectl get -o yaml} does), quotes every string a YAML 1.1 reader
 * could take for another type, and parses back through fabric8's deserializer to an equal object.
 * Server-owned metadata (resourceVersion, creationTimestamp) is left out, so the output can be
 * applied as it is.
 */
public final class Manifests {
  private static final YAMLMapper YAML = YAMLMapper.builder(YAMLFactory.builder()
          .stringQuotingChecker(new SafeQuoting()).build())
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .disable(YAMLGenerator.Feature.SPLIT_LINES) // long flags stay on one line
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
      .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE) // scripts in ConfigMaps stay readable
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
      .serializationInclusion(JsonInclude.Include.NON_NULL)
      .build();

  private Manifests() {}

  /**
   * The object as fabric8 models it: the typed class of its kind ({@code Node}, {@code Pod},
   * {@code Service}, {@code PersistentVolume}, {@code PersistentVolumeClaim}, storage/v1 {@code
   * StorageClass}, apps/v1 {@code StatefulSet} and {@code Deployment}, {@code ConfigMap}), and for
   * the pingcap.com/v1alpha1 TidbCluster a {@code GenericKubernetesResource} shaped like its CRD.
   */
  public static HasMetadata toFabric8(K8sObject o) {
    return Fabric8Objects.of(o);
  }

  /** {@link #toFabric8(K8sObject)} for each object, in order. */
  public static List<HasMetadata> toFabric8(List<? extends K8sObject> objects) {
    List<HasMetadata> out = new ArrayList<>(objects.size());
    for (K8sObject o : objects) {
      out.add(toFabric8(o));
    }
    return out;
  }

  /** The object as one YAML document. */
  public static String toYaml(K8sObject o) {
    return yamlOf(toFabric8(o));
  }

  /** The objects as a multi-document YAML stream ({@code ---} between documents), in order. */
  public static String toYaml(List<? extends K8sObject> objects) {
    return yamlOf(toFabric8(objects));
  }

  /** Any fabric8 object as one YAML document, with the same printing rules. */
  public static String yamlOf(HasMetadata o) {
    try {
      return YAML.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot render " + o.getKind() + " "
          + (o.getMetadata() == null ? "?" : o.getMetadata().getName()) + " as YAML", e);
    }
  }

  /** Fabric8 objects as a multi-document YAML stream, in order. */
  public static String yamlOf(List<? extends HasMetadata> objects) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < objects.size(); i++) {
      if (i > 0) {
        sb.append("---\n");
      }
      sb.append(yamlOf(objects.get(i)));
    }
    return sb.toString();
  }

  /**
   * Parses one or more YAML documents with fabric8's own deserializer (the typed class of each
   * document's apiVersion and kind; a {@code GenericKubernetesResource} for custom resources).
   *
   * @throws IllegalArgumentException if the text is not YAML or a document is no object with
   *     metadata
   */
  public static List<HasMetadata> fromYaml(String yaml) {
    List<HasMetadata> out = new ArrayList<>();
    try (MappingIterator<KubernetesResource> it =
        YAML.readerFor(KubernetesResource.class).readValues(yaml)) {
      while (it.hasNextValue()) {
        KubernetesResource r = it.nextValue();
        if (r == null) {
          continue; // an empty document
        }
        if (!(r instanceof HasMetadata m)) {
          throw new IllegalArgumentException("document " + (out.size() + 1) + " is a "
              + r.getClass().getSimpleName() + ", not an object with metadata");
        }
        out.add(m);
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("not a Kubernetes YAML stream: " + e.getMessage(), e);
    }
    return out;
  }

  /**
   * Quotes every scalar that is not plainly a string to a YAML 1.1 reader (kubectl's go-yaml
   * resolves {@code 0x1F}, {@code 1e3}, {@code yes}, timestamps): plain only for strings that
   * start with a letter, {@code _} or {@code /}, hold no character YAML treats specially (a
   * colon only inside, never followed by a blank), and are no YAML 1.1 boolean or null.
   */
  static final class SafeQuoting extends StringQuotingChecker {
    private static final long serialVersionUID = 1L;
    private static final Pattern PLAIN =
        Pattern.compile("[A-Za-z_/]([-A-Za-z0-9_./=,:]*[-A-Za-z0-9_./=,])?");
    /** YAML 1.1 booleans and null, in any case (more than the spec lists: harmless quotes). */
    private static final Pattern KEYWORD =
        Pattern.compile("(?i)y|yes|n|no|true|false|on|off|null");

    @Override
    public boolean needToQuoteName(String name) {
      return needToQuoteValue(name);
    }

    @Override
    public boolean needToQuoteValue(String value) {
      return !PLAIN.matcher(value).matches() || KEYWORD.matcher(value).matches()
          || isReservedKeyword(value);
    }
  }
}
