package dev.timewait.agent.internal.jmx;

import java.util.Map;

/** {@code dev.timewait:type=Agent}: the agent itself, its options, health and full snapshot. */
public interface AgentMXBean {
  String getVersion();

  String getJavaVersion();

  /** The JDK classes and methods instrumented. */
  String[] getInstrumentedPaths();

  /** How the peer's FIN is detected: by asking the kernel (Linux) or from EOF. */
  String getPeerFinDetection();

  /** Options as given on the command line or at attach. */
  Map<String, String> getOptions();

  /** Errors inside the agent, counted and suppressed; the application never sees them. */
  long getErrorCount();

  /** Closes counted under "(other sites)" because the site table was full. */
  long getSiteOverflow();

  /** Closes counted under "(other endpoints)" because the endpoint table was full. */
  long getEndpointOverflow();

  /** Recent active closes overwritten while younger than 60 s. */
  long getRecentCloseOverflow();

  /**
   * Closes of the agent's own and the JMX connector's sockets, not counted as application closes.
   */
  long getInternalCloses();

  /** The whole state as {@code timewait.snapshot/1} JSON. */
  String getSnapshotJson();
}
