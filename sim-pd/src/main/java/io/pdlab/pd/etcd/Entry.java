package io.pdlab.pd.etcd;

/** One Raft log entry. */
public record Entry(long term, long index, EntryData data) {
  @Override
  public String toString() {
    return index + "@" + term + ":" + data;
  }
}
