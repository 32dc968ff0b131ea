package dev.timewait.core.rules;

import java.util.Locale;

/** How urgent a finding is, most urgent first. */
public enum Severity {
  CRITICAL,
  WARNING,
  INFO;

  /** The lower-case name used in reports and on the command line. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether this severity is at least as urgent as {@code other}. */
  public boolean atLeast(Severity other) {
    return ordinal() <= other.ordinal();
  }

  /** Parses {@code critical}, {@code warning} or {@code info}, in any case. */
  public static Severity parse(String text) {
    for (Severity severity : values()) {
      if (severity.name().equalsIgnoreCase(text.strip())) {
        return severity;
      }
    }
    throw new IllegalArgumentException(
        "unknown severity '" + text + "' (expected critical, warning or info)");
  }
}
