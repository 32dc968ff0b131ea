package dev.timewait.agent.internal.jmx;

import java.util.Map;

/**
 * {@code dev.timewait:type=Closes}: every TCP close this JVM made, by kind, role, code site and
 * remote endpoint. Open types only, so that any JMX console shows it without timewait's classes.
 */
@Description("TCP closes of this JVM by kind, role, code site and remote endpoint")
public interface ClosesMXBean {
  @Description(
      "Connections whose FIN this JVM sent first: each leaves a TIME_WAIT socket on this host")
  long getActiveCloses();

  @Description("Connections the peer closed first: no TIME_WAIT here")
  long getPassiveCloses();

  @Description("Connections ended by RST from this JVM (SO_LINGER 0 or unread data)")
  long getAbortiveCloses();

  @Description("Closes by kind and role, keyed active/client, passive/server and so on")
  Map<String, Long> getClosesByKindAndRole();

  @Description(
      "Closes by code site row (close site, open site, role: client, server, unknown) and kind;"
          + " estimated: how many of them are estimates from sampled stacks")
  Map<SiteKey, SiteCloses> getSiteCloses();

  @Description(
      "Closes past siteRate whose stacks were not walked: exact in the totals and endpoints, in"
          + " the site rows through the sampled closes' weights")
  long getSitesSampledOut();

  @Description(
      "Abortive closes that sent their FIN first and that the kernel then reset with no TIME_WAIT"
          + " (the peer's data came after the close); counted active until the agent saw them gone")
  long getResetAfterFin();

  @Description(
      "Active closes by close site (the first application frame of the closing thread); sites"
          + " without one are left out")
  Map<String, Long> getActiveClosesBySite();

  @Description(
      "Active closes by open site (the code that connected or accepted); sites without one are"
          + " left out")
  Map<String, Long> getActiveClosesByOpenSite();

  @Description("Active closes by remote endpoint ip:port; endpoints without one are left out")
  Map<String, Long> getActiveClosesByEndpoint();

  @Description(
      "Servers' idle cut-offs in milliseconds by remote endpoint ip:port: the shortest of a cluster"
          + " of idle times before the server's FIN on connections this JVM opened; endpoints"
          + " without one are left out")
  Map<String, Long> getServerIdleCutoffMillisByEndpoint();

  @Description(
      "Whether idle times before a peer's FIN are read from the kernel's tcp_info ('available'),"
          + " or why not")
  String getIdleTimes();

  @Description(
      "Connections the peer closed while the application kept them open past closeWaitAfter")
  long getCloseWaitConnections();

  @Description("CLOSE_WAIT leaks by open site (the code that connected or accepted)")
  Map<String, Long> getCloseWaitByOpenSite();

  @Description("Connections open now that the agent saw being opened")
  long getTrackedConnections();
}
