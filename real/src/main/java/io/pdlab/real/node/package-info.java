/**
 * Real etcd 3.4 members for pdlab's real backends: as local processes on their own loopback
 * addresses ({@link io.pdlab.real.node.LocalEtcdBackend}) and as containers built from the host's
 * etcd binary ({@link io.pdlab.real.node.ContainerEtcdBackend}).
 *
 * <p>A driver asks a backend for a node per member name; the node's peer and client URLs are
 * fixed from that moment on, so an operator can call MemberAdd before the member exists. The
 * driver then starts, kills, restarts, wipes, pauses and (for containers) partitions members.
 *
 * <p>Everything a backend creates (run directory, processes, containers, networks, images) is
 * marked with its owner (pid and start instant of the JVM), removed by {@code close()}, by a JVM
 * shutdown hook, and, when a JVM was killed, by {@link io.pdlab.real.node.Reaper} in a later JVM.
 */
package io.pdlab.real.node;
