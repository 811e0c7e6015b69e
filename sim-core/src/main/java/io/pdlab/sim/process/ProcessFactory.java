package io.pdlab.sim.process;

/** Creates a fresh instance of a process for each start and restart. */
@FunctionalInterface
public interface ProcessFactory {
  Process create(String name);
}
