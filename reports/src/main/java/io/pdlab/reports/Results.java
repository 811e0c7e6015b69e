package io.pdlab.reports;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.TreeSet;

/**
 * The content of {@code results.json}: every run and the summary of every group. Build it with
 * {@link #of} (sorts the records, computes the summaries) or {@link #merge}; the canonical
 * constructor is for the JSON reader.
 *
 * @param schemaVersion always {@link #SCHEMA_VERSION}
 * @param generatedBy what produced the file (tool, version, command); never a timestamp
 * @param records the runs, in {@link Ordering#RECORD} order
 * @param summaries one per group, in {@link Ordering#GROUP} order
 */
@JsonPropertyOrder({"schemaVersion", "generatedBy", "records", "summaries"})
public record Results(
    @JsonProperty(value = "schemaVersion", required = true) int schemaVersion,
    @JsonProperty(value = "generatedBy", required = true) String generatedBy,
    @JsonProperty(value = "records", required = true) List<RunRecord> records,
    @JsonProperty(value = "summaries", required = true) List<Summary> summaries) {

  /** The schema version this build reads and writes. */
  public static final int SCHEMA_VERSION = 1;

  /** Checks the version and takes immutable copies. */
  public Results {
    if (schemaVersion != SCHEMA_VERSION) {
      throw new IllegalArgumentException("schemaVersion " + schemaVersion
          + " is not supported (this build reads " + SCHEMA_VERSION + ")");
    }
    Check.notNull("generatedBy", generatedBy);
    records = List.copyOf(Check.notNull("records", records));
    summaries = List.copyOf(Check.notNull("summaries", summaries));
  }

  /** Results of {@code records}: sorted by {@link Ordering#RECORD}, summaries recomputed. */
  public static Results of(String generatedBy, List<RunRecord> records) {
    List<RunRecord> sorted = new ArrayList<>(records);
    sorted.sort(Ordering.RECORD); // stable: equal keys keep the runner's order
    return new Results(SCHEMA_VERSION, generatedBy, sorted, Summary.compute(sorted));
  }

  /**
   * Several results as one: all records (a record equal in every field to one already taken is
   * the same run read twice, e.g. a copied file, and is dropped), summaries recomputed, and
   * {@code generatedBy} the distinct producers in sorted order joined by {@code "; "}.
   */
  public static Results merge(List<Results> parts) {
    LinkedHashSet<RunRecord> records = new LinkedHashSet<>();
    TreeSet<String> producers = new TreeSet<>();
    for (Results r : parts) {
      records.addAll(r.records());
      producers.add(r.generatedBy());
    }
    return of(String.join("; ", producers), new ArrayList<>(records));
  }
}
