/**
 * Data-driven test files in the style of etcd-io/raft's testdata: each case is a command line,
 * {@code ----}, and the expected output up to a blank line. A runner computes the actual output of
 * every case; with {@code -Dpdlab.rewrite=true} the file is rewritten with the actual outputs so
 * the change can be reviewed as a diff.
 */
package io.pdlab.sim.datadriven;
