package io.pdlab.k8s.controllers;

import io.pdlab.k8s.api.Container;
import io.pdlab.k8s.api.Images;
import io.pdlab.k8s.api.Pod;
import io.pdlab.pd.pod.PodEnv;
import io.pdlab.sim.process.Process;
import io.pdlab.sim.process.ProcessContext;
import java.util.List;

/**
 * coreos/etcd-operator v0.9.4's {@code check-dns} init container (pkg/util/k8sutil/k8sutil.go
 * {@code newEtcdPod}): every member pod waits, before its etcd starts, until its own DNS name
 * ({@code etcdutil.Member.Addr()}: {@code <pod>.<cluster>.<namespace>.svc}) resolves, because
 * etcd 3.2's TLS listener reverse-looks-up a peer's IP and rejects it while the record is not
 * there. Upstream it is a busybox shell loop:
 *
 * <pre>
 *   while ( ! nslookup NAME ); do ... sleep 1; done
 * </pre>
 *
 * with {@code TIMEOUT_READY} the EtcdCluster's {@code spec.pod.DNSTimeoutInSecond}, default 0:
 * never give up (k8sutil.go {@code defaultDNSTimeout = int64(0)}; the model keeps no pod policy,
 * so it is always 0). The name resolves once the pod has an address: the peer Service is headless
 * ({@code ClusterIP: None}, {@code CreatePeerService}) and carries {@code
 * service.alpha.kubernetes.io/tolerate-unready-endpoints: "true"} ({@code
 * newEtcdServiceManifest}), so a pod that is not Ready is in its Endpoints, and the pod sets
 * {@code Hostname} to its name and {@code Subdomain} to the cluster's, which gives it the A record
 * {@code <hostname>.<subdomain>.<ns>.svc}.
 *
 * <p>As a model process it asks the world's DNS ({@link PodEnv#resolves}) at its start and then
 * every {@link #LOOP_PERIOD_MS}, and exits with {@link K8sWorld#COMPLETED} (exit code 0) at the
 * first answer.
 */
public final class CheckDns implements Process {
  /** The init container's name and the model's role for it. */
  public static final String NAME = "check-dns";

  /** The shell loop's {@code sleep 1} between lookups (k8sutil.go v0.9.4). */
  public static final long LOOP_PERIOD_MS = 1_000;

  /** The loop's {@code TIMEOUT_READY}: 0, wait for ever (k8sutil.go {@code defaultDNSTimeout}). */
  static final int DNS_TIMEOUT_S = 0;

  private record Lookup() {}

  private final String name;
  private final PodEnv dns;

  public CheckDns(String name, PodEnv dns) {
    this.name = name;
    this.dns = dns;
  }

  /** The check-dns process of {@code pod}: its name under its headless Service. */
  public static CheckDns of(Pod pod, PodEnv dns) {
    return new CheckDns(SimContainerRuntime.podDnsName(pod), dns);
  }

  /**
   * The init container upstream gives the member whose DNS name is {@code addr}: busybox running
   * the loop with {@code /bin/sh -c} (upstream's {@code Command}; busybox's image has no
   * entrypoint, so as args it runs the same).
   */
  public static Container container(String addr) {
    String script = "TIMEOUT_READY=" + DNS_TIMEOUT_S + "\n"
        + "while ( ! nslookup " + addr + " )\n"
        + "do\n"
        + "  # If TIMEOUT_READY is 0 we should never time out and exit\n"
        + "  TIMEOUT_READY=$(( TIMEOUT_READY-1 ))\n"
        + "  if [ $TIMEOUT_READY -eq 0 ];\n"
        + "  then\n"
        + "    echo \"Timed out waiting for DNS entry\"\n"
        + "    exit 1\n"
        + "  fi\n"
        + "  sleep " + LOOP_PERIOD_MS / 1_000 + "\n"
        + "done";
    return new Container(NAME, Images.BUSYBOX, NAME, List.of("/bin/sh", "-c", script));
  }

  @Override
  public void onStart(ProcessContext ctx) {
    lookup(ctx);
  }

  private void lookup(ProcessContext ctx) {
    if (dns.resolves(name)) {
      if (ctx.tracing()) {
        ctx.log("check-dns: " + name + " resolves");
      }
      ctx.exit(K8sWorld.COMPLETED);
    } else {
      // (a TIMEOUT_READY of 0 goes negative and never equals 0: no time-out)
      ctx.setTimer(LOOP_PERIOD_MS * 1_000, new Lookup());
    }
  }

  @Override
  public void onTimer(ProcessContext ctx, Object tag) {
    if (tag instanceof Lookup) {
      lookup(ctx);
    }
  }

  @Override
  public void onMessage(ProcessContext ctx, String from, Object message) {}
}
