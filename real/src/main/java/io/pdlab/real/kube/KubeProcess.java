package io.pdlab.real.kube;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * One process of a control plane or node (etcd, an API server, a controller, a kubelet): started
 * with its output appended to a log file, waited for through a health probe with a bound, stopped
 * with SIGTERM and then SIGKILL. Failures carry the tail of its log.
 */
final class KubeProcess {
  /** How long a stopping process gets after SIGTERM before SIGKILL. */
  static final Duration STOP_GRACE = Duration.ofSeconds(5);
  private static final Duration PROBE_EVERY = Duration.ofMillis(100);
  private static final int PROBE_TIMEOUT_MS = 2_000;

  /** A health check: null when healthy, else what was seen. */
  interface Probe {
    String check();

    /**
     * GET {@code url} (https without verifying the certificate, as the components serve
     * self-signed ones), with a bearer token if given; healthy when the answer is 200 and its body
     * contains {@code expect}.
     */
    static Probe http(String url, String token, String expect) {
      return () -> {
        try {
          HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
          if (c instanceof HttpsURLConnection s) {
            s.setSSLSocketFactory(TRUST_ALL);
            s.setHostnameVerifier((host, session) -> true);
          }
          c.setConnectTimeout(PROBE_TIMEOUT_MS);
          c.setReadTimeout(PROBE_TIMEOUT_MS);
          if (token != null) {
            c.setRequestProperty("Authorization", "Bearer " + token);
          }
          int code = c.getResponseCode();
          java.io.InputStream in = code < 400 ? c.getInputStream() : c.getErrorStream();
          String text = in == null ? ""
              : new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
          c.disconnect();
          return code == 200 && text.replace(" ", "").contains(expect) ? null
              : "HTTP " + code + ": " + (text.length() > 200 ? text.substring(0, 200) : text);
        } catch (IOException e) {
          return e.toString();
        }
      };
    }
  }

  /** Trusts every certificate: only for the components' self-signed ones on 127.0.0.1. */
  static final SSLSocketFactory TRUST_ALL;

  static {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, new TrustManager[] {new X509TrustManager() {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
          return new X509Certificate[0];
        }
      }}, null);
      TRUST_ALL = ctx.getSocketFactory();
    } catch (GeneralSecurityException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final String name;
  private final List<String> command;
  private final Path log;
  private final Probe probe;
  private Process process;
  private Instant startedAt;
  private Duration healthyAfter;

  KubeProcess(String name, List<String> command, Path log, Probe probe) {
    this.name = name;
    this.command = List.copyOf(command);
    this.log = log;
    this.probe = probe;
  }

  String name() {
    return name;
  }

  void start() {
    startedAt = Instant.now();
    try {
      Files.writeString(log, "==== pdlab: " + Instant.now() + ": " + String.join(" ", command)
          + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      process = new ProcessBuilder(command).directory(log.getParent().toFile())
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
          .start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start " + name + " (" + command.get(0) + "): "
          + e.getMessage(), e);
    }
  }

  /** Waits until the probe passes; fails if the process exits or {@code timeout} passes. */
  void awaitHealthy(Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    String seen = "no answer yet";
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited with code " + process.exitValue()
            + " before it was healthy (" + fatalLine() + "); the end of its log (" + log + "):\n"
            + logTail(15));
      }
      seen = probe.check();
      if (seen == null) {
        healthyAfter = Duration.between(startedAt, Instant.now());
        return;
      }
      pause(PROBE_EVERY);
    }
    throw new IllegalStateException(name + " was not healthy within " + timeout.toSeconds()
        + " s (last answer: " + seen + "); the end of its log (" + log + "):\n" + logTail(15));
  }

  /** From its start to its first healthy answer (null until then). */
  Duration healthyAfter() {
    return healthyAfter;
  }

  boolean alive() {
    return process != null && process.isAlive();
  }

  /** SIGTERM, then SIGKILL after {@link #STOP_GRACE}; waits until it is gone. */
  void stop() {
    if (process == null || !process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
          throw new IllegalStateException(name + " (pid " + process.pid() + ") did not die"
              + " within " + STOP_GRACE.toSeconds() + " s of SIGKILL");
        }
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /**
   * The last line of the log that says why a Go component died: a klog fatal ({@code F1203
   * 09:58:01.123 ...}, which exits 255 after dumping every goroutine, so the log's tail shows only
   * stacks), a {@code panic:} or a {@code fatal error:}; else "no fatal line in its log".
   */
  String fatalLine() {
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      for (int i = all.size() - 1; i >= 0; i--) {
        String l = all.get(i);
        if (FATAL.matcher(l).find()) {
          return l.strip();
        }
      }
      return "no fatal line in its log";
    } catch (IOException | UncheckedIOException e) {
      return "cannot read " + log + ": " + e.getMessage();
    }
  }

  private static final java.util.regex.Pattern FATAL =
      java.util.regex.Pattern.compile("^(F\\d{4} \\d\\d:|panic: |fatal error: )");

  /** The last {@code lines} lines of the log. */
  String logTail(int lines) {
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(cannot read " + log + ": " + e.getMessage() + ")";
    }
  }

  private static void pause(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a component", e);
    }
  }
}
