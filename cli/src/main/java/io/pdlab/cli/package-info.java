/**
 * The {@code pdlab} command: {@code compare} runs every combination of strategy, size and fault
 * on the simulated backend and writes results and the report; {@code run} runs one scenario file;
 * {@code report} rebuilds a report from results files. Exit codes: 0 success, 1 an expectation
 * failed, 2 bad usage or input.
 */
package io.pdlab.cli;
