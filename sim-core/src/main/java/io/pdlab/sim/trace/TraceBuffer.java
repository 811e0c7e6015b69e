package io.pdlab.sim.trace;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Keeps every record of a run in memory, for tests and for writing the trace to a file after the
 * run. Files are written to a temporary file and moved into place, so a failed write leaves no
 * half-written trace.
 */
public final class TraceBuffer implements TraceSink {
  private final List<TraceRecord> records = new ArrayList<>();

  @Override
  public void accept(TraceRecord record) {
    records.add(record);
  }

  public List<TraceRecord> records() {
    return Collections.unmodifiableList(records);
  }

  /** The whole trace in text form, one record a line, each line ending in a newline. */
  public String toText() {
    StringBuilder sb = new StringBuilder(records.size() * 48);
    for (TraceRecord r : records) {
      sb.append(r.toText()).append('\n');
    }
    return sb.toString();
  }

  public void writeText(Writer out) throws IOException {
    for (TraceRecord r : records) {
      out.write(r.toText());
      out.write('\n');
    }
  }

  public void writeJsonLines(Writer out) throws IOException {
    for (TraceRecord r : records) {
      out.write(r.toJson());
      out.write('\n');
    }
  }

  /** Writes the trace to {@code file}, as JSON lines if its name ends in {@code .jsonl}. */
  public void writeTo(Path file) {
    boolean json = file.getFileName().toString().endsWith(".jsonl");
    Path dir = file.toAbsolutePath().getParent();
    try {
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, ".trace-", ".tmp");
      try {
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
          if (json) {
            writeJsonLines(w);
          } else {
            writeText(w);
          }
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING,
            StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write trace to " + file + ": " + e.getMessage(), e);
    }
  }
}
