package io.pdlab.reports;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads and writes {@code results.json} with Jackson. Writing is byte-stable: fixed field order
 * ({@code @JsonPropertyOrder}), map keys sorted, two-space indent, LF newlines whatever the
 * platform, UTF-8, a final newline, and nothing taken from the clock. Reading is strict: unknown
 * or missing fields, a wrong schema version, trailing content and invalid values are errors
 * ({@link ResultsFormatException}) that name the file and the JSON path.
 */
public final class ResultsJson {
  /** File names {@link #readAll} collects: {@code results.json}, {@code results-sim.json}, ... */
  public static final String FILE_GLOB = "results*.json";

  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(SerializationFeature.INDENT_OUTPUT)
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();

  private static final DefaultPrettyPrinter PRINTER = new DefaultPrettyPrinter()
      .withObjectIndenter(new DefaultIndenter("  ", "\n"))
      .withArrayIndenter(new DefaultIndenter("  ", "\n"));

  private ResultsJson() {}

  /** The exact bytes {@link #write} puts in a file. */
  public static byte[] toBytes(Results results) {
    try {
      String json = MAPPER.writer(PRINTER).writeValueAsString(results);
      return (json + "\n").getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("cannot serialize results", e);
    }
  }

  /** Writes {@code results} to {@code file}, replacing it. */
  public static void write(Path file, Results results) throws IOException {
    Files.write(file, toBytes(results));
  }

  /** Reads one results file; a problem in it is a {@link ResultsFormatException}. */
  public static Results read(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    JsonNode tree;
    try {
      tree = MAPPER.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw new ResultsFormatException(file, "malformed JSON" + at(e.getLocation()) + ": "
          + e.getOriginalMessage(), e);
    }
    if (tree == null || tree.isMissingNode() || !tree.isObject()) {
      throw new ResultsFormatException(file, "expected a JSON object at the top", null);
    }
    JsonNode version = tree.get("schemaVersion");
    if (version == null || !version.isInt()) {
      throw new ResultsFormatException(file, "field 'schemaVersion' is missing or not an integer",
          null);
    }
    if (version.intValue() != Results.SCHEMA_VERSION) {
      throw new ResultsFormatException(file, "schemaVersion " + version.intValue()
          + " is not supported (this build reads " + Results.SCHEMA_VERSION + ")", null);
    }
    try {
      return MAPPER.readValue(bytes, Results.class);
    } catch (JsonMappingException e) {
      throw new ResultsFormatException(file, describe(e), e);
    } catch (JsonProcessingException e) {
      throw new ResultsFormatException(file, e.getOriginalMessage(), e);
    }
  }

  /**
   * Reads every {@value #FILE_GLOB} file under {@code dir} (recursively, in sorted path order)
   * and merges them ({@link Results#merge}). A directory without any is an error.
   */
  public static Results readAll(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new IOException(dir + ": not a directory");
    }
    PathMatcher name = dir.getFileSystem().getPathMatcher("glob:" + FILE_GLOB);
    List<Path> files;
    try (Stream<Path> walk = Files.walk(dir)) {
      files = walk.filter(Files::isRegularFile)
          .filter(p -> name.matches(p.getFileName()))
          .sorted()
          .toList();
    }
    if (files.isEmpty()) {
      throw new IOException(dir + ": no " + FILE_GLOB + " file found");
    }
    List<Results> parts = new ArrayList<>();
    for (Path f : files) {
      parts.add(read(f));
    }
    return Results.merge(parts);
  }

  private static String describe(JsonMappingException e) {
    StringBuilder path = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        path.append(path.length() == 0 ? "" : ".").append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        path.append('[').append(ref.getIndex()).append(']');
      }
    }
    String problem = e instanceof ValueInstantiationException && e.getCause() != null
        ? e.getCause().getMessage()
        : e.getOriginalMessage();
    return (path.length() == 0 ? "" : path + ": ") + problem + at(e.getLocation());
  }

  private static String at(JsonLocation loc) {
    return loc == null || loc.getLineNr() < 0
        ? ""
        : " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")";
  }
}
