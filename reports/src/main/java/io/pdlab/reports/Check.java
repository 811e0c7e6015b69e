package io.pdlab.reports;

/** Argument checks whose messages name the schema field, so that a bad file says what is bad. */
final class Check {
  private Check() {}

  static <T> T notNull(String field, T value) {
    if (value == null) {
      throw new IllegalArgumentException("field '" + field + "' is missing or null");
    }
    return value;
  }

  static String notBlank(String field, String value) {
    notNull(field, value);
    if (value.isBlank()) {
      throw new IllegalArgumentException("field '" + field + "' is blank");
    }
    return value;
  }

  static long nonNegative(String field, long value) {
    if (value < 0) {
      throw new IllegalArgumentException("field '" + field + "' is negative: " + value);
    }
    return value;
  }
}
