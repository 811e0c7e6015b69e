package io.pdlab.k8s.controllers;

import io.pdlab.k8s.api.Container;
import io.pdlab.k8s.api.Deployment;
import io.pdlab.k8s.api.K8sObject;
import io.pdlab.k8s.api.Kind;
import io.pdlab.k8s.api.Node;
import io.pdlab.k8s.api.Pod;
import io.pdlab.k8s.api.PodStatus;
import io.pdlab.k8s.api.Service;
import io.pdlab.k8s.api.StatefulSet;
import io.pdlab.k8s.api.TidbCluster;
import io.pdlab.k8s.store.MemoryStore;
import io.pdlab.k8s.store.ObjectStore;
import io.pdlab.k8s.store.WatchEvent;
import io.pdlab.pd.etcd.EtcdConfig;
import io.pdlab.pd.pod.PodEnv;
import io.pdlab.pd.run.EtcdWorld;
import io.pdlab.pd.run.MemberTracker;
import io.pdlab.sim.World;
import io.pdlab.pd.tidb.TidbClusterRead;
import io.pdlab.sim.Budget;
import io.pdlab.sim.Simulation;
import io.pdlab.sim.process.Process;
import io.pdlab.sim.process.ProcessState;
import io.pdlab.sim.trace.TraceSink;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/**
 * A simulated Kubernetes cluster: the object store, kube-scheduler, the StatefulSet and Deployment
 * controllers, a kubelet per node
 * (containers run as simulated processes on the node's host, so losing a node takes its pods'
 * processes down; init containers run one after another to completion before the app container;
 * restarts back off 10 s doubling to 5 min; a container is Ready once it runs,
 * or, with a readiness probe, when its probe passes, probed every 10 s), DNS for pods under
 * headless Services, and Services routing to ready pods. It is the {@link PodEnv} of the
 * PD and discovery pods, and measures the etcd members it runs with an {@link EtcdWorld}.
 */
public final class K8sWorld implements PodEnv {
  private final World sim;
  private final ObjectStore store;
  private final EtcdWorld measures;
  private final MemberTracker tracker;
  private final ContainerRuntime runtime;
  /** Pod key by process name (pod names are unique across the model's namespaces). */
  private final TreeMap<String, String> podOfProcess = new TreeMap<>();
  /**
   * When each pod's first container started, by pod name: its sandbox is up and it has an address
   * from then on, which is what its DNS record waits for ({@link #resolves}).
   */
  private final TreeMap<String, Long> startedUs = new TreeMap<>();
  /** The kubelet's restart back-off of each container (by process name). */
  private final io.pdlab.pd.run.RestartBackOff backOff = new io.pdlab.pd.run.RestartBackOff();
  private final TreeSet<String> starting = new TreeSet<>();
  private final PodTimes podTimes;
  /** The reason a bound pod is Pending with while its container is being created. */
  public static final String CONTAINER_CREATING = "ContainerCreating";
  /**
   * The reason a pod is Pending with while its init containers run (kubelet 1.20 kubelet_pods.go
   * {@code convertToAPIContainerStatuses}: the app containers wait with "PodInitializing").
   */
  public static final String POD_INITIALIZING = "PodInitializing";
  /**
   * The reason a process gives when it exits with code 0 (the kubelet's terminated reason for
   * it): an init container that did its work.
   */
  public static final String COMPLETED = "Completed";
  /** The model's node lifecycle controller and pod GC (null on a real control plane). */
  private final NodeLifecycle nodeLifecycle;
  private final CloudNodeLifecycle cloud;
  private final TreeSet<String> pendingSets = new TreeSet<>();
  private long containerStartMs = K8sConstants.CONTAINER_START_MS;

  public K8sWorld(long seed, Budget budget, boolean traceEnabled) {
    this(seed, budget, traceEnabled, null);
  }

  /**
   * As above, with {@code sink} attached before anything happens (a complete trace; without the
   * message records when the sink does not read them).
   */
  public K8sWorld(long seed, Budget budget, boolean traceEnabled, TraceSink sink) {
    this(simulation(seed, budget, traceEnabled, sink), null, SimContainerRuntime::new);
  }

  private static Simulation simulation(long seed, Budget budget, boolean traceEnabled,
      TraceSink sink) {
    Simulation s = new Simulation(seed, budget, traceEnabled);
    if (sink != null) {
      s.addTraceSink(sink);
      if (!sink.readsMessages()) {
        s.trace().leaveOutMessages();
      }
    }
    return s;
  }

  /**
   * A Kubernetes model on {@code kernel}, which may run on the wall clock (a real backend): its
   * containers are made by {@code runtime} and its members reported to {@code tracker}. With a
   * null tracker, {@code kernel} must be a {@link Simulation} and the members are measured by an
   * {@link EtcdWorld} on it.
   */
  public K8sWorld(World kernel, MemberTracker tracker,
      java.util.function.Function<K8sWorld, ContainerRuntime> runtime) {
    this(kernel, tracker, runtime, null, null);
  }

  /**
   * As above, on the API of a real control plane ({@code api} non-null, the {@code k8s}
   * backend): its scheduler and controllers bind pods and run StatefulSets and Deployments, so
   * the model's do not run; this world is the node agent of every node (it runs the pods bound to
   * them and reports their status) and {@code nodeLoss} is told of a lost node after its pods'
   * containers died (null: the model marks the node NotReady).
   */
  public K8sWorld(World kernel, MemberTracker tracker,
      java.util.function.Function<K8sWorld, ContainerRuntime> runtime, ObjectStore api,
      java.util.function.Consumer<String> nodeLoss) {
    this.sim = kernel;
    this.podTimes = new PodTimes(kernel::nowUs);
    this.modelControlPlane = api == null;
    this.nodeLoss = nodeLoss;
    this.store = api != null ? api : new MemoryStore(sim, K8sConstants.WATCH_DELAY_US);
    if (tracker == null) {
      if (!(kernel instanceof Simulation s)) {
        throw new IllegalArgumentException("a K8sWorld on a real-time kernel needs a tracker");
      }
      this.measures = new EtcdWorld(s);
      this.tracker = measures;
    } else {
      this.measures = null;
      this.tracker = tracker;
    }
    this.runtime = runtime.apply(this);
    if (modelControlPlane) {
      store.watch(Kind.STATEFUL_SET, e -> reconcileSetLater(e.object().meta().key()));
      store.watch(Kind.DEPLOYMENT, e -> reconcileDeploymentLater(e.object().meta().key()));
    }
    store.watch(Kind.POD, this::onPod);
    store.watch(Kind.POD, podTimes::onPod);
    sim.addExitListener(this::onContainerExit);
    sim.schedule(K8sConstants.READINESS_PERIOD_MS * 1_000, this::probeAll);
    if (modelControlPlane) {
      new io.pdlab.k8s.sched.SchedulerController(sim, store).start();
      nodeLifecycle = new NodeLifecycle(sim, store, this::markPodsNotReady);
    } else {
      nodeLifecycle = null;
    }
    cloud = new CloudNodeLifecycle(sim, store);
  }

  /**
   * Nodes a real kubelet runs (on a real control plane): their pods' containers are the
   * kubelet's, started, restarted (with its back-off), probed and reported by it; this world only
   * runs the model's process of each container while it lives ({@link #kubeletContainerStarted},
   * {@link #kubeletContainerEnded}).
   */
  private final TreeSet<String> kubeletNodes = new TreeSet<>();

  /**
   * What the trace says (a note of the pod, followed by " on " and its node) when a real kubelet
   * started a container of it.
   */
  public static final String KUBELET_STARTED = "kubelet started its container";

  /**
   * What the trace says (a note of the pod, followed by the container's name, " on " and its
   * node) when a real kubelet started an init container of it.
   */
  public static final String KUBELET_STARTED_INIT = "kubelet started its init container";

  /** Why a process stopped when its container, run by a real kubelet, ended. */
  public static final String CONTAINER_ENDED = "container ended";

  /** Clusters whose next successful MemberAdd answer is lost ({@link #loseAddAnswer}). */
  private final TreeSet<String> lostAddAnswers = new TreeSet<>();

  /**
   * An {@code add-timeout} fault: the next successful MemberAdd answer a client of {@code
   * cluster} gets (its operator, or a joining PD) is lost; etcd applied the add.
   */
  public void loseNextAddAnswer(String cluster) {
    lostAddAnswers.add(cluster);
    sim.note(cluster, "add-timeout: the next MemberAdd answer of cluster " + cluster
        + " will be lost");
  }

  @Override
  public boolean loseAddAnswer(String cluster,
      io.pdlab.pd.etcd.EtcdMessages.ClientResponse answer) {
    if (!answer.ok() || !(answer.value() instanceof io.pdlab.pd.etcd.EtcdMessages.AddResult)
        || !lostAddAnswers.remove(cluster)) {
      return false;
    }
    sim.note(cluster, "add-timeout: a MemberAdd answer of cluster " + cluster + " is lost;"
        + " its client will time out");
    return true;
  }

  /** Pods ({@code namespace/name}) started with a wrong advertised peer URL, and that URL. */
  private final TreeMap<String, String> wrongPeerUrls = new TreeMap<>();

  /**
   * A {@code wrong-peer-url} fault: from now on, every start of pod {@code namespace/pod}'s
   * member advertises {@link #wrongPeerUrl(String)} of the URL it should advertise: a DNS name
   * that reaches nothing (a typo'd or stale host name), while its peers and its {@code
   * --initial-cluster} entry keep the right one.
   */
  public void advertiseWrongPeerUrl(String namespace, String pod) {
    wrongPeerUrls.put(namespace + "/" + pod, pod);
    sim.note(pod, "wrong-peer-url: " + pod + " will advertise a peer URL that reaches nothing");
  }

  /**
   * The wrong URL a {@code wrong-peer-url} fault gives for {@code url}: its host's first label
   * (the pod, whose DNS name it is) with {@code -typo} appended, so the name resolves to nothing.
   */
  public static String wrongPeerUrl(String url) {
    String host = EtcdConfig.endpointOf(url);
    int at = url.indexOf(host, url.indexOf("://") + 3);
    return url.substring(0, at) + host + TYPO + url.substring(at + host.length());
  }

  /**
   * The URL a {@link #wrongPeerUrl} was made from, or null when {@code url} is not one (its
   * host's first label does not end with {@value #TYPO}).
   */
  public static String rightPeerUrl(String url) {
    if (!url.contains("://")) {
      return null;
    }
    String host = EtcdConfig.endpointOf(url);
    if (!host.endsWith(TYPO) || host.length() == TYPO.length()) {
      return null;
    }
    int at = url.indexOf(host, url.indexOf("://") + 3);
    return url.substring(0, at + host.length() - TYPO.length()) + url.substring(at
        + host.length());
  }

  /** What {@link #wrongPeerUrl} appends to the pod's name. */
  private static final String TYPO = "-typo";

  @Override
  public String advertisedPeerUrl(String namespace, String pod, String url) {
    return wrongPeerUrls.containsKey(namespace + "/" + pod) ? wrongPeerUrl(url) : url;
  }

  /** {@code cfg} with the peer URL its pod advertises ({@link #advertisedPeerUrl}). */
  public EtcdConfig advertised(String namespace, EtcdConfig cfg) {
    String url = advertisedPeerUrl(namespace, cfg.name(), cfg.peerUrl());
    return url.equals(cfg.peerUrl()) ? cfg : new EtcdConfig(cfg.name(), url, cfg.clientUrl(),
        cfg.initialCluster(), cfg.state(), cfg.token(), cfg.timing());
  }

  /** Says which nodes real kubelets run (real control plane only). */
  public void runByKubelet(java.util.Collection<String> nodes) {
    if (modelControlPlane) {
      throw new IllegalStateException("the model's control plane has no real kubelets");
    }
    kubeletNodes.addAll(nodes);
  }

  /** Whether pod {@code p} is bound to a node a real kubelet runs. */
  public boolean onKubeletNode(Pod p) {
    return p.spec().nodeName() != null && kubeletNodes.contains(p.spec().nodeName());
  }

  /**
   * A real kubelet started a container of pod {@code key}: its model process starts (created on
   * first use), unless the pod is one a never-start fault holds (then nothing runs in it), or a
   * late-start fault delays it. Returns whether the process starts (now or later).
   */
  public boolean kubeletContainerStarted(String key) {
    return kubeletContainerStarted(key, null);
  }

  /**
   * As {@link #kubeletContainerStarted(String)}, for container {@code container} of the pod: one
   * of its init containers runs that init container's process ({@link #initProcess}), which the
   * real kubelet runs to completion before the next container; any other name (or null) is its
   * app container. A late-start fault delays the pod's first container, init or not.
   */
  public boolean kubeletContainerStarted(String key, String container) {
    Pod pod = store.get(Kind.POD, key);
    if (pod == null) {
      return false;
    }
    String name = pod.meta().name();
    int init = initIndex(pod, container);
    sim.note(name, (init < 0 ? KUBELET_STARTED : KUBELET_STARTED_INIT + " " + container) + " on "
        + pod.spec().nodeName());
    if (neverStart.contains(name)) {
      return false;
    }
    String process;
    if (init < 0) {
      attachContainer(pod, key);
      process = name;
    } else {
      process = initProcess(name, pod.spec().initContainers().get(init));
      addInitProcess(process, pod.spec().nodeName());
      initRuns.put(process, new InitRun(name, key, pod.meta().createdUs(), init));
    }
    long delayUs = extraStartDelayUs.getOrDefault(name, 0L);
    long createdUs = pod.meta().createdUs();
    Runnable start = () -> {
      Pod now = store.get(Kind.POD, key);
      boolean current = init < 0 ? podOfProcess.containsKey(name) : initRuns.containsKey(process);
      if (now != null && now.meta().createdUs() == createdUs && current
          && sim.state(process) == ProcessState.DOWN) {
        startedUs.putIfAbsent(name, sim.nowUs());
        sim.start(process);
      }
    };
    if (delayUs > 0 && !startedUs.containsKey(name)) {
      sim.schedule(delayUs, start);
    } else {
      start.run();
    }
    return true;
  }

  /** The container a real kubelet ran for pod {@code key} ended: its model process stops. */
  public void kubeletContainerEnded(String key) {
    String name = key.substring(key.indexOf('/') + 1);
    if (key.equals(podOfProcess.get(name)) && sim.hasProcess(name)
        && sim.state(name) != ProcessState.DOWN) {
      sim.crash(name, CONTAINER_ENDED);
    }
  }

  /**
   * Init container {@code container} of pod {@code key}, which a real kubelet ran, ended: its
   * model process stops if it still runs (it ended with its container, not by itself).
   */
  public void kubeletInitContainerEnded(String key, String container) {
    Pod pod = store.get(Kind.POD, key);
    String name = key.substring(key.indexOf('/') + 1);
    int init = pod == null ? -1 : initIndex(pod, container);
    String process = init < 0 ? initProcess(name, container)
        : initProcess(name, pod.spec().initContainers().get(init));
    InitRun run = initRuns.get(process);
    if (run != null && run.key().equals(key) && sim.hasProcess(process)
        && sim.state(process) != ProcessState.DOWN) {
      sim.crash(process, CONTAINER_ENDED);
    }
  }

  /** The place of init container {@code container} in {@code pod}'s list, or -1. */
  public static int initIndex(Pod pod, String container) {
    List<Container> init = pod.spec().initContainers();
    for (int i = 0; i < init.size(); i++) {
      if (init.get(i).name().equals(container)) {
        return i;
      }
    }
    return -1;
  }

  /** Nodes lost on a real control plane: their agent is gone with them. */
  private final TreeSet<String> lostNodes = new TreeSet<>();

  /** Whether the model's scheduler and controllers run (false: a real control plane's do). */
  private final boolean modelControlPlane;
  /** Told of a lost node on a real control plane; null in the model. */
  private final java.util.function.Consumer<String> nodeLoss;

  /** Whether this world's scheduler and controllers are the model's (not a real cluster's). */
  public boolean modelControlPlane() {
    return modelControlPlane;
  }

  /** The simulation this world runs on; only for a simulated world (run control, tests). */
  public Simulation sim() {
    if (sim instanceof Simulation s) {
      return s;
    }
    throw new IllegalStateException("this Kubernetes world runs in real time, not in a simulation");
  }

  /** What runs this world's containers (the simulator's processes, or a real backend's). */
  public ContainerRuntime runtime() {
    return runtime;
  }

  /** The world its processes, network and timers live in, simulated or on the wall clock. */
  public World kernel() {
    return sim;
  }

  public ObjectStore store() {
    return store;
  }

  /** When the member pods were scheduled, started and Ready, as a watcher of the store saw it. */
  public PodTimes podTimes() {
    return podTimes;
  }

  /** The simulator's measures; only for a simulated world. */
  public EtcdWorld measures() {
    if (measures == null) {
      throw new IllegalStateException("this Kubernetes world is measured from outside (real)");
    }
    return measures;
  }

  /** Where the members this world runs are reported. */
  public MemberTracker tracker() {
    return tracker;
  }

  /**
   * Per EtcdCluster ({@code namespace/name}): its {@code spec.size} once changed at run time. The
   * model keeps no EtcdCluster object; its spec lives here, outside the operator's process, so an
   * operator that restarts reads it again, as etcd-operator re-reads its custom resource.
   */
  private final TreeMap<String, Integer> etcdClusterSizes = new TreeMap<>();

  /** Writes EtcdCluster {@code key}'s {@code spec.size}. */
  public void setEtcdClusterSize(String key, int size) {
    if (size < 1) {
      throw new IllegalArgumentException("size must be at least 1, got " + size);
    }
    etcdClusterSizes.put(key, size);
    for (java.util.function.Consumer<String> w : List.copyOf(etcdClusterWatchers)) {
      w.accept(key);
    }
  }

  /** Watchers of the EtcdClusters' spec, told the key of each write. */
  private final java.util.ArrayList<java.util.function.Consumer<String>> etcdClusterWatchers =
      new java.util.ArrayList<>();

  /**
   * Registers a watcher of the EtcdClusters (an operator's {@code For(&EtcdCluster{})}): it hears
   * the key of every {@link #setEtcdClusterSize} from now on.
   */
  public void watchEtcdClusters(java.util.function.Consumer<String> watcher) {
    etcdClusterWatchers.add(watcher);
  }

  /** EtcdCluster {@code key}'s {@code spec.size}: as last written, else {@code initial}. */
  public int etcdClusterSize(String key, int initial) {
    return etcdClusterSizes.getOrDefault(key, initial);
  }

  /** Per namespace: overrides of the etcd timing of its containers (scenario {@code timing:}). */
  private final TreeMap<String, TreeMap<String, String>> timingOverrides = new TreeMap<>();
  /** Pods whose container never starts (an image that cannot be pulled). */
  private final TreeSet<String> neverStart = new TreeSet<>();
  /** Extra delay before a pod's container starts. */
  private final TreeMap<String, Long> extraStartDelayUs = new TreeMap<>();

  /** Overrides etcd timing parameters (tickMs, electionMs, preVote, strictReconfigCheck). */
  public void setTimingOverrides(String namespace, Map<String, String> overrides) {
    timingOverrides.put(namespace, new TreeMap<>(overrides));
  }

  /** The timing overrides of {@code namespace} (empty when none). */
  public Map<String, String> timingOverrides(String namespace) {
    return timingOverrides.getOrDefault(namespace, new TreeMap<>());
  }

  /** The container of pod {@code podName} will never start: its pod stays Pending. */
  public void neverStart(String podName) {
    neverStart.add(podName);
  }

  /** The container of pod {@code podName} starts {@code delayUs} later than others. */
  public void delayStart(String podName, long delayUs) {
    extraStartDelayUs.put(podName, delayUs);
  }

  /**
   * Kills a running container (OOM, a crash): with {@code restartAfterUs} >= 0 it comes back then,
   * otherwise the kubelet handles it as any exit (back-off, or Failed under RestartPolicy Never).
   * {@code wipe} loses its volume's data as well.
   */
  public void crashContainer(String podName, boolean wipe, long restartAfterUs) {
    if (!sim.hasProcess(podName)) {
      return;
    }
    if (wipe) {
      sim.wipe(podName);
    } else if (sim.state(podName) != ProcessState.DOWN) {
      sim.crash(podName);
    }
    String podKey = podOfProcess.get(podName);
    Pod running = podKey == null ? null : store.get(Kind.POD, podKey);
    if (running != null && onKubeletNode(running)) {
      return; // the container is killed; its kubelet decides when it comes back
    }
    if (restartAfterUs >= 0) {
      String key = podOfProcess.get(podName);
      long createdUs = key == null ? -1 : ((Pod) store.get(Kind.POD, key)).meta().createdUs();
      sim.schedule(restartAfterUs, () -> {
        Pod now = key == null ? null : store.get(Kind.POD, key);
        if (now != null && now.meta().createdUs() == createdUs
            && podOfProcess.containsKey(podName) && sim.state(podName) == ProcessState.DOWN) {
          sim.start(podName);
        }
      });
    } else {
      onContainerExit(podName, "container killed");
    }
  }

  /**
   * The process of pod {@code podName}, if it runs, hangs for good: it answers nothing more, as
   * a stopped process (SIGSTOP) does, until its container is killed (a {@code liveness-kill}
   * fault; the kubelet's liveness probe, where the pod declares one, does the killing).
   */
  public void hang(String podName) {
    if (sim.hasProcess(podName) && sim.state(podName) == ProcessState.RUNNING) {
      sim.note(podName, "liveness-kill: the member hangs");
      sim.pause(podName);
    }
  }

  /** Image pull and container start time for every container from now on. */
  public void setContainerStartMs(long ms) {
    if (ms < 0) {
      throw new IllegalArgumentException("container start must be >= 0 ms, got " + ms);
    }
    containerStartMs = ms;
  }

  /**
   * Reads, changes and writes an object, retrying on a conflict (a controller's update loop);
   * null when it is gone, also when the write finds it deleted (on a real API server another
   * controller's delete can reach the server before its watch event reaches this world, as a
   * client-go controller's update meets a 404 and drops the object).
   */
  public <T extends K8sObject> T modify(Kind kind, String key, UnaryOperator<T> change) {
    for (int attempt = 0; attempt < 5; attempt++) {
      T current = store.get(kind, key);
      if (current == null) {
        return null;
      }
      try {
        return store.update(change.apply(current));
      } catch (ObjectStore.ConflictException e) {
        // someone wrote in between: read again
      } catch (ObjectStore.NotFoundException gone) {
        return null;
      }
    }
    throw new IllegalStateException("could not update " + kind.kindName() + " " + key
        + " after 5 conflicts");
  }

  // ------------------------------------------------------------------ StatefulSets

  private void reconcileSetLater(String setKey) {
    if (pendingSets.add(setKey)) {
      sim.schedule(0, () -> {
        pendingSets.remove(setKey);
        reconcileSet(setKey);
      });
    }
  }

  private void reconcileSet(String setKey) {
    StatefulSet set = store.get(Kind.STATEFUL_SET, setKey);
    if (set == null) {
      return;
    }
    Map<String, Pod> pods = new TreeMap<>();
    for (Pod p : store.<Pod>listIn(Kind.POD, set.meta().namespace(), (Pod p) -> set.meta()
        .name().equals(p.meta().labels().get(StatefulSetController.OWNER_LABEL)))) {
      pods.put(p.meta().name(), p);
    }
    TreeSet<String> claims = new TreeSet<>();
    store.list(Kind.PERSISTENT_VOLUME_CLAIM).forEach(c -> claims.add(c.meta().name()));
    List<Pod> terminating = new java.util.ArrayList<>();
    for (StatefulSetController.Action a : StatefulSetController.reconcile(set, pods, claims)) {
      if (a instanceof StatefulSetController.Action.CreateClaim c) {
        store.create(c.claim());
      } else if (a instanceof StatefulSetController.Action.CreatePod c) {
        store.create(c.pod());
      } else if (a instanceof StatefulSetController.Action.DeletePod d) {
        Pod gone = deletePod(d.key());
        if (gone != null) {
          terminating.add(gone);
        }
      }
    }
    // The pass ends with the set's status, written when it changed (Kubernetes 1.20
    // stateful_set_control.go updateStatefulSetStatus / inconsistentStatus).
    pods.clear();
    for (Pod p : store.<Pod>listIn(Kind.POD, set.meta().namespace(), (Pod p) -> set.meta()
        .name().equals(p.meta().labels().get(StatefulSetController.OWNER_LABEL)))) {
      pods.put(p.meta().name(), p);
    }
    StatefulSet.Status status = StatefulSetController.status(set, pods, terminating);
    if (!status.equals(set.status())) {
      modify(Kind.STATEFUL_SET, setKey, (StatefulSet s) -> s.withStatus(status));
    }
  }

  private final TreeSet<String> pendingDeployments = new TreeSet<>();
  private final TreeMap<String, Long> deploymentSerial = new TreeMap<>();

  private void reconcileDeploymentLater(String key) {
    if (pendingDeployments.add(key)) {
      sim.schedule(0, () -> {
        pendingDeployments.remove(key);
        reconcileDeployment(key);
      });
    }
  }

  private void reconcileDeployment(String key) {
    Deployment d = store.get(Kind.DEPLOYMENT, key);
    if (d == null) {
      return;
    }
    List<Pod> pods = store.listIn(Kind.POD, d.meta().namespace(), (Pod p) -> d.meta().name()
        .equals(p.meta().labels().get(DeploymentController.OWNER_LABEL)));
    pods.sort(java.util.Comparator.comparingLong((Pod p) -> p.meta().resourceVersion()));
    long serial = deploymentSerial.getOrDefault(key, 0L);
    for (DeploymentController.Action a : DeploymentController.reconcile(d, pods, serial)) {
      if (a instanceof DeploymentController.Action.CreatePod c) {
        store.create(c.pod());
        serial++;
      } else if (a instanceof DeploymentController.Action.DeletePod del) {
        deletePod(del.key());
      }
    }
    deploymentSerial.put(key, serial);
  }

  /**
   * Deletes a pod: its container is killed and its process slot freed for a successor. A pod the
   * server has deleted already (a real API server's controller got there before its watch event
   * reached this world) is as good as deleted.
   *
   * @return the pod as it was, or null when there was none
   */
  public Pod deletePod(String key) {
    Pod p = store.get(Kind.POD, key);
    if (p == null) {
      return null;
    }
    try {
      store.delete(Kind.POD, key);
    } catch (ObjectStore.NotFoundException gone) {
      // deleted meanwhile
    }
    stopContainerOf(p.meta().name());
    return p;
  }

  /** A pod is gone: its container is killed and its process slot freed for a successor. */
  private void stopContainerOf(String name) {
    if (sim.hasProcess(name) && sim.state(name) != ProcessState.DOWN) {
      sim.crash(name);
    }
    podOfProcess.remove(name);
    podProcessChanges++;
    for (String init : List.copyOf(initRuns.keySet())) {
      if (initRuns.get(init).pod().equals(name)) {
        initRuns.remove(init);
        if (sim.state(init) != ProcessState.DOWN) {
          sim.crash(init);
        }
      }
    }
    initialized.remove(name);
    initializing.remove(name);
    startedUs.remove(name);
    containerStartUs.remove(name);
    backOff.forget(name); // the back-off is the pod's: a successor of that name starts afresh
    tracker.unexpect(name);
  }

  // ------------------------------------------------------------------ kubelet

  private void onPod(WatchEvent e) {
    Pod pod = (Pod) e.object();
    String owner = pod.meta().labels().get(StatefulSetController.OWNER_LABEL);
    if (owner != null && modelControlPlane) {
      reconcileSetLater(pod.meta().namespace() + "/" + owner);
    }
    String deployment = pod.meta().labels().get(DeploymentController.OWNER_LABEL);
    if (deployment != null && modelControlPlane) {
      reconcileDeploymentLater(pod.meta().namespace() + "/" + deployment);
    }
    if (e.type() == WatchEvent.Type.DELETED) {
      // Deleted by someone else (a controller, a force delete): its container goes with it.
      if (pod.meta().key().equals(podOfProcess.get(pod.meta().name()))) {
        stopContainerOf(pod.meta().name());
      }
      return;
    }
    String name = pod.meta().name();
    Pod current = store.get(Kind.POD, pod.meta().key());
    if (current == null || !current.scheduled() || starting.contains(name)
        || initializing.contains(name) || podOfProcess.containsKey(name)
        || onKubeletNode(current)) {
      return; // (a kubelet node's pods start when its kubelet starts their containers)
    }
    starting.add(name);
    startLivenessWorker(current);
    if (neverStart.contains(name)) {
      modify(Kind.POD, pod.meta().key(), (Pod p) -> p.withStatus(p.status().withPhase("Pending",
          "ImagePullBackOff")));
      return;
    }
    // Until it runs, the kubelet reports the container waiting as ContainerCreating (kubelet
    // 1.20 kubelet_pods.go convertToAPIContainerStatuses' default waiting reason).
    if ("Pending".equals(current.status().phase()) && current.status().reason().isEmpty()) {
      modify(Kind.POD, pod.meta().key(), (Pod p) -> p.withStatus(p.status().withPhase("Pending",
          CONTAINER_CREATING)));
    }
    sim.schedule(containerStartMs * 1_000 + extraStartDelayUs.getOrDefault(name, 0L),
        () -> startContainer(pod.meta().key()));
  }

  private void startContainer(String key) {
    Pod pod = store.get(Kind.POD, key);
    String name = key.substring(key.indexOf('/') + 1);
    starting.remove(name);
    if (pod == null || !pod.scheduled()) {
      return;
    }
    Node node = store.get(Kind.NODE, pod.spec().nodeName());
    if (node == null || !node.ready() || lostNodes.contains(node.meta().name())) {
      return; // the node is gone: the pod cannot start there
    }
    if (!pod.spec().initContainers().isEmpty() && !initialized.contains(name)) {
      initializing.add(name);
      runInit(pod, 0);
      return;
    }
    attachContainer(pod, key);
    startedUs.putIfAbsent(name, sim.nowUs());
    containerStartUs.put(name, sim.nowUs());
    // Running first: a container that exits during its own start must leave Failed or
    // CrashLoopBackOff behind, not be overwritten by this.
    boolean readyNow = !pod.spec().containers().get(0).probed();
    modify(Kind.POD, key, (Pod p) -> p.withStatus(p.status().withPhase("Running", "")
        .withReady(readyNow)));
    if (sim.state(name) == ProcessState.DOWN) {
      sim.start(name);
    }
  }

  /**
   * The pod's container is this process from now on (made on first use, on the pod's node); a
   * member is expected by the measures.
   */
  private void attachContainer(Pod pod, String key) {
    String name = pod.meta().name();
    Container c = pod.spec().containers().get(0);
    // The process's disk is the pod's volume: a pod re-created under the same name with another
    // volume (tidb-operator's failover deletes the pod and its PVC; the new claim binds a new
    // PV) starts on an empty disk, not on the data of the volume it no longer has.
    String volume = volumeOf(pod);
    String had = volumeOfProcess.get(name);
    if (sim.hasProcess(name) && volume != null && had != null && !volume.equals(had)) {
      sim.wipe(name);
    }
    if (volume != null) {
      volumeOfProcess.put(name, volume);
    }
    if (!sim.hasProcess(name)) {
      // The container of the pod that holds the name now: a pod re-created from a changed
      // template (a StatefulSet's rolling update) runs the new template's flags.
      sim.addProcess(name, pod.spec().nodeName(), n -> {
        Pod now = currentPod(name);
        return runtime.create(now, now.spec().containers().get(0));
      });
    }
    podOfProcess.put(name, key);
    podProcessChanges++;
    if (c.role().equals("etcd") || c.role().equals("pd")) {
      tracker.expect(name);
    }
  }

  /** The volume each pod process's disk last was: the PV bound to its pod's first claim. */
  private final TreeMap<String, String> volumeOfProcess = new TreeMap<>();

  private String volumeOf(Pod pod) {
    if (pod.spec().claims().isEmpty()) {
      return null;
    }
    io.pdlab.k8s.api.PersistentVolumeClaim pvc = store.get(Kind.PERSISTENT_VOLUME_CLAIM,
        pod.meta().namespace() + "/" + pod.spec().claims().get(0));
    return pvc == null ? null : pvc.volume();
  }

  private Pod currentPod(String name) {
    String key = podOfProcess.get(name);
    return store.get(Kind.POD, key);
  }

  private void onContainerExit(String process, String reason) {
    if (initRuns.containsKey(process)) {
      onInitExit(process, reason);
      return;
    }
    String key = podOfProcess.get(process);
    Pod pod = key == null ? null : store.get(Kind.POD, key);
    if (pod == null || onKubeletNode(pod)) {
      return; // (a real kubelet restarts, or fails, its own containers)
    }
    if (pod.spec().restartPolicy().equals("Never")) {
      modify(Kind.POD, key, (Pod p) -> p.withStatus(new PodStatus("Failed", false, reason,
          p.status().restarts())));
      return;
    }
    long exitUs = sim.nowUs();
    long delayUs = backOff.delayUs(process, exitUs);
    modify(Kind.POD, key, (Pod p) -> p.withStatus(new PodStatus("Running", false,
        delayUs == 0 ? "" : "CrashLoopBackOff: back-off " + delayUs / 1_000_000 + "s ("
            + reason + ")", p.status().restarts())));
    long podCreatedUs = pod.meta().createdUs();
    if (kubelet == null) {
      kubelet = sim.stream("kubelet");
    }
    sim.schedule(io.pdlab.pd.run.RestartBackOff.restartAfterUs(delayUs, kubelet), () -> {
      // Restart only the same pod: it may have been deleted and re-created meanwhile (failover).
      Pod now = store.get(Kind.POD, key);
      if (now != null && now.meta().createdUs() == podCreatedUs
          && podOfProcess.containsKey(process) && sim.state(process) == ProcessState.DOWN
          && !lostNodes.contains(now.spec().nodeName())) {
        backOff.restarted(process, exitUs, sim.nowUs());
        // The restart count goes up when the next container is created (kubelet 1.20
        // kuberuntime_container.go: restartCount = the dead container's count + 1), not when
        // the last one exits; one without a readiness probe is Ready again at once.
        boolean readyNow = !now.spec().containers().get(0).probed();
        modify(Kind.POD, key, (Pod p) -> p.withStatus(p.status().withPhase("Running", "")
            .withRestarts(p.status().restarts() + 1).withReady(readyNow)));
        containerStartUs.put(process, sim.nowUs());
        sim.start(process);
      }
    });
  }

  // ------------------------------------------------------------------ init containers

  /** An init container of a pod the model's kubelet runs: its pod, and its place in the list. */
  private record InitRun(String pod, String key, long podCreatedUs, int index) {}

  /** The init container processes running or waiting to restart, by process name. */
  private final TreeMap<String, InitRun> initRuns = new TreeMap<>();
  /** Pods (by name) whose init containers run, or wait for the kubelet to start the next. */
  private final TreeSet<String> initializing = new TreeSet<>();
  /** Pods (by name) whose init containers all completed: their app containers run now. */
  private final TreeSet<String> initialized = new TreeSet<>();

  /**
   * kubelet 1.20 pkg/kubelet/kubelet.go {@code plegRelistPeriod = time.Second * 1}: the pod
   * lifecycle event generator lists the containers every second, and an exited container is seen
   * (and the pod synced again) at the next list.
   */
  static final long PLEG_RELIST_PERIOD_MS = 1_000;

  /** The process of init container {@code c} of pod {@code pod}. */
  public static String initProcess(String pod, Container c) {
    return initProcess(pod, c.name());
  }

  private static String initProcess(String pod, String container) {
    return pod + "/" + container;
  }

  /** Makes init container process {@code process} on {@code node} if it is not there yet. */
  private void addInitProcess(String process, String node) {
    if (!sim.hasProcess(process)) {
      sim.addProcess(process, node, n -> {
        Pod now = store.get(Kind.POD, initRuns.get(n).key());
        return runtime.create(now, now.spec().initContainers().get(initRuns.get(n).index()));
      });
    }
  }

  /**
   * Runs init container {@code index} of {@code pod}, as kubelet 1.20 does (kuberuntime_manager.go
   * {@code computePodActions} and {@code SyncPod} step 6 "start the init container", with
   * kuberuntime_container.go {@code findNextInitContainerToRun}): one at a time, in order, each
   * to completion; the app containers start (step 7) only once the last has succeeded. The pod
   * is Pending meanwhile (kubelet_pods.go {@code getPhase}) and has its address from the first
   * start on (the sandbox is up), so its DNS record can appear while they run.
   */
  private void runInit(Pod pod, int index) {
    String name = pod.meta().name();
    String key = pod.meta().key();
    Container c = pod.spec().initContainers().get(index);
    String process = initProcess(name, c);
    addInitProcess(process, pod.spec().nodeName());
    initRuns.put(process, new InitRun(name, key, pod.meta().createdUs(), index));
    startedUs.putIfAbsent(name, sim.nowUs());
    if (!POD_INITIALIZING.equals(pod.status().reason())) {
      modify(Kind.POD, key, (Pod p) -> p.withStatus(p.status().withPhase("Pending",
          POD_INITIALIZING)));
    }
    sim.start(process);
  }

  /**
   * An init container ended. Exit code 0 ({@link #COMPLETED}): the kubelet sees it at its next
   * relist ({@link #PLEG_RELIST_PERIOD_MS}, counted from the node's start) and creates the next
   * container, the next init container or the app containers, taking the container start time
   * again. Otherwise, under RestartPolicy Never the pod fails (kubelet_pods.go {@code getPhase});
   * else the init container restarts after the kubelet's back-off.
   */
  private void onInitExit(String process, String reason) {
    InitRun run = initRuns.get(process);
    Pod pod = store.get(Kind.POD, run.key());
    if (pod == null || pod.meta().createdUs() != run.podCreatedUs()
        || lostNodes.contains(pod.spec().nodeName())) {
      initRuns.remove(process);
      return;
    }
    if (onKubeletNode(pod)) {
      return; // its real kubelet starts the next container, or restarts this one
    }
    if (COMPLETED.equals(reason)) {
      initRuns.remove(process);
      Node node = store.get(Kind.NODE, pod.spec().nodeName());
      long periodUs = PLEG_RELIST_PERIOD_MS * 1_000;
      long sinceUs = sim.nowUs() - (node == null ? 0 : node.meta().createdUs());
      long relistUs = periodUs - Math.floorMod(sinceUs, periodUs);
      sim.schedule(relistUs + containerStartMs * 1_000, () -> {
        Pod now = store.get(Kind.POD, run.key());
        if (now == null || now.meta().createdUs() != run.podCreatedUs()
            || lostNodes.contains(now.spec().nodeName())) {
          return;
        }
        if (run.index() + 1 < now.spec().initContainers().size()) {
          runInit(now, run.index() + 1);
        } else {
          initializing.remove(run.pod());
          initialized.add(run.pod());
          startContainer(run.key());
        }
      });
      return;
    }
    if (pod.spec().restartPolicy().equals("Never")) {
      initRuns.remove(process);
      modify(Kind.POD, run.key(), (Pod p) -> p.withStatus(new PodStatus("Failed", false,
          "Init:" + reason, p.status().restarts())));
      return;
    }
    long exitUs = sim.nowUs();
    long delayUs = backOff.delayUs(process, exitUs);
    modify(Kind.POD, run.key(), (Pod p) -> p.withStatus(p.status().withPhase("Pending",
        "CrashLoopBackOff: back-off " + delayUs / 1_000_000 + "s (init container "
        + process.substring(process.indexOf('/') + 1) + ": " + reason + ")")));
    if (kubelet == null) {
      kubelet = sim.stream("kubelet");
    }
    sim.schedule(io.pdlab.pd.run.RestartBackOff.restartAfterUs(delayUs, kubelet), () -> {
      Pod now = store.get(Kind.POD, run.key());
      if (now != null && now.meta().createdUs() == run.podCreatedUs()
          && initRuns.containsKey(process) && sim.state(process) == ProcessState.DOWN
          && !lostNodes.contains(now.spec().nodeName())) {
        backOff.restarted(process, exitUs, sim.nowUs());
        modify(Kind.POD, run.key(), (Pod p) -> p.withStatus(p.status().withPhase("Pending",
            POD_INITIALIZING)));
        sim.start(process);
      }
    });
  }

  // ------------------------------------------------------------------ liveness probes

  /** When each process's current container started (the model's kubelet's containers). */
  private final TreeMap<String, Long> containerStartUs = new TreeMap<>();

  /** The prober workers' random first waits. */
  private io.pdlab.sim.Rng prober;

  /** Why the kubelet kills a container whose liveness probe failed (kubelet 1.20's event). */
  public static final String FAILED_LIVENESS = "failed liveness probe";

  /**
   * One liveness prober worker (kubelet 1.20 pkg/kubelet/prober/worker.go): made when the
   * kubelet admits the pod ({@code prober_manager.go AddPod}); it waits a random part of the
   * period ({@code run()}: {@code time.Sleep(rand.Float64() * probeTickerPeriod)}), then probes
   * at every tick of a {@code periodSeconds} ticker ({@code doProbe}): nothing while the
   * container does not run or ran less than {@code initialDelaySeconds}; a result equal to the
   * last one extends the run, another starts a new run; {@code failureThreshold} failures in a
   * row and the container is killed, and the worker holds until it sees a new container
   * ({@code onHold}); it ends with its pod, or when the container has terminated under
   * RestartPolicy Never.
   */
  private final class LivenessWorker {
    final String key;
    final long podCreatedUs;
    final io.pdlab.k8s.api.LivenessProbe probe;
    final String name;
    int failures;
    /** The container start it holds for after a kill (-1: none). */
    long heldFor = -1;

    LivenessWorker(Pod pod, io.pdlab.k8s.api.LivenessProbe probe) {
      this.key = pod.meta().key();
      this.podCreatedUs = pod.meta().createdUs();
      this.probe = probe;
      this.name = pod.meta().name();
    }

    void tick() {
      Pod pod = store.get(Kind.POD, key);
      if (pod == null || pod.meta().createdUs() != podCreatedUs) {
        return; // the pod is gone (RemovePod): so is its worker
      }
      sim.schedule(probe.periodSeconds() * 1_000_000L, this::tick);
      Long started = containerStartUs.get(name);
      if (!key.equals(podOfProcess.get(name)) || started == null) {
        return; // no container yet
      }
      ProcessState state = sim.state(name);
      if (state == ProcessState.DOWN || heldFor == started) {
        return; // not running (a terminated one under Never stays so), or killed: wait
      }
      if (sim.nowUs() - started < probe.initialDelaySeconds() * 1_000_000L) {
        return;
      }
      Container c = pod.spec().containers().get(0);
      runtime.probeLiveness(c, sim.instance(name), state == ProcessState.PAUSED, probe,
          failsAfterUs -> {
            if (failsAfterUs < 0) {
              failures = 0;
            } else {
              sim.schedule(failsAfterUs, () -> failed(started));
            }
          });
    }

    void failed(long started) {
      if (!key.equals(podOfProcess.get(name)) || !Long.valueOf(started).equals(
          containerStartUs.get(name)) || sim.state(name) == ProcessState.DOWN) {
        return; // the container ended meanwhile
      }
      failures++;
      sim.note(name, "liveness probe failed (" + failures + " of " + probe.failureThreshold()
          + " in a row)");
      if (failures < probe.failureThreshold()) {
        return;
      }
      failures = 0;
      heldFor = started;
      // The kubelet stops the container: SIGTERM, then SIGKILL after the grace period. A process
      // that runs handles SIGTERM and is gone at once; a stopped (hung) one only dies of the
      // SIGKILL.
      long killUs = sim.state(name) == ProcessState.PAUSED
          ? K8sConstants.TERMINATION_GRACE_MS * 1_000 : 0;
      sim.note(name, "Container " + pod().spec().containers().get(0).name()
          + " failed liveness probe, will be restarted" + (killUs == 0 ? ""
          : " (killed after the " + K8sConstants.TERMINATION_GRACE_MS / 1_000
          + " s grace period)"));
      sim.schedule(killUs, () -> {
        if (key.equals(podOfProcess.get(name)) && Long.valueOf(started).equals(
            containerStartUs.get(name)) && sim.state(name) != ProcessState.DOWN) {
          sim.crash(name);
          onContainerExit(name, FAILED_LIVENESS);
        }
      });
    }

    private Pod pod() {
      return store.get(Kind.POD, key);
    }
  }

  /** Starts the liveness worker of a pod the model's kubelet admits, if it declares a probe. */
  private void startLivenessWorker(Pod pod) {
    io.pdlab.k8s.api.LivenessProbe probe = pod.spec().containers().get(0).liveness();
    if (probe == null || !runtime.runsLivenessProbes()) {
      return;
    }
    if (prober == null) {
      prober = sim.stream("kubelet-prober");
    }
    LivenessWorker w = new LivenessWorker(pod, probe);
    sim.schedule((long) (prober.nextDouble() * probe.periodSeconds() * 1_000_000L), w::tick);
  }

  private void probeAll() {
    for (Map.Entry<String, String> e : new TreeMap<>(podOfProcess).entrySet()) {
      Pod pod = store.get(Kind.POD, e.getValue());
      if (pod == null || onKubeletNode(pod) || !pod.spec().containers().get(0).probed()) {
        continue; // (a real kubelet reports its pods' readiness; unprobed: Ready when running)
      }
      Process p = sim.instance(e.getKey());
      boolean ready = p != null && sim.state(e.getKey()) == ProcessState.RUNNING
          && runtime.ready(pod.spec().containers().get(0), p);
      if (ready != pod.status().ready()) {
        modify(Kind.POD, e.getValue(), (Pod x) -> x.withStatus(x.status().withReady(ready)));
      }
    }
    sim.schedule(K8sConstants.READINESS_PERIOD_MS * 1_000, this::probeAll);
  }

  // ------------------------------------------------------------------ nodes

  /**
   * A node is lost (its instance terminated): its pods' processes die with it and its kubelet
   * does nothing more. The node lifecycle controller marks it NotReady after its grace period
   * (the model's {@link NodeLifecycle}, or a real control plane's own), the cloud's controller
   * then deletes the Node ({@link CloudNodeLifecycle}, on both), and the pod garbage collector
   * its pods, which their StatefulSet creates again.
   */
  public void loseNode(String nodeName) {
    for (String p : sim.processesOn(nodeName)) {
      if (sim.state(p) != ProcessState.DOWN) {
        sim.crash(p);
      }
    }
    // The kubelet of a lost machine runs nothing more: no restart of its containers.
    lostNodes.add(nodeName);
    if (modelControlPlane) {
      nodeLifecycle.kubeletStopped(nodeName);
    } else if (nodeLoss != null) {
      nodeLoss.accept(nodeName);
    }
    cloud.terminated(nodeName);
  }

  /** Every pod bound to node {@code nodeName} is not Ready (MarkPodsNotReady). */
  private void markPodsNotReady(String nodeName) {
    for (Pod p : store.<Pod>list(Kind.POD, (Pod p) -> nodeName.equals(p.spec().nodeName())
        && p.status().ready())) {
      modify(Kind.POD, p.meta().key(), (Pod x) -> x.withStatus(x.status().withReady(false)));
    }
  }

  /**
   * Every node and what runs its pods: {@code model} (this world's kubelet model) or, on a real
   * control plane, {@code agent} (pdlab's node agent, this world as well).
   */
  public TreeMap<String, String> nodeKinds() {
    TreeMap<String, String> out = new TreeMap<>();
    for (Node n : store.<Node>list(Kind.NODE)) {
      out.put(n.meta().name(), modelControlPlane ? "model"
          : kubeletNodes.contains(n.meta().name()) ? "kubelet" : "agent");
    }
    return out;
  }

  // ------------------------------------------------------------------ PodEnv

  /**
   * A pod's DNS name resolves once its first container (an init container, if it has any) started
   * plus the propagation delay: from then on the pod has an address, and its headless Service
   * lists it ready or not (the model's Services of members all publish not-ready addresses).
   */
  @Override
  public boolean resolves(String name) {
    String pod = name.split("\\.")[0];
    Long started = startedUs.get(pod);
    return started != null
        && sim.nowUs() >= started + K8sConstants.DNS_PROPAGATION_MS * 1_000;
  }

  @Override
  public TidbClusterRead readTidbCluster(String namespace, String name) {
    TidbCluster tc = store.get(Kind.TIDB_CLUSTER, namespace + "/" + name);
    if (tc == null) {
      return new TidbClusterRead.Failed("tidbclusters.pingcap.com \"" + name + "\" not found");
    }
    return new TidbClusterRead.Found(tc.discoveryView());
  }

  /**
   * The pod a new connection to the Service of that name reaches, or null when it has no
   * endpoint: one of its endpoints (pods it selects that are Ready, or any when it publishes
   * not-ready addresses, whose container runs) drawn uniformly at random, as kube-proxy's iptables
   * rules pick one per connection (pkg/proxy/iptables/proxier.go, Kubernetes 1.20: one {@code
   * statistic --mode random} rule per endpoint). PD pods have no readiness probe unless the
   * TidbCluster asks for one (tidb-operator v1.5.1 pd_member_manager.go), so every running PD is
   * an endpoint, serving or not.
   */
  @Override
  public String serviceEndpoint(String service) {
    List<String> endpoints = serviceEndpoints(service);
    if (endpoints.size() <= 1) {
      return endpoints.isEmpty() ? null : endpoints.get(0);
    }
    if (proxy == null) {
      proxy = sim.stream("kube-proxy");
    }
    return endpoints.get(proxy.nextInt(endpoints.size()));
  }

  /**
   * The endpoints of {@code service} now. They depend only on the store's objects, the processes'
   * states and which process runs which pod, so with the world's own store they are kept until
   * one of these changes (a PD client asks for every call, mostly for names that are no Service).
   */
  private List<String> serviceEndpoints(String service) {
    if (!(store instanceof MemoryStore)) {
      return findServiceEndpoints(service);
    }
    if (store.revision() != endpointsRevision || sim.changes() != endpointsChanges
        || podProcessChanges != endpointsPodProcessChanges) {
      endpointsCache.clear();
      endpointsRevision = store.revision();
      endpointsChanges = sim.changes();
      endpointsPodProcessChanges = podProcessChanges;
    }
    List<String> known = endpointsCache.get(service);
    if (known == null) {
      known = findServiceEndpoints(service);
      endpointsCache.put(service, known);
    }
    return known;
  }

  private final Map<String, List<String>> endpointsCache = new java.util.LinkedHashMap<>();
  private long endpointsRevision = -1;
  private long endpointsChanges = -1;
  private long endpointsPodProcessChanges = -1;
  /** Grows whenever {@link #podOfProcess} changes. */
  private long podProcessChanges;

  private List<String> findServiceEndpoints(String service) {
    List<String> endpoints = new java.util.ArrayList<>();
    for (Service s : store.<Service>list(Kind.SERVICE, (Service s) -> s.meta().name()
        .equals(service))) {
      for (Pod p : store.<Pod>listIn(Kind.POD, s.meta().namespace(),
          (Pod p) -> matches(s.selector(), p.meta().labels()))) {
        if ((p.status().ready() || s.publishNotReadyAddresses())
            && podOfProcess.containsKey(p.meta().name())
            && sim.state(p.meta().name()) == ProcessState.RUNNING) {
          endpoints.add(p.meta().name());
        }
      }
    }
    return List.copyOf(endpoints);
  }

  /** The kubelet's pod worker's jittered resyncs (restarts after a back-off). */
  private io.pdlab.sim.Rng kubelet;

  /** kube-proxy's random choices (drawn only where a Service has more than one endpoint). */
  private io.pdlab.sim.Rng proxy;

  static boolean matches(Map<String, String> selector, Map<String, String> labels) {
    for (Map.Entry<String, String> e : selector.entrySet()) {
      if (!e.getValue().equals(labels.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void pdClusterId(String pod, long id) {
    tracker.pdClusterId(pod, id);
  }
}
