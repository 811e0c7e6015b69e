package io.pdlab.scenarios.yaml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** {@link ScenarioParser#parseDuration}: microseconds from {@code 500ms}, {@code 1.5s}, ... */
class ParseDurationTest {
  private static String error(String text) {
    return assertThrows(IllegalArgumentException.class, () -> ScenarioParser.parseDuration(text))
        .getMessage();
  }

  @Test
  void everyUnit() {
    assertEquals(500_000L, ScenarioParser.parseDuration("500ms"));
    assertEquals(3_000_000L, ScenarioParser.parseDuration("3s"));
    assertEquals(120_000_000L, ScenarioParser.parseDuration("2m"));
    assertEquals(3_600_000_000L, ScenarioParser.parseDuration("1h"));
    assertEquals(86_400_000_000L, ScenarioParser.parseDuration("24h"));
    assertEquals(0L, ScenarioParser.parseDuration("0s"));
    assertEquals(0L, ScenarioParser.parseDuration("0ms"));
  }

  @Test
  void fractions() {
    assertEquals(1_500_000L, ScenarioParser.parseDuration("1.5s"));
    assertEquals(500_000L, ScenarioParser.parseDuration("0.5s"));
    assertEquals(250_000L, ScenarioParser.parseDuration(".25s"));
    assertEquals(1_500L, ScenarioParser.parseDuration("1.5ms"));
    assertEquals(1L, ScenarioParser.parseDuration("0.001ms"));
    assertEquals(90_000_000L, ScenarioParser.parseDuration("1.5m"));
    assertEquals(5_400_000_000L, ScenarioParser.parseDuration("1.5h"));
    assertEquals(2_000_000L, ScenarioParser.parseDuration("2.000s"));
  }

  @Test
  void chainedTermsSignsAndSpaces() {
    assertEquals(90_000_000L, ScenarioParser.parseDuration("1m30s"));
    assertEquals(3_723_000_500L, ScenarioParser.parseDuration("1h2m3s0.5ms"));
    assertEquals(-1_000_000L, ScenarioParser.parseDuration("-1s"));
    assertEquals(1_000_000L, ScenarioParser.parseDuration("+1s"));
    assertEquals(2_000L, ScenarioParser.parseDuration(" 2ms "));
  }

  @Test
  void bareNumbersAskForAUnit() {
    assertEquals("'5' has no unit: a duration needs one, e.g. '5s' (units: ms, s, m, h)",
        error("5"));
    assertEquals("'1.5' has no unit: a duration needs one, e.g. '1.5s' (units: ms, s, m, h)",
        error("1.5"));
    assertEquals("'0' has no unit: a duration needs one, e.g. '0s' (units: ms, s, m, h)",
        error("0"));
    assertEquals("'-3' has no unit: a duration needs one, e.g. '-3s' (units: ms, s, m, h)",
        error("-3"));
    assertEquals("'1m30' has a number without a unit (units: ms, s, m, h)", error("1m30"));
  }

  @Test
  void badUnits() {
    assertEquals("'5sec' has an unknown unit 'sec' (units: ms, s, m, h)", error("5sec"));
    assertEquals("'5us' has an unknown unit 'us' (units: ms, s, m, h)", error("5us"));
    assertEquals("'5S' has an unknown unit 'S' (units: ms, s, m, h)", error("5S"));
    assertEquals("'1d' has an unknown unit 'd' (units: ms, s, m, h)", error("1d"));
    assertEquals("'5 s' has an unknown unit ' s' (units: ms, s, m, h)", error("5 s"));
  }

  @Test
  void notADuration() {
    String tail = " is not a duration: write a number and a unit, e.g. '1.5s' (units: ms, s, m, h)";
    assertEquals("'abc'" + tail, error("abc"));
    assertEquals("''" + tail, error(""));
    assertEquals("'-'" + tail, error("-"));
    assertEquals("'s'" + tail, error("s"));
    assertEquals("'--1s'" + tail, error("--1s"));
    assertEquals("'1.2.3s'" + tail, error("1.2.3s"));
  }

  @Test
  void finerThanAMicrosecondOrTooLong() {
    assertEquals("'0.0001ms' is finer than a microsecond", error("0.0001ms"));
    assertEquals("'1.0000001s' is finer than a microsecond", error("1.0000001s"));
    assertEquals("'9999999999999h' is too long", error("9999999999999h"));
  }
}
