package io.pdlab.real.kube;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The files a control plane writes, without starting one. */
class KubeControlPlaneTest {
  @Test
  void pemWrapsBase64At64Columns() {
    byte[] der = new byte[100];
    for (int i = 0; i < der.length; i++) {
      der[i] = (byte) i;
    }
    String pem = KubeControlPlane.pem("PUBLIC KEY", der);
    List<String> lines = pem.lines().toList();
    assertEquals("-----BEGIN PUBLIC KEY-----", lines.get(0));
    assertEquals("-----END PUBLIC KEY-----", lines.get(lines.size() - 1));
    assertEquals(64, lines.get(1).length());
    assertArrayEquals(der, Base64.getMimeDecoder().decode(String.join("",
        lines.subList(1, lines.size() - 1))));
  }

  @Test
  void kubeconfigNamesServerAndTokenAndSkipsVerification() {
    String k = KubeControlPlane.kubeconfigYaml("https://127.0.0.1:6443", "t0k3n");
    assertTrue(k.contains("server: https://127.0.0.1:6443\n"), k);
    assertTrue(k.contains("insecure-skip-tls-verify: true\n"), k);
    assertTrue(k.contains("token: t0k3n\n"), k);
    assertTrue(k.contains("current-context: pdlab\n"), k);
  }
}
