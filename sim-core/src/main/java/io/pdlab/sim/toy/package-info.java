/**
 * Small reference protocols that exercise the kernel: {@link io.pdlab.sim.toy.PingPong} (the
 * event-loop benchmark's workload) and {@link io.pdlab.sim.toy.Gossip} (the determinism test's
 * workload, with timers, randomness, a disk and faults). They are kernel test fixtures with real
 * behaviour, kept in main code so that the benchmarks and the tests run the same thing.
 */
package io.pdlab.sim.toy;
