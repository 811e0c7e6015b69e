/**
 * The PD server's bootstrap logic as pure state machines: {@link io.pdlab.pd.server.PdJoin} (tikv/pd
 * server/join/join.go PrepareJoinCluster) and the numbers of PD's start-up ({@link
 * io.pdlab.pd.server.PdConstants}). Drivers carry out their actions: the simulated PD pod in
 * {@code io.pdlab.pd.pod}, later the real backends.
 */
package io.pdlab.pd.server;
