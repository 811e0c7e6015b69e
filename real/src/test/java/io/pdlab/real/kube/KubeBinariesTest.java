package io.pdlab.real.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KubeBinariesTest {
  private static Path fakeBinaries(Path dir, String... names) throws IOException {
    Files.createDirectories(dir);
    for (String n : names) {
      Path b = Files.writeString(dir.resolve(n), "#!/bin/sh\necho " + n + " v1.20.2\n");
      Files.setPosixFilePermissions(b, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    return dir;
  }

  @Test
  void kubeBinDirWithAllFourIsUsed(@TempDir Path tmp) throws IOException {
    Path dir = fakeBinaries(tmp.resolve("bin"), KubeBinaries.NAMES.toArray(new String[0]));
    KubeBinaries b = KubeBinaries.locate(Map.of(KubeBinaries.ENV, dir.toString()));
    assertEquals(dir.resolve("kube-scheduler"), b.path("kube-scheduler"));
    assertThrows(IllegalArgumentException.class, () -> b.path("kubectl"));
  }

  @Test
  void kubeBinDirMissingOneSaysWhichAndHowToGetIt(@TempDir Path tmp) throws IOException {
    Path dir = fakeBinaries(tmp.resolve("bin"), "kube-apiserver", "kube-scheduler", "kubelet");
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> KubeBinaries.locate(Map.of(KubeBinaries.ENV, dir.toString())));
    assertTrue(e.getMessage().contains("lacks kube-controller-manager"), e.getMessage());
    assertTrue(e.getMessage().contains("scripts/ensure-kube"), e.getMessage());
  }

  @Test
  void withoutKubeBinDirTheNewestCompleteCacheIsUsed(@TempDir Path tmp) throws IOException {
    String[] all = KubeBinaries.NAMES.toArray(new String[0]);
    Path complete = fakeBinaries(tmp.resolve("kubernetes-1.20.2-go1.19-r1/bin"), all);
    fakeBinaries(tmp.resolve("kubernetes-1.20.2-go1.19-r2/bin"), "kubelet"); // half a cache
    fakeBinaries(tmp.resolve("go-build-cache"), "x");
    KubeBinaries b = KubeBinaries.locate(Map.of(KubeBinaries.CACHE_ENV, tmp.toString()));
    assertEquals(complete, b.dir());
  }

  @Test
  void noBinariesAnywhereSaysHowToGetThem(@TempDir Path tmp) {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> KubeBinaries.locate(Map.of(KubeBinaries.CACHE_ENV, tmp.toString())));
    assertTrue(e.getMessage().startsWith("no Kubernetes binaries: KUBE_BIN_DIR is not set and "
        + tmp), e.getMessage());
    assertTrue(e.getMessage().contains("scripts/ensure-kube"), e.getMessage());
  }
}
