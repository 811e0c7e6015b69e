/**
 * The simulated network between named endpoints: per-link latency, loss, duplication and
 * (optional) reordering; partitions of any shape, one-way cuts and heals; and the reachability and
 * quorum questions answered on a jgrapht graph of the links that are up.
 */
package io.pdlab.sim.net;
