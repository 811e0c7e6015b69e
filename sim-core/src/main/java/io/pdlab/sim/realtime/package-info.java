/**
 * The wall-clock driver: the same {@link io.pdlab.sim.World} and process classes as the simulator,
 * run on real time by one executor thread. This package is outside the determinism ban: it reads
 * the wall clock on purpose. Later adapters (real etcd processes, containers, k3s) build on it.
 */
package io.pdlab.sim.realtime;
