/**
 * The real backends' etcd client side: {@link io.pdlab.real.client.EtcdOps} carries out the
 * simulator's client operations against real etcd members with jetcd, and
 * {@link io.pdlab.real.client.ExternalMeasures} observes a real cluster from outside (status polls
 * and a write probe) to produce the simulator's {@code RunMeasures}, whose rules live in the pure
 * {@link io.pdlab.real.client.StatusAggregator}.
 */
package io.pdlab.real.client;
