package io.pdlab.reports;

import static io.pdlab.reports.Fixtures.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultsJsonTest {
  @TempDir Path dir;

  @Test
  void roundTripKeepsEveryField() throws IOException {
    Results results = Results.of("pdlab test", Fixtures.dataset());
    Path f = dir.resolve("results.json");
    ResultsJson.write(f, results);
    assertEquals(results, ResultsJson.read(f));
  }

  @Test
  void sameRecordsGiveTheSameBytesWhateverTheirOrder() throws IOException {
    List<RunRecord> records = Fixtures.dataset();
    List<RunRecord> shuffled = new ArrayList<>(records);
    Collections.reverse(shuffled);
    Path a = dir.resolve("a.json");
    Path b = dir.resolve("b.json");
    ResultsJson.write(a, Results.of("pdlab test", records));
    ResultsJson.write(b, Results.of("pdlab test", shuffled));
    byte[] bytes = Files.readAllBytes(a);
    assertArrayEquals(bytes, Files.readAllBytes(b));
    // Re-reading and re-writing is a fixed point.
    ResultsJson.write(b, ResultsJson.read(a));
    assertArrayEquals(bytes, Files.readAllBytes(b));
    String text = new String(bytes, StandardCharsets.UTF_8);
    assertFalse(text.contains("\r"), "LF newlines only");
    assertTrue(text.endsWith("}\n"));
    assertTrue(text.startsWith("{\n  \"schemaVersion\" : 1,\n  \"generatedBy\" : \"pdlab test\","));
    // params keys are sorted even though the fixture inserted tickMs first
    assertTrue(text.indexOf("\"electionMs\"") < text.indexOf("\"tickMs\""));
  }

  @Test
  void nullBootstrapIsWrittenAsNull() throws IOException {
    Results results = Results.of("t", List.of(run("sim", "seed-join", 3, 1, "kill", "stuck",
        null)));
    String text = new String(ResultsJson.toBytes(results), StandardCharsets.UTF_8);
    assertTrue(text.contains("\"bootstrapMs\" : null"), text);
    Path f = dir.resolve("results.json");
    ResultsJson.write(f, results);
    assertNull(ResultsJson.read(f).records().get(0).bootstrapMs());
  }

  @Test
  void mergeReadsEveryResultsFileAndRecomputesSummaries() throws IOException {
    List<RunRecord> all = Fixtures.dataset();
    List<RunRecord> sim = all.stream().filter(r -> r.fault().equals("none")).toList();
    List<RunRecord> faulted = all.stream().filter(r -> !r.fault().equals("none")).toList();
    Files.createDirectories(dir.resolve("run-a"));
    Files.createDirectories(dir.resolve("run-b/nested"));
    ResultsJson.write(dir.resolve("run-a/results.json"), Results.of("pdlab compare", sim));
    ResultsJson.write(dir.resolve("run-b/nested/results-faults.json"),
        Results.of("pdlab compare --faults", faulted));
    // a copy of the same run is the same records, not twice the data
    ResultsJson.write(dir.resolve("run-b/results-copy.json"), Results.of("pdlab compare", sim));
    Files.writeString(dir.resolve("run-a/other.json"), "not results");

    Results merged = ResultsJson.readAll(dir);
    Results expected = Results.of("pdlab compare; pdlab compare --faults", all);
    assertEquals(expected, merged);
    assertEquals(all.size(), merged.records().size());
    assertEquals(Summary.compute(merged.records()), merged.summaries());
  }

  @Test
  void malformedJsonNamesTheFile() throws IOException {
    Path f = dir.resolve("results-bad.json");
    Files.writeString(f, "{\"schemaVersion\": 1, \"records\": [");
    ResultsFormatException e = assertThrows(ResultsFormatException.class,
        () -> ResultsJson.read(f));
    assertTrue(e.getMessage().startsWith(f + ": malformed JSON"), e.getMessage());
    assertEquals(f, e.file());
    // readAll reports the same file
    ResultsFormatException e2 = assertThrows(ResultsFormatException.class,
        () -> ResultsJson.readAll(dir));
    assertTrue(e2.getMessage().contains("results-bad.json"), e2.getMessage());
  }

  @Test
  void wrongSchemaVersionIsRefused() throws IOException {
    Path f = dir.resolve("results.json");
    Files.writeString(f, "{\"schemaVersion\": 2, \"generatedBy\": \"x\", \"records\": [],"
        + " \"summaries\": [], \"newField\": 1}");
    ResultsFormatException e = assertThrows(ResultsFormatException.class,
        () -> ResultsJson.read(f));
    assertEquals(f + ": schemaVersion 2 is not supported (this build reads 1)", e.getMessage());
  }

  @Test
  void missingFieldNamesTheFieldAndTheRecord() throws IOException {
    Path f = dir.resolve("results.json");
    ResultsJson.write(f, Results.of("t", List.of(run("sim", "static", 3, 1, "none", "ok", 5L))));
    String text = Files.readString(f).replace("\"outcome\" : \"ok\",\n", "");
    Files.writeString(f, text);
    ResultsFormatException e = assertThrows(ResultsFormatException.class,
        () -> ResultsJson.read(f));
    assertTrue(e.getMessage().startsWith(f + ": records[0].outcome: "), e.getMessage());
    assertTrue(e.getMessage().contains("Missing required creator property 'outcome'"),
        e.getMessage());
  }

  @Test
  void invalidValueNamesTheFieldAndTheRecord() throws IOException {
    Path f = dir.resolve("results.json");
    ResultsJson.write(f, Results.of("t", List.of(run("sim", "static", 3, 1, "none", "ok", 5L))));
    Files.writeString(f, Files.readString(f).replace("\"outcome\" : \"ok\"",
        "\"outcome\" : \"great\""));
    ResultsFormatException e = assertThrows(ResultsFormatException.class,
        () -> ResultsJson.read(f));
    assertTrue(e.getMessage().startsWith(f + ": records[0]: field 'outcome': 'great' is not one"),
        e.getMessage());
  }

  @Test
  void unknownFieldIsRefused() throws IOException {
    Path f = dir.resolve("results.json");
    ResultsJson.write(f, Results.of("t", List.of(run("sim", "static", 3, 1, "none", "ok", 5L))));
    Files.writeString(f,
        Files.readString(f).replace("\"events\" :", "\"evnets\" : 1, \"events\" :"));
    ResultsFormatException e = assertThrows(ResultsFormatException.class,
        () -> ResultsJson.read(f));
    assertTrue(e.getMessage().contains("records[0].evnets"), e.getMessage());
  }

  @Test
  void directoryWithoutResultsIsAnError() {
    IOException e = assertThrows(IOException.class, () -> ResultsJson.readAll(dir));
    assertTrue(e.getMessage().contains("no results*.json"), e.getMessage());
  }
}
