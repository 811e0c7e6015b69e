/**
 * The deterministic simulation kernel.
 *
 * <p>A {@link io.pdlab.sim.Simulation} owns one virtual clock and event loop
 * ({@link io.pdlab.sim.EventLoop}), the random streams split from one seed
 * ({@link io.pdlab.sim.RandomStreams}), a simulated network, the simulated processes, a trace
 * and the invariants checked while it runs. Everything in this package and its sub-packages except
 * {@code realtime} is banned (by the forbiddenapis build check) from reading the wall clock,
 * sleeping, drawing unseeded randomness and using hash-ordered collections, so that one seed gives
 * a byte-identical trace.
 */
package io.pdlab.sim;
