package dev.timewait.agent.internal.jmx;

import java.util.Map;

/** {@code dev.timewait:type=Agent}: the agent itself, its options, health and full snapshot. */
@Description("The timewait agent: version, options, health and the whole snapshot")
public interface AgentMXBean {
  @Description("Agent version")
  String getVersion();

  @Description("Java version of this JVM")
  String getJavaVersion();

  @Description("The JDK classes and methods instrumented")
  String[] getInstrumentedPaths();

  @Description("How the peer's FIN is detected: by asking the kernel (Linux) or from EOF")
  String getPeerFinDetection();

  @Description("Options as given on the command line or at attach")
  Map<String, String> getOptions();

  @Description("Errors inside the agent, counted and suppressed; the application never sees them")
  long getErrorCount();

  @Description("Closes counted under '(other sites)' because the site table was full")
  long getSiteOverflow();

  @Description("Closes counted under '(other endpoints)' because the endpoint table was full")
  long getEndpointOverflow();

  @Description("Recent active closes overwritten while younger than 60 s")
  long getRecentCloseOverflow();

  @Description(
      "Closes of the agent's own, the JMX connector's and the metrics exporter's sockets, not"
          + " counted as application closes")
  long getInternalCloses();

  @Description("The whole state as timewait.snapshot/1 JSON")
  String getSnapshotJson();
}
