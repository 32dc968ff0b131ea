package dev.timewait.analyzer.cli;

/** The line that says a command started the JVM's local JMX connector, which then stays. */
final class ConnectorNote {
  private ConnectorNote() {}

  static String of(long pid) {
    return "timewait: note: pid "
        + pid
        + " now runs the JDK's local JMX connector (connections from this host only); the JDK"
        + " keeps it until the JVM exits";
  }
}
