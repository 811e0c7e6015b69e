package io.pdlab.pd.tidb;

import java.util.List;

/**
 * What {@link PdStartScript} asks its driver to do, one shell step at a time. The driver answers
 * {@link DnsLookup} with {@link PdStartScript#onDnsResult}, {@link Sleep} with
 * {@link PdStartScript#onSleepDone} and {@link HttpGet} with {@link PdStartScript#onHttpResult}.
 * {@link ExecPdServer} and {@link Exit} end the script.
 */
public sealed interface ScriptAction {
  /** {@code nslookup <name>}: resolved or not. */
  record DnsLookup(String name) implements ScriptAction {
    @Override
    public String toString() {
      return "nslookup " + name;
    }
  }

  /** {@code sleep <n>} with {@code n} whole seconds; 0 is a real {@code sleep 0}. */
  record Sleep(long ms) implements ScriptAction {
    public Sleep {
      if (ms < 0) {
        throw new IllegalArgumentException("sleep must be >= 0 ms, got " + ms);
      }
    }

    @Override
    public String toString() {
      return "sleep " + ms + "ms";
    }
  }

  /** {@code wget -qO- -T <timeout> <url>}. */
  record HttpGet(String url, long timeoutMs) implements ScriptAction {
    @Override
    public String toString() {
      return "wget " + url + " timeout=" + timeoutMs + "ms";
    }
  }

  /** {@code exec /pd-server ${ARGS}}: the arguments after word splitting, program name excluded. */
  record ExecPdServer(List<String> args) implements ScriptAction {
    public ExecPdServer {
      args = List.copyOf(args);
    }

    @Override
    public String toString() {
      return "exec /pd-server " + String.join(" ", args);
    }
  }

  /** The script exits with this code (the container restarts under the pod's restart policy). */
  record Exit(int code, String message) implements ScriptAction {
    @Override
    public String toString() {
      return "exit " + code + " (" + message + ")";
    }
  }
}
