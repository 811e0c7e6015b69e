package io.pdlab.real.client;

import java.util.Map;

/**
 * Where the members a run expects serve clients right now. The real backend's counterpart of
 * {@code EtcdWorld.expect}/{@code unexpect}: {@link ExternalMeasures} asks it on every poll, so a
 * member that appears (a scaled-out pod), moves (a restarted container on a new address) or goes
 * (a scaled-in member) is followed without further calls.
 *
 * <p>Called from {@link ExternalMeasures}' own thread; implementations must be thread-safe and
 * quick (no I/O).
 */
@FunctionalInterface
public interface MemberDirectory {
  /**
   * Expected member name (its etcd {@code --name}) to the host client endpoint it serves on now,
   * e.g. {@code http://127.0.77.3:40001}; iteration order is the order members are reported in. A
   * member that is expected but has no address yet (not started) maps to null or is left out and
   * then counts only through {@code desiredSize}.
   */
  Map<String, String> endpoints();
}
