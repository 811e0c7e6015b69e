/**
 * Deterministic helpers for directed acyclic graphs built with JGraphT: a topological order whose
 * ties are broken by a caller-supplied comparator, cycle detection that names one concrete cycle,
 * and a critical-path (longest-path) analysis of task graphs with durations in microseconds. No
 * result depends on hash codes or on the order in which vertices were added, provided the
 * comparator is a total order on the vertices, so the same graph always yields the same answer.
 */
package io.pdlab.sim.dag;
