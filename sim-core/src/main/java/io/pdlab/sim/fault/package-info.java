/**
 * Faults: what can go wrong ({@link io.pdlab.sim.fault.Fault}), a declarative timed list of them
 * ({@link io.pdlab.sim.fault.FaultSchedule}) and a seeded generator of such lists
 * ({@link io.pdlab.sim.fault.RandomFaultGenerator}). A schedule is data: it prints, compares and
 * replays; {@link io.pdlab.sim.fault.FaultTarget} carries it out.
 */
package io.pdlab.sim.fault;
