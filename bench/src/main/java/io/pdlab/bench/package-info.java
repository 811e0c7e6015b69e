/**
 * JMH benchmarks of pdlab. Run {@code java -jar bench/target/benchmarks.jar -rf json -rff
 * results.json} after {@code mvn package}; each benchmark sets up seeded data once and reports
 * operations (events) per second. Targets are checked here, never by timed unit tests.
 */
package io.pdlab.bench;
