package io.pdlab.pd.etcd;

import java.util.List;

/**
 * What a log entry carries. Entries proposed for a client name their origin (member ID and request
 * ID) so that the member that took the request answers it when it applies the entry.
 */
public sealed interface EntryData {
  /** A new leader's empty entry, which lets it commit entries of earlier terms. */
  record Noop() implements EntryData {
    @Override
    public String toString() {
      return "noop";
    }
  }

  /** The kinds of configuration change etcd 3.4 makes. */
  enum ConfType { ADD_VOTER, ADD_LEARNER, PROMOTE, REMOVE }

  /** A configuration change; takes effect when applied (etcd raft ApplyConfChange). */
  record ConfChange(ConfType type, long memberId, List<String> peerUrls, long origin, long requestId)
      implements EntryData {
    public ConfChange {
      peerUrls = List.copyOf(peerUrls);
    }

    @Override
    public String toString() {
      return "conf " + type + " " + MemberIds.hex(memberId) + (peerUrls.isEmpty() ? ""
          : " " + String.join(",", peerUrls));
    }
  }

  /** A member publishes its name and client URLs: from then on it counts as started. */
  record Publish(long memberId, String name, List<String> clientUrls) implements EntryData {
    public Publish {
      clientUrls = List.copyOf(clientUrls);
    }

    @Override
    public String toString() {
      return "publish " + MemberIds.hex(memberId) + " " + name;
    }
  }

  /** A client write. {@code ifAbsent}: a transaction that writes only when the key is absent. */
  record Put(String key, String value, boolean ifAbsent, long origin, long requestId)
      implements EntryData {
    @Override
    public String toString() {
      return (ifAbsent ? "create " : "put ") + key + "=" + value;
    }
  }

  /** A linearizable read, ordered through the log. */
  record Read(String key, long origin, long requestId) implements EntryData {
    @Override
    public String toString() {
      return "read " + key;
    }
  }
}
