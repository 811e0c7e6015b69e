/**
 * A scenario as data: what the YAML file says, validated. The parser ({@code
 * io.pdlab.scenarios.yaml}) produces it, the runner ({@code io.pdlab.scenarios.run}) carries it out.
 * Times are microseconds; every list is immutable.
 */
package io.pdlab.scenarios.model;
