package io.pdlab.k8s.api;

/**
 * A pod toleration. {@code operator} is Equal (key and value must match) or Exists (key only; an
 * empty key with Exists tolerates everything). A null effect matches every effect.
 */
public record Toleration(String key, String operator, String value, Taint.Effect effect) {
  public static Toleration equal(String key, String value, Taint.Effect effect) {
    return new Toleration(key, "Equal", value, effect);
  }

  /** Kubernetes' ToleratesTaint. */
  public boolean tolerates(Taint t) {
    if (effect != null && effect != t.effect()) {
      return false;
    }
    if ("Exists".equals(operator)) {
      return key == null || key.isEmpty() || key.equals(t.key());
    }
    return t.key().equals(key) && t.value().equals(value == null ? "" : value);
  }
}
