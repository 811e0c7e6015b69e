package io.pdlab.sim.net;

import io.pdlab.sim.Distribution;

/**
 * How one directed link behaves while it is up.
 *
 * @param latency one-way delay of each message
 * @param lossProbability chance that a message is lost, in [0, 1]
 * @param duplicateProbability chance that a message is delivered twice, in [0, 1]
 * @param reorder whether later messages may overtake earlier ones; when false the link is FIFO,
 *     like the TCP connections etcd peers use, and a message is never delivered before one sent
 *     earlier on the same link
 */
public record LinkSpec(Distribution latency, double lossProbability, double duplicateProbability,
    boolean reorder) {

  /**
   * The default link: 500 us one way, no loss, FIFO. An assumption for a same-zone network (no
   * source in protocols.md names a latency); real-backend calibration replaces it.
   */
  public static final LinkSpec DEFAULT = new LinkSpec(Distribution.constant(500), 0, 0, false);

  public LinkSpec {
    if (latency == null) {
      throw new IllegalArgumentException("link latency distribution is required");
    }
    if (!(lossProbability >= 0 && lossProbability <= 1)) {
      throw new IllegalArgumentException("loss probability must be in [0, 1], got " + lossProbability);
    }
    if (!(duplicateProbability >= 0 && duplicateProbability <= 1)) {
      throw new IllegalArgumentException(
          "duplicate probability must be in [0, 1], got " + duplicateProbability);
    }
  }

  public static LinkSpec latency(Distribution latency) {
    return new LinkSpec(latency, 0, 0, false);
  }

  public LinkSpec withLoss(double p) {
    return new LinkSpec(latency, p, duplicateProbability, reorder);
  }

  public LinkSpec withDuplication(double p) {
    return new LinkSpec(latency, lossProbability, p, reorder);
  }

  public LinkSpec withReordering(boolean on) {
    return new LinkSpec(latency, lossProbability, duplicateProbability, on);
  }
}
