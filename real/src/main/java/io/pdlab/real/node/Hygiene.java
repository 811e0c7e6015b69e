package io.pdlab.real.node;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The JVM shutdown hook (installed once) that closes every backend still open and then runs the
 * JVM-wide cleanups (removing the etcd image), so ^C or System.exit leave nothing behind.
 */
final class Hygiene {

  private static final System.Logger LOG = System.getLogger(Hygiene.class.getName());
  private static final Set<EtcdBackend> OPEN = ConcurrentHashMap.newKeySet();
  private static final List<Runnable> AT_EXIT = new CopyOnWriteArrayList<>();
  private static boolean hookInstalled;

  private Hygiene() {
  }

  /** Tracks an open backend, installing the shutdown hook on first use. */
  static void register(EtcdBackend backend) {
    installHook();
    OPEN.add(backend);
  }

  /** Stops tracking a closed backend. */
  static void unregister(EtcdBackend backend) {
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
    for (EtcdBackend b : new ArrayList<>(OPEN)) {
      try {
        b.close();
      } catch (RuntimeException e) {
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
