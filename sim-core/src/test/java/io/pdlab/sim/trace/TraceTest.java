package io.pdlab.sim.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pdlab.sim.EventLoop;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TraceTest {
  @Test
  void textFormIsStableAndOneLine() {
    TraceRecord r = new TraceRecord(7, 12_000, TraceKind.DELIVER, "b", "a->b Ping[n=3]");
    assertEquals("0.012000 #7 DELIVER b a->b Ping[n=3]", r.toText());
    TraceRecord multi = new TraceRecord(0, 3_000_001, TraceKind.STATE, "x", "line1\nline2\r");
    assertEquals("3.000001 #0 STATE x line1\\nline2\\r", multi.toText());
    assertEquals("0.000000 #1 NOTE - ", new TraceRecord(1, 0, TraceKind.NOTE, "-", "").toText()
        + " ");
    assertEquals("12.345678", TraceRecord.formatTime(12_345_678));
  }

  @Test
  void jsonLinesEscapeEverythingThatNeedsIt() {
    TraceRecord r = new TraceRecord(2, 5, TraceKind.FAULT, "n\"1", "tab\there \\ \u0001 \"q\"\n");
    assertEquals("{\"seq\":2,\"t_us\":5,\"kind\":\"FAULT\",\"node\":\"n\\\"1\","
        + "\"detail\":\"tab\\there \\\\ \\u0001 \\\"q\\\"\\n\"}", r.toJson());
  }

  @Test
  void traceNumbersRecordsStampsTimeAndFeedsSinksInOrder() {
    EventLoop loop = new EventLoop(10);
    Trace trace = new Trace(loop, true);
    TraceBuffer buf = new TraceBuffer();
    TraceRing ring = new TraceRing(2);
    trace.addSink(buf);
    trace.addSink(ring);
    trace.record(TraceKind.NOTE, "-", "a");
    loop.schedule(1_500_000, () -> trace.record(TraceKind.NOTE, "-", "b"));
    loop.runNext(Long.MAX_VALUE);
    trace.record(TraceKind.NOTE, "-", "c");
    assertEquals("0.000000 #0 NOTE - a\n1.500000 #1 NOTE - b\n1.500000 #2 NOTE - c\n",
        buf.toText());
    assertEquals(List.of("b", "c"), ring.snapshot().stream().map(TraceRecord::detail).toList());
    assertEquals(3, trace.size());
  }

  @Test
  void aTraceWithoutMessagesRecordsTheOtherKindsNumberedInTurn() {
    Trace trace = new Trace(new EventLoop(1), true);
    TraceBuffer buf = new TraceBuffer();
    trace.addSink(buf);
    trace.leaveOutMessages();
    assertFalse(trace.messages());
    for (TraceKind k : TraceKind.values()) {
      trace.record(k, "n", k.name());
    }
    assertEquals("0.000000 #0 FAULT n FAULT\n0.000000 #1 STATE n STATE\n0.000000 #2 NOTE n NOTE\n",
        buf.toText());
    assertTrue(new Trace(new EventLoop(1), true).messages());
    assertFalse(new Trace(new EventLoop(1), false).messages());
  }

  @Test
  void disabledTraceRecordsNothing() {
    Trace trace = new Trace(new EventLoop(1), false);
    TraceBuffer buf = new TraceBuffer();
    trace.addSink(buf);
    trace.record(TraceKind.NOTE, "-", "x");
    assertTrue(buf.records().isEmpty());
    assertFalse(trace.enabled());
  }

  @Test
  void writesTextAndJsonLinesFilesWholly(@TempDir Path dir) throws Exception {
    TraceBuffer buf = new TraceBuffer();
    buf.accept(new TraceRecord(0, 1, TraceKind.NOTE, "-", "hello"));
    buf.accept(new TraceRecord(1, 2, TraceKind.STATE, "a", "up"));
    Path text = dir.resolve("sub/run.trace");
    Path json = dir.resolve("run.jsonl");
    buf.writeTo(text);
    buf.writeTo(json);
    assertEquals(buf.toText(), Files.readString(text, StandardCharsets.UTF_8));
    List<String> lines = Files.readAllLines(json);
    assertEquals(2, lines.size());
    assertTrue(lines.get(1).startsWith("{\"seq\":1,\"t_us\":2,\"kind\":\"STATE\""));
    try (var files = Files.list(dir)) {
      assertEquals(0, files.filter(p -> p.getFileName().toString().endsWith(".tmp")).count());
    }
  }

  @Test
  void aFailedWriteSaysWhereAndLeavesNothingBehind(@TempDir Path dir) throws Exception {
    TraceBuffer buf = new TraceBuffer();
    buf.accept(new TraceRecord(0, 1, TraceKind.NOTE, "-", "hello"));
    Path blocker = dir.resolve("file");
    Files.writeString(blocker, "x");
    UncheckedIOException e = assertThrows(UncheckedIOException.class,
        () -> buf.writeTo(blocker.resolve("run.trace")));
    assertTrue(e.getMessage().contains("cannot write trace to " + blocker.resolve("run.trace")));
    assertEquals("x", Files.readString(blocker));
  }
}
