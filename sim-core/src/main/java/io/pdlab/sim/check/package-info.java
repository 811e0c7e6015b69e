/**
 * Invariants checked while a run goes on (on every trace record) and at its end, and the
 * violations they report, each with the time, the trace position and an excerpt of the trace that
 * led to it.
 */
package io.pdlab.sim.check;
