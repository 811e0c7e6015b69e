package io.pdlab.real.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pdlab.real.testing.RealPrerequisites;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding the etcd binary, and the errors that say how to get one. */
class EtcdBinaryTest {

  @TempDir
  Path tmp;

  private Path executable(String name) throws Exception {
    Path p = tmp.resolve(name);
    Files.writeString(p, "#!/bin/sh\necho 'etcd Version: 3.4.99'\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    return p;
  }

  @Test
  void etcdBinPointingToAMissingFileSaysSoAndHowToGetEtcd() {
    Path missing = tmp.resolve("no-such-etcd");
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> EtcdBinary.locate(Map.of("ETCD_BIN", missing.toString()), Path.of("/usr/bin/etcd")));
    assertTrue(e.getMessage().contains("ETCD_BIN"), e.getMessage());
    assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    assertTrue(e.getMessage().contains("apt-get install -y etcd-server"), e.getMessage());
    assertTrue(e.getMessage().contains("set ETCD_BIN to an etcd 3.4 binary"), e.getMessage());
  }

  @Test
  void etcdBinMustBeAnExecutableFile() throws Exception {
    IllegalStateException dir = assertThrows(IllegalStateException.class,
        () -> EtcdBinary.locate(Map.of("ETCD_BIN", tmp.toString()), Path.of("/nonexistent")));
    assertTrue(dir.getMessage().contains("not a regular file"), dir.getMessage());
    Path plain = tmp.resolve("etcd-not-executable");
    Files.writeString(plain, "x");
    IllegalStateException exec = assertThrows(IllegalStateException.class,
        () -> EtcdBinary.locate(Map.of("ETCD_BIN", plain.toString()), Path.of("/nonexistent")));
    assertTrue(exec.getMessage().contains("not executable"), exec.getMessage());
    assertTrue(exec.getMessage().contains(plain.toString()), exec.getMessage());
  }

  @Test
  void etcdBinWinsThenPathThenFallback() throws Exception {
    Path fake = executable("my-etcd");
    assertEquals(fake, EtcdBinary.locate(Map.of("ETCD_BIN", fake.toString(),
        "PATH", "/usr/bin"), Path.of("/nonexistent")).path());
    Path dir = Files.createDirectory(tmp.resolve("bin"));
    Path onPath = dir.resolve("etcd");
    Files.copy(fake, onPath);
    assertEquals(onPath, EtcdBinary.locate(Map.of("PATH", "/nonexistent:" + dir),
        Path.of("/nonexistent")).path());
    assertEquals(fake, EtcdBinary.locate(Map.of("PATH", "/nonexistent"), fake).path());
  }

  @Test
  void noEtcdAnywhereSaysHowToGetIt() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> EtcdBinary.locate(Map.of("PATH", tmp.toString()), tmp.resolve("etcd")));
    assertTrue(e.getMessage().contains("install Debian's etcd-server: apt-get install -y"
        + " etcd-server, or set ETCD_BIN to an etcd 3.4 binary"), e.getMessage());
  }

  @Test
  void versionIsParsedFromEtcdVersion() throws Exception {
    Path fake = executable("etcd");
    assertEquals("3.4.99", EtcdBinary.locate(Map.of("ETCD_BIN", fake.toString()),
        Path.of("/nonexistent")).version());
  }

  @Test
  void realEtcdIs34AndItsDefaultsAreOurs() {
    RealPrerequisites.requireBackend("etcd");
    EtcdBinary etcd = EtcdBinary.locate();
    assertTrue(etcd.version().startsWith("3.4."), etcd.version());
    String help = Commands.run(Duration.ofSeconds(20), null,
        List.of(etcd.path().toString(), "--help")).output();
    assertTrue(help.contains("--heartbeat-interval '" + EtcdFlags.DEFAULT_TICK_MS + "'"), help);
    assertTrue(help.contains("--election-timeout '" + EtcdFlags.DEFAULT_ELECTION_MS + "'"), help);
    assertTrue(help.contains("--strict-reconfig-check 'true'"), help);
    assertTrue(help.contains("--pre-vote 'false'"), help);
    assertTrue(help.contains("--initial-cluster-token '" + EtcdFlags.DEFAULT_TOKEN + "'"), help);
  }
}
