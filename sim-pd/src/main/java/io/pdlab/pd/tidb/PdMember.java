package io.pdlab.pd.tidb;

import java.util.List;

/**
 * One entry of PD's {@code GET /pd/api/v1/members} answer, reduced to what discovery reads. A
 * member that was added but has not started yet has an empty name. Discovery builds the
 * {@code --join} list from the first peer URL of each member (not from its client URLs), see
 * {@link DiscoveryService}.
 */
public record PdMember(String name, List<String> peerUrls) {
  public PdMember {
    if (name == null) {
      throw new IllegalArgumentException(
          "name must not be null (use \"\" for an unstarted member)");
    }
    peerUrls = List.copyOf(peerUrls);
    if (peerUrls.isEmpty()) {
      // discovery.go indexes member.PeerUrls[0]; etcd never lists a member without a peer URL.
      throw new IllegalArgumentException("member '" + name + "' has no peer URL");
    }
  }

  public static PdMember of(String name, String peerUrl) {
    return new PdMember(name, List.of(peerUrl));
  }
}
