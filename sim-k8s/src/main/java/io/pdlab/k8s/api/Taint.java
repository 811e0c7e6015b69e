package io.pdlab.k8s.api;

/** A node taint, e.g. {@code dedicated=pd:NoSchedule}. */
public record Taint(String key, String value, Effect effect) {
  /** Taint effects. */
  public enum Effect { NoSchedule, PreferNoSchedule, NoExecute }

  /** Parses {@code key=value:Effect}. */
  public static Taint parse(String s) {
    int colon = s.lastIndexOf(':');
    int eq = s.indexOf('=');
    if (colon < 0 || eq < 0 || eq > colon) {
      throw new IllegalArgumentException("taint '" + s + "' is not key=value:Effect");
    }
    return new Taint(s.substring(0, eq), s.substring(eq + 1, colon),
        Effect.valueOf(s.substring(colon + 1)));
  }

  @Override
  public String toString() {
    return key + "=" + value + ":" + effect;
  }
}
