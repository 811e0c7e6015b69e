/**
 * Carries out a scenario on the simulated backend: builds the infrastructure (default nodes, given
 * worker groups, or the provisioning graph), installs each cluster's strategy, schedules the
 * faults, runs for the scenario's duration, and judges the measures against its expectations.
 */
package io.pdlab.scenarios.run;
