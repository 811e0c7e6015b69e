package io.pdlab.pd.tidb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.pdlab.pd.tidb.ScriptAction.DnsLookup;
import io.pdlab.pd.tidb.ScriptAction.ExecPdServer;
import io.pdlab.pd.tidb.ScriptAction.Exit;
import io.pdlab.pd.tidb.ScriptAction.HttpGet;
import io.pdlab.pd.tidb.ScriptAction.Sleep;
import io.pdlab.sim.Rng;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PdStartScriptTest {
  private static final String DOMAIN = "basic-pd-0.basic-pd-peer.ns.svc";
  /** {@code echo basic-pd-0.basic-pd-peer.ns.svc:2380 | base64} (checked with coreutils). */
  private static final String DISCOVERY_URL = "http://basic-discovery.ns.svc:10261/new/"
      + "YmFzaWMtcGQtMC5iYXNpYy1wZC1wZWVyLm5zLnN2YzoyMzgwCg==";
  private static final List<String> BASE_ARGS = List.of(
      "--data-dir=/var/lib/pd",
      "--name=basic-pd-0",
      "--peer-urls=http://0.0.0.0:2380",
      "--advertise-peer-urls=http://basic-pd-0.basic-pd-peer.ns.svc:2380",
      "--client-urls=http://0.0.0.0:2379",
      "--advertise-client-urls=http://basic-pd-0.basic-pd-peer.ns.svc:2379",
      "--config=/etc/pd/pd.toml");
  private static final long SEED = 7;

  private static PdStartScript script(DataDirState data, long seed) {
    return new PdStartScript(
        PdStartScriptConfig.of("basic-pd-0", "ns", "basic", data), new Rng(seed));
  }

  private static List<String> args(String... extra) {
    List<String> all = new ArrayList<>(BASE_ARGS);
    all.addAll(List.of(extra));
    return all;
  }

  /** $((RANDOM % m)) seconds as the script draws them, from a twin of the script's stream. */
  private static long shellSleepMs(Rng twin, int modulus) {
    return (twin.nextInt(32_768) % modulus) * 1000L;
  }

  /** Runs the DNS wait with the name resolving on the given try (1-based); returns the time. */
  private static long passDns(PdStartScript s, int resolvesOnTry, List<ScriptAction> last) {
    assertEquals(List.of(new Sleep(1_000)), s.start(0));
    long t = 0;
    for (int i = 1; ; i++) {
      t += 1_000;
      assertEquals(List.of(new DnsLookup(DOMAIN)), s.onSleepDone(t));
      if (i == resolvesOnTry) {
        last.addAll(s.onDnsResult(t, true));
        return t;
      }
      assertEquals(List.of(new Sleep(1_000)), s.onDnsResult(t, false));
    }
  }

  @Test
  void computedNamesMatchTheTemplate() {
    PdStartScriptConfig c = PdStartScriptConfig.of("basic-pd-0", "ns", "basic", DataDirState.EMPTY);
    assertEquals("basic-pd-peer", c.peerServiceName());
    assertEquals("basic", c.clusterName());
    assertEquals(DOMAIN, c.domain());
    assertEquals("basic-discovery.ns.svc:10261", c.discoveryAddress());
    assertEquals(DISCOVERY_URL, c.discoveryRequestUrl());
  }

  @Test
  void dnsThatNeverResolvesExitsOneAfterThirtySleepsAndTwentyNineLookups() {
    PdStartScript s = script(DataDirState.EMPTY, SEED);
    assertEquals(List.of(new Sleep(1_000)), s.start(0));
    long t = 0;
    for (int i = 1; i <= 29; i++) {
      t += 1_000;
      assertEquals(List.of(new DnsLookup(DOMAIN)), s.onSleepDone(t));
      // Slow lookups do not count: only the sleeps advance elapseTime.
      t += 2_000;
      assertEquals(List.of(new Sleep(1_000)), s.onDnsResult(t, false));
    }
    t += 1_000;
    assertEquals(List.of(new Exit(1, "waiting for pd cluster ready timeout")), s.onSleepDone(t));
    assertEquals(29, s.dnsLookups());
    assertEquals(PdStartScript.Phase.EXITED, s.phase());
    assertThrows(IllegalStateException.class, () -> s.onSleepDone(200_000));
  }

  @Test
  void startTimeoutIsConfigurable() {
    PdStartScript s = new PdStartScript(new PdStartScriptConfig("basic-pd-0", "ns", "basic", "http",
        "/var/lib/pd", 3, DataDirState.EMPTY), new Rng(SEED));
    s.start(0);
    assertEquals(List.of(new DnsLookup(DOMAIN)), s.onSleepDone(1_000));
    s.onDnsResult(1_000, false);
    assertEquals(List.of(new DnsLookup(DOMAIN)), s.onSleepDone(2_000));
    s.onDnsResult(2_000, false);
    assertEquals(List.of(new Exit(1, PdStartScript.DNS_TIMEOUT_MESSAGE)), s.onSleepDone(3_000));
    assertEquals(2, s.dnsLookups());
  }

  @Test
  void joinFileGivesJoinWithoutAskingDiscovery() {
    String file = "basic-pd-2=http://basic-pd-2.basic-pd-peer.ns.svc:2380,"
        + "basic-pd-0=http://basic-pd-0.basic-pd-peer.ns.svc:2380";
    PdStartScript s = script(new DataDirState(file, true), SEED);
    Rng twin = new Rng(SEED);
    List<ScriptAction> afterDns = new ArrayList<>();
    long t = passDns(s, 3, afterDns);
    long pause = shellSleepMs(twin, 10);
    assertEquals(List.of(new Sleep(pause)), afterDns);
    assertEquals(List.of(new ExecPdServer(args("--join=http://basic-pd-2.basic-pd-peer.ns.svc:2380,"
            + "http://basic-pd-0.basic-pd-peer.ns.svc:2380"))),
        s.onSleepDone(t + pause));
    assertEquals(0, s.discoveryRequests());
    assertEquals(3, s.dnsLookups());
    assertEquals(PdStartScript.Phase.EXECED, s.phase());
  }

  @Test
  void joinFileParsingFollowsTheShellPipeline() {
    String two = "http://a:2380,http://b:2380";
    assertEquals(two, PdStartScript.joinFromFile("a=http://a:2380,b=http://b:2380"));
    assertEquals(two, PdStartScript.joinFromFile("a=http://a:2380,b=http://b:2380\n"));
    assertEquals("http://a:2380", PdStartScript.joinFromFile("a=http://a:2380"));
    assertEquals("", PdStartScript.joinFromFile(""));
    assertEquals(",http://b:2380", PdStartScript.joinFromFile("junk,b=http://b:2380"));
  }

  @Test
  void walWithoutJoinFileStartsWithoutJoinOrInitialCluster() {
    PdStartScript s = script(DataDirState.withWal(), SEED);
    Rng twin = new Rng(SEED);
    List<ScriptAction> afterDns = new ArrayList<>();
    long t = passDns(s, 1, afterDns);
    long pause = shellSleepMs(twin, 10);
    assertEquals(List.of(new Sleep(pause)), afterDns);
    assertEquals(List.of(new ExecPdServer(BASE_ARGS)), s.onSleepDone(t + pause));
    assertEquals(0, s.discoveryRequests());
  }

  @Test
  void discoveryIsRetriedWithRandomFiveSecondSleepsUntilItAnswers() {
    PdStartScript s = script(DataDirState.EMPTY, SEED);
    Rng twin = new Rng(SEED);
    List<ScriptAction> afterDns = new ArrayList<>();
    long t = passDns(s, 2, afterDns);
    HttpGet get = new HttpGet(DISCOVERY_URL, 3_000);
    assertEquals(List.of(get), afterDns);

    List<HttpResult> failures = List.of(
        new HttpResult.Timeout(),
        new HttpResult.ConnectionError("connection refused"),
        new HttpResult.Response(500, "dial tcp 10.0.0.9:2379: connect: connection refused"),
        new HttpResult.Response(404, "404: Page Not Found"));
    for (HttpResult failure : failures) {
      t += 3_000;
      long pause = shellSleepMs(twin, 5);
      assertEquals(List.of(new Sleep(pause)), s.onHttpResult(t, failure));
      t += pause;
      assertEquals(List.of(get), s.onSleepDone(t));
    }
    assertEquals(5, s.discoveryRequests());

    t += 10;
    long pause = shellSleepMs(twin, 10);
    assertEquals(List.of(new Sleep(pause)), s.onHttpResult(t, new HttpResult.Response(200,
        "--initial-cluster=basic-pd-0=http://basic-pd-0.basic-pd-peer.ns.svc:2380\n")));
    // $(...) drops the trailing newline discovery copied from the encoded URL.
    assertEquals(List.of(new ExecPdServer(
            args("--initial-cluster=basic-pd-0=http://basic-pd-0.basic-pd-peer.ns.svc:2380"))),
        s.onSleepDone(t + pause));
  }

  @Test
  void shellRandomDrawsArePinnedForSeedSeven() {
    // Pins the draw order and formula: three failed tries, then the answer.
    PdStartScript s = script(DataDirState.EMPTY, SEED);
    List<ScriptAction> afterDns = new ArrayList<>();
    long t = passDns(s, 1, afterDns);
    List<Long> sleeps = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Sleep sleep = (Sleep) s.onHttpResult(t, new HttpResult.Timeout()).get(0);
      sleeps.add(sleep.ms());
      s.onSleepDone(t);
    }
    HttpResult answer = new HttpResult.Response(200, "--join=http://x:2379");
    Sleep last = (Sleep) s.onHttpResult(t, answer).get(0);
    sleeps.add(last.ms());
    // new Rng(7).nextInt(32768) draws 12773, 550, 29516, 19101: 3, 0 and 1 (% 5), then 1 (% 10).
    // A $RANDOM % 5 of 0 is a real "sleep 0", still a Sleep action.
    assertEquals(List.of(3_000L, 0L, 1_000L, 1_000L), sleeps);
  }

  @Test
  void sameSeedSameTranscript() {
    assertEquals(transcript(42), transcript(42));
    // The seed reaches the transcript: another seed, other sleeps.
    assertNotEquals(transcript(42), transcript(43));
  }

  /** A fixed schedule of answers; every action is recorded with the time it was returned. */
  private static List<String> transcript(long seed) {
    PdStartScript s = script(DataDirState.EMPTY, seed);
    List<String> out = new ArrayList<>();
    long t = 0;
    List<ScriptAction> actions = s.start(t);
    int httpCalls = 0;
    int dnsCalls = 0;
    while (true) {
      out.add(t + " " + actions);
      ScriptAction a = actions.get(0);
      if (a instanceof Sleep sl) {
        t += sl.ms();
        actions = s.onSleepDone(t);
      } else if (a instanceof DnsLookup) {
        t += 5;
        actions = s.onDnsResult(t, ++dnsCalls >= 4);
      } else if (a instanceof HttpGet g) {
        t += g.timeoutMs();
        actions = s.onHttpResult(t, ++httpCalls < 6 ? new HttpResult.Timeout()
            : new HttpResult.Response(200, "--join=http://basic-pd-1.basic-pd-peer.ns.svc:2379"));
      } else {
        return out;
      }
    }
  }

  @Test
  void eventsOutOfOrderAreRejected() {
    PdStartScript s = script(DataDirState.EMPTY, SEED);
    assertThrows(IllegalStateException.class, () -> s.onSleepDone(0));
    s.start(0);
    assertThrows(IllegalStateException.class, () -> s.onDnsResult(1_000, true));
    HttpResult timeout = new HttpResult.Timeout();
    assertThrows(IllegalStateException.class, () -> s.onHttpResult(1_000, timeout));
    assertThrows(IllegalStateException.class, () -> s.start(0));
    s.onSleepDone(1_000);
    assertThrows(IllegalArgumentException.class, () -> s.onDnsResult(999, true));
  }
}
