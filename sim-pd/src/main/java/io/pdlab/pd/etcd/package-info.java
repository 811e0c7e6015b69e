/**
 * The etcd member as a deterministic state machine on sim-core: a Raft core ({@link
 * io.pdlab.pd.etcd.Raft}: terms, votes, pre-vote, CheckQuorum, a log of configuration entries and
 * client writes, commit, learners) and the etcd server around it ({@link
 * io.pdlab.pd.etcd.EtcdMember}: static and joining bootstrap, member and cluster IDs, the peer
 * transport with cluster-ID checks, membership API with strict-reconfig-check, publishing the name,
 * initial election tick advance, client writes and linearizable reads). Every number comes from
 * {@link io.pdlab.pd.etcd.EtcdTiming} or {@link io.pdlab.pd.etcd.EtcdConstants}, each naming its
 * source.
 */
package io.pdlab.pd.etcd;
