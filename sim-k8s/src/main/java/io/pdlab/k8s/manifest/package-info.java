/**
 * The edge between the simulator's lean objects ({@code io.pdlab.k8s.api}) and real Kubernetes
 * manifests: every object an operator creates is rendered as a fabric8 model object, printed as
 * deterministic YAML and parsed back; a real API server (pdlab's 1.20.2 control plane, {@code
 * KubeApiIT}) checks that it accepts them, so a Kubernetes driver applies exactly what the
 * simulated operators create.
 *
 * <p>This is the only package of sim-k8s that imports fabric8 or Jackson; simulation code keeps
 * the lean records on its hot path and never sees these types. Entry point: {@link
 * io.pdlab.k8s.manifest.Manifests}.
 */
package io.pdlab.k8s.manifest;
