package io.pdlab.pd.pod;

import io.pdlab.pd.tidb.TidbClusterRead;

/** The world outside a pod, as pods see it. */
public interface PodEnv {
  /** Whether {@code name} resolves in cluster DNS now. */
  boolean resolves(String name);

  /** The API server's answer to reading a TidbCluster. */
  TidbClusterRead readTidbCluster(String namespace, String name);

  /**
   * The pod endpoint a Service named {@code service} routes a new connection to, or null when it
   * has no ready endpoint (the connection is refused).
   */
  String serviceEndpoint(String service);

  /** PD wrote (or found) a PD cluster ID. */
  void pdClusterId(String pod, long id);

  /**
   * Whether {@code answer}, which a client of cluster {@code cluster} just got, is lost: the
   * first successful MemberAdd answer after an {@code add-timeout} fault is; the client then
   * waits out its timeout as if it never came. Worlds without that fault never lose one.
   */
  default boolean loseAddAnswer(String cluster,
      io.pdlab.pd.etcd.EtcdMessages.ClientResponse answer) {
    return false;
  }

  /**
   * The peer URL pod {@code namespace/pod}'s member advertises ({@code --advertise-peer-urls},
   * etcd's {@code --initial-advertise-peer-urls}) when it should advertise {@code url}: {@code
   * url}, unless a {@code wrong-peer-url} fault gave it another.
   */
  default String advertisedPeerUrl(String namespace, String pod, String url) {
    return url;
  }
}
