/**
 * Processes as state machines: a {@link io.pdlab.sim.process.Process} reacts to start, messages and
 * timers through a {@link io.pdlab.sim.process.ProcessContext}, which is all it may touch (time,
 * its random stream, its durable {@link io.pdlab.sim.process.Disk}, sending, timers). The simulator
 * and the real-time driver both implement the context, so one process class runs under either.
 */
package io.pdlab.sim.process;
