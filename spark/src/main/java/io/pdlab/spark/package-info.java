/**
 * The Apache Spark engine: {@code --engine spark} runs compare's and explore's independent,
 * deterministic runs as Spark tasks ({@link io.pdlab.spark.SparkEngine}), on a local master, a
 * local-cluster (separate executor JVMs) or a real cluster through {@code spark-submit}.
 */
package io.pdlab.spark;
