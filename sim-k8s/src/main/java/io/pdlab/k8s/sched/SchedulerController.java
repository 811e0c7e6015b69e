package io.pdlab.k8s.sched;

import io.pdlab.k8s.api.Kind;
import io.pdlab.k8s.api.Node;
import io.pdlab.k8s.api.PersistentVolume;
import io.pdlab.k8s.api.PersistentVolumeClaim;
import io.pdlab.k8s.api.Pod;
import io.pdlab.k8s.api.PodSpec;
import io.pdlab.k8s.api.PodStatus;
import io.pdlab.k8s.store.ObjectStore;
import io.pdlab.k8s.store.WatchEvent;
import io.pdlab.sim.Scheduler;
import io.pdlab.sim.TimerHandle;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * kube-scheduler as a controller of the simulated API server: it watches Nodes, PVs, PVCs and
 * Pods, keeps a {@link SchedulerCache} up to date, and runs a {@link KubeScheduler} cycle for each
 * pod without a node.
 *
 * <ul>
 *   <li>Bind: PV (claim), then PVC (volumeName), then the claims to provision are annotated with
 *       {@value #SELECTED_NODE_ANNOTATION}, then the pod gets {@code spec.nodeName}. Each write
 *       re-reads the object first; the cache is told at once (kube-scheduler's "assume"), so the
 *       next cycle in the same batch sees the pod on its node.
 *   <li>Unschedulable: the pod's status becomes Pending with kube-scheduler's message (written
 *       only when it changes) and the pod waits in the unschedulable set until a cluster event
 *       (node, PV or PVC added or changed, a bound pod deleted, the pod itself changed) moves every
 *       waiting pod back to the active queue (kube-scheduler's MoveAllToActiveOrBackoffQueue).
 *   <li>A write that fails (conflict, object gone) drops the assumption and retries the pod after
 *       kube-scheduler's back-off: 1 s doubling to 10 s per failed attempt
 *       ({@code podInitialBackoffSeconds}, {@code podMaxBackoffSeconds}).
 * </ul>
 *
 * <p>Watch events arrive as their own sim events; each one schedules (once) a drain of the
 * active queue at the same virtual time, after the events already queued, so pods created
 * together are scheduled in one batch. The active queue is ordered by when the scheduler first
 * saw each pod (kube-scheduler's PrioritySort with equal priorities). There are no periodic
 * timers, so a settled cluster lets the simulation go quiescent (kube-scheduler's 5-minute flush
 * of long-unschedulable pods is not modelled: every change that could help raises an event).
 */
public final class SchedulerController {
  /** Set on a PVC to have it provisioned on the chosen node (volumebinding PreBind). */
  public static final String SELECTED_NODE_ANNOTATION = "volume.kubernetes.io/selected-node";
  /** scheduler defaults: podInitialBackoffSeconds = 1. */
  public static final long INITIAL_BACKOFF_US = 1_000_000L;
  /** scheduler defaults: podMaxBackoffSeconds = 10. */
  public static final long MAX_BACKOFF_US = 10_000_000L;

  private final Scheduler sim;
  private final ObjectStore store;
  private final SchedulerCache cache;
  private final KubeScheduler scheduler;
  private final VolumeLookup volumes;

  /** Every unscheduled pod the controller knows, by key. */
  private final LinkedHashMap<String, QueuedPod> queued = new LinkedHashMap<>();
  private final TreeMap<Long, QueuedPod> activeQ = new TreeMap<>();
  private long nextSeq;
  private boolean drainPending;
  private boolean started;
  private long binds;
  private long bindFailures;

  public SchedulerController(Scheduler sim, ObjectStore store) {
    this(sim, store, new KubeScheduler(new SchedulerCache()));
  }

  /** With a given scheduler (and its cache), e.g. one with a fixed percentage of nodes. */
  public SchedulerController(Scheduler sim, ObjectStore store, KubeScheduler scheduler) {
    this.sim = sim;
    this.store = store;
    this.scheduler = scheduler;
    this.cache = scheduler.cache();
    this.volumes = VolumeLookup.of(store);
  }

  /**
   * Starts watching and lists what exists already (watch first, so nothing written in between
   * is missed; the cache ignores the older copies it may hear of twice).
   */
  public void start() {
    if (started) {
      throw new IllegalStateException("scheduler controller already started");
    }
    started = true;
    store.watch(Kind.NODE, this::onNode);
    store.watch(Kind.PERSISTENT_VOLUME, this::onVolume);
    store.watch(Kind.PERSISTENT_VOLUME_CLAIM, this::onClaim);
    store.watch(Kind.POD, this::onPod);
    for (Node n : store.<Node>list(Kind.NODE)) {
      cache.addNode(n);
    }
    for (PersistentVolume pv : store.<PersistentVolume>list(Kind.PERSISTENT_VOLUME)) {
      cache.addVolume(pv);
    }
    for (Pod p : store.<Pod>list(Kind.POD)) {
      podSeen(p);
    }
    requestDrain();
  }

  public SchedulerCache cache() {
    return cache;
  }

  public KubeScheduler scheduler() {
    return scheduler;
  }

  /** Pods bound by this controller. */
  public long binds() {
    return binds;
  }

  /** Binding attempts that failed on a write and were retried after back-off. */
  public long bindFailures() {
    return bindFailures;
  }

  /** Keys of the pods waiting for a cluster event, in queue order. */
  public List<String> unschedulablePods() {
    List<String> out = new ArrayList<>();
    for (QueuedPod q : queued.values()) {
      if (q.state == State.UNSCHEDULABLE) {
        out.add(q.key);
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- watch handlers

  private void onNode(WatchEvent e) {
    Node n = (Node) e.object();
    if (e.type() == WatchEvent.Type.DELETED) {
      cache.removeNode(n.meta().name());
    } else {
      cache.addNode(n);
    }
    moveAllToActive();
  }

  private void onVolume(WatchEvent e) {
    PersistentVolume pv = (PersistentVolume) e.object();
    if (e.type() == WatchEvent.Type.DELETED) {
      cache.removeVolume(pv.meta().name());
    } else {
      cache.addVolume(pv);
    }
    moveAllToActive();
  }

  private void onClaim(WatchEvent e) {
    if (e.type() != WatchEvent.Type.DELETED) {
      moveAllToActive();
    }
  }

  private void onPod(WatchEvent e) {
    Pod p = (Pod) e.object();
    String key = p.meta().key();
    if (e.type() == WatchEvent.Type.DELETED) {
      forget(key);
      if (p.scheduled()) {
        cache.removePod(key);
        moveAllToActive();
      }
      return;
    }
    podSeen(p);
    requestDrain();
  }

  private void podSeen(Pod p) {
    String key = p.meta().key();
    if (p.scheduled()) {
      cache.addPod(p);
      forget(key);
      return;
    }
    QueuedPod q = queued.get(key);
    if (q == null) {
      q = new QueuedPod(key, ++nextSeq, p.spec());
      queued.put(key, q);
      activate(q);
    } else if (!q.spec.equals(p.spec())) {
      // The pod itself changed (not just our status write): try it again.
      q.spec = p.spec();
      if (q.state == State.UNSCHEDULABLE) {
        activate(q);
      }
    }
  }

  // ---------------------------------------------------------------- queue

  private void activate(QueuedPod q) {
    if (q.backoff != null) {
      q.backoff.cancel();
      q.backoff = null;
    }
    q.state = State.ACTIVE;
    activeQ.put(q.seq, q);
  }

  private void forget(String key) {
    QueuedPod q = queued.remove(key);
    if (q != null) {
      activeQ.remove(q.seq);
      if (q.backoff != null) {
        q.backoff.cancel();
      }
    }
  }

  private void moveAllToActive() {
    for (QueuedPod q : queued.values()) {
      if (q.state == State.UNSCHEDULABLE) {
        activate(q);
      }
    }
    requestDrain();
  }

  private void requestDrain() {
    if (!drainPending && !activeQ.isEmpty()) {
      drainPending = true;
      sim.schedule(0, this::drain);
    }
  }

  /** Schedules every pod in the active queue once, oldest first. */
  private void drain() {
    drainPending = false;
    while (!activeQ.isEmpty()) {
      Map.Entry<Long, QueuedPod> head = activeQ.pollFirstEntry();
      scheduleOne(head.getValue());
    }
  }

  private void scheduleOne(QueuedPod q) {
    Pod pod = store.get(Kind.POD, q.key);
    if (pod == null) {
      forget(q.key);
      return;
    }
    if (pod.scheduled()) {
      cache.addPod(pod);
      forget(q.key);
      return;
    }
    if (binding.contains(q.key)) {
      forget(q.key); // its volumes are being bound; the pod's own binding follows
      return;
    }
    q.spec = pod.spec();
    SchedulingDecision d = scheduler.schedule(pod, volumes);
    if (d instanceof SchedulingDecision.Unschedulable u) {
      q.state = State.UNSCHEDULABLE;
      PodStatus status = pod.status() == null ? PodStatus.PENDING : pod.status();
      if (!("Pending".equals(status.phase()) && u.message().equals(status.reason()))) {
        try {
          store.update(pod.withStatus(status.withPhase("Pending", u.message())));
        } catch (ObjectStore.ConflictException | ObjectStore.NotFoundException ex) {
          backOff(q);
        }
      }
      return;
    }
    SchedulingDecision.Bound b = (SchedulingDecision.Bound) d;
    if (bind(pod, b)) {
      binds++;
      forget(q.key);
    } else {
      bindFailures++;
      backOff(q);
    }
  }

  /** Carries out a Bound decision; false if a write failed (the pod is then retried). */
  private boolean bind(Pod pod, SchedulingDecision.Bound b) {
    try {
      boolean volumesWritten = false;
      for (VolumeBinding vb : b.volumeBindings()) {
        PersistentVolume pv = store.get(Kind.PERSISTENT_VOLUME, vb.volume());
        if (pv == null || (pv.claim() != null && !pv.claim().equals(vb.claim()))) {
          return false;
        }
        if (pv.claim() == null) {
          pv = store.update(pv.withClaim(vb.claim()));
          volumesWritten = true;
        }
        cache.addVolume(pv);
        PersistentVolumeClaim pvc = store.get(Kind.PERSISTENT_VOLUME_CLAIM, vb.claim());
        if (pvc == null || (pvc.volume() != null && !pvc.volume().equals(vb.volume()))) {
          return false;
        }
        if (pvc.volume() == null) {
          store.update(pvc.withVolume(vb.volume()));
          volumesWritten = true;
        }
      }
      for (String claim : b.claimsToProvision()) {
        PersistentVolumeClaim pvc = store.get(Kind.PERSISTENT_VOLUME_CLAIM, claim);
        if (pvc == null) {
          return false;
        }
        if (!b.nodeName().equals(pvc.meta().annotations().get(SELECTED_NODE_ANNOTATION))) {
          store.update(pvc.withMeta(
              pvc.meta().withAnnotation(SELECTED_NODE_ANNOTATION, b.nodeName())));
          volumesWritten = true;
        }
      }
      if (volumesWritten) {
        // volumebinding PreBind -> BindPodVolumes: after its API writes it waits for the PV
        // controller with wait.Poll(time.Second, ...), whose first check comes after a second
        // (kubernetes 1.20 pkg/controller/volume/scheduling/scheduler_binder.go). The pod is
        // assumed on its node meanwhile.
        cache.addPod(pod.withSpec(pod.spec().withNodeName(b.nodeName())));
        String key = pod.meta().key();
        binding.add(key);
        sim.schedule(VOLUME_BIND_POLL_US, () -> {
          binding.remove(key);
          boolean bound;
          try {
            bound = bindPod(key, b.nodeName());
          } catch (ObjectStore.ConflictException | ObjectStore.NotFoundException ex) {
            bound = false;
          }
          if (!bound) {
            cache.removePod(key);
            Pod again = store.get(Kind.POD, key);
            if (again != null && !again.scheduled()) {
              bindFailures++;
              podSeen(again); // scheduled once more
              requestDrain();
            }
          }
        });
        return true;
      }
      return bindPod(pod.meta().key(), b.nodeName());
    } catch (ObjectStore.ConflictException | ObjectStore.NotFoundException ex) {
      return false;
    }
  }

  /**
   * The interval of BindPodVolumes' wait for the PV controller: 1 s (kubernetes 1.20
   * scheduler_binder.go, {@code wait.Poll(time.Second, b.bindTimeout, ...)}).
   */
  static final long VOLUME_BIND_POLL_US = 1_000_000;

  /** Pods whose volumes were bound and whose own binding waits for the poll. */
  private final java.util.TreeSet<String> binding = new java.util.TreeSet<>();

  /** The pod's own binding: its node name, and the Pending reason cleared. */
  private boolean bindPod(String podKey, String nodeName) {
    {
      Pod current = store.get(Kind.POD, podKey);
      if (current == null || current.scheduled()) {
        return false;
      }
      // One write: the node name, and the Pending reason cleared (the kubelet takes over).
      PodStatus status = current.status() == null ? PodStatus.PENDING : current.status();
      Pod bound = store.update(current.withSpec(current.spec().withNodeName(nodeName))
          .withStatus(status.withPhase(status.phase(), "")));
      cache.addPod(bound);
      return true;
    }
  }

  private void backOff(QueuedPod q) {
    q.failures++;
    long delayUs = INITIAL_BACKOFF_US;
    for (int i = 1; i < q.failures && delayUs < MAX_BACKOFF_US; i++) {
      delayUs *= 2;
    }
    delayUs = Math.min(delayUs, MAX_BACKOFF_US);
    q.state = State.BACKOFF;
    q.backoff = sim.schedule(delayUs, () -> {
      q.backoff = null;
      if (queued.get(q.key) == q && q.state == State.BACKOFF) {
        activate(q);
        requestDrain();
      }
    });
  }

  private enum State { ACTIVE, UNSCHEDULABLE, BACKOFF }

  /** A pod waiting for a node. */
  private static final class QueuedPod {
    final String key;
    final long seq;
    PodSpec spec;
    State state = State.ACTIVE;
    int failures;
    TimerHandle backoff;

    QueuedPod(String key, long seq, PodSpec spec) {
      this.key = key;
      this.seq = seq;
      this.spec = spec;
    }
  }
}
