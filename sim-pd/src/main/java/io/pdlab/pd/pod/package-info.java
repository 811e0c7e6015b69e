/**
 * The PD pod and the discovery pod as simulated processes: drivers that carry out the actions of
 * the pure state machines ({@link io.pdlab.pd.tidb.PdStartScript}, {@link io.pdlab.pd.server.PdJoin},
 * {@link io.pdlab.pd.tidb.DiscoveryService}) and host the embedded {@link
 * io.pdlab.pd.etcd.EtcdMember}. What lies outside the pod (DNS, the API server, Services) comes
 * from a {@link io.pdlab.pd.pod.PodEnv}, which sim-k8s and tests provide.
 */
package io.pdlab.pd.pod;
