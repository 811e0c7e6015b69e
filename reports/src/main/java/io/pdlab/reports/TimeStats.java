package io.pdlab.reports;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * Nearest-rank percentiles and maximum of one time measure over the runs of a group, in
 * milliseconds (see {@link Percentiles} for the method).
 */
@JsonPropertyOrder({"p50", "p95", "p99", "max"})
public record TimeStats(
    @JsonProperty(value = "p50", required = true) long p50,
    @JsonProperty(value = "p95", required = true) long p95,
    @JsonProperty(value = "p99", required = true) long p99,
    @JsonProperty(value = "max", required = true) long max) {}
