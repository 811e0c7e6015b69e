package io.pdlab.pd.etcd;

import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A member's key-value store as {@code etcdctl snapshot save} copies it (clientv3 Maintenance
 * Snapshot streams that one member's backend db, not a consensus read): its keys and its mvcc
 * revision. Restored into a data dir ({@link EtcdMember#restore}) it is the store a restarted
 * member starts from before it replays or receives entries.
 *
 * @param kv the keys and values
 * @param revision the store's revision (1 for an empty store)
 */
public record StoreSnapshot(SortedMap<String, String> kv, long revision) {
  public StoreSnapshot {
    kv = Collections.unmodifiableSortedMap(new TreeMap<>(kv));
    if (revision < 1) {
      throw new IllegalArgumentException("a store's revision is at least 1, got " + revision);
    }
  }
}
