package io.pdlab.pd.tidb;

import java.util.List;

/** The outcome of a {@link DiscoveryAction.GetPdMembers}: the member list, or an error. */
public sealed interface PdMembersResult {
  /** HTTP 200 with a parsable member list, in the order PD listed them. */
  record Members(List<PdMember> members) implements PdMembersResult {
    public Members {
      members = List.copyOf(members);
    }
  }

  /**
   * No usable answer: connection refused, timeout, no endpoint behind the Service, or a non-200
   * status ({@code httputil.GetBodyOK} turns those into errors). {@code error} becomes the 500
   * body.
   */
  record Failed(String error) implements PdMembersResult {}
}
