package dev.timewait.core.snapshot;

/** Which side of the connection the JVM was. */
public enum Role {
  /** This JVM connected. */
  CLIENT,
  /** This JVM accepted. */
  SERVER,
  /** Opened before the agent was attached, or a value this version does not know. */
  UNKNOWN;

  /** The role named {@code text}; null and names this version does not know give UNKNOWN. */
  public static Role parse(String text) {
    for (Role role : values()) {
      if (role.name().equals(text)) {
        return role;
      }
    }
    return UNKNOWN;
  }
}
