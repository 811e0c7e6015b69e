/**
 * Results and report of pdlab runs.
 *
 * <p>{@link io.pdlab.reports.RunRecord} is one run, {@link io.pdlab.reports.Summary} the
 * statistics of one (backend, strategy, members, fault) group, {@link io.pdlab.reports.Results}
 * the content of {@code results.json} (schema in {@code docs/results-schema.md}).
 * {@link io.pdlab.reports.ResultsJson} reads, writes and merges it with byte-stable output, and
 * {@link io.pdlab.reports.Report} turns it into {@code report.html} and {@code report.md}.
 * {@link io.pdlab.reports.Calibration} sets simulator runs against the same runs on real etcd
 * (backends other than {@code sim}), for {@code pdlab calibrate} and the report.
 *
 * <p>This package depends on its own schema only, never on simulator internals: simulated and
 * real backends produce the same records, so the report can put them side by side. Everything it
 * writes is a function of its input (no timestamps, no hash-ordered iteration).
 */
package io.pdlab.reports;
