package io.pdlab.real.kube;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.pdlab.real.node.EtcdBinary;
import io.pdlab.real.node.Hygiene;
import io.pdlab.real.node.Reaper;
import io.pdlab.real.node.RunDirectory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * A private Kubernetes control plane for one run: its own etcd (Debian's, never a member under
 * test), kube-apiserver, kube-controller-manager and kube-scheduler of Kubernetes 1.20.2, all on
 * 127.0.0.1 with free ports, with the kubeconfig, keys and logs in the run directory. The flags
 * are the ones {@code ../shared/docs/kubernetes.md} found to work on this machine: token
 * authentication, AlwaysAllow authorization, no insecure port (1.20 has none), the endpoint
 * reconciler off (127.0.0.1 is not a valid endpoint address), controller-manager and scheduler
 * without leader election.
 *
 * <p>{@link #close()} stops everything and removes the run directory; a JVM shutdown hook does the
 * same on ^C, and the {@link Reaper} removes what a killed JVM left (every process names a path in
 * the run directory on its command line).
 */
public final class KubeControlPlane implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(KubeControlPlane.class.getName());
  /** The one user of the token file: cluster admin (group system:masters). */
  static final String USER = "pdlab-admin";
  /** How long each component gets to answer its health check after it starts. */
  public static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final RunDirectory run;
  private final Path dir;
  private final String token;
  private final int apiPort;
  private final Path kubeconfig;
  private final List<KubeProcess> processes = new ArrayList<>();
  private final Duration readyAfter;
  private final String startup;
  private volatile KubernetesClient client;
  private boolean closed;

  private KubeControlPlane(KubeBinaries bin, EtcdBinary etcd, Path base) {
    Instant started = Instant.now();
    try {
      Reaper.reapOrphanRuns(base);
      NodeNetwork.reapOrphans(); // a killed run's kubelet nodes' bridges and rules
    } catch (RuntimeException e) { // what a killed run left must not stop this one
      LOG.log(System.Logger.Level.WARNING, "could not reap what killed pdlab JVMs left in "
          + base, e);
    }
    this.run = RunDirectory.create(base);
    Hygiene.register(this);
    try {
      this.dir = run.memberDir("kube");
      this.token = HexFormat.of().formatHex(randomBytes(24));
      Path pki = mkdirs(dir.resolve("pki"));
      Path logs = mkdirs(dir.resolve("logs"));
      writeServiceAccountKeys(pki);
      Path tokens = write(dir.resolve("tokens.csv"), token + "," + USER + "," + USER
          + ",system:masters\n");
      int etcdClient = freePort();
      int etcdPeer = freePort();
      this.apiPort = freePort();
      int cmPort = freePort();
      int schedulerPort = freePort();
      this.kubeconfig = write(dir.resolve("kubeconfig"), kubeconfigYaml(apiUrl(), token));

      String etcdUrl = "http://127.0.0.1:" + etcdClient;
      start(new KubeProcess("etcd", List.of(etcd.path().toString(),
          "--name=kube-etcd", "--data-dir=" + dir.resolve("etcd"),
          "--listen-client-urls=" + etcdUrl, "--advertise-client-urls=" + etcdUrl,
          "--listen-peer-urls=http://127.0.0.1:" + etcdPeer,
          "--initial-advertise-peer-urls=http://127.0.0.1:" + etcdPeer,
          "--initial-cluster=kube-etcd=http://127.0.0.1:" + etcdPeer),
          logs.resolve("etcd.log"), KubeProcess.Probe.http(etcdUrl + "/health", null,
              "\"health\":\"true\"")));
      // The controller-manager and scheduler start once the API server is ready, together. They
      // cannot start with it: at start-up the 1.20 controller-manager reads the
      // extension-apiserver-authentication config map and exits when the API does not answer
      // (seen here, "unable to load configmap based request-header-client-ca-file").
      KubeProcess apiserver = new KubeProcess("kube-apiserver", List.of(
          bin.path("kube-apiserver").toString(),
          "--etcd-servers=" + etcdUrl,
          "--secure-port=" + apiPort, "--bind-address=127.0.0.1",
          "--advertise-address=127.0.0.1", "--cert-dir=" + pki.resolve("apiserver"),
          "--service-account-issuer=https://kubernetes.default.svc",
          "--service-account-key-file=" + pki.resolve("sa.pub"),
          "--service-account-signing-key-file=" + pki.resolve("sa.key"),
          "--service-cluster-ip-range=10.96.0.0/12",
          "--authorization-mode=AlwaysAllow", "--token-auth-file=" + tokens,
          "--endpoint-reconciler-type=none", "--allow-privileged=true",
          // Only the GA API versions (and PodDisruptionBudgets, whose policy/v1beta1 informer the
          // 1.20 scheduler waits for): registering every beta group's storage is most of the API
          // server's start-up on 2 cores (6.5 s against 4.9 s to /readyz, measured here). The
          // priority-and-fairness gate needs its beta API, so it goes too. RBAC goes as well:
          // with AlwaysAllow nothing reads it, and its bootstrap roles cost the start-up about
          // 0.25 s (median 3.2 s against 3.4 s to /readyz over 5 and 6 starts here); pdlab creates no RBAC object.
          "--runtime-config=api/beta=false,policy/v1beta1=true,rbac.authorization.k8s.io/v1=false",
          "--feature-gates=APIPriorityAndFairness=false"),
          logs.resolve("kube-apiserver.log"),
          KubeProcess.Probe.http(apiUrl() + "/readyz", token, "ok"));
      KubeProcess cm = new KubeProcess("kube-controller-manager", List.of(
          bin.path("kube-controller-manager").toString(),
          "--kubeconfig=" + kubeconfig, "--authentication-kubeconfig=" + kubeconfig,
          "--authorization-kubeconfig=" + kubeconfig, "--bind-address=127.0.0.1",
          "--secure-port=" + cmPort, "--port=0", "--leader-elect=false",
          "--cert-dir=" + pki.resolve("controller-manager"),
          "--service-account-private-key-file=" + pki.resolve("sa.key"),
          "--use-service-account-credentials=false",
          "--controllers=*,-nodeipam,-cloud-node-lifecycle"),
          logs.resolve("kube-controller-manager.log"),
          KubeProcess.Probe.http("https://127.0.0.1:" + cmPort + "/healthz", null, "ok"));
      KubeProcess scheduler = new KubeProcess("kube-scheduler", List.of(
          bin.path("kube-scheduler").toString(),
          "--kubeconfig=" + kubeconfig, "--authentication-kubeconfig=" + kubeconfig,
          "--authorization-kubeconfig=" + kubeconfig, "--bind-address=127.0.0.1",
          "--secure-port=" + schedulerPort, "--port=0", "--leader-elect=false",
          "--cert-dir=" + pki.resolve("scheduler")),
          logs.resolve("kube-scheduler.log"),
          KubeProcess.Probe.http("https://127.0.0.1:" + schedulerPort + "/healthz", null,
              "ok"));
      start(apiserver);
      spawn(cm);
      spawn(scheduler);
      cm.awaitHealthy(START_TIMEOUT);
      scheduler.awaitHealthy(START_TIMEOUT);
      this.readyAfter = Duration.between(started, Instant.now());
      StringBuilder each = new StringBuilder();
      for (KubeProcess p : processes) {
        each.append(each.length() == 0 ? "" : ", ").append(p.name()).append(' ')
            .append(p.healthyAfter().toMillis()).append(" ms");
      }
      this.startup = each.toString();
      LOG.log(System.Logger.Level.INFO, "Kubernetes control plane ready in "
          + readyAfter.toMillis() + " ms (" + startup + ") at " + apiUrl() + " (kubeconfig "
          + kubeconfig + ")");
    } catch (RuntimeException e) {
      try {
        close();
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /**
   * Starts a control plane and waits until every component answers its health check.
   *
   * @throws IllegalStateException when a binary is missing (saying how to get it) or a component
   *     does not come up (with the tail of its log); nothing is left running then
   */
  public static KubeControlPlane start() {
    return start(RunDirectory.DEFAULT_BASE);
  }

  /** {@link #start()} with its run directory under {@code base}. */
  public static KubeControlPlane start(Path base) {
    return new KubeControlPlane(KubeBinaries.locate(), EtcdBinary.locate(), base);
  }

  /** Why a control plane cannot be started here, or null when it can. */
  public static String unavailableReason() {
    String kube = KubeBinaries.unavailableReason().orElse(null);
    if (kube != null) {
      return kube;
    }
    return EtcdBinary.unavailableReason().orElse(null);
  }

  private void start(KubeProcess p) {
    spawn(p);
    p.awaitHealthy(START_TIMEOUT);
  }

  /**
   * Starts {@code p} unless the control plane was closed meanwhile (^C during start-up: the
   * shutdown hook's close() and this share the lock, so no process outlives its close).
   */
  private synchronized void spawn(KubeProcess p) {
    if (closed) {
      throw new IllegalStateException("the control plane was closed while it started");
    }
    processes.add(p);
    p.start();
  }

  /** The API server's URL. */
  public String apiUrl() {
    return "https://127.0.0.1:" + apiPort;
  }

  /** The bearer token of the cluster admin. */
  public String token() {
    return token;
  }

  /** A kubeconfig for the cluster admin (the API server's certificate is not verified). */
  public Path kubeconfig() {
    return kubeconfig;
  }

  /** Where the components' logs, keys and data are. */
  public Path dir() {
    return dir;
  }

  /** From {@link #start()} being called to every component healthy. */
  public Duration readyAfter() {
    return readyAfter;
  }

  /** How long each component took from its start to healthy, e.g. "etcd 310 ms, ...". */
  public String startup() {
    return startup;
  }

  /** A fabric8 client for the cluster admin, shared; closed with the control plane. */
  public synchronized KubernetesClient client() {
    if (closed) {
      throw new IllegalStateException("the control plane at " + apiUrl() + " is closed");
    }
    if (client == null) {
      Config config = new ConfigBuilder().withMasterUrl(apiUrl()).withOauthToken(token)
          .withTrustCerts(true).withDisableHostnameVerification(true)
          .withRequestTimeout(10_000).withConnectionTimeout(5_000).build();
      client = new KubernetesClientBuilder().withConfig(config).build();
    }
    return client;
  }

  /**
   * Installs the TidbCluster CRD (pingcap.com/v1alpha1, resource {@code tidbclusters}) and waits
   * until the API server serves it.
   */
  public void installTidbClusterCrd() {
    CustomResourceDefinition crd;
    try (InputStream in = KubeControlPlane.class.getResourceAsStream("tidbcluster-crd.yaml")) {
      if (in == null) {
        throw new IllegalStateException("tidbcluster-crd.yaml is missing from pdlab's jar");
      }
      crd = client().apiextensions().v1().customResourceDefinitions().load(in).item();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the TidbCluster CRD: " + e, e);
    }
    client().apiextensions().v1().customResourceDefinitions().resource(crd).create();
    client().apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata()
        .getName()).waitUntilCondition(c -> c != null && c.getStatus() != null
            && c.getStatus().getConditions() != null && c.getStatus().getConditions().stream()
            .anyMatch(x -> x.getType().equals("Established") && x.getStatus().equals("True")),
        START_TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
  }

  /** The last lines of a component's log ({@code etcd}, {@code kube-apiserver}, ...). */
  public String logTail(String component, int lines) {
    for (KubeProcess p : processes) {
      if (p.name().equals(component)) {
        return p.logTail(lines);
      }
    }
    throw new IllegalArgumentException("no component " + component);
  }

  /** Stops every component (in reverse order) and removes the run directory. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    RuntimeException first = null;
    if (client != null) {
      try {
        client.close();
      } catch (RuntimeException e) {
        first = e;
      }
    }
    // Every component is stopped and the directory removed even if one of them fails to die
    // (that one is then left to the reaper, which finds it by its command line).
    for (int i = processes.size() - 1; i >= 0; i--) {
      try {
        processes.get(i).stop();
      } catch (RuntimeException e) {
        first = first == null ? e : first;
      }
    }
    try {
      run.delete();
    } finally {
      Hygiene.unregister(this);
    }
    if (first != null) {
      throw first;
    }
  }

  @Override
  public String toString() {
    return "Kubernetes control plane at " + apiUrl() + " (" + run.path() + ")";
  }

  // ------------------------------------------------------------------ files

  static String kubeconfigYaml(String server, String token) {
    return """
        apiVersion: v1
        kind: Config
        clusters:
        - name: pdlab
          cluster:
            server: %s
            insecure-skip-tls-verify: true
        users:
        - name: %s
          user:
            token: %s
        contexts:
        - name: pdlab
          context:
            cluster: pdlab
            user: %s
        current-context: pdlab
        """.formatted(server, USER, token, USER);
  }

  /** An RSA key pair for service-account tokens, as PEM (PKCS#8 private, X.509 public). */
  private static void writeServiceAccountKeys(Path pki) {
    KeyPair kp;
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048, new SecureRandom());
      kp = g.generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no RSA key generator: " + e, e);
    }
    write(pki.resolve("sa.key"), pem("PRIVATE KEY", kp.getPrivate().getEncoded()));
    write(pki.resolve("sa.pub"), pem("PUBLIC KEY", kp.getPublic().getEncoded()));
  }

  static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  private static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    new SecureRandom().nextBytes(b);
    return b;
  }

  private static Path mkdirs(Path p) {
    try {
      return Files.createDirectories(p);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + p + ": " + e, e);
    }
  }

  private static Path write(Path p, String text) {
    try {
      return Files.writeString(p, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + p + ": " + e, e);
    }
  }

  /** A port free on 127.0.0.1 now (bound to 0 and released). */
  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find a free port on 127.0.0.1: " + e, e);
    }
  }
}
