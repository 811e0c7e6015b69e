package io.pdlab.pd.tidb;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The inputs of one run of the v1 PD start script ({@code pdStartScriptTpl} in
 * {@code pkg/manager/member/startscript/v1/template.go}, rendered by {@code RenderPDStartScript} in
 * {@code render_script.go}), and the names the script computes from them.
 *
 * @param podName {@code POD_NAME}, e.g. {@code basic-pd-0}
 * @param namespace {@code NAMESPACE}
 * @param tcName the TidbCluster name; the operator sets {@code PEER_SERVICE_NAME=<tc>-pd-peer}
 * @param scheme {@code tc.Scheme()}: {@code http}, or {@code https} with cluster TLS
 * @param dataDir {@code /var/lib/pd} ({@code PDDataVolumeMountPath}) joined with
 *     {@code spec.pd.dataSubDir}
 * @param startTimeoutSeconds the DNS wait's {@code threshold}: the literal {@code threshold=30} in
 *     the v1 template (the v2 script renders {@code tc.PDStartTimeout()} there)
 * @param dataDirState what the data volume holds when the script starts
 */
public record PdStartScriptConfig(
    String podName,
    String namespace,
    String tcName,
    String scheme,
    String dataDir,
    int startTimeoutSeconds,
    DataDirState dataDirState) {

  /** {@code threshold=30} in the v1 template. */
  public static final int DEFAULT_START_TIMEOUT_SECONDS = 30;
  /** {@code PDDataVolumeMountPath} in {@code pkg/manager/member/constants}. */
  public static final String DEFAULT_DATA_DIR = "/var/lib/pd";
  /** The discovery service port in {@code discovery_url}. */
  public static final int DISCOVERY_PORT = 10261;

  public PdStartScriptConfig {
    for (String[] f : new String[][] {
        {"podName", podName}, {"namespace", namespace}, {"tcName", tcName}, {"scheme", scheme},
        {"dataDir", dataDir}}) {
      if (f[1] == null || f[1].isEmpty()) {
        throw new IllegalArgumentException(f[0] + " must not be empty");
      }
    }
    if (startTimeoutSeconds < 1) {
      throw new IllegalArgumentException(
          "startTimeoutSeconds must be >= 1, got " + startTimeoutSeconds);
    }
    if (dataDirState == null) {
      throw new IllegalArgumentException("dataDirState must not be null");
    }
  }

  /** Plain HTTP, default data dir and the 30 s DNS wait. */
  public static PdStartScriptConfig of(
      String podName, String namespace, String tcName, DataDirState dataDirState) {
    return new PdStartScriptConfig(podName, namespace, tcName, "http", DEFAULT_DATA_DIR,
        DEFAULT_START_TIMEOUT_SECONDS, dataDirState);
  }

  /** {@code PEER_SERVICE_NAME}: {@code controller.PDPeerMemberName(tc)}. */
  public String peerServiceName() {
    return tcName + "-pd-peer";
  }

  /** {@code cluster_name=`echo ${PEER_SERVICE_NAME} | sed 's/-pd-peer//'`} (first match only). */
  public String clusterName() {
    return peerServiceName().replaceFirst("-pd-peer", "");
  }

  /** {@code domain="${POD_NAME}.${PEER_SERVICE_NAME}.${NAMESPACE}.svc"} (no cluster domain). */
  public String domain() {
    return podName + "." + peerServiceName() + "." + namespace + ".svc";
  }

  /** {@code discovery_url="${cluster_name}-discovery.${NAMESPACE}.svc:10261"}. */
  public String discoveryAddress() {
    return clusterName() + "-discovery." + namespace + ".svc:" + DISCOVERY_PORT;
  }

  /**
   * {@code encoded_domain_url=`echo ${domain}:2380 | base64 | tr "\n" " " | sed "s/ //g"`}:
   * {@code echo} adds a newline, which is encoded too, and the line breaks of {@code base64}'s
   * output are removed.
   */
  public String encodedDomainUrl() {
    return Base64.getEncoder()
        .encodeToString((domain() + ":2380\n").getBytes(StandardCharsets.UTF_8));
  }

  /** {@code http://${discovery_url}/new/${encoded_domain_url}}: always plain HTTP. */
  public String discoveryRequestUrl() {
    return "http://" + discoveryAddress() + "/new/" + encodedDomainUrl();
  }
}
