/**
 * Running etcd/PD clusters in the simulator and judging the runs: a client process, the recorder
 * of what members did, the invariants (one leader per term, committed entries never diverge, no
 * match index beyond a leader's log, each member's term, commit index and committed entries never
 * going back until its disk is wiped, acknowledged writes survive, one cluster), and the measures
 * of protocols.md section 4 (bootstrap time, unavailable time, zero-tolerance time, cluster IDs,
 * membership timeline, outcome).
 */
package io.pdlab.pd.run;
