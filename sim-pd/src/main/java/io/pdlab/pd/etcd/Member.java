package io.pdlab.pd.etcd;

import java.util.List;

/**
 * One member as the membership knows it.
 *
 * @param name empty until the member has published it (never-started members stay unnamed)
 */
public record Member(long id, String name, List<String> peerUrls, List<String> clientUrls,
    boolean learner) {
  public Member {
    peerUrls = List.copyOf(peerUrls);
    clientUrls = List.copyOf(clientUrls);
  }

  public boolean started() {
    return !name.isEmpty();
  }

  @Override
  public String toString() {
    return MemberIds.hex(id) + "[" + (name.isEmpty() ? "unstarted" : name)
        + (learner ? ",learner" : "") + "]";
  }
}
