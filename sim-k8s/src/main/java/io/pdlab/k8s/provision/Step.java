package io.pdlab.k8s.provision;

import io.pdlab.sim.Distribution;

/**
 * One timed step of a resource. Most resources are one step named like the resource; setup-env
 * is a chain of steps. A polled step ({@code pollUs > 0}) models
 * {@code until check; do sleep p; done}: its duration is drawn as the time until the check would
 * pass, then rounded up to the next poll.
 *
 * @param name the step's name, also its override key in {@link ProvisionParameters}
 * @param duration the step's duration (or, if polled, the time until its check passes)
 * @param pollUs the poll interval, 0 when the step is not a poll loop
 */
public record Step(String name, Distribution duration, long pollUs) {
  public Step {
    if (name == null || name.isBlank() || duration == null || pollUs < 0) {
      throw new IllegalArgumentException("step needs a name, a duration and a poll >= 0, got "
          + name + " " + duration + " poll=" + pollUs);
    }
  }

  /** A step that is not a poll loop. */
  public static Step of(String name, Distribution duration) {
    return new Step(name, duration, 0);
  }

  /** The step's realized duration for a drawn value: rounded up to a whole poll if polled. */
  public long realizedUs(long drawnUs) {
    if (pollUs == 0) {
      return drawnUs;
    }
    return Math.multiplyExact((drawnUs + pollUs - 1) / pollUs, pollUs);
  }

  /** A copy with another duration. */
  public Step withDuration(Distribution d) {
    return new Step(name, d, pollUs);
  }
}
