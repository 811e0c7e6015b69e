/**
 * tidb-operator v1.5's PD bootstrap (strategy S4 "discovery" in {@code shared/docs/protocols.md}),
 * as two pure state machines that a driver runs: {@link io.pdlab.pd.tidb.DiscoveryService} (the
 * discovery pod's {@code pkg/discovery/discovery.go} and its HTTP handler) and
 * {@link io.pdlab.pd.tidb.PdStartScript} (the v1 PD start script of
 * {@code pkg/manager/member/startscript/v1/template.go}).
 *
 * <p>Both take events, with the current virtual time where it matters, and return the actions to
 * carry out as values ({@link io.pdlab.pd.tidb.DiscoveryAction},
 * {@link io.pdlab.pd.tidb.ScriptAction}). They do no I/O, read no clock, never sleep and draw
 * randomness only from the {@link io.pdlab.sim.Rng} they are given, so the simulator and the real
 * backends drive the same code. Strings and numbers taken from tidb-operator name the file they
 * come from.
 */
package io.pdlab.pd.tidb;
