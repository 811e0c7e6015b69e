package io.pdlab.real.kube;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The kubelet nodes' cluster DNS: pod names under their headless service, as CoreDNS answers. */
class PodDnsTest {
  private static final PodDns.Resolver PODS = (ns, sub, host) ->
      ns.equals("tidb") && sub.equals("basic-pd-peer") && host.equals("basic-pd-0") ? "10.213.4.2"
          : null;

  private static byte[] query(int id, String name, int type) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteBuffer h = ByteBuffer.allocate(12);
    h.putShort((short) id).putShort((short) 0x0100).putShort((short) 1).putShort((short) 0)
        .putShort((short) 0).putShort((short) 0);
    out.writeBytes(h.array());
    for (String label : name.split("\\.")) {
      out.write(label.length());
      out.writeBytes(label.getBytes(StandardCharsets.US_ASCII));
    }
    out.write(0);
    out.write(0);
    out.write(type);
    out.write(0);
    out.write(1);
    return out.toByteArray();
  }

  @Test
  void aPodUnderItsHeadlessServiceResolvesToItsAddress() {
    byte[] q = query(0x1234, "basic-pd-0.basic-pd-peer.tidb.svc.cluster.local", 1);
    ByteBuffer a = ByteBuffer.wrap(PodDns.answer(q, q.length, PODS));
    assertEquals(0x1234, a.getShort() & 0xffff);
    assertEquals(0x8500, a.getShort() & 0xffff, "QR, AA, RD; NOERROR");
    assertEquals(1, a.getShort());
    assertEquals(1, a.getShort(), "one answer");
    a.position(q.length);
    assertEquals((short) 0xc00c, a.getShort());
    assertEquals(1, a.getShort(), "type A");
    assertEquals(1, a.getShort(), "class IN");
    assertEquals(PodDns.TTL_S, a.getInt());
    assertEquals(4, a.getShort());
    byte[] ip = new byte[4];
    a.get(ip);
    assertArrayEquals(new byte[] {10, (byte) 213, 4, 2}, ip);
  }

  @Test
  void theSearchPathsWrongGuessesAndOtherNamesAreNxdomain() {
    for (String name : new String[] {
        "basic-pd-0.basic-pd-peer.tidb.svc.tidb.svc.cluster.local", // search path, 1st try
        "basic-pd-0.basic-pd-peer.tidb.svc", // no cluster domain
        "basic-pd-1.basic-pd-peer.tidb.svc.cluster.local", // no such pod
        "example.com"}) {
      byte[] q = query(7, name, 1);
      byte[] a = PodDns.answer(q, q.length, PODS);
      assertEquals(3, a[3] & 0x0f, name + ": NXDOMAIN");
      assertEquals(0, ByteBuffer.wrap(a).getShort(6), name + ": no answer");
    }
  }

  @Test
  void aKnownNamesAaaaQuestionHasNoAnswerButTheNameExists() {
    byte[] q = query(9, "basic-pd-0.basic-pd-peer.tidb.svc.cluster.local", 28);
    byte[] a = PodDns.answer(q, q.length, PODS);
    assertEquals(0, a[3] & 0x0f, "NOERROR");
    assertEquals(0, ByteBuffer.wrap(a).getShort(6), "no answer");
  }

  @Test
  void whatIsNoQueryIsNotAnswered() {
    assertNull(PodDns.answer(new byte[5], 5, PODS));
    byte[] q = query(1, "a.b", 1);
    q[2] |= (byte) 0x80; // a response
    assertNull(PodDns.answer(q, q.length, PODS));
  }
}
