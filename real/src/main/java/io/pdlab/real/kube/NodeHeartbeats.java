package io.pdlab.real.kube;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Keeps Nodes that have no kubelet alive the way a kubelet does, so the node lifecycle controller
 * treats them as healthy (and lifts the {@code node.kubernetes.io/not-ready} taint every Node gets
 * at creation): a Lease in {@code kube-node-lease} renewed every {@link #RENEW_EVERY}, and the
 * Ready condition with a fresh heartbeat. {@link #stop} ends one node's heartbeat (a lost node:
 * the lifecycle controller marks it unknown after its grace period).
 */
public final class NodeHeartbeats implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(NodeHeartbeats.class.getName());
  /** The namespace of node leases. */
  public static final String LEASE_NAMESPACE = "kube-node-lease";
  /**
   * Lease duration: kubelet's {@code nodeLeaseDurationSeconds} default, 40 s (Kubernetes 1.20
   * {@code pkg/kubelet/apis/config/v1beta1/defaults.go}).
   */
  public static final int LEASE_DURATION_S = 40;
  /**
   * Renewal and status period: the lease is renewed every quarter of its duration
   * ({@code pkg/kubelet/nodelease/controller.go}, renewIntervalFraction 0.25) and the kubelet's
   * {@code nodeStatusUpdateFrequency} defaults to 10 s (same defaults.go): both 10 s.
   */
  public static final Duration RENEW_EVERY = Duration.ofSeconds(10);
  /** Attempts of a status write that keeps meeting conflicts (client-go's DefaultRetry: 5). */
  private static final int CONFLICT_RETRIES = 5;
  /** Pods a node takes: kubelet's {@code maxPods} default (defaults.go). */
  public static final int MAX_PODS = 110;

  private static final DateTimeFormatter RFC3339 = DateTimeFormatter.ISO_INSTANT;

  private final KubernetesClient client;
  private final Set<String> beating = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "pdlab-node-heartbeats");
    t.setDaemon(true);
    return t;
  });

  public NodeHeartbeats(KubernetesClient client) {
    this.client = client;
    timer.scheduleWithFixedDelay(this::beatAll, RENEW_EVERY.toMillis(), RENEW_EVERY.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /**
   * Creates {@code node} (its spec and labels as given) and starts its heartbeat: status with
   * capacity, allocatable (pods included) and Ready, and its Lease.
   */
  public void register(Node node) {
    String name = node.getMetadata().getName();
    Node created = client.nodes().resource(stripStatus(node)).create();
    Map<String, Quantity> allocatable = new LinkedHashMap<>();
    if (node.getStatus() != null && node.getStatus().getAllocatable() != null) {
      allocatable.putAll(node.getStatus().getAllocatable());
    }
    allocatable.putIfAbsent("pods", new Quantity(Integer.toString(MAX_PODS)));
    boolean kubelet = kubeletNodes.contains(name);
    // A kubelet adopting a Node writes into its capacity (a 1.20 kubelet panics on a Node without
    // one: kubelet_node_status.go reconcileHugePageResource), then reports its own.
    retryOnConflict(() -> client.nodes().withName(name).editStatus(n -> {
      n.getStatus().setCapacity(new LinkedHashMap<>(allocatable));
      n.getStatus().setAllocatable(new LinkedHashMap<>(allocatable));
      if (!kubelet) {
        n.getStatus().setConditions(new ArrayList<>(List.of(ready(Instant.now(),
            Instant.now()))));
      }
      return n;
    }));
    if (kubelet) {
      return; // its kubelet reports its status and renews its lease itself
    }
    beating.add(name);
    beat(name);
    LOG.log(System.Logger.Level.DEBUG, "node " + name + " registered (uid "
        + created.getMetadata().getUid() + ")");
  }

  private final Set<String> kubeletNodes = ConcurrentHashMap.newKeySet();

  /**
   * Nodes a real kubelet will run: {@link #register} only creates them (with the model's labels,
   * taints and annotations), and never heartbeats them.
   */
  public void runByKubelet(java.util.Collection<String> names) {
    kubeletNodes.addAll(names);
  }

  /** Whether {@code name} is (to be) run by a real kubelet. */
  public boolean kubeletNode(String name) {
    return kubeletNodes.contains(name);
  }

  /** Ends {@code name}'s heartbeat, as a node that lost its kubelet or its machine. */
  public void stop(String name) {
    beating.remove(name);
  }

  /** Whether {@code name} is heartbeating. */
  public boolean beating(String name) {
    return beating.contains(name);
  }

  private void beatAll() {
    for (String name : List.copyOf(beating)) {
      try {
        beat(name);
      } catch (RuntimeException e) { // the timer must go on beating the other nodes
        LOG.log(System.Logger.Level.WARNING, "heartbeat of node " + name + " failed: " + e);
      }
    }
  }

  /** One heartbeat; synchronized, so the timer and a registration never race on the Lease. */
  private synchronized void beat(String name) {
    Instant now = Instant.now();
    ZonedDateTime renew = ZonedDateTime.ofInstant(now, ZoneOffset.UTC);
    Lease existing = client.leases().inNamespace(LEASE_NAMESPACE).withName(name).get();
    if (existing == null) {
      client.leases().inNamespace(LEASE_NAMESPACE).resource(new LeaseBuilder()
          .withNewMetadata().withName(name).withNamespace(LEASE_NAMESPACE).endMetadata()
          .withNewSpec().withHolderIdentity(name).withLeaseDurationSeconds(LEASE_DURATION_S)
          .withRenewTime(renew).endSpec().build()).create();
    } else {
      client.leases().inNamespace(LEASE_NAMESPACE).withName(name)
          .edit(l -> new LeaseBuilder(l).editSpec().withRenewTime(renew).endSpec().build());
    }
    retryOnConflict(() -> client.nodes().withName(name).editStatus(n -> {
      List<NodeCondition> conditions = new ArrayList<>();
      Instant since = now;
      for (NodeCondition c : n.getStatus().getConditions()) {
        if (c.getType().equals("Ready") && "True".equals(c.getStatus())
            && c.getLastTransitionTime() != null) {
          since = Instant.parse(c.getLastTransitionTime());
        }
      }
      conditions.add(ready(now, since));
      n.getStatus().setConditions(conditions);
      return n;
    }));
  }

  /**
   * Runs a read-modify-write of a node's status again when another writer (the node lifecycle
   * controller) changed it in between (HTTP 409), as client-go's RetryOnConflict does.
   */
  private static void retryOnConflict(Runnable write) {
    for (int attempt = 1; ; attempt++) {
      try {
        write.run();
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt >= CONFLICT_RETRIES) {
          throw e;
        }
      }
    }
  }

  private static NodeCondition ready(Instant heartbeat, Instant since) {
    return new NodeConditionBuilder().withType("Ready").withStatus("True")
        .withReason("KubeletReady").withMessage("pdlab node agent is posting ready status")
        .withLastHeartbeatTime(RFC3339.format(heartbeat.truncatedTo(
            java.time.temporal.ChronoUnit.SECONDS)))
        .withLastTransitionTime(RFC3339.format(since.truncatedTo(
            java.time.temporal.ChronoUnit.SECONDS)))
        .build();
  }

  private static Node stripStatus(Node n) {
    Node copy = new Node(n.getApiVersion(), n.getKind(), n.getMetadata(), n.getSpec(), null);
    return copy;
  }

  @Override
  public void close() {
    beating.clear();
    timer.shutdownNow();
  }
}
