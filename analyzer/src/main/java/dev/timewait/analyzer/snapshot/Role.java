package dev.timewait.analyzer.snapshot;

import com.fasterxml.jackson.annotation.JsonEnumDefaultValue;

/** Which side of the connection the JVM was. */
public enum Role {
  /** This JVM connected. */
  CLIENT,
  /** This JVM accepted. */
  SERVER,
  /** Opened before the agent was attached, or a value this version does not know. */
  @JsonEnumDefaultValue
  UNKNOWN
}
