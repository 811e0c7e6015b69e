package io.pdlab.explore;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pdlab.scenarios.model.FaultDef;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Where a run's chart draws its faults. */
class ChartTest {
  private static final Pattern FAULT = Pattern.compile(
      "<rect x=\"[^\"]*\" y=\"(\\d+)\" width=\"[^\"]*\" height=\"(\\d+)\" fill=\"#e53935\"");

  /** The rows of three members, each down for the whole run. */
  private static TreeMap<String, List<Chart.Span>> rows() {
    TreeMap<String, List<Chart.Span>> rows = new TreeMap<>();
    for (int i = 0; i < 3; i++) {
      rows.put("basic-" + i, List.of(new Chart.Span(0, 120_000_000L, "down")));
    }
    return rows;
  }

  /** The fault bands of a chart, each as {@code y/height}. */
  private static List<String> bands(FaultDef f) {
    Matcher m = FAULT.matcher(Chart.svg(List.of(f), rows(), 120_000_000L));
    List<String> out = new ArrayList<>();
    while (m.find()) {
      out.add(m.group(1) + "/" + m.group(2));
    }
    return out;
  }

  /**
   * A fault on one member is drawn over that member's row (the rows start at y 20 and are 22
   * high), whatever its kind; a fault of the whole cluster over every row.
   */
  @Test
  void aMemberFaultIsDrawnOverItsMembersRowOnly() {
    String row1 = "42/22";
    String row2 = "64/22";
    String all = "20/66";
    assertEquals(List.of(row1), bands(new FaultDef.WrongPeerUrl(0, null, 1, 0)));
    assertEquals(List.of(row2), bands(new FaultDef.RestoreSnapshot(20_000_000, null, 2,
        10_000_000, false, 0)));
    assertEquals(List.of(row1), bands(new FaultDef.LivenessKill(5_000_000, null, 1, 0)));
    assertEquals(List.of(row2), bands(new FaultDef.Crash(5_000_000, null, 2, false,
        OptionalLong.empty(), 0)));
    assertEquals(List.of("20/22"), bands(new FaultDef.NeverStart(0, null, 0, 0)));
    assertEquals(List.of(all), bands(new FaultDef.OperatorRestart(5_000_000, null, 0, 0)));
    assertEquals(List.of(all), bands(new FaultDef.Partition(5_000_000, null,
        List.of(List.of(0), List.of(1, 2)), OptionalLong.empty(), 0)));
  }
}
