/**
 * The real backends: etcd 3.4 processes on loopback and etcd containers, driven in real time by
 * the same state machines as the simulator.
 */
package io.pdlab.real;
