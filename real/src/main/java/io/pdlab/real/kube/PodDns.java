package io.pdlab.real.kube;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Locale;

/**
 * The cluster DNS of kubelet nodes, for the one kind of name pdlab's members resolve: a pod's
 * name under its headless service, {@code <hostname>.<subdomain>.<namespace>.svc.cluster.local},
 * answered with the pod's current address as CoreDNS's kubernetes plugin answers it (an A record
 * for a pod whose hostname and subdomain match; the peer services publish not-ready addresses, so
 * a pod has a record as soon as it has an address). Anything else is NXDOMAIN; a known name's
 * AAAA question has no answer (NOERROR). TTL 5 s, CoreDNS's default for the kubernetes plugin
 * ({@code ttl} option, coredns/plugin/kubernetes, default 5).
 *
 * <p>One server per node, on UDP port 53 of the node's gateway address; the kubelet writes it as
 * the pods' nameserver ({@code clusterDNS}) with the search path {@code <ns>.svc.cluster.local
 * svc.cluster.local cluster.local}, so the model's names ({@code ....svc}) resolve through the
 * search path, as in a cluster.
 */
final class PodDns implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(PodDns.class.getName());
  /** The kubelet's cluster domain. */
  static final String DOMAIN = "cluster.local";
  /** CoreDNS kubernetes plugin's default TTL, seconds. */
  static final int TTL_S = 5;

  /** A pod's current address by hostname, subdomain and namespace, or null. */
  interface Resolver {
    String podAddress(String namespace, String subdomain, String hostname);
  }

  private final DatagramSocket socket;
  private final Resolver resolver;
  private final Thread thread;
  private volatile boolean closed;

  PodDns(String address, Resolver resolver) {
    this.resolver = resolver;
    try {
      this.socket = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(address), 53));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve DNS on " + address + ":53 for a kubelet node"
          + " (root is needed for port 53): " + e.getMessage(), e);
    }
    this.thread = new Thread(this::serve, "pdlab-dns-" + address);
    thread.setDaemon(true);
    thread.start();
  }

  private void serve() {
    byte[] buf = new byte[512];
    while (!closed) {
      DatagramPacket p = new DatagramPacket(buf, buf.length);
      try {
        socket.receive(p);
        byte[] answer = answer(buf, p.getLength(), resolver);
        if (answer != null) {
          socket.send(new DatagramPacket(answer, answer.length, p.getSocketAddress()));
        }
      } catch (IOException e) {
        if (!closed) {
          LOG.log(System.Logger.Level.DEBUG, "DNS: " + e);
        }
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "DNS: a question could not be answered", e);
      }
    }
  }

  /** The answer to the query in {@code q[0..len)}, or null for what is no query. */
  static byte[] answer(byte[] q, int len, Resolver resolver) {
    if (len < 12) {
      return null;
    }
    ByteBuffer in = ByteBuffer.wrap(q, 0, len);
    int id = in.getShort() & 0xffff;
    int flags = in.getShort() & 0xffff;
    int qd = in.getShort() & 0xffff;
    in.position(12);
    if ((flags & 0x8000) != 0 || qd != 1) {
      return null;
    }
    StringBuilder name = new StringBuilder();
    int labels = 0;
    while (true) {
      if (!in.hasRemaining()) {
        return null;
      }
      int l = in.get() & 0xff;
      if (l == 0) {
        break;
      }
      if (l > 63 || in.remaining() < l || ++labels > 127) {
        return null;
      }
      byte[] label = new byte[l];
      in.get(label);
      if (name.length() > 0) {
        name.append('.');
      }
      name.append(new String(label, java.nio.charset.StandardCharsets.US_ASCII));
    }
    if (in.remaining() < 4) {
      return null;
    }
    int qtype = in.getShort() & 0xffff;
    int qclass = in.getShort() & 0xffff;
    int questionEnd = in.position();
    String ip = qclass == 1 ? lookup(name.toString().toLowerCase(Locale.ROOT), resolver) : null;
    boolean a = qtype == 1 && ip != null;
    ByteBuffer out = ByteBuffer.allocate(questionEnd + 16);
    out.putShort((short) id);
    int rd = flags & 0x0100;
    int rcode = ip == null ? 3 : 0; // NXDOMAIN, or NOERROR (with no answer for other types)
    out.putShort((short) (0x8000 | 0x0400 | rd | rcode)); // QR, AA
    out.putShort((short) 1);
    out.putShort((short) (a ? 1 : 0));
    out.putShort((short) 0);
    out.putShort((short) 0);
    out.put(q, 12, questionEnd - 12);
    if (a) {
      out.putShort((short) 0xc00c); // the question's name
      out.putShort((short) 1);
      out.putShort((short) 1);
      out.putInt(TTL_S);
      out.putShort((short) 4);
      for (String part : ip.split("\\.")) {
        out.put((byte) Integer.parseInt(part));
      }
    }
    byte[] r = new byte[out.position()];
    out.flip();
    out.get(r);
    return r;
  }

  /** {@code h.sub.ns.svc.cluster.local} (or without the domain) to the pod's address. */
  static String lookup(String name, Resolver resolver) {
    String n = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    if (n.endsWith("." + DOMAIN)) {
      n = n.substring(0, n.length() - DOMAIN.length() - 1);
    } else {
      return null;
    }
    String[] l = n.split("\\.");
    if (l.length != 4 || !l[3].equals("svc")) {
      return null;
    }
    return resolver.podAddress(l[2], l[1], l[0]);
  }

  @Override
  public void close() {
    closed = true;
    socket.close();
  }
}
