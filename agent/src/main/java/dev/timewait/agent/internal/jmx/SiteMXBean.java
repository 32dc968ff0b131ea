package dev.timewait.agent.internal.jmx;

/**
 * {@code dev.timewait:type=Site,id=N}: one code site row (close site, open site, role) of {@code
 * type=Closes}, as a bean of its own, so that tools that read plain attributes only (the
 * OpenTelemetry Java agent's JMX metric rules) can label its counts with the site. {@code id}
 * numbers the rows in the order the agent's thread first saw them; the first {@value
 * SiteBeans#MAX_BEANS} rows have a bean, every row is in {@code type=Closes}.
 */
@Description("Closes of one code site row: close site, open site, role, library")
public interface SiteMXBean {
  @Description("The close site: the first application frame of the closing thread")
  String getSite();

  @Description(
      "The open site: the first application frame of the thread that connected or accepted")
  String getOpenSite();

  @Description("client (this JVM connected), server (it accepted) or unknown")
  String getRole();

  @Description("The library the connections went through (Maven coordinates or a JDK module), or -")
  String getVia();

  @Description("Connections of this row whose FIN this JVM sent first: TIME_WAIT on this host")
  long getActive();

  @Description("Connections of this row the peer closed first")
  long getPassive();

  @Description("Connections of this row ended by RST from this JVM")
  long getAbortive();

  @Description(
      "How many of this row's closes are estimated from sampled stacks (past siteRate); 0: exact")
  long getEstimated();
}
