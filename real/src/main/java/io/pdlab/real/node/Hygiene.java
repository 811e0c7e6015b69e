package io.pdlab.real.node;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The JVM shutdown hook (installed once) that closes every backend still open, the last opened
 * first (kubelet nodes before the control plane whose run directory holds them), and then runs
 * the JVM-wide cleanups (removing the etcd image), so ^C or System.exit leave nothing behind.
 */
public final class Hygiene {

  private static final System.Logger LOG = System.getLogger(Hygiene.class.getName());
  /** In the order they were opened. */
  private static final Set<AutoCloseable> OPEN =
      Collections.synchronizedSet(new LinkedHashSet<>());
  private static final List<Runnable> AT_EXIT = new CopyOnWriteArrayList<>();
  private static boolean hookInstalled;

  private Hygiene() {
  }

  /** Set when the hook starts: from then on nothing new may start. */
  private static boolean shuttingDown;

  /**
   * Tracks an open backend (or control plane), installing the shutdown hook on first use. Once
   * the JVM is shutting down (^C, SIGTERM, System.exit) the hook may already have closed what was
   * open, while another thread goes on to start the next run: such a late backend is closed here
   * at once (removing the directory it just made) and refused.
   *
   * @throws IllegalStateException when the JVM is shutting down
   */
  public static void register(AutoCloseable backend) {
    installHook();
    synchronized (Hygiene.class) {
      if (!shuttingDown) {
        OPEN.add(backend);
        return;
      }
    }
    try {
      backend.close();
    } catch (Exception e) {
      LOG.log(System.Logger.Level.WARNING, "could not close " + backend + " at JVM exit", e);
    }
    throw new IllegalStateException("the JVM is shutting down: no new run starts");
  }

  /** Stops tracking a closed backend. */
  public static void unregister(AutoCloseable backend) {
    OPEN.remove(backend);
  }

  /** Runs {@code cleanup} at JVM exit, after all open backends are closed. */
  static void atExit(Runnable cleanup) {
    installHook();
    AT_EXIT.add(cleanup);
  }

  private static synchronized void installHook() {
    if (hookInstalled) {
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(Hygiene::runHook, "pdlab-etcd-cleanup"));
    hookInstalled = true;
  }

  private static void runHook() {
    synchronized (Hygiene.class) {
      shuttingDown = true;
    }
    List<AutoCloseable> open;
    synchronized (OPEN) {
      open = new ArrayList<>(OPEN);
    }
    Collections.reverse(open);
    for (AutoCloseable b : open) {
      try {
        b.close();
      } catch (Exception e) {
        LOG.log(System.Logger.Level.WARNING, "could not close " + b + " at JVM exit", e);
      }
    }
    for (Runnable r : AT_EXIT) {
      try {
        r.run();
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "cleanup at JVM exit failed", e);
      }
    }
  }
}
