package dev.timewait.core.owners;

/** How a TIME_WAIT socket's owner is named. */
public enum OwnerKind {
  /** A code site of a JVM whose agent recorded the close of that very 4-tuple: exact. */
  JVM_SITE("jvm-site"),
  /** A process that holds or held other sockets to the same destination: estimated. */
  PROCESS("process"),
  /** Nothing explains the socket. */
  UNKNOWN("unknown");

  private final String label;

  OwnerKind(String label) {
    this.label = label;
  }

  /** The name used in reports: {@code jvm-site}, {@code process} or {@code unknown}. */
  public String label() {
    return label;
  }
}
