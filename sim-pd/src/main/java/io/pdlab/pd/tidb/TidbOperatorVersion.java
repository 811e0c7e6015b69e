package io.pdlab.pd.tidb;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Which tidb-operator release's discovery service the model runs ({@code timing.tidbOperatorVersion}
 * of a scenario's cluster; {@link DiscoveryService} holds the rules that differ, each citing its
 * tag). The PD start script is the same text in both (v1.0.0
 * {@code charts/tidb-cluster/templates/scripts/_start_pd.sh.tpl} and v1.5.1
 * {@code pkg/manager/member/startscript/v1/template.go} render alike without cluster domain, TLS or
 * {@code dataSubDir}: the DNS wait with {@code threshold=30}, the {@code member/wal} test, the
 * {@code wget -T 3} loop with {@code sleep $((RANDOM % 5))}), so {@link PdStartScript} has no
 * version. What else differs between the releases (v1.0's failover has no {@code maxFailoverCount},
 * "TODO add maxFailoverCount" in v1.0.0 {@code pd_failover.go}) is not in this knob: the operator
 * is v1.5.1's under both.
 */
public enum TidbOperatorVersion {
  /** tidb-operator v1.0.0 (the same discovery code through v1.0.7). */
  V1_0("1.0"),
  /** tidb-operator v1.5.1: the model's default. */
  V1_5("1.5");

  /** The key of a cluster's timing overrides that names the version. */
  public static final String TIMING_KEY = "tidbOperatorVersion";

  private final String label;

  TidbOperatorVersion(String label) {
    this.label = label;
  }

  /** How a scenario names it: {@code "1.0"} or {@code "1.5"}. */
  public String label() {
    return label;
  }

  /** The labels a scenario may give, in order. */
  public static List<String> labels() {
    List<String> out = new ArrayList<>();
    for (TidbOperatorVersion v : values()) {
      out.add(v.label);
    }
    return List.copyOf(out);
  }

  /** The version a cluster's timing overrides name; {@link #V1_5} when they name none. */
  public static TidbOperatorVersion of(Map<String, String> timingOverrides) {
    String label = timingOverrides.get(TIMING_KEY);
    if (label == null) {
      return V1_5;
    }
    for (TidbOperatorVersion v : values()) {
      if (v.label.equals(label)) {
        return v;
      }
    }
    throw new IllegalArgumentException(
        TIMING_KEY + " must be one of " + labels() + ", got '" + label + "'");
  }
}
