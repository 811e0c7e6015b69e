/**
 * The trace of a run: every delivered or dropped message, fired timer, fault and state change as a
 * {@link io.pdlab.sim.trace.TraceRecord} with a stable one-line text form, written as text or as
 * JSON lines. Two runs with the same seed produce byte-identical traces.
 */
package io.pdlab.sim.trace;
