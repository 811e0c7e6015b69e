package io.pdlab.explore;

import io.pdlab.scenarios.model.Scenario;
import io.pdlab.scenarios.run.ScenarioRunner;
import io.pdlab.sim.trace.TraceRecord;
import java.util.List;

/**
 * The hazard atlas's timeline chart for any simulated scenario of one cluster: its members'
 * states over time with its faults as bands. {@code pdlab compare}'s report draws its
 * representative runs with it.
 */
public final class Timelines {
  /** Charts end on a whole 10 s after the run's last state change. */
  private static final long ROUND_US = 10_000_000L;

  private Timelines() {}

  /**
   * Runs {@code sc} on the simulator again (a run is a function of its scenario and seed, so it
   * is the run that was measured, ended the same way: {@code stopEarly} as the original run) and
   * returns its timeline as an SVG document.
   */
  public static String svg(Scenario sc, boolean stopEarly) {
    Probe probe = new Probe(true, null);
    ScenarioRunner.run(sc, null, probe, stopEarly);
    List<TraceRecord> records = probe.kept;
    long last = records.isEmpty() ? 0 : records.get(records.size() - 1).timeUs();
    long end = Math.min(sc.durationUs(), (last / ROUND_US + 1) * ROUND_US);
    return Chart.svg(sc.faults(), sc.clusters().get(0).name(), records, end);
  }
}
