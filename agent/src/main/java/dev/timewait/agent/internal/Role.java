package dev.timewait.agent.internal;

/** Which side opened the connection. */
public enum Role {
  /** This JVM connected. */
  CLIENT,
  /** This JVM accepted. */
  SERVER,
  /** The connection was open before the agent started. */
  UNKNOWN
}
