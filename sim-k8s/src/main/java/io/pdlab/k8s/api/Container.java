package io.pdlab.k8s.api;

/**
 * A container of a pod template. {@code role} says which simulated process the kubelet runs for
 * it (the model's stand-in for the image's entrypoint); {@code args} are its flags.
 */
public record Container(String name, String image, String role, java.util.List<String> args) {
  public Container {
    args = java.util.List.copyOf(args);
  }
}
