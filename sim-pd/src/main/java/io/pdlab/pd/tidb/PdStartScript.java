package io.pdlab.pd.tidb;

import io.pdlab.sim.Rng;
import java.util.ArrayList;
import java.util.List;

/**
 * One run of tidb-operator v1.5's PD start script (the default, {@code startScriptVersion: v1}:
 * {@code pdStartScriptTpl} in {@code pkg/manager/member/startscript/v1/template.go}) as a pure
 * state machine. A container restart is a new instance. In the script's order:
 * <ol>
 *   <li>DNS wait: {@code sleep 1}, count it, exit 1 with "waiting for pd cluster ready timeout"
 *       once the count reaches {@code threshold} (30), else {@code nslookup ${domain}}; repeat
 *       until the lookup succeeds. The count is of sleeps, not of wall time: slow lookups stretch
 *       the wait, and a name that never resolves costs 30 sleeps and 29 lookups;
 *   <li>{@code <data-dir>/join} exists: {@code --join=} with the URLs of the file; else
 *       {@code <data-dir>/member/wal} is absent: {@code until result=$(wget -qO- -T 3
 *       http://<tc>-discovery.<ns>.svc:10261/new/<base64>); do sleep $((RANDOM % 5)); done}, no
 *       overall deadline, and the answer is appended to the arguments as it is; else (WAL exists)
 *       no extra flag;
 *   <li>{@code sleep $((RANDOM % 10))} (after "starting pd-server ...", in every branch), then
 *       {@code exec /pd-server ${ARGS}} with the arguments word-split.
 * </ol>
 * {@code $RANDOM} is bash/ash's 15-bit value (0..32767), drawn from the given {@link Rng} each
 * time the script evaluates it; {@code % 5} and {@code % 10} of it keep the shell's slight bias.
 *
 * <p>Not modelled: the {@code /etc/podinfo/annotations} check and {@code runmode=debug}, the
 * {@code dig} variant of the DNS check ({@code spec.pd.startUpScriptVersion: v1}), cluster
 * domains and across-Kubernetes names.
 */
public final class PdStartScript {
  /** {@code period=1}: one sleep of the DNS wait. */
  public static final long DNS_PERIOD_MS = 1_000;
  /** {@code wget -T 3}. */
  public static final long DISCOVERY_HTTP_TIMEOUT_MS = 3_000;
  /** {@code $RANDOM} is uniform in [0, 32768). */
  public static final int SHELL_RANDOM_BOUND = 32_768;
  /** {@code sleep $((RANDOM % 5))} between discovery tries. */
  public static final int DISCOVERY_RETRY_MODULUS = 5;
  /** {@code sleep $((RANDOM % 10))} before {@code exec}. */
  public static final int PRE_EXEC_MODULUS = 10;
  /** {@code echo "waiting for pd cluster ready timeout" >&2; exit 1}. */
  public static final String DNS_TIMEOUT_MESSAGE = "waiting for pd cluster ready timeout";

  /** Where the script is: which event it waits for. */
  public enum Phase {
    NOT_STARTED,
    DNS_SLEEP,
    DNS_LOOKUP,
    DISCOVERY_REQUEST,
    DISCOVERY_RETRY_SLEEP,
    PRE_EXEC_SLEEP,
    EXECED,
    EXITED
  }

  private final PdStartScriptConfig config;
  /** {@code domain}, which the script computes once at its top. */
  private final String domain;
  /** {@code http://${discovery_url}/new/${encoded_domain_url}}, computed once as well. */
  private final String discoveryUrl;
  private final Rng rng;
  private Phase phase = Phase.NOT_STARTED;
  private long lastNowMs = Long.MIN_VALUE;
  private int elapseTime;
  private int dnsLookups;
  private int discoveryRequests;
  private String args;

  public PdStartScript(PdStartScriptConfig config, Rng rng) {
    if (config == null || rng == null) {
      throw new IllegalArgumentException("config and rng must not be null");
    }
    this.config = config;
    this.domain = config.domain();
    this.discoveryUrl = config.discoveryRequestUrl();
    this.rng = rng;
  }

  /** The container starts the script. */
  public List<ScriptAction> start(long nowMs) {
    advance(nowMs, Phase.NOT_STARTED, "start");
    args = baseArgs();
    return sleep(Phase.DNS_SLEEP, DNS_PERIOD_MS);
  }

  /** A {@link ScriptAction.Sleep} has ended. */
  public List<ScriptAction> onSleepDone(long nowMs) {
    if (phase != Phase.DNS_SLEEP && phase != Phase.DISCOVERY_RETRY_SLEEP
        && phase != Phase.PRE_EXEC_SLEEP) {
      throw new IllegalStateException("onSleepDone at " + nowMs + "ms, but the script is in "
          + phase + " (" + config.podName() + ")");
    }
    advance(nowMs, phase, "onSleepDone");
    switch (phase) {
      case DNS_SLEEP -> {
        // elapseTime=$(( elapseTime+period )); if [[ ${elapseTime} -ge ${threshold} ]] ... exit 1
        elapseTime += 1;
        if (elapseTime >= config.startTimeoutSeconds()) {
          phase = Phase.EXITED;
          return List.of(new ScriptAction.Exit(1, DNS_TIMEOUT_MESSAGE));
        }
        phase = Phase.DNS_LOOKUP;
        dnsLookups++;
        return List.of(new ScriptAction.DnsLookup(domain));
      }
      case DISCOVERY_RETRY_SLEEP -> {
        return requestDiscovery();
      }
      default -> {
        // echo "/pd-server ${ARGS}"; exec /pd-server ${ARGS}
        phase = Phase.EXECED;
        return List.of(new ScriptAction.ExecPdServer(wordSplit(args)));
      }
    }
  }

  /** The {@link ScriptAction.DnsLookup} has answered. */
  public List<ScriptAction> onDnsResult(long nowMs, boolean resolved) {
    advance(nowMs, Phase.DNS_LOOKUP, "onDnsResult");
    if (!resolved) {
      return sleep(Phase.DNS_SLEEP, DNS_PERIOD_MS);
    }
    DataDirState data = config.dataDirState();
    if (data.joinFileContent() != null) {
      // if [[ -f <data-dir>/join ]]; ARGS="${ARGS} --join=${join}"
      args = args + " --join=" + joinFromFile(data.joinFileContent());
      return preExecSleep();
    }
    if (!data.walExists()) {
      // elif [[ ! -d <data-dir>/member/wal ]]: ask discovery
      return requestDiscovery();
    }
    return preExecSleep();
  }

  /** The {@link ScriptAction.HttpGet} to discovery has ended. */
  public List<ScriptAction> onHttpResult(long nowMs, HttpResult result) {
    advance(nowMs, Phase.DISCOVERY_REQUEST, "onHttpResult");
    if (result == null) {
      throw new IllegalArgumentException("result must not be null");
    }
    if (!result.succeeded()) {
      // echo "waiting for discovery service to return start args ..."; sleep $((RANDOM % 5))
      return sleep(Phase.DISCOVERY_RETRY_SLEEP, shellRandom(DISCOVERY_RETRY_MODULUS) * 1000L);
    }
    // result=$(...) drops trailing newlines; ARGS="${ARGS}${result}" (ARGS ends with a space)
    args = args + stripTrailingNewlines(((HttpResult.Response) result).body());
    return preExecSleep();
  }

  public Phase phase() {
    return phase;
  }

  /** {@code nslookup} calls made so far. */
  public int dnsLookups() {
    return dnsLookups;
  }

  /** Discovery requests sent so far. */
  public int discoveryRequests() {
    return discoveryRequests;
  }

  public PdStartScriptConfig config() {
    return config;
  }

  /**
   * {@code ARGS} before any branch: the double-quoted string of the template, whose
   * backslash-newlines vanish, so it ends with one space.
   */
  String baseArgs() {
    String s = config.scheme();
    String d = domain;
    return "--data-dir=" + config.dataDir()
        + " --name=" + config.podName()
        + " --peer-urls=" + s + "://0.0.0.0:2380"
        + " --advertise-peer-urls=" + s + "://" + d + ":2380"
        + " --client-urls=" + s + "://0.0.0.0:2379"
        + " --advertise-client-urls=" + s + "://" + d + ":2379"
        + " --config=/etc/pd/pd.toml ";
  }

  /**
   * {@code join=`cat join | tr "," "\n" | awk -F'=' '{print $2}' | tr "\n" ","`; join=${join%,}}:
   * the file holds {@code name=peerURL,name=peerURL} and the result is the peer URLs,
   * comma-joined. An empty line yields an empty field, as awk does.
   */
  static String joinFromFile(String content) {
    String lines = content.replace(',', '\n');
    StringBuilder out = new StringBuilder();
    if (!lines.isEmpty()) {
      List<String> records = DiscoveryService.goSplit(lines, '\n');
      if (lines.endsWith("\n")) {
        records = records.subList(0, records.size() - 1); // awk: no record after the last newline
      }
      for (String record : records) {
        List<String> fields = DiscoveryService.goSplit(record, '=');
        out.append(fields.size() > 1 ? fields.get(1) : "").append(',');
      }
    }
    String join = out.toString();
    return join.endsWith(",") ? join.substring(0, join.length() - 1) : join;
  }

  /** Unquoted {@code ${ARGS}}: split on blanks and newlines, empty words dropped. */
  static List<String> wordSplit(String s) {
    List<String> words = new ArrayList<>();
    int start = -1;
    for (int i = 0; i <= s.length(); i++) {
      boolean blank = i == s.length() || s.charAt(i) == ' ' || s.charAt(i) == '\t'
          || s.charAt(i) == '\n';
      if (blank && start >= 0) {
        words.add(s.substring(start, i));
        start = -1;
      } else if (!blank && start < 0) {
        start = i;
      }
    }
    return words;
  }

  static String stripTrailingNewlines(String s) {
    int end = s.length();
    while (end > 0 && s.charAt(end - 1) == '\n') {
      end--;
    }
    return s.substring(0, end);
  }

  private List<ScriptAction> requestDiscovery() {
    phase = Phase.DISCOVERY_REQUEST;
    discoveryRequests++;
    return List.of(
        new ScriptAction.HttpGet(discoveryUrl, DISCOVERY_HTTP_TIMEOUT_MS));
  }

  private List<ScriptAction> preExecSleep() {
    // echo "starting pd-server ..."; sleep $((RANDOM % 10))
    return sleep(Phase.PRE_EXEC_SLEEP, shellRandom(PRE_EXEC_MODULUS) * 1000L);
  }

  private List<ScriptAction> sleep(Phase next, long ms) {
    phase = next;
    return List.of(new ScriptAction.Sleep(ms));
  }

  /** {@code $((RANDOM % modulus))}. */
  private int shellRandom(int modulus) {
    return rng.nextInt(SHELL_RANDOM_BOUND) % modulus;
  }

  private void advance(long nowMs, Phase expected, String event) {
    if (phase != expected) {
      throw new IllegalStateException(event + " at " + nowMs + "ms, but the script is in " + phase
          + ", not " + expected + " (" + config.podName() + ")");
    }
    if (nowMs < lastNowMs) {
      throw new IllegalArgumentException(
          event + ": time went back from " + lastNowMs + "ms to " + nowMs + "ms");
    }
    lastNowMs = nowMs;
  }
}
