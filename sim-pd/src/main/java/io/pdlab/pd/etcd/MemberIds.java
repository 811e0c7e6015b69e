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

  /** ID of a member added at runtime at {@code unixSeconds}. */
  public static long memberId(Collection<String> peerUrls, String token, Long unixSeconds) {
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

  private static byte[] sha1(byte[] in) {
    try {
      return MessageDigest.getInstance("SHA-1").digest(in);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is required by every JDK", e);
    }
  }

  private static long first8(byte[] h) {
    return ByteBuffer.wrap(h, 0, 8).getLong();
  }
}
