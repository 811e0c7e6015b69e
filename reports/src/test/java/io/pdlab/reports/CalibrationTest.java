package io.pdlab.reports;

import static io.pdlab.reports.Fixtures.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class CalibrationTest {
  @Test
  void oneRowPerRealBackendInReportOrder() {
    List<RunRecord> in = List.of(
        run("etcd-containers", "static", 3, 1, "none", "ok", 1000L),
        run("etcd", "seed-join", 3, 1, "none", "ok", 1000L),
        run("sim", "seed-join", 3, 1, "none", "ok", 1000L),
        run("etcd", "static", 5, 1, "none", "ok", 1000L),
        run("sim", "static", 5, 1, "none", "ok", 1000L),
        run("etcd", "static", 3, 1, "kill", "ok", 1000L),
        run("sim", "static", 3, 1, "kill", "ok", 1000L),
        run("etcd", "static", 3, 1, "none", "ok", 1000L),
        run("sim", "static", 3, 1, "none", "ok", 1000L),
        // real only, and sim only: nothing to compare
        run("etcd", "discovery", 3, 1, "none", "ok", 1000L),
        run("sim", "v2-static", 3, 1, "none", "ok", 1000L),
        // the same strategy and size on sim, but not under this fault
        run("etcd", "seed-join", 3, 1, "kill", "ok", 1000L));
    List<String> keys = new ArrayList<>();
    for (Calibration.Row r : Calibration.of(Results.of("t", in)).rows()) {
      keys.add(r.strategy() + "/" + r.members() + "/" + r.fault() + "/" + r.realBackend());
      assertEquals(Ordering.SIM, r.sim().backend());
      assertEquals(r.realBackend(), r.real().backend());
    }
    assertEquals(List.of(
        "static/3/none/etcd",
        "static/3/none/etcd-containers",
        "static/3/kill/etcd",
        "static/5/none/etcd",
        "seed-join/3/none/etcd"), keys);
  }

  @Test
  void mediansAndSpreadAreNearestRankOverTheRunsThatBootstrapped() {
    List<RunRecord> in = new ArrayList<>();
    // sim: 10 times, unsorted, and one run that never bootstrapped
    for (long i = 10; i >= 1; i--) {
      in.add(run("sim", "static", 3, i, "none", "ok", i * 1000));
    }
    in.add(run("sim", "static", 3, 11, "none", "stuck", null));
    // real: 20 times
    for (long i = 1; i <= 20; i++) {
      in.add(run("etcd", "static", 3, i, "none", "ok", i * 500));
    }
    Calibration.Row r = Calibration.of(Results.of("t", in)).rows().get(0);
    // 10 values: p10 rank 1, p50 rank 5, p90 rank 9; the median's 95% interval ranks 2 and 9
    assertEquals(new Calibration.Side("sim", 11, 10, 5000L, 1000L, 9000L, 2000L, 9000L,
        List.of(0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1)), r.sim());
    // 20 values: p10 rank 2, p50 rank 10, p90 rank 18; the median's 95% interval ranks 6 and 15
    assertEquals(new Calibration.Side("etcd", 20, 20, 5000L, 1000L, 9000L, 3000L, 7500L,
        List.of(1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1)), r.real());
    assertEquals(1.0, r.ratio());
    assertEquals(2000.0 / 7500, r.ratioLow());
    assertEquals(9000.0 / 3000, r.ratioHigh());
    assertTrue(r.withinBand());
    // 1..10 s against 0.5..10 s in 0.5 s steps: the ECDFs never part by more than the first
    // step, which every ordering takes, so nothing tells them apart
    assertEquals(1.0, r.ksP());
    // redrawn from the sim's own ten times: the row's sizes, the report's median
    long[] simTimes = {1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000, 10_000};
    assertEquals(TwoSample.chanceInBand(simTimes, 10, 20), r.chanceInBand());
    assertTrue(r.chanceInBand() > 0.1 && r.chanceInBand() < 0.9, "uniform 1-10 s, 10 and 20 "
        + "runs: sometimes in band, sometimes not: " + r.chanceInBand());
  }

  @Test
  void runsAreCountedByWholeSecondsWithALastBucketForTheRest() {
    List<RunRecord> in = new ArrayList<>();
    long[] sim = {120, 999, 1000, 1500, 4200, 9999, 10_000, 75_000};
    for (int i = 0; i < sim.length; i++) {
      in.add(run("sim", "static", 5, i + 1, "none", "ok", sim[i]));
    }
    in.add(run("sim", "static", 5, 99, "none", "stuck", null));
    long[] real = {300, 400, 4100, 4300};
    for (int i = 0; i < real.length; i++) {
      in.add(run("etcd", "static", 5, i + 1, "none", "ok", real[i]));
    }
    Calibration.Row r = Calibration.of(Results.of("t", in)).rows().get(0);
    assertEquals(List.of(2, 2, 0, 0, 1, 0, 0, 0, 0, 1, 2), r.sim().perSecond());
    assertEquals("0 s 25% · 1 s 25% · 4 s 13% · 9 s 13% · 10+ s 25%", r.sim().perSecondText());
    assertEquals("0 s 50% · 4 s 50%", r.real().perSecondText());
    assertFalse(Calibration.decidedInSeconds(r), "the simulator's p90 is 75 s");
    Calibration.Row quick = Calibration.of(Results.of("t", List.of(
        run("sim", "static", 3, 1, "none", "ok", 2500L),
        run("etcd", "static", 3, 1, "none", "ok", 9999L)))).rows().get(0);
    assertTrue(Calibration.decidedInSeconds(quick));
    assertEquals("-", row(null, 4000L).sim().perSecondText());
    assertThrows(IllegalArgumentException.class, () -> new Calibration.Side("sim", 0, 0, null,
        null, null, null, null, List.of(0)));
  }

  @Test
  void ratioIsSimMedianOverRealMedian() {
    Calibration.Row r = row(3000L, 4000L);
    assertEquals(0.75, r.ratio());
    assertFalse(r.withinBand());
    Calibration.Row slow = row(4400L, 4000L);
    assertEquals(1.1, slow.ratio(), 1e-12);
    assertTrue(slow.withinBand());
  }

  @Test
  void bandEdgesAreInclusive() {
    assertEquals(0.8, Calibration.BAND_LOW);
    assertEquals(1.25, Calibration.BAND_HIGH);
    assertTrue(row(800L, 1000L).withinBand(), "0.8 exactly");
    assertTrue(row(1250L, 1000L).withinBand(), "1.25 exactly");
    assertTrue(row(2400L, 3000L).withinBand(), "4:5 of other times is 0.8 too");
    assertTrue(row(5000L, 4000L).withinBand(), "5:4 of other times is 1.25 too");
    assertFalse(row(799L, 1000L).withinBand(), "just below");
    assertFalse(row(1251L, 1000L).withinBand(), "just above");
    assertFalse(row(7999L, 10000L).withinBand(), "0.7999");
    assertFalse(row(12501L, 10000L).withinBand(), "1.2501");
  }

  @Test
  void missingMedianGivesNoRatio() {
    Calibration.Row simNever = row(null, 4000L);
    assertNull(simNever.sim().medianMs());
    assertNull(simNever.sim().p10Ms());
    assertNull(simNever.sim().p90Ms());
    assertEquals(0, simNever.sim().bootstrapped());
    assertEquals(1, simNever.sim().runs());
    assertNull(simNever.ratio());
    assertFalse(simNever.withinBand());
    assertNull(simNever.ksP(), "nothing to test a side without times against");
    assertNull(simNever.chanceInBand());

    Calibration.Row realNever = row(4000L, null);
    assertNull(realNever.real().medianMs());
    assertNull(realNever.ratio());
    assertFalse(realNever.withinBand());
    assertNull(realNever.ksP());
    assertNull(realNever.chanceInBand());

    Calibration.Row realZero = row(0L, 0L);
    assertNull(realZero.ratio(), "no ratio over a real median of 0");
    assertFalse(realZero.withinBand());
    assertNull(Calibration.ratio(null, null));
    assertFalse(Calibration.inBand(null));
  }

  @Test
  void noSimOrNoRealIsEmpty() {
    Calibration realOnly = Calibration.of(Results.of("t", List.of(
        run("etcd", "static", 3, 1, "none", "ok", 1000L),
        run("etcd-containers", "static", 3, 1, "none", "ok", 1000L))));
    assertTrue(realOnly.isEmpty());
    assertEquals(List.of(), realOnly.rows());
    assertFalse(realOnly.allWithinBand(), "nothing compared, nothing shown within the band");

    assertTrue(Calibration.of(Results.of("pdlab test", Fixtures.dataset())).isEmpty(), "sim only");
    assertTrue(Calibration.of(Results.of("t", List.of())).isEmpty());
  }

  @Test
  void allWithinBandNeedsEveryRow() {
    List<RunRecord> in = new ArrayList<>(List.of(
        run("sim", "static", 3, 1, "none", "ok", 1000L),
        run("etcd", "static", 3, 1, "none", "ok", 1100L),
        run("etcd-containers", "static", 3, 1, "none", "ok", 900L)));
    assertTrue(Calibration.of(Results.of("t", in)).allWithinBand());
    in.add(run("sim", "seed-join", 3, 1, "none", "ok", 1000L));
    in.add(run("etcd", "seed-join", 3, 1, "none", "stuck", null));
    Calibration c = Calibration.of(Results.of("t", in));
    assertFalse(c.isEmpty());
    assertFalse(c.allWithinBand(), "a row without a ratio is not within the band");
  }

  @Test
  void paramsThatDifferAreFlagged() {
    RunRecord sim = run("sim", "static", 3, 1, "none", "ok", 1000L);
    Calibration.Row same = Calibration.of(Results.of("t", List.of(sim,
        run("etcd", "static", 3, 1, "none", "ok", 1000L)))).rows().get(0);
    assertTrue(same.paramsMatch());
    assertEquals(List.of(), same.paramsDiffer());

    RunRecord otherTick = withParam(run("etcd", "static", 3, 1, "none", "ok", 1000L),
        "tickMs", "100");
    RunRecord extraKey = withParam(run("etcd-containers", "static", 3, 1, "none", "ok", 1000L),
        "image", "etcd:3.5");
    List<Calibration.Row> rows =
        Calibration.of(Results.of("t", List.of(sim, otherTick, extraKey))).rows();
    assertEquals(List.of("tickMs"), rows.get(0).paramsDiffer());
    assertFalse(rows.get(0).paramsMatch());
    assertEquals(List.of("image"), rows.get(1).paramsDiffer(), "a key only one side sets");

    // both sides swept over the same values: the same parameters
    Calibration.Row swept = Calibration.of(Results.of("t", List.of(
        withParam(run("sim", "static", 3, 1, "none", "ok", 1000L), "tickMs", "100"),
        withParam(run("sim", "static", 3, 2, "none", "ok", 1000L), "tickMs", "200"),
        withParam(run("etcd", "static", 3, 1, "none", "ok", 1000L), "tickMs", "200"),
        withParam(run("etcd", "static", 3, 2, "none", "ok", 1000L), "tickMs", "100"))))
        .rows().get(0);
    assertTrue(swept.paramsMatch());
    // ... but one side missing a value the other ran with differs
    Calibration.Row partial = Calibration.of(Results.of("t", List.of(
        withParam(run("sim", "static", 3, 1, "none", "ok", 1000L), "tickMs", "100"),
        withParam(run("sim", "static", 3, 2, "none", "ok", 1000L), "tickMs", "200"),
        withParam(run("etcd", "static", 3, 1, "none", "ok", 1000L), "tickMs", "200"))))
        .rows().get(0);
    assertEquals(List.of("tickMs"), partial.paramsDiffer());
  }

  /** The one row of a sim run and an etcd run with these bootstrap times. */
  private static Calibration.Row row(Long simMs, Long realMs) {
    List<Calibration.Row> rows = Calibration.of(Results.of("t", List.of(
        run("sim", "static", 3, 1, "none", simMs == null ? "stuck" : "ok", simMs),
        run("etcd", "static", 3, 1, "none", realMs == null ? "stuck" : "ok", realMs)))).rows();
    assertEquals(1, rows.size());
    return rows.get(0);
  }

  static RunRecord withParam(RunRecord r, String key, String value) {
    TreeMap<String, String> params = new TreeMap<>(r.params());
    params.put(key, value);
    return new RunRecord(r.scenario(), r.backend(), r.strategy(), r.members(), r.seed(),
        r.fault(), r.outcome(), r.bootstrapMs(), r.unavailableMs(), r.zeroToleranceMs(),
        r.etcdClusterIds(), r.pdClusterIds(), r.events(), params, r.timeline(), r.joinCosts());
  }
}
