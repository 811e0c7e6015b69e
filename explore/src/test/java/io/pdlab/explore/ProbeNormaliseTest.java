package io.pdlab.explore;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@link Probe#idsAndNumbersOut} is the two regular expressions it replaced, applied one after
 * the other: checked against them on reports as the model writes them and on random texts.
 */
class ProbeNormaliseTest {
  private static final Pattern HEX = Pattern.compile("\\b[0-9a-f]{8,}\\b");
  private static final Pattern NUMBER = Pattern.compile("\\d+");

  private static String byRegex(String d) {
    return NUMBER.matcher(HEX.matcher(d).replaceAll("H")).replaceAll("#");
  }

  @Test
  void reportsLoseTheirIdsAndNumbersAsTheRegularExpressionsDid() {
    List<String> reports = List.of(
        "etcd: CANDIDATE term=4 lead=0",
        "etcd: FOLLOWER term=12 lead=f612b13efc17a851",
        "etcd: peer 55c2a3a02bd16eb5 became active",
        "etcd: stream to 7c238e3b8638ccd7 refused: cluster ID mismatch",
        "pd: exit: Etcd cluster ID mismatch, expect 6996783999255376572, got 12",
        "etcd: exit: error validating peerURLs [fd0220a1f7c024b5[basic-pd-1], 0a1b2c3d[x]]",
        "pd: start etcd state=new initial-cluster=basic-pd-0=http://basic-pd-0.basic-pd-peer"
            + ".ns.svc:2380",
        "deadbeef", "deadbeefx", "_deadbeef", "deadbeef_", "xdeadbeef", "dead-beef0",
        "abcdef01 abcdef0 abcdef012", "ABCDEF0123", "é12345678é", "12345678é", "",
        "9", "a1b2c3d4e5", "(0123456789abcdef)", "id=0123456789abcdef.");
    for (String r : reports) {
      assertEquals(byRegex(r), Probe.idsAndNumbersOut(r), r);
    }
  }

  @Test
  void randomTextsGiveWhatTheRegularExpressionsGive() {
    String alphabet = "0123456789abcdefxyzABCF_ -=.:[](),é\u00e0\u4e2d\n";
    SplittableRandom rng = new SplittableRandom(17);
    List<String> failures = new ArrayList<>();
    for (int t = 0; t < 20_000; t++) {
      StringBuilder b = new StringBuilder();
      int len = rng.nextInt(40);
      for (int i = 0; i < len; i++) {
        // long runs of hex digits now and then, so that IDs of eight and more come up
        if (rng.nextInt(8) == 0) {
          int run = 6 + rng.nextInt(6);
          for (int k = 0; k < run; k++) {
            b.append("0123456789abcdef".charAt(rng.nextInt(16)));
          }
        } else {
          b.append(alphabet.charAt(rng.nextInt(alphabet.length())));
        }
      }
      String s = b.toString();
      if (!byRegex(s).equals(Probe.idsAndNumbersOut(s))) {
        failures.add(s);
      }
    }
    assertEquals(List.of(), failures.subList(0, Math.min(5, failures.size())));
  }
}
