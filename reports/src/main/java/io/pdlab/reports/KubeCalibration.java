package io.pdlab.reports;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The Kubernetes half of the simulator checked against a real cluster: for every (strategy,
 * members, fault) that ran on the simulator and on a real backend with its member pods' times
 * recorded ({@link RunRecord#pods}), one {@link Row} per time a pod's life gives, with the same
 * statistics as the bootstrap calibration ({@link Calibration#compare}: medians, ratio with its
 * range, KS p, chance in band). And one {@link Message} per pod that was Pending on either side:
 * the reasons each side's pods were last Pending with, which should be the same text.
 *
 * <p>The times, all from the strategy's install:
 *
 * <ul>
 *   <li>{@code pod k scheduled|started|ready}: the k-th member pod to appear (its first life)
 *       bound to a node, Running, Ready;
 *   <li>{@code restart k}: the crash-looping pod's (the pod with most restarts) k-th restart;
 *       for k &gt; 1 as the time since restart k-1, which is the kubelet's back-off plus its
 *       rounding to the pod worker's resync;
 *   <li>{@code pod k re-created}: a pod deleted and created again under its name (its node lost,
 *       a failover): when its second life appeared.
 * </ul>
 */
public final class KubeCalibration {
  /** Restarts of a crash-looping pod compared, at most. */
  public static final int RESTARTS = 4;

  /**
   * One time of the member pods on both sides.
   *
   * @param measure what was timed ({@code pod 2 started}, {@code restart 3}, ...)
   * @param stats both sides' times of it, with {@link Calibration.Row}'s statistics
   */
  public record Row(String measure, Calibration.Row stats) {}

  /**
   * Why a pod was Pending, on each side: each distinct last reason with how many runs showed it.
   *
   * @param strategy the strategy
   * @param members cluster size
   * @param fault the run's fault
   * @param pod the pod (its name)
   * @param sim the simulator's reasons and their run counts
   * @param real the real backend's reasons and their run counts
   * @param same whether both sides showed exactly the same reasons
   */
  public record Message(String strategy, int members, String fault, String pod,
      Map<String, Integer> sim, Map<String, Integer> real, boolean same) {
    public Message {
      sim = java.util.Collections.unmodifiableMap(new TreeMap<>(sim));
      real = java.util.Collections.unmodifiableMap(new TreeMap<>(real));
    }
  }

  private final List<Row> rows;
  private final List<Message> messages;

  private KubeCalibration(List<Row> rows, List<Message> messages) {
    this.rows = List.copyOf(rows);
    this.messages = List.copyOf(messages);
  }

  /** The rows of {@code results}: empty unless sim and real runs both recorded pod times. */
  public static KubeCalibration of(Results results) {
    List<Row> rows = new ArrayList<>();
    List<Message> messages = new ArrayList<>();
    Calibration.eachSimAndReal(results.records(), r -> !r.pods().isEmpty(),
        (k, backend, simRuns, realRuns) -> {
          for (String m : measures(simRuns, realRuns)) {
            rows.add(new Row(m, Calibration.compare(k.strategy(), k.members(), k.fault(),
                backend, simRuns, times(simRuns, m), realRuns, times(realRuns, m))));
          }
          TreeSet<String> pods = new TreeSet<>();
          simRuns.forEach(r -> r.pods().forEach(p -> pods.add(p.pod())));
          for (String pod : pods) {
            Map<String, Integer> sim = reasons(simRuns, pod);
            Map<String, Integer> real = reasons(realRuns, pod);
            if (!sim.isEmpty() || !real.isEmpty()) {
              messages.add(new Message(k.strategy(), k.members(), k.fault(), pod, sim, real,
                  sim.keySet().equals(real.keySet())));
            }
          }
        });
    return new KubeCalibration(rows, messages);
  }

  public List<Row> rows() {
    return rows;
  }

  public List<Message> messages() {
    return messages;
  }

  public boolean isEmpty() {
    return rows.isEmpty() && messages.isEmpty();
  }

  /** The measures either side's runs give, in a fixed order. */
  static List<String> measures(List<RunRecord> sim, List<RunRecord> real) {
    int pods = 0;
    int restarts = 0;
    TreeSet<Integer> recreated = new TreeSet<>();
    for (List<RunRecord> side : List.of(sim, real)) {
      for (RunRecord r : side) {
        List<PodTime> first = firstLives(r);
        pods = Math.max(pods, first.size());
        restarts = Math.max(restarts, Math.min(RESTARTS, crashLooping(r).size()));
        for (int i = 0; i < first.size(); i++) {
          if (secondLife(r, first.get(i).pod()) != null) {
            recreated.add(i + 1);
          }
        }
      }
    }
    List<String> out = new ArrayList<>();
    for (int k = 1; k <= pods; k++) {
      for (String stage : List.of("scheduled", "started", "ready")) {
        out.add("pod " + k + " " + stage);
      }
    }
    for (int k = 1; k <= restarts; k++) {
      out.add("restart " + k);
    }
    recreated.forEach(k -> out.add("pod " + k + " re-created"));
    return out;
  }

  /** {@code measure}'s time in each run that has it. */
  static List<Long> times(List<RunRecord> runs, String measure) {
    List<Long> out = new ArrayList<>();
    for (RunRecord r : runs) {
      Long t = time(r, measure);
      if (t != null) {
        out.add(t);
      }
    }
    return out;
  }

  /** {@code measure}'s time in run {@code r}, or {@code null} if it did not happen. */
  static Long time(RunRecord r, String measure) {
    String[] w = measure.split(" ");
    if (w[0].equals("restart")) {
      int k = Integer.parseInt(w[1]);
      List<Long> rs = crashLooping(r);
      if (rs.size() < k) {
        return null;
      }
      return k == 1 ? rs.get(0) : rs.get(k - 1) - rs.get(k - 2);
    }
    int k = Integer.parseInt(w[1]);
    List<PodTime> first = firstLives(r);
    if (first.size() < k) {
      return null;
    }
    PodTime p = first.get(k - 1);
    Function<PodTime, Long> stage = switch (w[2]) {
      case "scheduled" -> PodTime::scheduledMs;
      case "started" -> PodTime::startedMs;
      case "ready" -> PodTime::readyMs;
      case "re-created" -> q -> {
        PodTime again = secondLife(r, q.pod());
        return again == null ? null : again.createdMs();
      };
      default -> throw new IllegalArgumentException("unknown measure: " + measure);
    };
    return stage.apply(p);
  }

  /** Each member pod's first life, in the order the pods appeared. */
  static List<PodTime> firstLives(RunRecord r) {
    LinkedHashMap<String, PodTime> first = new LinkedHashMap<>();
    r.pods().forEach(p -> first.putIfAbsent(p.pod(), p));
    return new ArrayList<>(first.values());
  }

  private static PodTime secondLife(RunRecord r, String pod) {
    int seen = 0;
    for (PodTime p : r.pods()) {
      if (p.pod().equals(pod) && ++seen == 2) {
        return p;
      }
    }
    return null;
  }

  /** The restarts of the run's pod life with most of them (the first such), oldest first. */
  static List<Long> crashLooping(RunRecord r) {
    List<Long> most = List.of();
    for (PodTime p : r.pods()) {
      if (p.restartsMs().size() > most.size()) {
        most = p.restartsMs();
      }
    }
    return most;
  }

  /** The distinct last Pending reasons of {@code pod} over {@code runs}, with run counts. */
  private static Map<String, Integer> reasons(List<RunRecord> runs, String pod) {
    TreeMap<String, Integer> out = new TreeMap<>();
    for (RunRecord r : runs) {
      String last = "";
      for (PodTime p : r.pods()) {
        if (p.pod().equals(pod) && !p.pendingReason().isEmpty()) {
          last = p.pendingReason();
        }
      }
      if (!last.isEmpty()) {
        out.merge(last, 1, Integer::sum);
      }
    }
    return out;
  }
}
