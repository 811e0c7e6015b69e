package io.pdlab.k8s.manifest;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The string rules of Kubernetes API validation, ported from
 * k8s.io/apimachinery/pkg/util/validation/validation.go (the {@code Is*} functions every kind's
 * validation calls). Each returns the list of messages Go would return: empty means valid. The
 * messages keep Go's wording so a problem found here reads like the API server's rejection.
 */
final class ApiRules {
  /** {@code DNS1123LabelMaxLength}. */
  static final int DNS1123_LABEL_MAX_LENGTH = 63;
  /** {@code DNS1123SubdomainMaxLength}. */
  static final int DNS1123_SUBDOMAIN_MAX_LENGTH = 253;
  /** {@code DNS1035LabelMaxLength}. */
  static final int DNS1035_LABEL_MAX_LENGTH = 63;
  /** {@code qualifiedNameMaxLength}: the name part of a label or annotation key. */
  static final int QUALIFIED_NAME_MAX_LENGTH = 63;
  /** {@code LabelValueMaxLength}. */
  static final int LABEL_VALUE_MAX_LENGTH = 63;
  /** IsConfigMapKey: keys are at most {@code DNS1123SubdomainMaxLength} long. */
  static final int CONFIG_MAP_KEY_MAX_LENGTH = 253;
  /** IsValidPortName: an IANA_SVC_NAME is at most 15 characters (RFC 6335 section 5.1). */
  static final int PORT_NAME_MAX_LENGTH = 15;

  static final String DNS1123_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
  static final String DNS1123_SUBDOMAIN_FMT =
      DNS1123_LABEL_FMT + "(\\." + DNS1123_LABEL_FMT + ")*";
  static final String DNS1035_LABEL_FMT = "[a-z]([-a-z0-9]*[a-z0-9])?";
  static final String QUALIFIED_NAME_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
  static final String LABEL_VALUE_FMT = "(" + QUALIFIED_NAME_FMT + ")?";
  static final String CONFIG_MAP_KEY_FMT = "[-._a-zA-Z0-9]+";

  private static final Pattern DNS1123_LABEL = Pattern.compile(DNS1123_LABEL_FMT);
  private static final Pattern DNS1123_SUBDOMAIN = Pattern.compile(DNS1123_SUBDOMAIN_FMT);
  private static final Pattern DNS1035_LABEL = Pattern.compile(DNS1035_LABEL_FMT);
  private static final Pattern QUALIFIED_NAME = Pattern.compile(QUALIFIED_NAME_FMT);
  private static final Pattern LABEL_VALUE = Pattern.compile(LABEL_VALUE_FMT);
  private static final Pattern CONFIG_MAP_KEY = Pattern.compile(CONFIG_MAP_KEY_FMT);
  /** {@code portNameCharsetRegex} and {@code portNameOneLetterRegexp}. */
  private static final Pattern PORT_NAME_CHARSET = Pattern.compile("[-a-z0-9]+");
  private static final Pattern PORT_NAME_ONE_LETTER = Pattern.compile(".*[a-z].*");

  private ApiRules() {}

  static String maxLenError(int length) {
    return "must be no more than " + length + " characters";
  }

  static String regexError(String msg, String fmt, String... examples) {
    StringBuilder sb = new StringBuilder(msg).append(" (");
    if (examples.length > 0) {
      sb.append("e.g. ");
      for (int i = 0; i < examples.length; i++) {
        sb.append(i == 0 ? "" : " or ").append('\'').append(examples[i]).append('\'');
      }
      sb.append(", ");
    }
    return sb.append("regex used for validation is '").append(fmt).append("')").toString();
  }

  /** IsDNS1123Label: a lowercase RFC 1123 label, at most 63 characters. */
  static List<String> isDns1123Label(String value) {
    List<String> errs = new ArrayList<>();
    if (value.length() > DNS1123_LABEL_MAX_LENGTH) {
      errs.add(maxLenError(DNS1123_LABEL_MAX_LENGTH));
    }
    if (!DNS1123_LABEL.matcher(value).matches()) {
      errs.add(regexError("a lowercase RFC 1123 label must consist of lower case alphanumeric "
          + "characters or '-', and must start and end with an alphanumeric character",
          DNS1123_LABEL_FMT, "my-name", "123-abc"));
    }
    return errs;
  }

  /** IsDNS1123Subdomain: lowercase RFC 1123 labels joined by dots, at most 253 characters. */
  static List<String> isDns1123Subdomain(String value) {
    List<String> errs = new ArrayList<>();
    if (value.length() > DNS1123_SUBDOMAIN_MAX_LENGTH) {
      errs.add(maxLenError(DNS1123_SUBDOMAIN_MAX_LENGTH));
    }
    if (!DNS1123_SUBDOMAIN.matcher(value).matches()) {
      errs.add(regexError("a lowercase RFC 1123 subdomain must consist of lower case "
          + "alphanumeric characters, '-' or '.', and must start and end with an alphanumeric "
          + "character", DNS1123_SUBDOMAIN_FMT, "example.com"));
    }
    return errs;
  }

  /** IsDNS1035Label: like a DNS-1123 label but starting with a letter (Service names). */
  static List<String> isDns1035Label(String value) {
    List<String> errs = new ArrayList<>();
    if (value.length() > DNS1035_LABEL_MAX_LENGTH) {
      errs.add(maxLenError(DNS1035_LABEL_MAX_LENGTH));
    }
    if (!DNS1035_LABEL.matcher(value).matches()) {
      errs.add(regexError("a DNS-1035 label must consist of lower case alphanumeric characters "
          + "or '-', start with an alphabetic character, and end with an alphanumeric character",
          DNS1035_LABEL_FMT, "my-name", "abc-123"));
    }
    return errs;
  }

  /**
   * IsQualifiedName: label and annotation keys, {@code [prefix/]name} where the prefix is a
   * DNS-1123 subdomain and the name at most 63 characters of {@code [-A-Za-z0-9_.]}.
   */
  static List<String> isQualifiedName(String value) {
    List<String> errs = new ArrayList<>();
    String[] parts = value.split("/", -1);
    String name;
    if (parts.length == 1) {
      name = parts[0];
    } else if (parts.length == 2) {
      String prefix = parts[0];
      name = parts[1];
      if (prefix.isEmpty()) {
        errs.add("prefix part must be non-empty");
      } else {
        for (String msg : isDns1123Subdomain(prefix)) {
          errs.add("prefix part " + msg);
        }
      }
    } else {
      errs.add(regexError("a qualified name must consist of alphanumeric characters, '-', '_' "
          + "or '.', and must start and end with an alphanumeric character with an optional "
          + "DNS subdomain prefix and '/'", QUALIFIED_NAME_FMT, "MyName", "my.name",
          "123-abc"));
      return errs;
    }
    if (name.isEmpty()) {
      errs.add("name part must be non-empty");
    } else if (name.length() > QUALIFIED_NAME_MAX_LENGTH) {
      errs.add("name part " + maxLenError(QUALIFIED_NAME_MAX_LENGTH));
    }
    if (!name.isEmpty() && !QUALIFIED_NAME.matcher(name).matches()) {
      errs.add("name part " + regexError("must consist of alphanumeric characters, '-', '_' or "
          + "'.', and must start and end with an alphanumeric character", QUALIFIED_NAME_FMT,
          "MyName", "my.name", "123-abc"));
    }
    return errs;
  }

  /** IsValidLabelValue: empty, or at most 63 characters of {@code [-A-Za-z0-9_.]}. */
  static List<String> isValidLabelValue(String value) {
    List<String> errs = new ArrayList<>();
    if (value.length() > LABEL_VALUE_MAX_LENGTH) {
      errs.add(maxLenError(LABEL_VALUE_MAX_LENGTH));
    }
    if (!LABEL_VALUE.matcher(value).matches()) {
      errs.add(regexError("a valid label must be an empty string or consist of alphanumeric "
          + "characters, '-', '_' or '.', and must start and end with an alphanumeric character",
          LABEL_VALUE_FMT, "MyValue", "my_value", "12345"));
    }
    return errs;
  }

  /** IsConfigMapKey: {@code [-._a-zA-Z0-9]+}, at most 253 characters, not "." or "..". */
  static List<String> isConfigMapKey(String value) {
    List<String> errs = new ArrayList<>();
    if (value.length() > CONFIG_MAP_KEY_MAX_LENGTH) {
      errs.add(maxLenError(CONFIG_MAP_KEY_MAX_LENGTH));
    }
    if (!CONFIG_MAP_KEY.matcher(value).matches()) {
      errs.add(regexError("a valid config key must consist of alphanumeric characters, '-', '_' "
          + "or '.'", CONFIG_MAP_KEY_FMT, "key.name", "KEY_NAME", "key-name"));
    }
    if (value.equals(".")) {
      errs.add("must not be '.'");
    } else if (value.equals("..")) {
      errs.add("must not be '..'");
    } else if (value.startsWith("..")) {
      errs.add("must not start with '..'");
    }
    return errs;
  }

  /** IsValidPortNum: 1 to 65535. */
  static List<String> isValidPortNum(int port) {
    List<String> errs = new ArrayList<>();
    if (port < 1 || port > 65535) {
      errs.add("must be between 1 and 65535, inclusive");
    }
    return errs;
  }

  /** IsValidPortName: an IANA_SVC_NAME (RFC 6335): 1-15 of [-a-z0-9], a letter, no "--". */
  static List<String> isValidPortName(String port) {
    List<String> errs = new ArrayList<>();
    if (port.length() > PORT_NAME_MAX_LENGTH) {
      errs.add(maxLenError(PORT_NAME_MAX_LENGTH));
    }
    if (!PORT_NAME_CHARSET.matcher(port).matches()) {
      errs.add("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
    }
    if (!PORT_NAME_ONE_LETTER.matcher(port).matches()) {
      errs.add("must contain at least one letter (a-z)");
    }
    if (port.contains("--")) {
      errs.add("must not contain consecutive hyphens");
    }
    if (!port.isEmpty() && (port.charAt(0) == '-' || port.charAt(port.length() - 1) == '-')) {
      errs.add("must not begin or end with a hyphen");
    }
    return errs;
  }
}
