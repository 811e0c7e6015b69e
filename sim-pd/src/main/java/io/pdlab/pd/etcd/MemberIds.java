package io.pdlab.pd.etcd;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Member and cluster IDs as etcd derives them (etcdserver/api/membership/member.go NewMember,
 * cluster.go genID): a member ID is the first 8 bytes (big-endian) of sha1(sorted peer URLs joined,
 * + cluster token [+ Unix seconds for runtime adds]); a cluster ID is the first 8 bytes of
 * sha1(the sorted member IDs as 8-byte big-endian values). So the same peer URLs and token always
 * give the same cluster ID (tikv/pd #2606).
 */
public final class MemberIds {
  private MemberIds() {}

  /** ID of a member from the static initial cluster (no time component). */
  public static long memberId(Collection<String> peerUrls, String token) {
    return memberId(peerUrls, token, null);
  }

  /**
   * IDs already computed (a pure function of its inputs; every member of every run derives the
   * same few again). Bounded, least recently used first out.
   */
  private static final int CACHE_SIZE = 4_096;
  private static final java.util.LinkedHashMap<String, Long> CACHE =
      new java.util.LinkedHashMap<>(256, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(java.util.Map.Entry<String, Long> e) {
          return size() > CACHE_SIZE;
        }
      };

  /** ID of a member added at runtime at {@code unixSeconds}. */
  public static long memberId(Collection<String> peerUrls, String token, Long unixSeconds) {
    String key = (peerUrls.size() == 1 ? peerUrls.iterator().next() : String.join("\n",
        new java.util.TreeSet<>(peerUrls))) + "\u0000" + token + "\u0000" + unixSeconds;
    synchronized (CACHE) {
      Long known = CACHE.get(key);
      if (known != null) {
        return known;
      }
    }
    long id = computeMemberId(peerUrls, token, unixSeconds);
    synchronized (CACHE) {
      CACHE.put(key, id);
    }
    return id;
  }

  private static long computeMemberId(Collection<String> peerUrls, String token,
      Long unixSeconds) {
    List<String> sorted = new ArrayList<>(peerUrls);
    sorted.sort(null);
    StringBuilder sb = new StringBuilder();
    for (String u : sorted) {
      sb.append(u);
    }
    sb.append(token);
    if (unixSeconds != null) {
      sb.append(unixSeconds);
    }
    return first8(sha1(sb.toString().getBytes(StandardCharsets.UTF_8)));
  }

  /** The cluster ID of a set of member IDs. */
  public static long clusterId(Collection<Long> memberIds) {
    List<Long> sorted = new ArrayList<>(memberIds);
    sorted.sort(Long::compareUnsigned);
    ByteBuffer b = ByteBuffer.allocate(8 * sorted.size());
    for (long id : sorted) {
      b.putLong(id);
    }
    return first8(sha1(b.array()));
  }

  /** etcd prints IDs as lower-case hex. */
  public static String hex(long id) {
    return Long.toHexString(id);
  }

  /** Looked up once; each use clones it (a provider lookup per ID costs more than the hash). */
  private static final MessageDigest SHA1;

  static {
    try {
      SHA1 = MessageDigest.getInstance("SHA-1");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is required by every JDK", e);
    }
  }

  private static byte[] sha1(byte[] in) {
    try {
      return ((MessageDigest) SHA1.clone()).digest(in);
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException("the JDK's SHA-1 digest is cloneable", e);
    }
  }

  private static long first8(byte[] h) {
    return ByteBuffer.wrap(h, 0, 8).getLong();
  }
}
