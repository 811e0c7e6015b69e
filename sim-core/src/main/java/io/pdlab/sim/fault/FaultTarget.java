package io.pdlab.sim.fault;

import io.pdlab.sim.net.Network;

/** What faults act on: the processes and the network of a run. */
public interface FaultTarget {
  /** Kills a process: volatile state lost, timers cancelled, disk kept. No-op if it is down. */
  void crash(String process);

  /** Starts a process again (crashing it first if it runs), with its disk as it is. */
  void restart(String process);

  /** Freezes a running process: messages and timers wait until {@link #resume}. */
  void pause(String process);

  void resume(String process);

  /** Loses a process's disk; a running process is crashed first and stays down. */
  void wipe(String process);

  Network network();
}
