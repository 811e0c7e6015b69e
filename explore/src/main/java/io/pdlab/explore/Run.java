package io.pdlab.explore;

import io.pdlab.pd.run.RunMeasures;
import io.pdlab.scenarios.model.FaultDef;
import io.pdlab.scenarios.run.ScenarioResult;
import io.pdlab.scenarios.run.ScenarioRunner;
import io.pdlab.sim.trace.TraceRecord;
import io.pdlab.sim.trace.TraceSink;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * One run of a schedule and what the search needs of it: the outcome, the mechanism when the
 * outcome is a finding (null when the faults explain it), and the coverage signature. {@link
 * #of} is the search's unit of work: a pure function of the schedule (its seed included), so
 * runs can go to any thread or machine and come back in any order.
 *
 * @param outcome the run's outcome label ({@code ok}, {@code degraded}, ...)
 * @param mechanism what went wrong, named from the run, or null when the faults explain it
 * @param features the coverage signature: every feature the run reached, sorted
 * @param summary the run's measures in one line ({@code RunMeasures.describe}'s first line) and
 *     the members' exit reasons (normalised), which the mechanism leaves out so that runs
 *     through the same mechanism merge
 */
public record Run(Schedule schedule, String outcome, String mechanism, List<String> features,
    String summary) implements Serializable {
  private static final long serialVersionUID = 1L;

  public Run {
    features = List.copyOf(features);
  }

  /** Whether the outcome is worse than the faults explain. */
  public boolean finding() {
    return mechanism != null;
  }

  /**
   * Runs {@code s} on the simulator, ending 30 s after its bootstrap and faults (as compare's
   * runs end), and judges it: the search's runs.
   */
  public static Run of(Schedule s) {
    return run(s, false, null, true).run;
  }

  /**
   * Runs {@code s} for its whole duration, as {@code pdlab run} replays a finding's file: what a
   * finding and each shrink step are confirmed with.
   */
  public static Run full(Schedule s) {
    return run(s, false, null, false).run;
  }

  /**
   * A whole run with its STATE and FAULT records kept and every record passed to {@code trace},
   * for a finding's chart and trace file.
   */
  static Traced traced(Schedule s, TraceSink trace) {
    return run(s, true, trace, false);
  }

  /**
   * A run and the records its chart is drawn from; {@code measures} null when the model failed
   * (the records then end where it failed).
   */
  record Traced(Run run, List<TraceRecord> records, RunMeasures measures) {}

  private static Traced run(Schedule s, boolean keep, TraceSink tee, boolean stopEarly) {
    Probe probe = new Probe(keep, tee);
    io.pdlab.scenarios.model.Scenario sc = s.scenario();
    Schedule parsed = Schedule.of(sc); // the parser's form: the same value on every engine
    ScenarioResult r;
    try {
      r = ScenarioRunner.run(sc, null, probe, stopEarly);
    } catch (RuntimeException e) {
      String mechanism = modelFailure(e);
      return new Traced(new Run(parsed, MODEL_FAILURE, mechanism, List.of("outcome "
          + MODEL_FAILURE, "finding " + mechanism), "the model failed: " + firstLine(e)),
          keep ? List.copyOf(probe.kept) : List.of(), null);
    }
    RunMeasures m = r.measures();
    String outcome = m.outcome().label();
    Judge.Verdict v = Judge.judge(parsed, m, probe);
    List<String> features = features(m, probe, v);
    String summary = m.describe().lines().findFirst().orElse("") + (probe.exits.isEmpty() ? ""
        : "; members exited: " + String.join(" | ", probe.exits));
    return new Traced(new Run(parsed, outcome, v.mechanism(), features, summary),
        keep ? List.copyOf(probe.kept) : List.of(), m);
  }

  /**
   * The coverage signature: the run's normalised reports with their counts bucketed as a
   * coverage-guided fuzzer buckets hit counts (1, 2, 3-4, 5-8, 9+); each membership the cluster
   * went through by its size, unstarted members and learners, and whether its started voters
   * were short of a quorum (a minority-only window); the outcome, the number of cluster IDs and
   * PD cluster IDs, bootstrap decisions, lost writes; and the unavailable and zero-tolerance
   * times on a log scale (near-violations: one failure from losing quorum).
   */
  static List<String> features(RunMeasures m, Probe p, Judge.Verdict v) {
    TreeSet<String> out = new TreeSet<>();
    for (Map.Entry<String, Integer> e : p.counts.entrySet()) {
      out.add("trace " + e.getKey() + " x" + bucket(e.getValue()));
    }
    String previous = "none";
    for (String line : m.timeline()) {
      Judge.Membership ms = Judge.Membership.parse(line);
      String now = ms.shape();
      out.add("membership " + now);
      out.add("membership " + previous + " -> " + now);
      if (ms.startedVoters() < ms.voters() / 2 + 1) {
        out.add("near: started voters below quorum in " + now);
      }
      previous = now;
    }
    out.add("outcome " + m.outcome().label());
    out.add("cluster-ids " + m.clusterIds().size());
    out.add("pd-cluster-ids " + m.pdClusterIds().size());
    out.add("bootstrap-decisions " + bucket(p.bootstraps));
    out.add("bootstrapped " + (m.bootstrapUs() >= 0));
    out.add("lost-writes " + bucket(m.lostWrites().size()));
    out.add("unavailable-s 2^" + log2(m.unavailableUs() / 1_000_000));
    out.add("zero-tolerance-s 2^" + log2(m.zeroToleranceUs() / 1_000_000));
    if (v.mechanism() != null) {
      out.add("finding " + v.mechanism());
    }
    return new ArrayList<>(out);
  }

  private static String bucket(int n) {
    return n <= 2 ? Integer.toString(n) : n <= 4 ? "3-4" : n <= 8 ? "5-8" : "9+";
  }

  private static int log2(long n) {
    return n <= 0 ? -1 : 63 - Long.numberOfLeadingZeros(n);
  }

  /**
   * The outcome of a run the model itself failed on (an exception in a process, a broken
   * internal assertion such as Raft's): a defect of pdlab, not of the operator. The search goes
   * on past it, as a fuzzer goes on past a crash; it is a finding like the others, shrunk to the
   * smallest schedule that still fails the model the same way, and its file replays the failure
   * ({@code pdlab run} stops with it). No expectation can name it.
   */
  public static final String MODEL_FAILURE = "model-failure";

  /**
   * The mechanism of a model failure: the innermost cause's class and message, normalised (IDs
   * and numbers, which differ from run to run through the same defect, become {@code H} and
   * {@code #}), e.g. {@code model failure: IllegalStateException: a leader with leader H}.
   */
  static String modelFailure(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage() == null ? "" : firstLine(root);
    return "model failure: " + root.getClass().getSimpleName() + (message.isEmpty() ? ""
        : ": " + Probe.normalise(message));
  }

  private static String firstLine(Throwable e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int nl = m.indexOf('\n');
    return (nl < 0 ? m : m.substring(0, nl)).strip();
  }

  /** The faults of a schedule, for messages. */
  static String faults(List<FaultDef> faults) {
    List<String> out = new ArrayList<>();
    faults.forEach(f -> out.add(Schedule.flow(f)));
    return String.join("; ", out);
  }
}
