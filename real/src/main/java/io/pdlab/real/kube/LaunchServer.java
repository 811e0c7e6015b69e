package io.pdlab.real.kube;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.pdlab.real.node.PodLaunch;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Where the containers of one kubelet node ask pdlab what to run: a TCP server on the node's
 * gateway address (reachable from its pods only, and from this host), speaking the protocol of
 * {@code pdlab-launch.c}. Each connection is matched to its pod through the API server (the pod
 * on this node with the connection's source address, or, while the kubelet has not reported the
 * address yet, the one whose hostname the container gave) and handed to the run's listener as a
 * {@link PodLaunch}.
 */
final class LaunchServer implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(LaunchServer.class.getName());
  /** How long a connection may take to greet, and a pod's address to appear in the API. */
  static final Duration IDENTIFY_WITHIN = Duration.ofSeconds(15);
  private static final Duration IDENTIFY_POLL = Duration.ofMillis(100);
  /**
   * The variable pdlab gives every container it creates (its name in the pod), which {@code
   * pdlab-launch} sends in its greeting: an init container and the app container of one pod ask
   * one after the other.
   */
  public static final String CONTAINER_ENV = "PDLAB_CONTAINER";
  /** Where a member keeps its data when its pod has no volume (the container's own layer). */
  static final String LAYER_DATA_DIR = "/var/lib/pdlab-etcd";

  private final String node;
  private final KubernetesClient client;
  private final ServerSocket server;
  private final Thread acceptor;
  private final Set<Launch> open = ConcurrentHashMap.newKeySet();
  private volatile Consumer<PodLaunch> listener;
  private volatile boolean closed;

  LaunchServer(String node, String address, KubernetesClient client) {
    this.node = node;
    this.client = client;
    try {
      this.server = new ServerSocket();
      server.bind(new InetSocketAddress(InetAddress.getByName(address), 0));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on " + address + " for node " + node
          + "'s containers: " + e.getMessage(), e);
    }
    this.acceptor = new Thread(this::accept, "pdlab-launch-" + node);
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** {@code host:port}, as the member image's {@code PDLAB_DRIVER}. */
  String address() {
    return server.getInetAddress().getHostAddress() + ":" + server.getLocalPort();
  }

  /** Who is told of each container that asks (null: every container idles). */
  void listen(Consumer<PodLaunch> l) {
    this.listener = l;
  }

  private void accept() {
    while (!closed) {
      Socket s;
      try {
        s = server.accept();
      } catch (IOException e) {
        if (!closed) {
          LOG.log(System.Logger.Level.WARNING, "node " + node + ": accept failed: " + e);
        }
        return;
      }
      Thread t = new Thread(() -> serve(s), "pdlab-launch-" + node + "-conn");
      t.setDaemon(true);
      t.start();
    }
  }

  private void serve(Socket s) {
    Launch l = null;
    try {
      s.setSoTimeout((int) IDENTIFY_WITHIN.toMillis());
      String hello = readLine(s.getInputStream());
      List<String> who = greeting(hello);
      if (who == null) {
        LOG.log(System.Logger.Level.WARNING, "node " + node + ": not a pdlab-launch 2 greeting: "
            + hello);
        s.close();
        return;
      }
      String ip = ((InetSocketAddress) s.getRemoteSocketAddress()).getAddress().getHostAddress();
      Pod pod = identify(ip, who.get(0));
      if (pod == null) {
        LOG.log(System.Logger.Level.WARNING, "node " + node + ": no pod with address " + ip
            + " or hostname " + who.get(0) + " within " + IDENTIFY_WITHIN + "; hanging up");
        s.close();
        return;
      }
      s.setSoTimeout(0);
      l = new Launch(s, pod, ip, who.get(1));
      open.add(l);
      Consumer<PodLaunch> to = listener;
      if (to == null) {
        l.idle();
      } else {
        to.accept(l);
      }
      l.awaitEnd();
    } catch (IOException | RuntimeException e) {
      if (!closed) {
        LOG.log(System.Logger.Level.DEBUG, "node " + node + ": a container's connection: " + e);
      }
    } finally {
      if (l != null) {
        l.end();
        open.remove(l);
      }
      try {
        s.close();
      } catch (IOException e) {
        // closing
      }
    }
  }

  /**
   * The hostname and the container name of a {@code pdlab-launch} greeting ({@code pdlab-launch
   * 2 <hostname> <container>}), or null for anything else (an older launcher, whose containers
   * cannot say which of a pod's containers asks).
   */
  static List<String> greeting(String hello) {
    String[] words = hello == null ? new String[0] : hello.split(" ", -1);
    if (words.length != 4 || !words[0].equals("pdlab-launch") || !words[1].equals("2")
        || words[2].isEmpty() || words[3].isEmpty()) {
      return null;
    }
    return List.of(words[2], words[3]);
  }

  /** The pod on this node at {@code ip}, or (no address reported yet) of that hostname. */
  private Pod identify(String ip, String hostname) {
    long deadline = System.nanoTime() + IDENTIFY_WITHIN.toNanos();
    while (!closed && System.nanoTime() < deadline) {
      try {
        List<Pod> pods = client.pods().inAnyNamespace().withField("spec.nodeName", node).list()
            .getItems();
        for (Pod p : pods) {
          if (p.getStatus() != null && ip.equals(p.getStatus().getPodIP())) {
            return p;
          }
        }
        for (Pod p : pods) {
          String h = p.getSpec().getHostname() != null ? p.getSpec().getHostname()
              : p.getMetadata().getName();
          boolean noAddress = p.getStatus() == null || p.getStatus().getPodIP() == null;
          if (noAddress && h.equals(hostname) && p.getMetadata().getDeletionTimestamp() == null) {
            return p;
          }
        }
      } catch (KubernetesClientException e) {
        // the API server is busy or going away: try again until the deadline
      }
      try {
        Thread.sleep(IDENTIFY_POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }
    return null;
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    while (sb.length() < 1024) {
      int c;
      try {
        c = in.read();
      } catch (SocketTimeoutException e) {
        return null;
      }
      if (c < 0) {
        return null;
      }
      if (c == '\n') {
        return sb.toString();
      }
      sb.append((char) c);
    }
    return null;
  }

  /** Hangs up on every container and stops listening. */
  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException e) {
      // closing
    }
    for (Launch l : open) {
      l.hangUp();
    }
  }

  /** One container's question. */
  private final class Launch implements PodLaunch {
    private final Socket socket;
    private final String namespace;
    private final String pod;
    private final String ip;
    private final String dataDir;
    private final String container;
    private final List<Runnable> onEnd = new CopyOnWriteArrayList<>();
    private boolean answered;
    private boolean exited;
    private volatile boolean ended;

    Launch(Socket socket, Pod p, String ip, String container) {
      this.socket = socket;
      this.container = container;
      this.namespace = p.getMetadata().getNamespace();
      this.pod = p.getMetadata().getName();
      this.ip = ip;
      List<VolumeMount> mounts = p.getSpec().getContainers().get(0).getVolumeMounts();
      String dir = LAYER_DATA_DIR;
      for (VolumeMount m : mounts == null ? List.<VolumeMount>of() : mounts) {
        if (!m.getMountPath().startsWith("/var/run/secrets")) {
          dir = m.getMountPath() + "/etcd";
          break;
        }
      }
      this.dataDir = dir;
    }

    @Override
    public String namespace() {
      return namespace;
    }

    @Override
    public String pod() {
      return pod;
    }

    @Override
    public String podIp() {
      return ip;
    }

    @Override
    public String node() {
      return node;
    }

    @Override
    public String dataDir() {
      return dataDir;
    }

    @Override
    public String container() {
      return container;
    }

    @Override
    public synchronized void exec(List<String> argv) {
      StringBuilder sb = new StringBuilder("exec ").append(argv.size()).append('\n');
      for (String a : argv) {
        if (a.indexOf('\n') >= 0) {
          throw new IllegalArgumentException("an argument with a newline: " + a);
        }
        sb.append(a).append('\n');
      }
      answer(sb.toString());
    }

    @Override
    public synchronized void idle() {
      answer("wait\n");
    }

    @Override
    public synchronized void exit(int code) {
      if (code < 0 || code > 255) {
        throw new IllegalArgumentException("an exit code is 0 to 255, got " + code);
      }
      if (answered && !waiting) {
        throw new IllegalStateException(this + " runs a program: it ends by itself");
      }
      if (exited) {
        return;
      }
      String text = (answered ? "" : "wait\n") + "exit " + code + "\n";
      answered = true;
      waiting = true;
      exited = true;
      write(text);
      hangUp(); // said all: the container exits with the code
    }

    /** Whether it was answered {@code wait}. */
    private boolean waiting;

    private void answer(String text) {
      if (answered) {
        throw new IllegalStateException("pod " + namespace + "/" + pod + "'s container was"
            + " answered already");
      }
      answered = true;
      waiting = text.equals("wait\n");
      write(text);
    }

    private void write(String text) {
      try {
        OutputStream out = socket.getOutputStream();
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
      } catch (IOException e) {
        end(); // the container is gone already
      }
    }

    @Override
    public void hangUp() {
      try {
        socket.close();
      } catch (IOException e) {
        // closing
      }
    }

    @Override
    public boolean ended() {
      return ended;
    }

    @Override
    public void onEnd(Runnable r) {
      onEnd.add(r);
      if (ended && onEnd.remove(r)) {
        r.run();
      }
    }

    /** Blocks until the container closes the connection (it ended) or pdlab hangs up. */
    void awaitEnd() {
      try {
        InputStream in = socket.getInputStream();
        byte[] buf = new byte[256];
        while (in.read(buf) >= 0) {
          // the container never writes after its greeting; keep reading to see it end
        }
      } catch (IOException e) {
        // closed: it ended
      }
    }

    void end() {
      if (ended) {
        return;
      }
      ended = true;
      for (Runnable r : onEnd) {
        if (onEnd.remove(r)) {
          try {
            r.run();
          } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "pod " + namespace + "/" + pod
                + ": an end listener failed", e);
          }
        }
      }
    }

    @Override
    public String toString() {
      return "container " + container + " of pod " + namespace + "/" + pod + " at " + ip
          + " on node " + node;
    }
  }
}
